package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bakenhq/baken/internal/app"
	"github.com/bakenhq/baken/internal/auth"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

// TestMountedInApp: the API is reachable through the whole application
// (request ids, metrics, the web UI beside it) and serves the demo data.
func TestMountedInApp(t *testing.T) {
	ctx := context.Background()
	a, err := app.New(ctx, app.Config{SQLitePath: filepath.Join(t.TempDir(), "baken.db"), Demo: true, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.DB.Close() })
	orgs, err := a.DB.Organisations(ctx)
	if err != nil || len(orgs) == 0 {
		t.Fatalf("demo organisations: %v", err)
	}
	var company *tenancy.Organisation
	for _, o := range orgs {
		if o.Kind == tenancy.Company {
			company = o
		}
	}
	admins, _, err := a.DB.People(ctx, company.ID, tenancy.PeopleFilter{Role: core.RoleOrgAdmin, Limit: 1})
	if err != nil || len(admins) == 0 {
		t.Fatalf("demo admin: %v", err)
	}
	token := "bkn_" + auth.NewToken()
	if err := a.DB.CreateAPIToken(ctx, company.ID, &store.APIToken{PersonID: admins[0].ID, Name: "t", Role: core.RoleOrgAdmin, TokenHash: auth.TokenHash(token)}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	get := func(path, tok string) (*http.Response, string) {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	res, body := get("/api/v1/people?limit=500", token)
	if res.StatusCode != 200 || res.Header.Get("X-Request-Id") == "" {
		t.Fatalf("people: %d %v %.300s", res.StatusCode, res.Header, body)
	}
	var l struct{ Total int }
	_ = json.Unmarshal([]byte(body), &l)
	if l.Total < 50 {
		t.Fatalf("demo company has %d people via the API", l.Total)
	}
	if res, body := get("/api/v1/people", ""); res.StatusCode != 401 || !strings.Contains(body, `"unauthorized"`) {
		t.Fatalf("no token through the app: %d %s", res.StatusCode, body)
	}
	if res, body := get("/api/v1/nope", token); res.StatusCode != 404 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("unknown API path through the app: %d %s", res.StatusCode, body)
	}
	if res, _ := get("/api/v1/openapi.json", ""); res.StatusCode != 200 {
		t.Fatalf("openapi.json through the app: %d", res.StatusCode)
	}
}
