package api

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/project"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/tenancy"
)

func TestLessons(t *testing.T) {
	runScenarios(t, []scenario{
		{name: "list: published and own drafts", method: "GET", path: "/api/v1/lessons", token: "employee", status: 200,
			contains: []string{`"total":2`, `"id":"{lessonA}"`, `"id":"{draftA}"`, `"url":"/lessons/{lessonA}"`, `"author_name":"Erik Werker"`}},
		{name: "list: another person's draft is not theirs to see", method: "GET", path: "/api/v1/lessons", token: "lead", status: 200,
			contains: []string{`"total":1`, `"id":"{lessonA}"`}, absent: []string{"{draftA}"}},
		{name: "list: not even for reviewers", method: "GET", path: "/api/v1/lessons?status=draft", token: "lnd", status: 200,
			contains: []string{`"total":0`, `"data":[]`}},
		{name: "list by author", method: "GET", path: "/api/v1/lessons?author_id={empA}&status=published", token: "lead", status: 200,
			contains: []string{`"total":1`}},
		{name: "list by a bad status", method: "GET", path: "/api/v1/lessons?status=secret", token: "employee", status: 400, code: "bad_request", field: "status"},
		{name: "list by a bad visibility", method: "GET", path: "/api/v1/lessons?visibility=world", token: "employee", status: 400, code: "bad_request", field: "visibility"},
		{name: "list by a bad id", method: "GET", path: "/api/v1/lessons?place_id=x", token: "employee", status: 400, code: "bad_request", field: "place_id"},
		{name: "get", method: "GET", path: "/api/v1/lessons/{lessonA}", token: "lead", status: 200,
			contains: []string{`"status":"published"`, `"visibility":"organisation"`, `"learned":"Voorwarmen a"`, `"published_at":"`}},
		{name: "get another's draft", method: "GET", path: "/api/v1/lessons/{draftA}", token: "admin", status: 404, code: "not_found"},
		{name: "get own draft", method: "GET", path: "/api/v1/lessons/{draftA}", token: "employee", status: 200, contains: []string{`"status":"draft"`}},
		{name: "no token", method: "GET", path: "/api/v1/lessons", status: 401, code: "unauthorized"},
		{name: "create a draft", method: "POST", path: "/api/v1/lessons", token: "employee", status: 201,
			body:     `{"title":"Beschermgas op tijd wisselen","lang":"nl","learned":"Fles bijtijds wisselen","cause":"lege fles","visibility":"community","name_org":true,"project_id":"{projectA}","place_ids":[]}`,
			contains: []string{`"status":"draft"`, `"visibility":"community"`, `"author_id":"{empA}"`, `"project_id":"{projectA}"`, `"version":1`, `"published_at":null`},
			after: func(t *testing.T, w *world, res response) {
				if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/api/v1/lessons/") {
					t.Fatalf("Location %q", loc)
				}
				if got := w.do("GET", res.Header.Get("Location"), "lnd", ""); got.Status != 404 {
					t.Fatalf("a reviewer reads a fresh draft: %d", got.Status)
				}
			}},
		{name: "create without what was learned", method: "POST", path: "/api/v1/lessons", token: "employee", status: 422, code: "invalid", field: "learned",
			body: `{"title":"x","lang":"nl"}`},
		{name: "create in German", method: "POST", path: "/api/v1/lessons", token: "employee", status: 422, code: "invalid", field: "lang",
			body: `{"title":"x","lang":"de","learned":"y"}`},
		{name: "create with another organisation's project", method: "POST", path: "/api/v1/lessons", token: "employee", status: 422, code: "invalid", field: "project_id",
			body: `{"title":"x","lang":"nl","learned":"y","project_id":"{projectB}"}`},
		{name: "create with another organisation's place", method: "POST", path: "/api/v1/lessons", token: "employee", status: 422, code: "invalid", field: "place_ids",
			body: `{"title":"x","lang":"nl","learned":"y","place_ids":["{siteB}"]}`},
		{name: "create with a bad competence", method: "POST", path: "/api/v1/lessons", token: "employee", status: 422, code: "invalid", field: "competence_ids",
			body: `{"title":"x","lang":"nl","learned":"y","competence_ids":["{teamB}"]}`},
		{name: "create naming the author", method: "POST", path: "/api/v1/lessons", token: "employee", status: 400, code: "bad_request", field: "author_id",
			body: `{"title":"x","lang":"nl","learned":"y","author_id":"{adminA}"}`},
		{name: "create with a wrong type", method: "POST", path: "/api/v1/lessons", token: "employee", status: 400, code: "bad_request", field: "name_org",
			body: `{"title":"x","lang":"nl","learned":"y","name_org":"yes"}`},
	})
}

