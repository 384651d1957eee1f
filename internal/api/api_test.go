package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/tenancy"
)

// scenario is one request against a fresh world and what must come back.
// Paths and bodies may use the placeholders of world.vars.
type scenario struct {
	name         string
	method, path string
	token        string // see world.token
	body         string
	header       []string // extra header pairs; "" value deletes
	status       int
	code, field  string   // for error responses
	contains     []string // substrings of the response body (after vars)
	absent       []string // substrings that must not be in the body
	after        func(t *testing.T, w *world, res response)
}

// runScenarios runs each scenario on both engines, each in a world of its
// own (two fresh organisations) on one database per engine, so no
// scenario sees another's changes. A refused request (status ≥ 400) must
// leave its world exactly as it was.
func runScenarios(t *testing.T, scenarios []scenario) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for _, sc := range scenarios {
			t.Run(sc.name, func(t *testing.T) {
				w := newWorld(t, db)
				before := ""
				if sc.status >= 400 {
					before = w.snapshot()
				}
				res := w.do(sc.method, sc.path, sc.token, sc.body, sc.header...)
				if res.Status != sc.status {
					t.Fatalf("%s %s: status %d, want %d: %s", sc.method, sc.path, res.Status, sc.status, res.Body)
				}
				if sc.code != "" {
					code, field := res.errorCode(t)
					if code != sc.code || field != sc.field {
						t.Fatalf("error %s/%q, want %s/%q: %s", code, field, sc.code, sc.field, res.Body)
					}
				}
				for _, s := range sc.contains {
					if !strings.Contains(string(res.Body), w.vars(s)) {
						t.Errorf("body lacks %q: %s", w.vars(s), res.Body)
					}
				}
				for _, s := range sc.absent {
					if strings.Contains(string(res.Body), w.vars(s)) {
						t.Errorf("body has %q: %s", w.vars(s), res.Body)
					}
				}
				if before != "" {
					if after := w.snapshot(); after != before {
						t.Fatalf("%s %s answered %d but changed data", sc.method, sc.path, res.Status)
					}
				}
				if sc.after != nil {
					sc.after(t, w, res)
				}
			})
		}
	})
}

func TestAuthentication(t *testing.T) {
	runScenarios(t, []scenario{
		{name: "no token", method: "GET", path: "/api/v1/people", status: 401, code: "unauthorized",
			after: func(t *testing.T, w *world, res response) {
				if !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("401 without WWW-Authenticate: %v", res.Header)
				}
			}},
		{name: "basic scheme", method: "GET", path: "/api/v1/people", header: []string{"Authorization", "Basic YTpi"}, status: 401, code: "unauthorized"},
		{name: "bearer without token", method: "GET", path: "/api/v1/people", header: []string{"Authorization", "Bearer "}, status: 401, code: "unauthorized"},
		{name: "unknown token", method: "GET", path: "/api/v1/people", header: []string{"Authorization", "Bearer nope"}, status: 401, code: "unauthorized"},
		{name: "scheme is case-insensitive", method: "GET", path: "/api/v1/me", token: "admin", status: 200,
			after: func(t *testing.T, w *world, _ response) {
				res := w.doReader("GET", "/api/v1/me", "", strings.NewReader(""), false, "Authorization", "bearer "+w.A.AdminTok)
				if res.Status != 200 {
					t.Errorf("lowercase bearer: %d %s", res.Status, res.Body)
				}
			}},
		{name: "token of a person who left", method: "GET", path: "/api/v1/people", token: "left", status: 401, code: "unauthorized"},
		{name: "me", method: "GET", path: "/api/v1/me", token: "lnd", status: 200,
			contains: []string{`"id":"{lndA}"`, `"slug":"org-a-`, `"roles":["employee","learning_coordinator"]`}},
		{name: "token role no longer held acts as employee", method: "GET", path: "/api/v1/me", token: "demoted", status: 200,
			contains: []string{`"roles":["employee"]`}},
		{name: "demoted token cannot create sites", method: "POST", path: "/api/v1/sites", token: "demoted", body: `{"name":"X"}`, status: 403, code: "forbidden"},
		{name: "openapi is public", method: "GET", path: "/api/v1/openapi.json", status: 200, contains: []string{`"openapi": "3.1.0"`}},
		{name: "unknown endpoint", method: "GET", path: "/api/v1/nothing", token: "admin", status: 404, code: "not_found"},
		{name: "wrong method", method: "PUT", path: "/api/v1/sites/{siteA}", token: "admin", body: `{}`, status: 405, code: "method_not_allowed",
			after: func(t *testing.T, w *world, res response) {
				if got := res.Header.Get("Allow"); got != "DELETE, GET, PATCH" {
					t.Errorf("Allow %q", got)
				}
			}},
	})
}

