package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/project"
	"github.com/bakenhq/baken/internal/project/projindex"
	"github.com/bakenhq/baken/internal/search"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

func init() {
	Register(Seeder{Order: 600, Name: "projects and lessons learned", Seed: seedProjects})
}

// seedProjects: a working group on the recurring chuck fault of the DMG
// Mori lathe (open, with volunteers, a log, confirmed work awaiting the
// team lead's validation), a closed 5S project whose work is evidence,
// reflections (one private, one shared with the team lead), lessons
// learned (published to the community without names, organisation-only,
// one for the CNC team only, one in review) and a community lesson from
// the partner university.
func seedProjects(ctx context.Context, db *store.DB, c *Company) error {
	org := c.Org.ID
	comps, _, err := db.Competences(ctx, org, competence.Filter{Limit: 1000})
	if err != nil {
		return err
	}
	byEN := map[string]string{}
	for _, cp := range comps {
		byEN[cp.NameEN] = cp.ID
	}
	comp := func(en string) string { return byEN[en] }
	person := func(name string) *tenancy.Person { return c.ByName[name] }
	ruud, jan, henk, erik, bart := person("Ruud Mulder"), person("Jan de Vries"), person("Henk Smit"), person("Erik Bos"), person("Bart Meijer")
	if ruud == nil || jan == nil || henk == nil || erik == nil || bart == nil {
		return fmt.Errorf("projects demo: named people missing")
	}
	teamMembers := func(team string, n int, except ...string) []*tenancy.Person {
		skip := map[string]bool{}
		for _, e := range except {
			skip[e] = true
		}
		var out []*tenancy.Person
		for _, p := range c.People {
			if p.TeamID == c.Teams[team].ID && !skip[p.ID] && p.ID != c.Teams[team].LeadID && len(out) < n {
				out = append(out, p)
			}
		}
		return out
	}
	day := func(d int) time.Time { return c.Now.AddDate(0, 0, d).UTC().Truncate(24 * time.Hour) }

	// The working group on the recurring fault.
	wg := &project.Project{
		TitleNL: "Terugkerende storing spanmiddel DMG Mori", TitleEN: "Recurring chuck fault on the DMG Mori lathe",
		GoalNL: "De hydraulische klauwplaat van de DMG Mori NLX 2500 valt elke paar weken uit. We zoeken de oorzaak, lossen hem op en leggen vast wat we leerden.",
		GoalEN: "The hydraulic chuck of the DMG Mori NLX 2500 fails every few weeks. We find the cause, fix it and write down what we learned.",
		SiteID: c.Sites["Hengelo"].ID, OwnerID: ruud.ID, StartsOn: day(-42), EndsOn: day(28), CallOpen: true,
		CallText: "Operators die op de DMG Mori draaien en een monteur van de technische dienst.",
	}
	for _, x := range []struct {
		en    string
		level int
	}{{"CNC turning", 3}, {"Machine set-up and tool presetting", 3}, {"Fault finding", 2}, {"Hydraulics", 2}} {
		if id := comp(x.en); id != "" {
			wg.Competences = append(wg.Competences, project.Competence{CompetenceID: id, Level: x.level})
		}
	}
	if err := db.CreateProject(ctx, org, wg, "procesengineer (trekker)"); err != nil {
		return err
	}
	cncOps := teamMembers("cnc", 3, jan.ID)
	join := func(p *project.Project, who *tenancy.Person, role string) error {
		if _, err := db.Volunteer(ctx, org, p.ID, who.ID, ""); err != nil {
			return err
		}
		return db.Decide(ctx, org, p.ID, who.ID, project.Applied, true, role)
	}
	if err := join(wg, jan, "operator"); err != nil {
		return err
	}
	if len(cncOps) > 0 {
		if err := join(wg, cncOps[0], "operator"); err != nil {
			return err
		}
	}
	if _, err := db.Invite(ctx, org, wg.ID, erik.ID, "monteur technische dienst", ""); err != nil {
		return err
	}
	if _, err := db.Volunteer(ctx, org, wg.ID, erik.ID, ""); err != nil { // accepts the invitation
		return err
	}
	if len(cncOps) > 1 {
		if _, err := db.Volunteer(ctx, org, wg.ID, cncOps[1].ID, "Ik draai in de late dienst op de DMG Mori en zie de storing vaak."); err != nil {
			return err
		}
	}
	for _, u := range []project.Update{
		{AuthorID: ruud.ID, Body: "Storingslog van het afgelopen halfjaar verzameld: 9 keer uitval, steeds na een lange serie."},
		{AuthorID: jan.ID, Body: "Klauwen gemeten: 0,3 mm slijtage op klauw 2. Spandruk zakt na 40 minuten.", Milestone: true},
		{AuthorID: erik.ID, Body: "Hydrauliekfilter vervuild en drukschakelaar versleten; beide vervangen."},
	} {
		u.ProjectID = wg.ID
		if err := db.AddUpdate(ctx, org, &u); err != nil {
			return err
		}
	}
	// Ruud may not validate Jan: the work waits for Henk.
	if id := comp("Fault finding"); id != "" {
		if err := db.ConfirmContribution(ctx, org, &project.Contribution{ProjectID: wg.ID, PersonID: jan.ID, CompetenceID: id, Level: 2, Note: "vond de slijtage aan de klauwen", ConfirmedBy: ruud.ID}, false); err != nil {
			return err
		}
	}

	// An open call that the recommendations put before the CNC team's
	// people who still have to learn Heidenhain programming (Henk among
	// them): "join this working group to grow in X".
	heidenhain := &project.Project{TitleNL: "Werkgroep standaard Heidenhain-programma's", TitleEN: "Working group: standard Heidenhain programs",
		GoalNL: "Eén bibliotheek van beproefde Heidenhain-cycli voor de flenzen, zodat elke operator een programma kan aanpassen zonder de programmeur.",
		GoalEN: "One library of proven Heidenhain cycles for the flanges, so that every operator can adapt a program without the programmer.",
		SiteID: c.Sites["Hengelo"].ID, OwnerID: ruud.ID, StartsOn: day(-7), EndsOn: day(84), CallOpen: true,
		CallText: "Operators en teamleiders die Heidenhain willen leren programmeren: we schrijven de cycli samen, aan de machine."}
	if id := comp("CNC programming (Heidenhain)"); id != "" {
		heidenhain.Competences = []project.Competence{{CompetenceID: id, Level: 2}}
	}
	if err := db.CreateProject(ctx, org, heidenhain, "procesengineer (trekker)"); err != nil {
		return err
	}

	// A closed 5S project on the welding floor: its work is evidence.
	fiveS := &project.Project{TitleNL: "5S op de lasafdeling", TitleEN: "5S on the welding floor",
		GoalNL: "Gereedschap vindbaar, werkplekken schoon en een vaste ronde elke vrijdag.", SiteID: c.Sites["Hengelo"].ID,
		OwnerID: bart.ID, StartsOn: day(-150), EndsOn: day(-60)}
	if id := comp("5S and lean working"); id != "" {
		fiveS.Competences = []project.Competence{{CompetenceID: id, Level: 2}}
	}
	if err := db.CreateProject(ctx, org, fiveS, "teamleider"); err != nil {
		return err
	}
	welders := teamMembers("welding", 2)
	for _, w := range welders {
		if _, err := db.Invite(ctx, org, fiveS.ID, w.ID, "lasser", ""); err != nil {
			return err
		}
		if err := db.Decide(ctx, org, fiveS.ID, w.ID, project.Invited, true, ""); err != nil {
			return err
		}
		if len(fiveS.Competences) > 0 {
			if err := db.ConfirmContribution(ctx, org, &project.Contribution{ProjectID: fiveS.ID, PersonID: w.ID, CompetenceID: fiveS.Competences[0].CompetenceID, Level: 2, ConfirmedBy: bart.ID}, true); err != nil {
				return err
			}
		}
	}
	if err := db.CloseProject(ctx, org, fiveS.ID, "Zoektijd naar gereedschap van 20 naar 5 minuten per dienst; de vrijdagronde blijft.", day(-60)); err != nil {
		return err
	}

	// Reflections: Jan's stays private; a colleague shares one with Henk.
	if err := db.SaveReflection(ctx, org, &project.Reflection{PersonID: jan.ID, Context: project.AboutProject, ContextID: wg.ID, ContextTitle: wg.TitleNL,
		Did: "Klauwen gemeten en de spandruk gelogd.", Learned: "Slijtage zie je niet, je moet hem meten.", Differently: "Eerder de monteur erbij halen.",
		Next: "Hydrauliek basiscursus volgen"}); err != nil {
		return err
	}
	if len(cncOps) > 0 {
		if err := db.SaveReflection(ctx, org, &project.Reflection{PersonID: cncOps[0].ID, Context: project.AboutProject, ContextID: wg.ID, ContextTitle: wg.TitleNL,
			Learned: "Een storingslog bijhouden helpt het patroon te zien.", Next: "Leren werken met het MES voor storingsdata", SharedWithLead: true}); err != nil {
			return err
		}
	}

	// Lessons learned.
	publish := func(l *project.Lesson, reviewer string, at time.Time) error {
		if err := db.CreateLesson(ctx, l.OrgID, l); err != nil {
			return err
		}
		if err := db.SetLessonStatus(ctx, l.OrgID, l.ID, project.LessonDraft, project.LessonInReview, "", "", at.Add(-time.Hour)); err != nil {
			return err
		}
		return db.SetLessonStatus(ctx, l.OrgID, l.ID, project.LessonInReview, project.LessonPublished, reviewer, "", at)
	}
	chuck := &project.Lesson{OrgID: org, AuthorID: jan.ID, ProjectID: wg.ID, Lang: "nl", Title: "Klauwplaat slijt sneller dan gedacht: meet de spandruk",
		Situation:  "DMG Mori NLX 2500 draaibank, series van 200+ stuks in twee ploegen.",
		Happened:   "Werkstukken liepen na een lange serie uit de maat en de klauwplaat viel uit met een drukfout.",
		Cause:      "Versleten klauwen (0,3 mm) én een vervuild hydrauliekfilter: de spandruk zakte na 40 minuten.",
		Learned:    "- Slijtage aan klauwen zie je niet, je moet hem **meten**.\n- Een dalende spandruk is het eerste signaal.",
		NextTime:   "Meet de spandruk bij elke serie langer dan een uur en vervang de klauwen elk half jaar.",
		Visibility: project.VisCommunity, NameOrg: true}
	for _, en := range []string{"Fault finding", "CNC turning", "Hydraulics"} {
		if id := comp(en); id != "" {
			chuck.Competences = append(chuck.Competences, id)
		}
	}
	if pl, err := db.PlaceByCode(ctx, org, "HGL-CNC-01"); err == nil {
		chuck.Places = []project.Place{{PlaceID: pl.ID, SiteID: pl.SiteID}}
	}
	if err := publish(chuck, bart.ID, c.Now.Add(-72*time.Hour)); err != nil {
		return err
	}
	changeover := &project.Lesson{OrgID: org, AuthorID: bart.ID, Lang: "en", Title: "A changeover checklist stopped the scrap after product changes",
		Situation: "Welding cell 2, five product changes a day.", Happened: "The first parts after a changeover were scrap three times in one week.",
		Cause: "The wire feed settings of the previous product stayed in the program.", Learned: "A one-page changeover checklist at the cell prevents it.",
		NextTime: "Walk the checklist at every changeover and sign it off.", Visibility: project.VisOrg}
	if err := publish(changeover, erik.ID, c.Now.Add(-240*time.Hour)); err != nil {
		return err
	}
	// A lesson the CNC team keeps to itself: its members, Henk (the lead)
	// and the reviewers find it on the lathe's page and in search; Fleur
	// in the office does not.
	if len(cncOps) > 1 {
		team := &project.Lesson{OrgID: org, AuthorID: cncOps[1].ID, Lang: "nl", Title: "Nulpunt opnieuw inmeten na een gebroken beitel",
			Situation:  "Late dienst op de DMG Mori, serie flenzen.",
			Happened:   "Na een gebroken beitel liepen de volgende tien flenzen 0,1 mm uit de maat.",
			Cause:      "De nieuwe beitel is geplaatst zonder het nulpunt opnieuw in te meten.",
			Learned:    "Na elke beitelwissel door breuk het nulpunt opnieuw inmeten, ook als de houder niet is losgeweest.",
			NextTime:   "Nulpunt inmeten en het eerste stuk laten meten voordat de serie verder loopt.",
			Visibility: project.VisTeam}
		if id := comp("CNC turning"); id != "" {
			team.Competences = []string{id}
		}
		team.Places = chuck.Places
		if err := publish(team, ruud.ID, c.Now.Add(-30*time.Hour)); err != nil {
			return err
		}
	}
	if len(cncOps) > 0 {
		review := &project.Lesson{OrgID: org, AuthorID: cncOps[0].ID, ProjectID: wg.ID, Lang: "nl", Title: "Storingslog bijhouden maakt het patroon zichtbaar",
			Learned: "Door elke uitval met tijd en serie te noteren zagen we dat hij steeds na lange series kwam.", Visibility: project.VisOrg}
		if err := db.CreateLesson(ctx, org, review); err != nil {
			return err
		}
		if err := db.SetLessonStatus(ctx, org, review.ID, project.LessonDraft, project.LessonInReview, "", "", c.Now.Add(-5*time.Hour)); err != nil {
			return err
		}
		var ns []*project.Notification
		for _, ex := range []*tenancy.Person{ruud, bart, erik} {
			ns = append(ns, &project.Notification{PersonID: ex.ID, Kind: project.NoticeReviewRequest, Subject: review.Title, URL: "/lessons/" + review.ID})
		}
		if err := db.Notify(ctx, org, ns...); err != nil {
			return err
		}
	}
	// The partner university shares a lesson with the community, naming
	// the organisation but not the people.
	if len(c.Staff) > 0 {
		uni := &project.Lesson{OrgID: c.Provider.ID, AuthorID: c.Staff[0].ID, Lang: "en", Title: "Remote lab sessions: book the rig operator, not only the rig",
			Situation: "A remote PLC lab used by three companies.", Happened: "Sessions failed when nobody on site could reset the rig.",
			Cause: "Bookings reserved the equipment but not a person.", Learned: "Every remote lab booking needs an operator on call at the rig.",
			Visibility: project.VisCommunity, NameOrg: true}
		if err := publish(uni, c.Staff[0].ID, c.Now.Add(-400*time.Hour)); err != nil {
			return err
		}
	}
	// Readers react.
	if err := db.AddComment(ctx, org, &project.Comment{LessonID: chuck.ID, AuthorOrgID: org, AuthorID: henk.ID, Body: "Meten we nu ook op de Mazak."}); err != nil {
		return err
	}
	for _, p := range append([]*tenancy.Person{henk, erik}, cncOps...) {
		if _, err := db.MarkHelped(ctx, org, chuck.ID, org, p.ID); err != nil {
			return err
		}
	}
	// Notifications that the story above produced.
	var ns []*project.Notification
	if len(cncOps) > 1 {
		ns = append(ns, &project.Notification{PersonID: ruud.ID, Kind: project.NoticeApplication, Subject: cncOps[1].Name + " · " + wg.TitleNL, URL: "/projects/" + wg.ID})
	}
	ns = append(ns, &project.Notification{PersonID: henk.ID, Kind: project.NoticeValidate, Subject: wg.TitleNL, URL: "/reflections#validate"},
		&project.Notification{PersonID: jan.ID, Kind: project.NoticePublished, Subject: chuck.Title, URL: "/lessons/" + chuck.ID},
		&project.Notification{PersonID: jan.ID, Kind: project.NoticeReflect, Subject: wg.TitleNL, URL: "/reflections/new?context=project&id=" + wg.ID})
	if err := db.Notify(ctx, org, ns...); err != nil {
		return err
	}
	// Search documents for what was published and the open working group.
	ix := search.NewIndex(db)
	for _, o := range []string{org, c.Provider.ID} {
		if _, err := projindex.Reindex(ctx, ix, db, o); err != nil {
			return err
		}
	}
	return nil
}
