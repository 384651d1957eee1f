package xapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
	"github.com/bakenhq/baken/internal/xapi"
)

// lrs is a running LRS with one organisation and a credential of scope all.
type lrs struct {
	t      testing.TB
	db     *store.DB
	srv    *httptest.Server
	orgID  string
	key    string
	secret string
	ver    string
}

func newLRS(t testing.TB, db *store.DB) *lrs {
	t.Helper()
	ctx := context.Background()
	org := &tenancy.Organisation{Kind: tenancy.Company, Name: "Acme", Slug: "acme-" + core.NewID()[24:]}
	if err := db.CreateOrganisation(ctx, org); err != nil {
		t.Fatal(err)
	}
	c, err := xapi.CreateCredential(ctx, db, org.ID, "test", []string{xapi.ScopeAll})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(xapi.NewHandler(db, nil))
	t.Cleanup(srv.Close)
	return &lrs{t: t, db: db, srv: srv, orgID: org.ID, key: c.Key, secret: c.Secret, ver: "2.0.0"}
}

// with returns a copy that uses another credential or version.
func (l *lrs) with(key, secret, ver string) *lrs {
	c := *l
	if key != "" {
		c.key, c.secret = key, secret
	}
	if ver != "" {
		c.ver = ver
	}
	return &c
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("response %d %q: %v", r.status, r.body, err)
	}
}

func (l *lrs) do(method, path string, body any, hdr ...string) resp {
	l.t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
		ct = "application/json"
	case []byte:
		rd = bytes.NewReader(b)
		ct = "application/json"
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
		ct = "application/json"
	}
	req, err := http.NewRequest(method, l.srv.URL+path, rd)
	if err != nil {
		l.t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if l.ver != "-" {
		req.Header.Set("X-Experience-API-Version", l.ver)
	}
	if l.key != "" {
		req.SetBasicAuth(l.key, l.secret)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		l.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, res.Header, b}
}

func (l *lrs) expect(want int, r resp) resp {
	l.t.Helper()
	if r.status != want {
		l.t.Fatalf("status %d, want %d: %s", r.status, want, r.body)
	}
	return r
}

// stmt returns a fresh, valid statement; edit it before sending.
func stmt() map[string]any {
	return map[string]any{
		"id":    core.NewID(),
		"actor": map[string]any{"objectType": "Agent", "name": "Jan", "mbox": "mailto:jan@example.com"},
		"verb":  map[string]any{"id": "http://adlnet.gov/expapi/verbs/completed", "display": map[string]any{"en-US": "completed", "nl-NL": "voltooid"}},
		"object": map[string]any{"objectType": "Activity", "id": "http://example.com/activities/cobot-teaching",
			"definition": map[string]any{"name": map[string]any{"en-US": "Cobot teaching", "nl-NL": "Cobot leren"}}},
		"result": map[string]any{"score": map[string]any{"scaled": 0.9}, "completion": true, "success": true, "duration": "PT12M"},
	}
}

func q(kv ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		if i > 0 {
			b.WriteByte('&')
		}
		fmt.Fprintf(&b, "%s=%s", kv[i], urlq(kv[i+1]))
	}
	return b.String()
}

func urlq(s string) string {
	r := strings.NewReplacer("%", "%25", "&", "%26", "+", "%2B", " ", "%20", "#", "%23", "=", "%3D", "?", "%3F")
	return r.Replace(s)
}

type result struct {
	Statements []map[string]any `json:"statements"`
	More       string           `json:"more"`
}