func TestSites(t *testing.T) {
	runScenarios(t, []scenario{
		{name: "list", method: "GET", path: "/api/v1/sites", token: "employee", status: 200,
			contains: []string{`"total":2`, `"name":"Almelo"`, `"name":"Hengelo"`}},
		{name: "list q", method: "GET", path: "/api/v1/sites?q=industrie", token: "employee", status: 200,
			contains: []string{`"total":1`, `"Hengelo"`}, absent: []string{"Almelo"}},
		{name: "list page", method: "GET", path: "/api/v1/sites?limit=1&offset=1", token: "employee", status: 200,
			contains: []string{`"total":2`, `"limit":1`, `"offset":1`, `"Hengelo"`}, absent: []string{"Almelo"}},
		{name: "list past the end", method: "GET", path: "/api/v1/sites?offset=10", token: "employee", status: 200,
			contains: []string{`"data":[]`, `"total":2`}},
		{name: "bad limit", method: "GET", path: "/api/v1/sites?limit=0", token: "employee", status: 400, code: "bad_request", field: "limit"},
		{name: "bad offset", method: "GET", path: "/api/v1/sites?offset=x", token: "employee", status: 400, code: "bad_request", field: "offset"},
		{name: "get", method: "GET", path: "/api/v1/sites/{siteA}", token: "employee", status: 200, contains: []string{`"address":"Industrieweg 1"`}},
		{name: "get junk id", method: "GET", path: "/api/v1/sites/junk", token: "employee", status: 404, code: "not_found"},
		{name: "create", method: "POST", path: "/api/v1/sites", token: "admin", body: `{"name":" Enschede ","address":"Hengelosestraat 5"}`, status: 201,
			contains: []string{`"name":"Enschede"`},
			after: func(t *testing.T, w *world, res response) {
				loc := res.Header.Get("Location")
				if loc != "/api/v1/sites/"+res.JSON(t)["id"].(string) {
					t.Errorf("Location %q", loc)
				}
				if again := w.do("GET", loc, "employee", ""); string(again.Body) != string(res.Body) {
					t.Errorf("read back differs from the create response:\n%s\n%s", res.Body, again.Body)
				}
			}},
		{name: "create by L&D refused", method: "POST", path: "/api/v1/sites", token: "lnd", body: `{"name":"X"}`, status: 403, code: "forbidden"},
		{name: "create without name", method: "POST", path: "/api/v1/sites", token: "admin", body: `{"address":"x"}`, status: 422, code: "invalid", field: "name"},
		{name: "create duplicate", method: "POST", path: "/api/v1/sites", token: "admin", body: `{"name":"Almelo"}`, status: 409, code: "conflict", field: "name"},
		{name: "create same name as other org's site", method: "POST", path: "/api/v1/sites", token: "adminB", body: `{"name":"Enschede"}`, status: 201},
		{name: "patch keeps unsent fields", method: "PATCH", path: "/api/v1/sites/{siteA}", token: "admin", body: `{"name":"Hengelo-Noord"}`, status: 200,
			contains: []string{`"name":"Hengelo-Noord"`, `"address":"Industrieweg 1"`}},
		{name: "patch null clears", method: "PATCH", path: "/api/v1/sites/{siteA}", token: "admin", body: `{"address":null}`, status: 200,
			contains: []string{`"address":""`}},
		{name: "patch by employee refused", method: "PATCH", path: "/api/v1/sites/{siteA}", token: "employee", body: `{"name":"X"}`, status: 403, code: "forbidden"},
		{name: "delete unused", method: "DELETE", path: "/api/v1/sites/{site2A}", token: "admin", status: 204,
			after: func(t *testing.T, w *world, _ response) {
				if res := w.do("GET", "/api/v1/sites/{site2A}", "admin", ""); res.Status != 404 {
					t.Errorf("deleted site still answers %d", res.Status)
				}
			}},
		{name: "delete in use", method: "DELETE", path: "/api/v1/sites/{siteA}", token: "admin", status: 409, code: "conflict"},
		{name: "delete by L&D refused", method: "DELETE", path: "/api/v1/sites/{site2A}", token: "lnd", status: 403, code: "forbidden"},
	})
}