// A team's lesson reaches its team, the team's lead and the reviewers
// through the API, as on the web; nobody else, in lists, counts or by id.
func TestLessonsOfATeam(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		a := w.A
		montage := &tenancy.Team{Name: "Montage", LeadID: a.Lead.ID}
		if err := db.CreateTeam(ctx, a.Org.ID, montage); err != nil {
			t.Fatal(err)
		}
		l := &project.Lesson{AuthorID: a.Admin.ID, TeamID: montage.ID, Lang: "nl", Title: "Boutvolgorde bij de montage", Learned: "kruislings aanhalen", Visibility: project.VisTeam}
		if err := db.CreateLesson(ctx, a.Org.ID, l); err != nil {
			t.Fatal(err)
		}
		if err := db.SetLessonStatus(ctx, a.Org.ID, l.ID, project.LessonDraft, project.LessonPublished, a.LnD.ID, "", time.Now()); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			token string
			sees  bool
		}{{"admin", true}, {"lead", true}, {"lnd", true}, {"employee", false}, {"demoted", true}, {"adminB", false}, {"employeeB", false}} {
			get := w.do("GET", "/api/v1/lessons/"+l.ID, c.token, "")
			if (get.Status == 200) != c.sees {
				t.Errorf("%s: GET the team lesson %d, sees = %v", c.token, get.Status, c.sees)
			}
			for _, path := range []string{"/api/v1/lessons", "/api/v1/lessons?visibility=team", "/api/v1/community/lessons", "/api/v1/lessons?limit=1&offset=1"} {
				res := w.do("GET", path, c.token, "")
				if res.Status != 200 {
					t.Fatalf("%s %s: %d", c.token, path, res.Status)
				}
				var page struct {
					Data  []lessonJSON
					Total int
				}
				if err := json.Unmarshal(res.Body, &page); err != nil {
					t.Fatal(err)
				}
				if strings.Contains(string(res.Body), l.ID) && !c.sees {
					t.Errorf("%s: %s lists the team lesson", c.token, path)
				}
				if path == "/api/v1/lessons?visibility=team" && c.token != "adminB" && c.token != "employeeB" {
					if want := map[bool]int{true: 1, false: 0}[c.sees]; page.Total != want {
						t.Errorf("%s: %s counts %d team lessons, want %d", c.token, path, page.Total, want)
					}
				}
			}
		}
	})
}

// The community space: every organisation's shared lessons, anonymised
// as the author chose, and nothing else of another organisation.
func TestCommunityLessons(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		a := w.A
		mk := func(title string, nameOrg, namePeople bool) *project.Lesson {
			l := &project.Lesson{AuthorID: a.Employee.ID, Lang: "en", Title: title, Learned: "x", Visibility: project.VisCommunity, NameOrg: nameOrg, NamePeople: namePeople}
			if err := db.CreateLesson(ctx, a.Org.ID, l); err != nil {
				t.Fatal(err)
			}
			if err := db.SetLessonStatus(ctx, a.Org.ID, l.ID, project.LessonDraft, project.LessonPublished, a.LnD.ID, "", time.Now()); err != nil {
				t.Fatal(err)
			}
			return l
		}
		anon := mk("Anonymous shared lesson", false, false)
		named := mk("Named shared lesson", true, true)
		res := w.do("GET", "/api/v1/community/lessons", "employeeB", "")
		var page struct {
			Data  []lessonJSON
			Total int
		}
		if err := json.Unmarshal(res.Body, &page); err != nil || res.Status != 200 {
			t.Fatalf("%d %v %s", res.Status, err, res.Body)
		}
		if page.Total < 2 || len(page.Data) < 2 {
			t.Fatalf("community: %s", res.Body)
		}
		for _, l := range page.Data {
			switch l.ID {
			case anon.ID:
				if l.AuthorID != nil || l.AuthorName != nil || l.OrgName != nil {
					t.Errorf("the anonymous lesson names someone: %s", res.Body)
				}
			case named.ID:
				if l.AuthorName == nil || *l.AuthorName != "Erik Werker" || l.OrgName == nil || *l.OrgName != "Org a" {
					t.Errorf("the named lesson does not name them: %s", res.Body)
				}
			default:
				if l.Visibility != "community" {
					t.Errorf("the community lists %q", l.Title)
				}
			}
		}
		if strings.Contains(string(res.Body), a.Lesson.ID) || strings.Contains(string(res.Body), a.Draft.ID) {
			t.Error("the community lists an organisation-only lesson or a draft")
		}
		// Shared does not mean B reaches it through A's records.
		if got := w.do("GET", "/api/v1/lessons/"+anon.ID, "employeeB", ""); got.Status != 404 {
			t.Errorf("B gets A's lesson by id: %d", got.Status)
		}
	})
}
