package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/bakenhq/baken/internal/demo"
	"github.com/bakenhq/baken/internal/project"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
)

// A lesson shared with a team is found by that team (members and lead)
// and the reviewers, in search, while typing and on the place page; no
// one else in the organisation and no other organisation finds or opens
// it.
func TestTeamLessonOnlyForTheTeam(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv := demoServer(t, db)
		hofman, _ := db.OrganisationBySlug(ctx, "hofman")
		ls, _ := db.Lessons(ctx, hofman.ID, store.LessonFilter{Status: project.LessonPublished, Visibilities: []project.Visibility{project.VisTeam}})
		if len(ls) != 1 {
			t.Fatalf("the demo has %d team lessons, want 1", len(ls))
		}
		team := ls[0]
		const title = "Nulpunt opnieuw inmeten"
		for _, c := range []struct {
			who, login, secret string
			sees               bool
		}{
			{"operator in the team", "1001", "1234", true},
			{"team lead", "henk.smit@hofman.example", demo.Password, true},
			{"expert (reviewer)", "ruud.mulder@hofman.example", demo.Password, true},
			{"office employee", "fleur.kok@hofman.example", demo.Password, false},
			{"assessor of another team", "ingrid.de.boer@hofman.example", demo.Password, false},
			{"partner university", "s.hendriks@ttu.example", demo.Password, false},
		} {
			b := newBrowser(t, srv)
			b.signIn(c.login, c.secret)
			_, page := b.get("/search?q=gebroken+beitel+nulpunt")
			_, typing := b.get("/search/suggest?q=nulpunt+inme")
			_, place := b.get("/p/HGL-CNC-01")
			code, _ := b.get("/lessons/" + team.ID)
			found := map[string]bool{"search": strings.Contains(page, title), "typing": strings.Contains(typing, title),
				"place page": strings.Contains(place, title), "lesson page": code == http.StatusOK}
			if c.who == "partner university" {
				delete(found, "place page") // another organisation's place is not found at all
			}
			for where, ok := range found {
				if ok != c.sees {
					t.Errorf("%s, %s: sees the team lesson = %v, want %v", c.who, where, ok, c.sees)
				}
			}
		}
	})
}