func TestTeams(t *testing.T) {
	runScenarios(t, []scenario{
		{name: "list", method: "GET", path: "/api/v1/teams", token: "employee", status: 200,
			contains: []string{`"total":1`, `"name":"Lassen"`, `"site_name":"Hengelo"`, `"lead_id":"{leadA}"`, `"lead_name":"Tom Teamleider"`, `"member_count":4`}},
		{name: "list by site", method: "GET", path: "/api/v1/teams?site_id={site2A}", token: "employee", status: 200, contains: []string{`"total":0`}},
		{name: "list by lead", method: "GET", path: "/api/v1/teams?lead_id={leadA}", token: "employee", status: 200, contains: []string{`"total":1`}},
		{name: "list by bad id", method: "GET", path: "/api/v1/teams?site_id=x", token: "employee", status: 400, code: "bad_request", field: "site_id"},
		{name: "get", method: "GET", path: "/api/v1/teams/{teamA}", token: "employee", status: 200, contains: []string{`"site_id":"{siteA}"`}},
		{name: "create", method: "POST", path: "/api/v1/teams", token: "admin", body: `{"name":"CNC","site_id":"{site2A}","lead_id":"{empA}"}`, status: 201,
			contains: []string{`"name":"CNC"`, `"site_name":"Almelo"`, `"lead_name":"Erik Werker"`, `"member_count":0`}},
		{name: "create without site", method: "POST", path: "/api/v1/teams", token: "admin", body: `{"name":"Kantoor"}`, status: 201,
			contains: []string{`"site_id":null`, `"lead_id":null`}},
		{name: "create with missing site", method: "POST", path: "/api/v1/teams", token: "admin", body: `{"name":"X","site_id":"0190aaaa-0000-7000-8000-000000000000"}`, status: 422, code: "invalid", field: "site_id"},
		{name: "create by L&D refused", method: "POST", path: "/api/v1/teams", token: "lnd", body: `{"name":"X"}`, status: 403, code: "forbidden"},
		{name: "create duplicate", method: "POST", path: "/api/v1/teams", token: "admin", body: `{"name":"Lassen"}`, status: 409, code: "conflict", field: "name"},
		{name: "patch clears lead", method: "PATCH", path: "/api/v1/teams/{teamA}", token: "admin", body: `{"lead_id":""}`, status: 200,
			contains: []string{`"lead_id":null`, `"site_id":"{siteA}"`, `"name":"Lassen"`}},
		{name: "patch moves site", method: "PATCH", path: "/api/v1/teams/{teamA}", token: "admin", body: `{"site_id":"{site2A}"}`, status: 200,
			contains: []string{`"site_name":"Almelo"`}},
		{name: "delete in use", method: "DELETE", path: "/api/v1/teams/{teamA}", token: "admin", status: 409, code: "conflict"},
		{name: "delete unused", method: "POST", path: "/api/v1/teams", token: "admin", body: `{"name":"Leeg"}`, status: 201,
			after: func(t *testing.T, w *world, res response) {
				id := res.JSON(t)["id"].(string)
				if res := w.do("DELETE", "/api/v1/teams/"+id, "admin", ""); res.Status != 204 {
					t.Fatalf("delete: %d %s", res.Status, res.Body)
				}
				if res := w.do("GET", "/api/v1/teams/"+id, "admin", ""); res.Status != 404 {
					t.Fatalf("deleted team answers %d", res.Status)
				}
			}},
	})
}

