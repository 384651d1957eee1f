package app_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/app/apptest"
	"github.com/bakenhq/baken/internal/auth"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/demo"
	"github.com/bakenhq/baken/internal/project"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

// A private reflection never leaves its author: not through the JSON API
// (whatever token), not through search, not through any page of another
// person, including the organisation admin's.
func TestPrivateReflectionsNeverLeak(t *testing.T) {
	apptest.Each(t, true, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		db := s.App.DB
		hofman, _ := db.OrganisationBySlug(ctx, "hofman")
		ps, _, _ := db.People(ctx, hofman.ID, tenancy.PeopleFilter{Query: "Jan de Vries"})
		anna, _, _ := db.People(ctx, hofman.ID, tenancy.PeopleFilter{Query: "Anna Visser"})
		if len(ps) == 0 || len(anna) == 0 {
			t.Fatal("demo people missing")
		}
		// Searches use one word; the pages must not show the other (a
		// search page echoes the query it was given).
		const marker, query = "Kraanvogeltrek", "Zwaluwstaartverbinding"
		r := &project.Reflection{PersonID: ps[0].ID, Learned: query + " " + marker, Next: query + " " + marker + " volgende stap"}
		if err := db.SaveReflection(ctx, hofman.ID, r); err != nil {
			t.Fatal(err)
		}
		// The API, with an admin's token.
		token := auth.NewToken()
		if err := db.CreateAPIToken(ctx, hofman.ID, &store.APIToken{PersonID: anna[0].ID, Name: "test", Role: core.RoleOrgAdmin, TokenHash: auth.TokenHash(token), CreatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		paths := []string{"/api/v1/people/" + ps[0].ID, "/api/v1/people?q=" + query, "/api/v1/people", "/api/v1/openapi.json",
			"/api/v1/reflections", "/api/v1/reflections/" + r.ID, "/api/v1/search?q=" + query,
			"/api/v1/lessons?limit=500", "/api/v1/lessons/" + r.ID, "/api/v1/community/lessons?limit=500", "/api/v1/projects?limit=500"}
		// Every project and lesson the API can show, one by one.
		projects, _ := db.Projects(ctx, hofman.ID, store.ProjectFilter{Limit: 1000})
		for _, p := range projects {
			paths = append(paths, "/api/v1/projects/"+p.ID)
		}
		lessons, _ := db.Lessons(ctx, hofman.ID, store.LessonFilter{Limit: 1000})
		for _, l := range lessons {
			paths = append(paths, "/api/v1/lessons/"+l.ID)
		}
		for _, path := range paths {
			req, _ := http.NewRequest("GET", s.URL+path, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if strings.Contains(string(body), marker) || res.StatusCode == http.StatusOK && strings.Contains(string(body), r.ID) {
				t.Fatalf("API %s (%d) shows the private reflection", path, res.StatusCode)
			}
		}
		// Pages of the admin, L&D and the team lead, search included.
		for _, login := range []string{"anna.visser@hofman.example", "marloes.bakker@hofman.example", "henk.smit@hofman.example"} {
			c := s.Client(t)
			c.SignIn(login, demo.Password)
			for _, path := range []string{"/reflections", "/reflections/" + r.ID, "/search?q=" + query, "/community?q=" + query, "/people/" + ps[0].ID, "/"} {
				res := c.Get(path)
				if strings.Contains(res.Body, marker) {
					t.Fatalf("%s sees the private reflection on %s", login, path)
				}
			}
		}
		// The author does see it.
		c := s.Client(t)
		c.SignIn("1001", "1234")
		if res := c.Get("/reflections/" + r.ID); !strings.Contains(res.Body, marker) {
			t.Fatal("the author cannot read their reflection")
		}
	})
}
