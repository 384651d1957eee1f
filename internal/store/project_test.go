package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/project"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/tenancy"
)

func code(t *testing.T, err error, want string) {
	t.Helper()
	if got := core.ErrorCode(err); got != want {
		t.Fatalf("error code = %q (%v), want %q", got, err, want)
	}
}

func newProject(t *testing.T, db *store.DB, f *fixture) *project.Project {
	t.Helper()
	f.team.LeadID = f.lead.ID
	must(t, db.UpdateTeam(context.Background(), f.a.ID, f.team))
	p := &project.Project{TitleNL: "Terugkerende storing spanmiddel", GoalEN: "Find the cause of the chuck fault", OwnerID: f.pia.ID,
		StartsOn: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), EndsOn: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		Competences: []project.Competence{{CompetenceID: f.cnc.ID, Level: 3}}}
	must(t, db.CreateProject(context.Background(), f.a.ID, p, "engineer"))
	return p
}

func TestProjectsMembersAndContributions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		p := newProject(t, db, f)

		got, err := db.Project(ctx, f.a.ID, p.ID)
		must(t, err)
		if got.Title("en") != "Terugkerende storing spanmiddel" || got.Members != 1 || len(got.Competences) != 1 || got.Competences[0].Level != 3 || got.OwnerName != "Pia" {
			t.Fatalf("project = %+v", got)
		}
		if !got.StartsOn.Equal(p.StartsOn) || !got.EndsOn.Equal(p.EndsOn) {
			t.Fatalf("dates = %v %v", got.StartsOn, got.EndsOn)
		}
		// Bad input.
		code(t, db.CreateProject(ctx, f.a.ID, &project.Project{OwnerID: f.pia.ID}, ""), core.EInvalid)
		bad := *p
		bad.ID, bad.Competences = "", []project.Competence{{CompetenceID: f.otherOrgC.ID, Level: 2}}
		code(t, db.CreateProject(ctx, f.a.ID, &bad, ""), core.EInvalid)
		bad.Competences, bad.OwnerID = nil, f.otherOrgP.ID
		code(t, db.CreateProject(ctx, f.a.ID, &bad, ""), core.EInvalid)
		bad.OwnerID, bad.EndsOn = f.pia.ID, p.StartsOn.AddDate(0, 0, -1)
		code(t, db.CreateProject(ctx, f.a.ID, &bad, ""), core.EInvalid)

		// Call, volunteer, accept.
		must(t, db.SetProjectCall(ctx, f.a.ID, p.ID, true, "Operators who know the machine"))
		open, err := db.Projects(ctx, f.a.ID, store.ProjectFilter{CallOpen: true})
		must(t, err)
		if len(open) != 1 {
			t.Fatalf("open calls = %d", len(open))
		}
		st, err := db.Volunteer(ctx, f.a.ID, p.ID, f.jan.ID, "I run it every day")
		must(t, err)
		if st != project.Applied {
			t.Fatalf("state = %s", st)
		}
		_, err = db.Volunteer(ctx, f.a.ID, p.ID, f.jan.ID, "")
		code(t, err, core.EConflict)
		must(t, db.Decide(ctx, f.a.ID, p.ID, f.jan.ID, project.Applied, true, "operator"))
		code(t, db.Decide(ctx, f.a.ID, p.ID, f.jan.ID, project.Applied, true, ""), core.EConflict)
		m, err := db.Membership(ctx, f.a.ID, p.ID, f.jan.ID)
		must(t, err)
		if m.State != project.Accepted || m.Role != "operator" {
			t.Fatalf("member = %+v", m)
		}
		// Invitation then application: both agree, member at once.
		st, err = db.Invite(ctx, f.a.ID, p.ID, f.lead.ID, "advisor", "")
		must(t, err)
		if st != project.Invited {
			t.Fatalf("state = %s", st)
		}
		st, err = db.Volunteer(ctx, f.a.ID, p.ID, f.lead.ID, "")
		must(t, err)
		if st != project.Accepted {
			t.Fatalf("state after both asked = %s", st)
		}
		_, err = db.Volunteer(ctx, f.a.ID, p.ID, f.otherOrgP.ID, "")
		code(t, err, core.EInvalid)

		mine, err := db.Projects(ctx, f.a.ID, store.ProjectFilter{MemberID: f.jan.ID})
		must(t, err)
		if len(mine) != 1 {
			t.Fatalf("jan's projects = %d", len(mine))
		}

		// Log.
		must(t, db.AddUpdate(ctx, f.a.ID, &project.Update{ProjectID: p.ID, AuthorID: f.jan.ID, Body: "Found worn jaws", Milestone: true}))
		code(t, db.AddUpdate(ctx, f.a.ID, &project.Update{ProjectID: p.ID, AuthorID: f.jan.ID, Body: " "}), core.EInvalid)
		ups, err := db.Updates(ctx, f.a.ID, p.ID, 10)
		must(t, err)
		if len(ups) != 1 || !ups[0].Milestone || ups[0].AuthorName != "Jan" {
			t.Fatalf("updates = %+v", ups)
		}

		// Contributions: level above what the project takes, a non-member,
		// a competence not exercised: refused.
		code(t, db.ConfirmContribution(ctx, f.a.ID, &project.Contribution{ProjectID: p.ID, PersonID: f.jan.ID, CompetenceID: f.cnc.ID, Level: 4, ConfirmedBy: f.pia.ID}, false), core.EInvalid)
		code(t, db.ConfirmContribution(ctx, f.a.ID, &project.Contribution{ProjectID: p.ID, PersonID: f.otherOrgP.ID, CompetenceID: f.cnc.ID, Level: 2, ConfirmedBy: f.pia.ID}, false), core.EInvalid)
		code(t, db.ConfirmContribution(ctx, f.a.ID, &project.Contribution{ProjectID: p.ID, PersonID: f.jan.ID, CompetenceID: f.weld.ID, Level: 2, ConfirmedBy: f.pia.ID}, false), core.EInvalid)
		// The owner may not record validated evidence: it awaits validation.
		c := &project.Contribution{ProjectID: p.ID, PersonID: f.jan.ID, CompetenceID: f.cnc.ID, Level: 3, ConfirmedBy: f.pia.ID, Note: "found the cause"}
		must(t, db.ConfirmContribution(ctx, f.a.ID, c, false))
		if c.Status != project.AwaitingValidation {
			t.Fatalf("status = %s", c.Status)
		}
		code(t, db.ConfirmContribution(ctx, f.a.ID, &project.Contribution{ProjectID: p.ID, PersonID: f.jan.ID, CompetenceID: f.cnc.ID, Level: 2, ConfirmedBy: f.pia.ID}, false), core.EConflict)
		waiting, err := db.Contributions(ctx, f.a.ID, store.ContributionFilter{TeamIDs: []string{f.team.ID}, Status: project.AwaitingValidation})
		must(t, err)
		if len(waiting) != 1 || waiting[0].CompetenceName("en") != "operate CNC lathe" || waiting[0].ProjectTitle("en") == "" {
			t.Fatalf("waiting = %+v", waiting)
		}
		evs, err := db.Evidence(ctx, f.a.ID, store.EvidenceFilter{PersonID: f.jan.ID})
		must(t, err)
		if len(evs) != 0 {
			t.Fatalf("evidence before validation = %d", len(evs))
		}
		leads, err := db.LeadsPerson(ctx, f.a.ID, f.lead.ID, f.jan.ID)
		must(t, err)
		if !leads {
			t.Fatal("lead does not lead jan")
		}
		must(t, db.DecideContribution(ctx, f.a.ID, c.ID, f.lead.ID, true))
		code(t, db.DecideContribution(ctx, f.a.ID, c.ID, f.lead.ID, true), core.EConflict)
		evs, err = db.Evidence(ctx, f.a.ID, store.EvidenceFilter{PersonID: f.jan.ID})
		must(t, err)
		if len(evs) != 1 || evs[0].Kind != competence.Project || evs[0].Level != 3 || evs[0].RecordedBy != f.lead.ID {
			t.Fatalf("evidence = %+v", evs)
		}
		cur, err := db.CurrentLevels(ctx, f.a.ID, store.LevelFilter{PersonIDs: []string{f.jan.ID}}, time.Now())
		must(t, err)
		if len(cur) != 1 || cur[0].Level != 3 || cur[0].Kind != competence.Project {
			t.Fatalf("current = %+v", cur)
		}
		// Recorded at once when the confirmer may record it.
		c2 := &project.Contribution{ProjectID: p.ID, PersonID: f.lead.ID, CompetenceID: f.cnc.ID, Level: 2, ConfirmedBy: f.pia.ID}
		must(t, db.ConfirmContribution(ctx, f.a.ID, c2, true))
		if c2.Status != project.Recorded || c2.EvidenceID == "" {
			t.Fatalf("c2 = %+v", c2)
		}

		must(t, db.CloseProject(ctx, f.a.ID, p.ID, "Jaws replaced every 6 months", time.Now()))
		got, err = db.Project(ctx, f.a.ID, p.ID)
		must(t, err)
		if got.Status != project.Closed || got.CallOpen || got.Outcome == "" {
			t.Fatalf("closed = %+v", got)
		}
		_, err = db.Volunteer(ctx, f.a.ID, p.ID, f.pia.ID, "")
		code(t, err, core.ENotFound)
	})
}

func TestProjectTenantIsolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		p := newProject(t, db, f)
		if _, err := db.Invite(ctx, f.a.ID, p.ID, f.jan.ID, "", ""); err != nil {
			t.Fatal(err)
		}
		b := f.b.ID
		if _, err := db.Project(ctx, b, p.ID); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("Project across orgs: %v", err)
		}
		if ps, _ := db.Projects(ctx, b, store.ProjectFilter{}); len(ps) != 0 {
			t.Fatal("Projects leaks")
		}
		if ms, _ := db.Members(ctx, b, p.ID); len(ms) != 0 {
			t.Fatal("Members leaks")
		}
		if _, err := db.Membership(ctx, b, p.ID, f.jan.ID); !errors.Is(err, core.ErrNotFound) {
			t.Fatal("Membership leaks")
		}
		code(t, db.SetProjectCall(ctx, b, p.ID, true, ""), core.ENotFound)
		code(t, db.CloseProject(ctx, b, p.ID, "x", time.Now()), core.ENotFound)
		pp := *p
		code(t, db.UpdateProject(ctx, b, &pp), core.EInvalid) // owner of A is not a person of B
		pp.OwnerID, pp.Competences = f.otherOrgP.ID, nil
		code(t, db.UpdateProject(ctx, b, &pp), core.ENotFound)
		if _, err := db.Volunteer(ctx, b, p.ID, f.otherOrgP.ID, ""); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("Volunteer across orgs: %v", err)
		}
		code(t, db.Decide(ctx, b, p.ID, f.jan.ID, project.Invited, true, ""), core.EConflict)
		code(t, db.AddUpdate(ctx, b, &project.Update{ProjectID: p.ID, AuthorID: f.otherOrgP.ID, Body: "x"}), core.ENotFound)
		if us, _ := db.Updates(ctx, b, p.ID, 10); len(us) != 0 {
			t.Fatal("Updates leaks")
		}
		code(t, db.ConfirmContribution(ctx, b, &project.Contribution{ProjectID: p.ID, PersonID: f.jan.ID, CompetenceID: f.cnc.ID, Level: 1, ConfirmedBy: f.otherOrgP.ID}, true), core.ENotFound)
		if cs, _ := db.Contributions(ctx, b, store.ContributionFilter{}); len(cs) != 0 {
			t.Fatal("Contributions leaks")
		}
		if m, _ := db.OpenCallCompetences(ctx, b); len(m) != 0 {
			t.Fatal("OpenCallCompetences leaks")
		}
		if ok, _ := db.LeadsPerson(ctx, b, f.lead.ID, f.jan.ID); ok {
			t.Fatal("LeadsPerson leaks")
		}
		if l, _ := db.TeamLeadOf(ctx, b, f.jan.ID); l != "" {
			t.Fatal("TeamLeadOf leaks")
		}
		// Notifications.
		must(t, db.Notify(ctx, b, &project.Notification{PersonID: f.jan.ID, Kind: project.NoticeInvitation, Subject: "forged"}))
		if n, _ := db.UnreadCount(ctx, f.a.ID, f.jan.ID); n != 0 {
			t.Fatal("a forged notification reached another organisation's person")
		}
		must(t, db.Notify(ctx, f.a.ID, &project.Notification{PersonID: f.jan.ID, Kind: project.NoticeInvitation, Subject: "real"}))
		if ns, _ := db.Notifications(ctx, b, f.jan.ID, 10); len(ns) != 0 {
			t.Fatal("Notifications leaks")
		}
		must(t, db.MarkRead(ctx, b, f.jan.ID, "", time.Now()))
		if n, _ := db.UnreadCount(ctx, f.a.ID, f.jan.ID); n != 1 {
			t.Fatal("MarkRead across orgs")
		}
	})
}

