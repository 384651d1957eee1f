package projindex_test

import (
	"context"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/project"
	"github.com/bakenhq/baken/internal/project/projindex"
	"github.com/bakenhq/baken/internal/search"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/tenancy"
)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func hits(t *testing.T, ix *search.Index, orgID, q string) map[string]search.Result {
	t.Helper()
	res, err := ix.Query(context.Background(), search.Scope{OrgID: orgID}, search.Query{Text: q, Exact: true, Limit: 50})
	must(t, err)
	out := map[string]search.Result{}
	for _, h := range res.Hits {
		out[h.ID] = h
	}
	return out
}

// Only what was opted in reaches other organisations, anonymised as
// chosen; team lessons, drafts and reflections are never in search.
func TestSearchSeesOnlyWhatMayBeSeen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := &tenancy.Organisation{Kind: tenancy.Company, Name: "Hofman Metaaltechniek", Slug: "hofman"}
		b := &tenancy.Organisation{Kind: tenancy.Company, Name: "Elders BV", Slug: "elders"}
		must(t, db.CreateOrganisation(ctx, a))
		must(t, db.CreateOrganisation(ctx, b))
		jan := &tenancy.Person{Name: "Jannes Verweij"}
		rev := &tenancy.Person{Name: "Ruud"}
		must(t, db.CreatePerson(ctx, a.ID, jan))
		must(t, db.CreatePerson(ctx, a.ID, rev))
		bob := &tenancy.Person{Name: "Bob"}
		must(t, db.CreatePerson(ctx, b.ID, bob))

		ix := search.NewIndex(db)
		mk := func(title string, vis project.Visibility, publish bool) *project.Lesson {
			l := &project.Lesson{AuthorID: jan.ID, Lang: "nl", Title: title, Learned: "klauwplaat spandruk meten", Visibility: vis, NameOrg: true}
			must(t, db.CreateLesson(ctx, a.ID, l))
			if publish {
				must(t, db.SetLessonStatus(ctx, a.ID, l.ID, project.LessonDraft, project.LessonPublished, rev.ID, "", time.Now()))
			}
			full, err := db.Lesson(ctx, a.ID, l.ID)
			must(t, err)
			must(t, projindex.Lesson(ctx, ix, full))
			return full
		}
		community := mk("Klauwplaat community", project.VisCommunity, true)
		orgOnly := mk("Klauwplaat organisatie", project.VisOrg, true)
		team := mk("Klauwplaat team", project.VisTeam, true)
		draft := mk("Klauwplaat concept", project.VisCommunity, false)
		must(t, db.SaveReflection(ctx, a.ID, &project.Reflection{PersonID: jan.ID, Learned: "klauwplaat geheim privé"}))

		// A fresh node loads the same from the database.
		node := search.NewIndex(db)
		_, err := node.Load(ctx)
		must(t, err)
		for _, x := range []*search.Index{ix, node} {
			inA, inB := hits(t, x, a.ID, "klauwplaat"), hits(t, x, b.ID, "klauwplaat")
			if _, ok := inA[community.ID]; !ok {
				t.Fatal("own organisation does not find the community lesson")
			}
			if _, ok := inA[orgOnly.ID]; !ok {
				t.Fatal("own organisation does not find the organisation lesson")
			}
			if _, ok := inB[community.ID]; !ok {
				t.Fatal("another organisation does not find the community lesson")
			}
			for _, l := range []*project.Lesson{orgOnly, team, draft} {
				if _, ok := inB[l.ID]; ok {
					t.Fatalf("another organisation finds %q", l.Title)
				}
			}
			for _, l := range []*project.Lesson{team, draft} {
				if _, ok := inA[l.ID]; ok {
					t.Fatalf("search finds %q", l.Title)
				}
			}
			if len(hits(t, x, a.ID, "geheim")) != 0 || len(hits(t, x, b.ID, "geheim")) != 0 {
				t.Fatal("a private reflection is in search")
			}
			// The author's name is never in a document, whatever was chosen.
			if len(hits(t, x, b.ID, "Jannes Verweij")) != 0 || len(hits(t, x, a.ID, "Verweij")) != 0 {
				t.Fatal("the author's name is searchable")
			}
		}
		// Withdrawn: out of the index.
		must(t, db.SetLessonStatus(ctx, a.ID, community.ID, project.LessonPublished, project.LessonDraft, "", "", time.Now()))
		community.Status = project.LessonDraft
		must(t, projindex.Lesson(ctx, ix, community))
		if _, ok := hits(t, ix, b.ID, "klauwplaat")[community.ID]; ok {
			t.Fatal("a withdrawn lesson is still found")
		}
		n, err := projindex.Reindex(ctx, ix, db, a.ID)
		must(t, err)
		if n != 1 {
			t.Fatalf("reindex indexed %d lessons, want the organisation one", n)
		}
	})
}