func TestPeople(t *testing.T) {
	runScenarios(t, []scenario{
		{name: "list", method: "GET", path: "/api/v1/people", token: "employee", status: 200,
			contains: []string{`"total":5`, `"name":"Anna Admin"`, `"roles":["employee","org_admin"]`, `"team_name":"Lassen"`}},
		{name: "list active", method: "GET", path: "/api/v1/people?active=true", token: "employee", status: 200,
			contains: []string{`"total":4`}, absent: []string{"Vera"}},
		{name: "list left", method: "GET", path: "/api/v1/people?active=false", token: "employee", status: 200,
			contains: []string{`"total":1`, "Vera", `"active":false`, `"left_on":"`}},
		{name: "list by role", method: "GET", path: "/api/v1/people?role=learning_coordinator", token: "employee", status: 200,
			contains: []string{`"total":1`, "Lotte"}},
		{name: "list by q", method: "GET", path: "/api/v1/people?q=WERK", token: "employee", status: 200, contains: []string{`"total":1`, "Erik"}},
		{name: "list by team and site", method: "GET", path: "/api/v1/people?team_id={teamA}&site_id={siteA}&limit=2", token: "employee", status: 200,
			contains: []string{`"total":5`, `"limit":2`}},
		{name: "list by other site", method: "GET", path: "/api/v1/people?site_id={site2A}", token: "employee", status: 200, contains: []string{`"total":0`, `"data":[]`}},
		{name: "list bad role", method: "GET", path: "/api/v1/people?role=king", token: "employee", status: 400, code: "bad_request", field: "role"},
		{name: "list bad active", method: "GET", path: "/api/v1/people?active=yes", token: "employee", status: 400, code: "bad_request", field: "active"},
		{name: "get", method: "GET", path: "/api/v1/people/{empA}", token: "lead", status: 200,
			contains: []string{`"employee_number":"3"`, `"email":null`, `"start_date":null`, `"language":null`}},
		{name: "create by L&D", method: "POST", path: "/api/v1/people", token: "lnd",
			body:   `{"name":"Sanne Smit","email":"Sanne@{domain}","employee_number":"1042","job_title":"CNC-operator","team_id":"{teamA}","site_id":"{site2A}","start_date":"2024-02-01","language":"nl"}`,
			status: 201, contains: []string{`"email":"sanne@{domain}"`, `"start_date":"2024-02-01"`, `"site_name":"Almelo"`, `"roles":["employee"]`, `"active":true`}},
		{name: "create by admin with roles", method: "POST", path: "/api/v1/people", token: "admin",
			body: `{"name":"Bas Beoordelaar","roles":["assessor","employee","assessor"]}`, status: 201, contains: []string{`"roles":["employee","assessor"]`},
			after: func(t *testing.T, w *world, _ response) {
				if res := w.do("GET", "/api/v1/people?role=assessor", "admin", ""); !strings.Contains(string(res.Body), `"total":1`) {
					t.Errorf("assessor role not stored: %s", res.Body)
				}
			}},
		{name: "plain employee cannot create people", method: "POST", path: "/api/v1/people", token: "employee", body: `{"name":"X"}`, status: 403, code: "forbidden"},
		{name: "team lead cannot create people", method: "POST", path: "/api/v1/people", token: "lead", body: `{"name":"X"}`, status: 403, code: "forbidden"},
		{name: "L&D cannot grant roles", method: "POST", path: "/api/v1/people", token: "lnd", body: `{"name":"X","roles":["org_admin"]}`, status: 403, code: "forbidden"},
		{name: "patch", method: "PATCH", path: "/api/v1/people/{empA}", token: "lnd", body: `{"job_title":"Lasser","team_id":null}`, status: 200,
			contains: []string{`"job_title":"Lasser"`, `"team_id":null`, `"site_id":"{siteA}"`, `"name":"Erik Werker"`, `"employee_number":"3"`}},
		{name: "patch same roles needs no admin", method: "PATCH", path: "/api/v1/people/{leadA}", token: "lnd", body: `{"roles":["team_lead"]}`, status: 200},
		{name: "L&D cannot change roles", method: "PATCH", path: "/api/v1/people/{empA}", token: "lnd", body: `{"roles":["team_lead"]}`, status: 403, code: "forbidden"},
		{name: "L&D cannot change an admin", method: "PATCH", path: "/api/v1/people/{adminA}", token: "lnd", body: `{"job_title":"x"}`, status: 403, code: "forbidden"},
		{name: "L&D cannot change a platform operator", method: "GET", path: "/api/v1/me", token: "lnd", status: 200,
			after: func(t *testing.T, w *world, _ response) {
				op := &tenancy.Person{Name: "Olga Operator", PlatformAdmin: true}
				if err := w.db.CreatePerson(t.Context(), w.A.Org.ID, op); err != nil {
					t.Fatal(err)
				}
				if res := w.do("PATCH", "/api/v1/people/"+op.ID, "lnd", `{"job_title":"x"}`); res.Status != 403 {
					t.Errorf("L&D changes a platform operator: %d %s", res.Status, res.Body)
				}
				if res := w.do("POST", "/api/v1/people/"+op.ID+"/deactivate", "lnd", ""); res.Status != 403 {
					t.Errorf("L&D deactivates a platform operator: %d %s", res.Status, res.Body)
				}
				if res := w.do("PATCH", "/api/v1/people/"+op.ID, "admin", `{"job_title":"Beheer"}`); res.Status != 200 {
					t.Errorf("admin changes a platform operator: %d %s", res.Status, res.Body)
				}
			}},
		{name: "admin changes roles", method: "PATCH", path: "/api/v1/people/{empA}", token: "admin", body: `{"roles":["team_lead","expert"]}`, status: 200,
			contains: []string{`"roles":["employee","team_lead","expert"]`},
			after: func(t *testing.T, w *world, _ response) {
				if res := w.do("GET", "/api/v1/people/{empA}", "admin", ""); !strings.Contains(string(res.Body), "expert") {
					t.Errorf("roles not stored: %s", res.Body)
				}
				log, _ := w.db.AuditLog(t.Context(), w.A.Org.ID, 10, 0)
				if len(log) == 0 || log[0].Action != "role.change" || log[0].ActorID != w.A.Admin.ID {
					t.Errorf("role change not audited: %+v", log)
				}
			}},
		{name: "last admin keeps the role", method: "PATCH", path: "/api/v1/people/{adminA}", token: "admin", body: `{"roles":[]}`, status: 409, code: "conflict", field: "roles"},
		{name: "patch active refused", method: "PATCH", path: "/api/v1/people/{empA}", token: "admin", body: `{"active":false}`, status: 400, code: "bad_request", field: "active"},
		{name: "deactivate", method: "POST", path: "/api/v1/people/{empA}/deactivate", token: "lnd", status: 200,
			contains: []string{`"active":false`, `"left_on":"`},
			after: func(t *testing.T, w *world, _ response) {
				if res := w.do("GET", "/api/v1/me", "employee", ""); res.Status != 401 {
					t.Errorf("token of a deactivated person: %d", res.Status)
				}
				if res := w.do("POST", "/api/v1/people/{empA}/deactivate", "lnd", ""); res.Status != 200 {
					t.Errorf("second deactivate: %d", res.Status)
				}
				if res := w.do("POST", "/api/v1/people/{empA}/reactivate", "lnd", ""); res.Status != 200 || !strings.Contains(string(res.Body), `"left_on":null`) {
					t.Errorf("reactivate: %d %s", res.Status, res.Body)
				}
				if res := w.do("GET", "/api/v1/me", "employee", ""); res.Status != 401 {
					t.Errorf("a revoked token came back with reactivation: %d", res.Status)
				}
			}},
		{name: "deactivate self refused", method: "POST", path: "/api/v1/people/{lndA}/deactivate", token: "lnd", status: 409, code: "conflict"},
		{name: "L&D cannot deactivate admin", method: "POST", path: "/api/v1/people/{adminA}/deactivate", token: "lnd", status: 403, code: "forbidden"},
		{name: "employee cannot deactivate", method: "POST", path: "/api/v1/people/{leadA}/deactivate", token: "employee", status: 403, code: "forbidden"},
		{name: "reactivate", method: "POST", path: "/api/v1/people/{leftA}/reactivate", token: "admin", status: 200, contains: []string{`"active":true`}},
	})
}

