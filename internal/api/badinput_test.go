package api

import (
	"io"
	"strings"
	"testing"

	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
)

// TestBadInputChangesNothing sends malformed, oversized, mistyped and
// invalid requests, each with a token that would be allowed to make the
// change, and checks each gets its clear error and that the data is
// exactly as before.
func TestBadInputChangesNothing(t *testing.T) {
	big := `{"name":"` + strings.Repeat("x", MaxBody+10) + `"}`
	cases := []struct {
		name         string
		method, path string
		body         string
		header       []string
		status       int
		code, field  string
	}{
		{"malformed JSON", "POST", "/api/v1/people", `{"name":`, nil, 400, "bad_request", ""},
		{"trailing comma", "POST", "/api/v1/sites", `{"name":"X",}`, nil, 400, "bad_request", ""},
		{"not JSON at all", "POST", "/api/v1/teams", `name=X`, nil, 400, "bad_request", ""},
		{"empty body", "POST", "/api/v1/people", ``, []string{"Content-Type", "application/json"}, 400, "bad_request", ""},
		{"array instead of object", "POST", "/api/v1/people", `[{"name":"X"}]`, nil, 400, "bad_request", ""},
		{"two objects", "POST", "/api/v1/people", `{"name":"X"}{"name":"Y"}`, nil, 400, "bad_request", ""},
		{"unknown field", "POST", "/api/v1/people", `{"name":"X","salary":5000}`, nil, 400, "bad_request", "salary"},
		{"unknown field on patch", "PATCH", "/api/v1/sites/{siteA}", `{"name":"X","id":"{siteB}"}`, nil, 400, "bad_request", "id"},
		{"org_id cannot be sent", "PATCH", "/api/v1/people/{empA}", `{"org_id":"{empB}"}`, nil, 400, "bad_request", "org_id"},
		{"name is a number", "POST", "/api/v1/people", `{"name":42}`, nil, 400, "bad_request", "name"},
		{"roles is a string", "PATCH", "/api/v1/people/{empA}", `{"roles":"org_admin"}`, nil, 400, "bad_request", "roles"},
		{"roles hold a number", "PATCH", "/api/v1/people/{empA}", `{"roles":[1]}`, nil, 400, "bad_request", "roles"},
		{"start date is a number", "POST", "/api/v1/people", `{"name":"X","start_date":20240101}`, nil, 400, "bad_request", "start_date"},
		{"site id is an object", "POST", "/api/v1/teams", `{"name":"X","site_id":{"id":"{siteA}"}}`, nil, 400, "bad_request", "site_id"},
		{"text/plain", "POST", "/api/v1/people", `{"name":"X"}`, []string{"Content-Type", "text/plain"}, 415, "unsupported_media_type", ""},
		{"form", "PATCH", "/api/v1/people/{empA}", `{"name":"X"}`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, "unsupported_media_type", ""},
		{"no content type", "POST", "/api/v1/sites", `{"name":"X"}`, []string{"Content-Type", ""}, 415, "unsupported_media_type", ""},
		{"oversized body", "POST", "/api/v1/people", big, nil, 413, "too_large", ""},
		{"oversized patch", "PATCH", "/api/v1/sites/{siteA}", big, nil, 413, "too_large", ""},
		{"invalid email", "POST", "/api/v1/people", `{"name":"X","email":"jan@@example"}`, nil, 422, "invalid", "email"},
		{"invalid email on patch", "PATCH", "/api/v1/people/{empA}", `{"email":"Jan <jan@example.nl>"}`, nil, 422, "invalid", "email"},
		{"duplicate employee number", "POST", "/api/v1/people", `{"name":"X","employee_number":"3"}`, nil, 409, "conflict", "employee_number"},
		{"duplicate employee number on patch", "PATCH", "/api/v1/people/{empA}", `{"employee_number":"2"}`, nil, 409, "conflict", "employee_number"},
		{"duplicate email", "POST", "/api/v1/people", `{"name":"X","email":"LND-A@{domain}"}`, nil, 409, "conflict", "email"},
		{"email of another org's person", "PATCH", "/api/v1/people/{empA}", `{"email":"admin-b@{domain}"}`, nil, 409, "conflict", "email"},
		{"bad employee number", "POST", "/api/v1/people", `{"name":"X","employee_number":"12 34"}`, nil, 422, "invalid", "employee_number"},
		{"empty name", "POST", "/api/v1/people", `{"name":"   "}`, nil, 422, "invalid", "name"},
		{"null name on patch", "PATCH", "/api/v1/people/{empA}", `{"name":null}`, nil, 422, "invalid", "name"},
		{"impossible date", "POST", "/api/v1/people", `{"name":"X","start_date":"2024-02-30"}`, nil, 422, "invalid", "start_date"},
		{"date far ahead", "POST", "/api/v1/people", `{"name":"X","start_date":"2099-01-01"}`, nil, 422, "invalid", "start_date"},
		{"unknown role", "POST", "/api/v1/people", `{"name":"X","roles":["king"]}`, nil, 422, "invalid", "roles"},
		{"bad language", "PATCH", "/api/v1/people/{empA}", `{"language":"de"}`, nil, 422, "invalid", "language"},
		{"junk team id", "PATCH", "/api/v1/people/{empA}", `{"team_id":"abc"}`, nil, 422, "invalid", "team_id"},
		{"missing team", "PATCH", "/api/v1/people/{empA}", `{"team_id":"0190aaaa-0000-7000-8000-000000000000"}`, nil, 422, "invalid", "team_id"},
		{"NUL in a name", "POST", "/api/v1/sites", `{"name":"a\u0000b"}`, nil, 400, "bad_request", "name"},
		{"NUL in a query", "GET", "/api/v1/people?q=a%00b", ``, nil, 400, "bad_request", "q"},
		{"duplicate site", "PATCH", "/api/v1/sites/{site2A}", `{"name":"Hengelo"}`, nil, 409, "conflict", "name"},
		{"long site name", "POST", "/api/v1/sites", `{"name":"` + strings.Repeat("é", 201) + `"}`, nil, 422, "invalid", "name"},
		{"delete a used team", "DELETE", "/api/v1/teams/{teamA}", ``, nil, 409, "conflict", ""},
		{"employee token creates a person", "POST", "/api/v1/people", `{"name":"X"}`, []string{"Authorization", "Bearer {empTokA}"}, 403, "forbidden", ""},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		before := w.snapshot()
		for _, c := range cases {
			hdr := append([]string(nil), c.header...)
			for i := range hdr {
				hdr[i] = strings.ReplaceAll(hdr[i], "{empTokA}", w.A.EmpTok)
			}
			res := w.doReader(c.method, w.vars(c.path), w.A.AdminTok, strings.NewReader(w.vars(c.body)), c.body != "", hdr...)
			if res.Status != c.status {
				t.Errorf("%s: status %d, want %d: %.300s", c.name, res.Status, c.status, res.Body)
				continue
			}
			if code, field := res.errorCode(t); code != c.code || field != c.field {
				t.Errorf("%s: error %s/%q, want %s/%q: %s", c.name, code, field, c.code, c.field, res.Body)
			}
		}

		// An oversized body without Content-Length (chunked) is cut off
		// while reading.
		res := w.doReader("POST", "/api/v1/people", w.A.AdminTok, io.MultiReader(strings.NewReader(big)), true)
		if res.Status != 413 {
			t.Errorf("chunked oversized body: %d %.200s", res.Status, res.Body)
		}
		if after := w.snapshot(); after != before {
			t.Fatalf("refused requests changed data:\nbefore %s\nafter  %s", before, after)
		}
	})
}
