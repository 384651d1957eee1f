package api

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
)

// validBody is a body each writing route accepts from an admin, so that a
// 404 in the isolation test comes from the tenant check and not from a
// refused body.
var validBody = map[string]string{
	"POST /api/v1/sites":                   `{"name":"Nieuw"}`,
	"PATCH /api/v1/sites/{id}":             `{"name":"Gekaapt","address":"x"}`,
	"POST /api/v1/teams":                   `{"name":"Nieuw"}`,
	"PATCH /api/v1/teams/{id}":             `{"name":"Gekaapt"}`,
	"POST /api/v1/people":                  `{"name":"Nieuw"}`,
	"PATCH /api/v1/people/{id}":            `{"name":"Gekaapt","roles":["expert"]}`,
	"POST /api/v1/people/{id}/evidence":    `{"competence_id":"01a21c1d-0000-7000-8000-000000000000","level":1,"kind":"validation"}`,
	"POST /api/v1/projects/{id}/volunteer": `{"message":"Ik las al tien jaar"}`,
	"POST /api/v1/lessons":                 `{"title":"Nieuw","lang":"nl","learned":"iets"}`,
}

// TestTenantIsolation: every route that takes an id answers 404 to org B
// for each of org A's records, for every one of B's tokens, and changes
// nothing; lists of B never include A's records; B cannot link its
// records to A's. The routes come from the routing table, so a new route
// is covered (or fails the test) without anyone remembering to add it.
func TestTenantIsolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		before := w.snapshot()
		aIDs := map[string][]string{
			"sites":    {w.A.Site.ID, w.A.Site2.ID},
			"teams":    {w.A.Team.ID},
			"people":   {w.A.Admin.ID, w.A.LnD.ID, w.A.Employee.ID, w.A.Lead.ID, w.A.Left.ID},
			"projects": {w.A.Project.ID},
			"lessons":  {w.A.Lesson.ID, w.A.Draft.ID},
		}
		idRoutes := 0
		for _, rt := range w.srv.routes() {
			if !strings.Contains(rt.Path, "{id}") {
				continue
			}
			idRoutes++
			resource := strings.Split(strings.TrimPrefix(rt.Path, Prefix+"/"), "/")[0]
			ids, ok := aIDs[resource]
			if !ok {
				t.Fatalf("route %s: the isolation test does not know records of %q; add them to aIDs", rt.Pattern(), resource)
			}
			body := validBody[rt.Pattern()]
			if rt.Body && body == "" {
				t.Fatalf("route %s takes a body: add a valid one to validBody", rt.Pattern())
			}
			for _, tok := range []string{"adminB", "lndB", "employeeB"} {
				for _, id := range ids {
					res := w.do(rt.Method, strings.ReplaceAll(rt.Path, "{id}", id), tok, body)
					if res.Status != 404 {
						t.Errorf("%s with %s on A's %s: %d, want 404: %s", rt.Pattern(), tok, id, res.Status, res.Body)
						continue
					}
					if code, _ := res.errorCode(t); code != "not_found" {
						t.Errorf("%s: code %s", rt.Pattern(), code)
					}
					if strings.Contains(string(res.Body), id) {
						t.Errorf("%s: the 404 repeats the id back: %s", rt.Pattern(), res.Body)
					}
				}
			}
		}
		if idRoutes < 10 {
			t.Fatalf("only %d routes with ids: the routing table changed shape", idRoutes)
		}

		// Lists of B, with every filter, even filters naming A's ids.
		for _, path := range []string{
			"/api/v1/sites", "/api/v1/sites?q=hengelo", "/api/v1/teams", "/api/v1/teams?site_id={siteA}", "/api/v1/teams?lead_id={leadA}",
			"/api/v1/people", "/api/v1/people?limit=500", "/api/v1/people?team_id={teamA}", "/api/v1/people?site_id={siteA}",
			"/api/v1/people?role=org_admin", "/api/v1/people?active=false", "/api/v1/people?q={domain}", "/api/v1/people?q=example.nl",
			"/api/v1/projects", "/api/v1/projects?site_id={siteA}", "/api/v1/projects?member_id={leadA}", "/api/v1/projects?q=werkgroep",
			"/api/v1/lessons", "/api/v1/lessons?limit=500", "/api/v1/lessons?author_id={empA}", "/api/v1/lessons?status=draft",
			"/api/v1/lessons?visibility=team", "/api/v1/community/lessons",
		} {
			res := w.do("GET", path, "employeeB", "")
			if res.Status != 200 {
				t.Fatalf("GET %s: %d %s", path, res.Status, res.Body)
			}
			for _, ids := range aIDs {
				for _, id := range ids {
					if strings.Contains(string(res.Body), id) {
						t.Errorf("B's list %s includes A's record %s", path, id)
					}
				}
			}
			if strings.Contains(string(res.Body), "admin-a@"+w.domain) {
				t.Errorf("B's list %s includes A's email", path)
			}
		}

		// B's /me is B's.
		if res := w.do("GET", "/api/v1/me", "employeeB", ""); strings.Contains(string(res.Body), w.A.Org.ID) {
			t.Errorf("B's /me mentions A: %s", res.Body)
		}

		// B cannot link its records to A's.
		for _, c := range []struct{ method, path, body, field string }{
			{"POST", "/api/v1/people", `{"name":"X","team_id":"{teamA}"}`, "team_id"},
			{"POST", "/api/v1/people", `{"name":"X","site_id":"{siteA}"}`, "site_id"},
			{"PATCH", "/api/v1/people/{empB}", `{"team_id":"{teamA}"}`, "team_id"},
			{"POST", "/api/v1/teams", `{"name":"X","site_id":"{siteA}"}`, "site_id"},
			{"POST", "/api/v1/teams", `{"name":"X","lead_id":"{adminA}"}`, "lead_id"},
			{"PATCH", "/api/v1/teams/{teamB}", `{"lead_id":"{empA}"}`, "lead_id"},
		} {
			res := w.do(c.method, c.path, "adminB", c.body)
			if res.Status != 422 {
				t.Errorf("%s %s %s: %d, want 422: %s", c.method, c.path, c.body, res.Status, res.Body)
				continue
			}
			if _, field := res.errorCode(t); field != c.field {
				t.Errorf("%s %s: field %q, want %q", c.method, c.path, field, c.field)
			}
		}

		if after := w.snapshot(); after != before {
			t.Fatalf("refused cross-tenant requests changed data:\nbefore %s\nafter  %s", before, after)
		}

		// And A still sees all of its own records.
		res := w.do("GET", "/api/v1/people", "employee", "")
		var l struct{ Total int }
		_ = json.Unmarshal(res.Body, &l)
		if l.Total != 5 {
			t.Fatalf("A sees %d people", l.Total)
		}
	})
}
