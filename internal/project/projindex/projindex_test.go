package projindex_test

import (
	"context"

	"github.com/bakenhq/baken/internal/core"
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
// chosen; drafts and reflections are never in search, and team lessons
// never for a searcher without the team's keys (TestTeamLessonsInSearch).
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
		if n != 2 {
			t.Fatalf("reindex indexed %d lessons, want the organisation one and the team one", n)
		}
	})
}

// A team lesson is found by its author, its team, the team's lead and
// the reviewers, through ReaderKeys and project.CanRead alike; by no one
// else in the organisation and by no other organisation.
func TestTeamLessonsInSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := &tenancy.Organisation{Kind: tenancy.Company, Name: "Hofman", Slug: "hofman"}
		b := &tenancy.Organisation{Kind: tenancy.Company, Name: "Elders", Slug: "elders"}
		must(t, db.CreateOrganisation(ctx, a))
		must(t, db.CreateOrganisation(ctx, b))
		person := func(org, name string) *tenancy.Person {
			p := &tenancy.Person{Name: name, Active: true}
			must(t, db.CreatePerson(ctx, org, p))
			return p
		}
		author, mate, lead, other, expert := person(a.ID, "Jan"), person(a.ID, "Piet"), person(a.ID, "Henk"), person(a.ID, "Fleur"), person(a.ID, "Ruud")
		outsider := person(b.ID, "Bob")
		cnc := &tenancy.Team{Name: "CNC", LeadID: lead.ID}
		must(t, db.CreateTeam(ctx, a.ID, cnc))
		assembly := &tenancy.Team{Name: "Assemblage"}
		must(t, db.CreateTeam(ctx, a.ID, assembly))

		ix := search.NewIndex(db)
		l := &project.Lesson{AuthorID: author.ID, TeamID: cnc.ID, Lang: "nl", Title: "Spanmiddel team", Learned: "klauwplaat spandruk", Visibility: project.VisTeam}
		must(t, db.CreateLesson(ctx, a.ID, l))
		must(t, db.SetLessonStatus(ctx, a.ID, l.ID, project.LessonDraft, project.LessonPublished, expert.ID, "", time.Now()))
		full, err := db.Lesson(ctx, a.ID, l.ID)
		must(t, err)
		must(t, projindex.Lesson(ctx, ix, full))
		node := search.NewIndex(db)
		_, err = node.Load(ctx)
		must(t, err)

		type reader struct {
			name    string
			org     string
			rd      project.Reader
			led     []string
			mayFind bool
		}
		p := func(org string, pe *tenancy.Person, roles ...core.Role) core.Principal {
			return core.Principal{OrgID: org, PersonID: pe.ID, Roles: roles}
		}
		for _, r := range []reader{
			{"author", a.ID, project.Reader{Principal: p(a.ID, author)}, nil, true},
			{"team mate", a.ID, project.Reader{Principal: p(a.ID, mate), TeamID: cnc.ID}, nil, true},
			{"team lead", a.ID, project.Reader{Principal: p(a.ID, lead, core.RoleTeamLead)}, []string{cnc.ID}, true},
			{"expert", a.ID, project.Reader{Principal: p(a.ID, expert, core.RoleExpert)}, nil, true},
			{"other team", a.ID, project.Reader{Principal: p(a.ID, other), TeamID: assembly.ID}, nil, false},
			{"management", a.ID, project.Reader{Principal: p(a.ID, other, core.RoleManagement, core.RoleAssessor)}, nil, false},
			{"organisation admin (holds every role, reviews too)", a.ID, project.Reader{Principal: p(a.ID, other, core.RoleOrgAdmin)}, nil, true},
			{"other organisation", b.ID, project.Reader{Principal: p(b.ID, outsider, core.RoleExpert), TeamID: cnc.ID}, []string{cnc.ID}, false},
		} {
			led := map[string]bool{}
			for _, id := range r.led {
				led[id] = true
			}
			if project.CanRead(r.rd, full, led[full.TeamID]) != r.mayFind {
				t.Fatalf("%s: the rules and this test disagree", r.name)
			}
			for _, x := range []*search.Index{ix, node} {
				res, err := x.Query(ctx, search.Scope{OrgID: r.org, Keys: projindex.ReaderKeys(r.rd, r.led)}, search.Query{Text: "klauwplaat", Limit: 20})
				must(t, err)
				found := false
				for _, h := range res.Hits {
					found = found || h.ID == l.ID
				}
				if found != r.mayFind {
					t.Errorf("%s: found = %v, want %v", r.name, found, r.mayFind)
				}
			}
		}
		// Moved to the organisation: everyone there, still no one else.
		full.Visibility = project.VisOrg
		must(t, projindex.Lesson(ctx, ix, full))
		if _, ok := hits(t, ix, a.ID, "klauwplaat")[l.ID]; !ok {
			t.Error("an organisation lesson is not found by the organisation")
		}
		if _, ok := hits(t, ix, b.ID, "klauwplaat")[l.ID]; ok {
			t.Error("an organisation lesson is found by another organisation")
		}
	})
}
