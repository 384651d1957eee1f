package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/bakenhq/baken/internal/app/apptest"
	"github.com/bakenhq/baken/internal/auth"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/demo"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

// TestMountedInApp: the API is reachable through the whole application,
// listening on a port, on both engines, and serves the demo data; a
// browser session is no way into it (so it needs no CSRF protection).
func TestMountedInApp(t *testing.T) {
	apptest.Each(t, true, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		org, err := s.App.DB.OrganisationBySlug(ctx, "hofman")
		if err != nil {
			t.Fatalf("demo organisation: %v", err)
		}
		orgID, adminID, err := s.App.DB.PersonIDByEmail(ctx, "anna.visser@hofman.example")
		if err != nil || orgID != org.ID {
			t.Fatalf("demo admin: %v", err)
		}
		token := "bkn_" + auth.NewToken()
		if err := s.App.DB.CreateAPIToken(ctx, org.ID, &store.APIToken{PersonID: adminID, Name: "t", Role: core.RoleOrgAdmin, TokenHash: auth.TokenHash(token)}); err != nil {
			t.Fatal(err)
		}
		c := s.Client(t)
		do := func(method, path, tok, body string) *apptest.Response {
			req, _ := http.NewRequest(method, s.URL+path, strings.NewReader(body))
			if tok != "" {
				req.Header.Set("Authorization", "Bearer "+tok)
			}
			if body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			return c.Do(req)
		}

		res := do("GET", "/api/v1/people?limit=500", token, "")
		if res.Status != 200 || res.Header.Get("X-Request-Id") == "" {
			t.Fatalf("people: %d %v %.300s", res.Status, res.Header, res.Body)
		}
		var l struct{ Total int }
		_ = json.Unmarshal([]byte(res.Body), &l)
		n, _ := s.App.DB.CountPeople(ctx, org.ID, false)
		if l.Total != n || n < 50 {
			t.Fatalf("the API lists %d people, the store has %d", l.Total, n)
		}
		if res := do("GET", "/api/v1/nope", token, ""); res.Status != 404 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("unknown API path through the app: %d %s", res.Status, res.Body)
		}
		if res := do("GET", "/api/v1/openapi.json", "", ""); res.Status != 200 {
			t.Fatalf("openapi.json through the app: %d", res.Status)
		}

		// Signed in with a browser session, still no token: 401, and
		// nothing is created.
		c.SignIn("anna.visser@hofman.example", demo.Password)
		if res := do("POST", "/api/v1/sites", "", `{"name":"Via een cookie"}`); res.Status != 401 || !strings.Contains(res.Body, `"unauthorized"`) {
			t.Fatalf("a session cookie reached the API: %d %s", res.Status, res.Body)
		}
		sites, _ := s.App.DB.Sites(ctx, org.ID)
		for _, x := range sites {
			if x.Name == "Via een cookie" {
				t.Fatal("a site was created through a session cookie")
			}
		}

		// The partner organisation's token sees none of the company.
		var partner *tenancy.Organisation
		orgs, _ := s.App.DB.Organisations(ctx)
		for _, o := range orgs {
			if o.ID != org.ID {
				partner = o
			}
		}
		if partner == nil {
			t.Fatal("the demo has no partner organisation")
		}
		people, _, _ := s.App.DB.People(ctx, partner.ID, tenancy.PeopleFilter{Limit: 1})
		if len(people) == 0 {
			t.Fatal("the partner has no people")
		}
		ptoken := "bkn_" + auth.NewToken()
		if err := s.App.DB.CreateAPIToken(ctx, partner.ID, &store.APIToken{PersonID: people[0].ID, Name: "p", Role: core.RoleEmployee, TokenHash: auth.TokenHash(ptoken)}); err != nil {
			t.Fatal(err)
		}
		if res := do("GET", "/api/v1/people/"+adminID, ptoken, ""); res.Status != 404 {
			t.Fatalf("the partner reads the company's admin: %d", res.Status)
		}
		if res := do("GET", "/api/v1/people?q=hofman.example", ptoken, ""); strings.Contains(res.Body, adminID) {
			t.Fatalf("the partner lists the company's people: %s", res.Body)
		}
	})
}
