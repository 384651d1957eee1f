package api

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/project"
)

func TestProjects(t *testing.T) {
	runScenarios(t, []scenario{
		{name: "list", method: "GET", path: "/api/v1/projects", token: "employee", status: 200,
			contains: []string{`"total":1`, `"id":"{projectA}"`, `"call_open":true`, `"owner_id":"{leadA}"`, `"site_id":"{siteA}"`, `"competences":[]`}},
		{name: "list open calls", method: "GET", path: "/api/v1/projects?call_open=true&status=open&site_id={siteA}", token: "employee", status: 200, contains: []string{`"total":1`}},
		{name: "list by member", method: "GET", path: "/api/v1/projects?member_id={empA}", token: "employee", status: 200, contains: []string{`"total":0`}},
		{name: "list by text", method: "GET", path: "/api/v1/projects?q=SCHEUREN", token: "employee", status: 200, contains: []string{`"total":1`}},
		{name: "list by another site", method: "GET", path: "/api/v1/projects?site_id={site2A}", token: "employee", status: 200, contains: []string{`"total":0`}},
		{name: "list by a bad status", method: "GET", path: "/api/v1/projects?status=paused", token: "employee", status: 400, code: "bad_request", field: "status"},
		{name: "list by a bad call_open", method: "GET", path: "/api/v1/projects?call_open=maybe", token: "employee", status: 400, code: "bad_request", field: "call_open"},
		{name: "get", method: "GET", path: "/api/v1/projects/{projectA}", token: "employee", status: 200,
			contains: []string{`"members":[{"person_id":"{leadA}"`, `"role":"trekker"`, `"state":"member"`, `"call_text":"Lassers gezocht"`},
			absent:   []string{`"my_state"`}},
		{name: "volunteer", method: "POST", path: "/api/v1/projects/{projectA}/volunteer", token: "employee", body: `{"message":"Ik las al tien jaar"}`, status: 200,
			contains: []string{`{"state":"applied"}`},
			after: func(t *testing.T, w *world, res response) {
				// Another employee sees members only; the owner sees the
				// application with its message; the volunteer their state.
				if got := w.do("GET", "/api/v1/projects/{projectA}", "admin", ""); !strings.Contains(string(got.Body), w.A.Employee.ID) ||
					!strings.Contains(string(got.Body), "tien jaar") {
					t.Errorf("the admin (manages every project) does not see the application: %s", got.Body)
				}
				if got := w.do("GET", "/api/v1/projects/{projectA}", "lead", ""); !strings.Contains(string(got.Body), `"state":"applied"`) {
					t.Errorf("the owner does not see the application: %s", got.Body)
				}
				if got := w.do("GET", "/api/v1/projects/{projectA}", "employee", ""); !strings.Contains(string(got.Body), `"my_state":"applied"`) ||
					strings.Contains(string(got.Body), "tien jaar") {
					t.Errorf("the volunteer's view: %s", got.Body)
				}
				if again := w.do("POST", "/api/v1/projects/{projectA}/volunteer", "employee", `{}`); again.Status != 409 {
					t.Errorf("volunteering twice: %d", again.Status)
				}
				ns, err := w.db.Notifications(context.Background(), w.A.Org.ID, w.A.Lead.ID, 10)
				if err != nil || len(ns) != 1 || ns[0].Kind != project.NoticeApplication {
					t.Errorf("the owner was not notified: %v %v", ns, err)
				}
			}},
		{name: "volunteer for one's own project", method: "POST", path: "/api/v1/projects/{projectA}/volunteer", token: "lead", body: `{}`, status: 409, code: "conflict"},
		{name: "volunteer with an unknown field", method: "POST", path: "/api/v1/projects/{projectA}/volunteer", token: "employee", body: `{"role":"baas"}`, status: 400, code: "bad_request", field: "role"},
		{name: "volunteer with a long message", method: "POST", path: "/api/v1/projects/{projectA}/volunteer", token: "employee",
			body: `{"message":"` + strings.Repeat("x", 2001) + `"}`, status: 422, code: "invalid", field: "message"},
		{name: "volunteer without a body", method: "POST", path: "/api/v1/projects/{projectA}/volunteer", token: "employee", status: 415, code: "unsupported_media_type"},
		{name: "get another organisation's", method: "GET", path: "/api/v1/projects/{projectB}", token: "admin", status: 404, code: "not_found"},
	})
}

// An invitation is accepted through the API even when the call has
// closed; a closed call takes no new volunteers.
func TestVolunteerInvitationAndClosedCall(t *testing.T) {
	runScenarios(t, []scenario{{name: "closed call, invited", method: "GET", path: "/api/v1/me", token: "employee", status: 200,
		after: func(t *testing.T, w *world, _ response) {
			ctx := context.Background()
			a := w.A
			if err := w.db.SetProjectCall(ctx, a.Org.ID, a.Project.ID, false, ""); err != nil {
				t.Fatal(err)
			}
			if res := w.do("POST", "/api/v1/projects/{projectA}/volunteer", "lnd", `{}`); res.Status != 409 {
				t.Fatalf("volunteer on a closed call: %d %s", res.Status, res.Body)
			}
			if _, err := w.db.Invite(ctx, a.Org.ID, a.Project.ID, a.Employee.ID, "lasser", ""); err != nil {
				t.Fatal(err)
			}
			res := w.do("POST", "/api/v1/projects/{projectA}/volunteer", "employee", `{}`)
			if res.Status != 200 || !strings.Contains(string(res.Body), `"state":"member"`) {
				t.Fatalf("accept an invitation: %d %s", res.Status, res.Body)
			}
			if err := w.db.CloseProject(ctx, a.Org.ID, a.Project.ID, "Scheuren verholpen", time.Now()); err != nil {
				t.Fatal(err)
			}
			if res := w.do("GET", "/api/v1/projects?status=closed", "employee", ""); !strings.Contains(string(res.Body), `"outcome":"Scheuren verholpen"`) {
				t.Fatalf("closed project: %s", res.Body)
			}
		}}})
}