// TestPeoplePaging walks a list page by page and gets everyone once.
func TestPeoplePaging(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		for i := range 12 {
			if res := w.do("POST", "/api/v1/people", "lnd", fmt.Sprintf(`{"name":"Persoon %02d","employee_number":"p%d"}`, i, i)); res.Status != 201 {
				t.Fatalf("create: %d %s", res.Status, res.Body)
			}
		}
		var seen []string
		for offset := 0; ; offset += 5 {
			res := w.do("GET", fmt.Sprintf("/api/v1/people?q=persoon&limit=5&offset=%d", offset), "employee", "")
			m := res.JSON(t)
			if m["total"].(float64) != 12 {
				t.Fatalf("total %v", m["total"])
			}
			data := m["data"].([]any)
			if len(data) == 0 {
				break
			}
			for _, d := range data {
				seen = append(seen, d.(map[string]any)["name"].(string))
			}
		}
		if len(seen) != 12 || !slices.IsSorted(seen) {
			t.Fatalf("paged through %v", seen)
		}
	})
}

func TestMethodNotAllowedForEveryPath(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		for path, methods := range w.srv.allow {
			if !slices.Contains(methods, http.MethodPut) {
				res := w.do("PUT", strings.ReplaceAll(path, "{id}", "{empA}"), "admin", "{}")
				if res.Status != 405 {
					t.Errorf("PUT %s: %d", path, res.Status)
				}
			}
		}
	})
}

// routeRecorder is a ResponseWriter like the app's, which wants to know
// the route for its metrics.
type routeRecorder struct {
	*httptest.ResponseRecorder
	route string
}

func (r *routeRecorder) SetRoute(p string) { r.route = p }

func TestRouteIsReported(t *testing.T) {
	w := newWorld(t, storetest.SQLite(t))
	for path, want := range map[string]string{
		"/api/v1/people/" + w.A.Employee.ID: "GET /api/v1/people/{id}",
		"/api/v1/openapi.json":              "GET /api/v1/openapi.json",
		"/api/v1/nothing":                   "",
	} {
		rec := &routeRecorder{ResponseRecorder: httptest.NewRecorder()}
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+w.A.EmpTok)
		w.srv.ServeHTTP(rec, req)
		if rec.route != want {
			t.Errorf("GET %s reported route %q, want %q", path, rec.route, want)
		}
	}
}