func TestReflectionsArePrivate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		newProject(t, db, f) // sets the team lead
		priv := &project.Reflection{PersonID: f.jan.ID, Learned: "secret private insight", Next: "learn PLC basics"}
		must(t, db.SaveReflection(ctx, f.a.ID, priv))
		shared := &project.Reflection{PersonID: f.jan.ID, Learned: "shared insight", SharedWithLead: true}
		must(t, db.SaveReflection(ctx, f.a.ID, shared))
		code(t, db.SaveReflection(ctx, f.a.ID, &project.Reflection{PersonID: f.jan.ID}), core.EInvalid)
		code(t, db.SaveReflection(ctx, f.a.ID, &project.Reflection{PersonID: f.jan.ID, Learned: "x", Context: "nonsense"}), core.EInvalid)

		own, err := db.OwnReflections(ctx, f.a.ID, f.jan.ID)
		must(t, err)
		if len(own) != 2 {
			t.Fatalf("own = %d", len(own))
		}
		// The lead sees only the shared one; Pia (same team) and another
		// organisation see nothing.
		sh, err := db.SharedReflections(ctx, f.a.ID, f.lead.ID)
		must(t, err)
		if len(sh) != 1 || sh[0].ID != shared.ID {
			t.Fatalf("shared with lead = %+v", sh)
		}
		for _, who := range []struct{ org, person string }{{f.a.ID, f.pia.ID}, {f.b.ID, f.otherOrgP.ID}, {f.b.ID, f.lead.ID}} {
			if rs, _ := db.SharedReflections(ctx, who.org, who.person); len(rs) != 0 {
				t.Fatalf("SharedReflections leaks to %v", who)
			}
			if rs, _ := db.OwnReflections(ctx, who.org, f.jan.ID); who.org != f.a.ID && len(rs) != 0 {
				t.Fatal("OwnReflections leaks across orgs")
			}
			if _, err := db.OwnReflection(ctx, who.org, who.person, priv.ID); !errors.Is(err, core.ErrNotFound) {
				t.Fatalf("OwnReflection by %v: %v", who, err)
			}
		}
		// Someone else cannot overwrite it, nor delete it.
		forged := *priv
		forged.PersonID, forged.Learned = f.pia.ID, "overwritten"
		code(t, db.SaveReflection(ctx, f.a.ID, &forged), core.ENotFound)
		code(t, db.DeleteReflection(ctx, f.a.ID, f.pia.ID, priv.ID), core.ENotFound)
		code(t, db.DeleteReflection(ctx, f.b.ID, f.jan.ID, priv.ID), core.ENotFound)

		// The rule agrees.
		pr := core.Principal{OrgID: f.a.ID, PersonID: f.lead.ID, Roles: []core.Role{core.RoleTeamLead, core.RoleLearning, core.RoleOrgAdmin}}
		if project.CanReadReflection(pr, priv, true) || !project.CanReadReflection(pr, shared, true) {
			t.Fatal("CanReadReflection")
		}

		// The next step is pending until a development plan takes it.
		steps, err := db.NextSteps(ctx, f.a.ID, f.jan.ID)
		must(t, err)
		if len(steps) != 1 || steps[0].Status != project.StepPending || steps[0].Text != "learn PLC basics" {
			t.Fatalf("steps = %+v", steps)
		}
		code(t, db.SetNextStep(ctx, f.a.ID, f.pia.ID, steps[0].ID, project.StepDone, ""), core.ENotFound)
		must(t, db.SetNextStep(ctx, f.a.ID, f.jan.ID, steps[0].ID, project.StepDone, ""))
		if s, _ := db.NextSteps(ctx, f.b.ID, f.jan.ID); len(s) != 0 {
			t.Fatal("NextSteps leaks")
		}
	})
}

