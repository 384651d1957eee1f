package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/bakenhq/baken/internal/demo"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
)

// Working groups are part of the recommendations: Henk, who has to learn
// Heidenhain programming for the roadmap, is told to join the demo's
// Heidenhain working group, with the reason, on /learning and at home;
// once he applied it is no longer recommended. Someone without that gap
// is not told.
func TestWorkingGroupRecommended(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv := demoServer(t, db)
		hofman, _ := db.OrganisationBySlug(ctx, "hofman")
		ps, _ := db.Projects(ctx, hofman.ID, store.ProjectFilter{CallOpen: true})
		var id string
		for _, p := range ps {
			if strings.Contains(p.TitleNL, "Heidenhain") {
				id = p.ID
			}
		}
		if id == "" {
			t.Fatal("the demo's Heidenhain working group is missing")
		}
		henk := newBrowser(t, srv)
		henk.signIn("henk.smit@hofman.example", demo.Password)
		for _, page := range []string{"/learning", "/"} {
			_, body := henk.get(page)
			i := strings.Index(body, `href="/projects/`+id+`"`)
			if i < 0 {
				t.Fatalf("%s: the working group is not recommended", page)
			}
			if rest := body[i:min(len(body), i+800)]; !strings.Contains(rest, "Heidenhain)") || !strings.Contains(rest, `class="why"`) {
				t.Fatalf("%s: no reason given: %s", page, rest)
			}
		}
		henk.get("/projects/" + id)
		if code, _ := henk.post("/projects/"+id+"/apply", url.Values{"message": {"Graag"}}); code != http.StatusSeeOther {
			t.Fatalf("apply: %d", code)
		}
		if _, body := henk.get("/learning"); strings.Contains(body, `href="/projects/`+id+`"`) {
			t.Fatal("still recommended after applying")
		}
		fleur := newBrowser(t, srv)
		fleur.signIn("fleur.kok@hofman.example", demo.Password)
		if _, body := fleur.get("/learning"); strings.Contains(body, `href="/projects/`+id+`"`) {
			t.Fatal("recommended without the gap")
		}
	})
}