func TestLessonsReviewVisibilityAndCommunity(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		p := newProject(t, db, f)
		site := &tenancy.Site{Name: "Almelo"}
		must(t, db.CreateSite(ctx, f.a.ID, site))
		place := core.NewID()

		l := &project.Lesson{AuthorID: f.jan.ID, ProjectID: p.ID, Lang: "nl", Title: "Spanmiddel slijt sneller dan gedacht",
			Situation: "DMG Mori draaibank", Happened: "Werkstuk liep uit", Cause: "Versleten klauwen", Learned: "Klauwen elk half jaar vervangen",
			NextTime: "Eerst de klauwen meten", Visibility: project.VisCommunity, NameOrg: true, NamePeople: false,
			Competences: []string{f.cnc.ID}, Places: []project.Place{{PlaceID: place, SiteID: site.ID}}}
		must(t, db.CreateLesson(ctx, f.a.ID, l))
		if l.TeamID != f.team.ID || l.Version != 1 || l.Status != project.LessonDraft {
			t.Fatalf("created = %+v", l)
		}
		// Bad input.
		code(t, db.CreateLesson(ctx, f.a.ID, &project.Lesson{AuthorID: f.jan.ID, Lang: "de", Title: "x", Learned: "y"}), core.EInvalid)
		code(t, db.CreateLesson(ctx, f.a.ID, &project.Lesson{AuthorID: f.jan.ID, Lang: "nl", Title: "x"}), core.EInvalid)
		code(t, db.CreateLesson(ctx, f.a.ID, &project.Lesson{AuthorID: f.jan.ID, Lang: "nl", Title: "x", Learned: "y", Competences: []string{f.otherOrgC.ID}}), core.EInvalid)
		code(t, db.CreateLesson(ctx, f.b.ID, &project.Lesson{AuthorID: f.otherOrgP.ID, Lang: "nl", Title: "x", Learned: "y", ProjectID: p.ID}), core.EInvalid)

		// Not in the community before it is published.
		if _, err := db.CommunityLesson(ctx, f.b.ID, l.ID); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("draft in community: %v", err)
		}
		// A new version.
		l.Learned += " en de druk controleren"
		must(t, db.UpdateLesson(ctx, f.a.ID, l, f.jan.ID))
		vs, err := db.LessonVersions(ctx, f.a.ID, l.ID)
		must(t, err)
		if len(vs) != 2 || vs[0].Version != 2 || vs[1].Learned == vs[0].Learned {
			t.Fatalf("versions = %+v", vs)
		}
		// Review cycle.
		jan := core.Principal{OrgID: f.a.ID, PersonID: f.jan.ID}
		expert := core.Principal{OrgID: f.a.ID, PersonID: f.lead.ID, Roles: []core.Role{core.RoleExpert}}
		_, err = project.Transition(jan, l, project.Publish)
		code(t, err, core.EForbidden)
		to, err := project.Transition(jan, l, project.Submit)
		must(t, err)
		must(t, db.SetLessonStatus(ctx, f.a.ID, l.ID, l.Status, to, "", "", time.Now()))
		code(t, db.SetLessonStatus(ctx, f.a.ID, l.ID, project.LessonDraft, to, "", "", time.Now()), core.EConflict)
		l, err = db.Lesson(ctx, f.a.ID, l.ID)
		must(t, err)
		to, err = project.Transition(expert, l, project.Publish)
		must(t, err)
		code(t, db.SetLessonStatus(ctx, f.b.ID, l.ID, l.Status, to, f.otherOrgP.ID, "", time.Now()), core.EConflict)
		must(t, db.SetLessonStatus(ctx, f.a.ID, l.ID, l.Status, to, f.lead.ID, "Goed", time.Now()))

		// Anonymised as chosen: the organisation is named, people are not.
		cl, err := db.CommunityLesson(ctx, f.b.ID, l.ID)
		must(t, err)
		if cl.AuthorName != "" || cl.AuthorID != "" || cl.ReviewerName != "" || cl.OrgName != "A" || cl.ProjectID != "" || cl.Places != nil {
			t.Fatalf("community view = %+v", cl)
		}
		own, err := db.CommunityLesson(ctx, f.a.ID, l.ID)
		must(t, err)
		if own.AuthorName != "Jan" {
			t.Fatalf("own org view = %+v", own)
		}
		// An org-only lesson and a draft community lesson stay out.
		orgOnly := &project.Lesson{AuthorID: f.pia.ID, Lang: "en", Title: "Internal only", Learned: "x", Visibility: project.VisOrg}
		must(t, db.CreateLesson(ctx, f.a.ID, orgOnly))
		must(t, db.SetLessonStatus(ctx, f.a.ID, orgOnly.ID, project.LessonDraft, project.LessonPublished, f.lead.ID, "", time.Now()))
		draft := &project.Lesson{AuthorID: f.pia.ID, Lang: "en", Title: "Draft", Learned: "x", Visibility: project.VisCommunity}
		must(t, db.CreateLesson(ctx, f.a.ID, draft))
		anon := &project.Lesson{AuthorID: f.otherOrgP.ID, Lang: "en", Title: "B's lesson", Learned: "x", Visibility: project.VisCommunity}
		must(t, db.CreateLesson(ctx, f.b.ID, anon))
		must(t, db.SetLessonStatus(ctx, f.b.ID, anon.ID, project.LessonDraft, project.LessonPublished, f.otherOrgP.ID, "", time.Now()))
		com, err := db.CommunityLessons(ctx, f.a.ID, 100, 0)
		must(t, err)
		if len(com) != 2 {
			t.Fatalf("community = %d lessons", len(com))
		}
		for _, c := range com {
			switch c.ID {
			case l.ID:
			case anon.ID:
				if c.OrgName != "" || c.AuthorName != "" {
					t.Fatalf("B's anonymous lesson names %q / %q", c.OrgName, c.AuthorName)
				}
			default:
				t.Fatalf("community shows %q", c.Title)
			}
		}
		if _, err := db.CommunityLesson(ctx, f.b.ID, orgOnly.ID); !errors.Is(err, core.ErrNotFound) {
			t.Fatal("an organisation-only lesson reached the community")
		}
		if _, err := db.Lesson(ctx, f.b.ID, orgOnly.ID); !errors.Is(err, core.ErrNotFound) {
			t.Fatal("Lesson across orgs")
		}
		// Place and site lookups.
		at, err := db.Lessons(ctx, f.a.ID, store.LessonFilter{PlaceID: place, Status: project.LessonPublished})
		must(t, err)
		if len(at) != 1 || at[0].ID != l.ID {
			t.Fatalf("at place = %d", len(at))
		}
		if at, _ := db.Lessons(ctx, f.b.ID, store.LessonFilter{PlaceID: place}); len(at) != 0 {
			t.Fatal("Lessons at place leaks")
		}
		// Brief (the place page): the same lessons and what the list shows,
		// without the sections.
		brief, err := db.Lessons(ctx, f.a.ID, store.LessonFilter{PlaceID: place, Status: project.LessonPublished, Brief: true})
		must(t, err)
		if len(brief) != 1 || brief[0].ID != l.ID || brief[0].Title != l.Title || brief[0].OrgName != "A" || brief[0].PublishedAt.IsZero() ||
			brief[0].Visibility != project.VisCommunity || brief[0].TeamID != f.team.ID || brief[0].Learned != "" {
			t.Fatalf("brief = %+v", brief)
		}
		// Comments and "this helped me", also from another organisation.
		must(t, db.AddComment(ctx, f.a.ID, &project.Comment{LessonID: l.ID, AuthorOrgID: f.b.ID, AuthorID: f.otherOrgP.ID, Body: "Same on our Mazak"}))
		must(t, db.AddComment(ctx, f.a.ID, &project.Comment{LessonID: l.ID, AuthorOrgID: f.a.ID, AuthorID: f.pia.ID, Body: "Thanks"}))
		code(t, db.AddComment(ctx, f.a.ID, &project.Comment{LessonID: l.ID, AuthorOrgID: f.b.ID, AuthorID: f.pia.ID, Body: "forged"}), core.EInvalid)
		code(t, db.AddComment(ctx, f.a.ID, &project.Comment{LessonID: draft.ID, AuthorOrgID: f.a.ID, AuthorID: f.pia.ID, Body: "x"}), core.ENotFound)
		cs, err := db.Comments(ctx, f.a.ID, l.ID, f.a.ID)
		must(t, err)
		if len(cs) != 2 || cs[0].AuthorName != "" || cs[1].AuthorName != "Pia" {
			t.Fatalf("comments for A = %+v %+v", cs[0], cs[1])
		}
		cs, _ = db.Comments(ctx, f.a.ID, l.ID, f.b.ID)
		if cs[0].AuthorName != "Bob" || cs[1].AuthorName != "" {
			t.Fatal("comments for B name the wrong people")
		}
		if cs, _ := db.Comments(ctx, f.b.ID, l.ID, f.b.ID); len(cs) != 0 {
			t.Fatal("Comments with the wrong lesson org")
		}
		for i := 0; i < 2; i++ {
			added, err := db.MarkHelped(ctx, f.a.ID, l.ID, f.b.ID, f.otherOrgP.ID)
			must(t, err)
			if added != (i == 0) {
				t.Fatalf("helped added = %v", added)
			}
		}
		l, _ = db.Lesson(ctx, f.a.ID, l.ID)
		if l.Helped != 1 {
			t.Fatalf("helped = %d", l.Helped)
		}
		// Images: by content, not by name.
		img := &project.Image{LessonID: l.ID, Name: "x.png", Data: []byte("\x89PNG\r\n\x1a\n....")}
		must(t, db.AddLessonImage(ctx, f.a.ID, img))
		code(t, db.AddLessonImage(ctx, f.a.ID, &project.Image{LessonID: l.ID, Data: []byte("<svg onload=alert(1)>")}), core.EInvalid)
		code(t, db.AddLessonImage(ctx, f.b.ID, &project.Image{LessonID: l.ID, Data: img.Data}), core.ENotFound)
		if _, err := db.LessonImage(ctx, f.b.ID, l.ID, img.ID); !errors.Is(err, core.ErrNotFound) {
			t.Fatal("LessonImage across orgs")
		}
		ppl, err := db.PeopleAtSites(ctx, f.a.ID, []string{site.ID})
		must(t, err)
		if len(ppl) != 0 {
			t.Fatalf("people at site = %v", ppl)
		}
	})
}

func TestDigestClaimsOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		f.jan.Email = "jan@a.example"
		must(t, db.UpdatePerson(ctx, f.a.ID, f.jan))
		must(t, db.Notify(ctx, f.a.ID,
			&project.Notification{PersonID: f.jan.ID, Kind: project.NoticeInvitation, Subject: "Working group", URL: "/projects/x"},
			&project.Notification{PersonID: f.pia.ID, Kind: project.NoticeInvitation, Subject: "no email"}))
		rs, err := db.ClaimDigest(ctx, time.Now().Add(time.Second))
		must(t, err)
		if len(rs) != 1 || rs[0].Email != "jan@a.example" || len(rs[0].Notices) != 1 {
			t.Fatalf("digest = %+v", rs)
		}
		again, err := db.ClaimDigest(ctx, time.Now().Add(time.Second))
		must(t, err)
		if len(again) != 0 {
			t.Fatal("claimed twice")
		}
		must(t, db.UnclaimDigest(ctx, []string{rs[0].Notices[0].ID}))
		again, _ = db.ClaimDigest(ctx, time.Now().Add(time.Second))
		if len(again) != 1 {
			t.Fatal("unclaim did not return the notice")
		}
	})
}
