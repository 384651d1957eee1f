package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/gap"
	"github.com/bakenhq/baken/internal/roadmap"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/tenancy"
)

type rmFixture struct {
	a, b              *tenancy.Organisation
	siteA, siteB      *tenancy.Site
	weldTeam, cncTeam *tenancy.Team
	boss, jan, piet   *tenancy.Person
	kees              *tenancy.Person
	weld, robot, vca  *competence.Competence
	welder            *competence.RoleProfile
	bComp             *competence.Competence
	bTeam             *tenancy.Team
}

func rmSetup(t *testing.T, db *store.DB) *rmFixture {
	t.Helper()
	ctx := context.Background()
	f := &rmFixture{}
	f.a = &tenancy.Organisation{Kind: tenancy.Company, Name: "A", Slug: "rm-a"}
	f.b = &tenancy.Organisation{Kind: tenancy.Company, Name: "B", Slug: "rm-b"}
	must(t, db.CreateOrganisation(ctx, f.a))
	must(t, db.CreateOrganisation(ctx, f.b))
	f.siteA, f.siteB = &tenancy.Site{Name: "Enschede"}, &tenancy.Site{Name: "Hengelo"}
	must(t, db.CreateSite(ctx, f.a.ID, f.siteA))
	must(t, db.CreateSite(ctx, f.a.ID, f.siteB))
	f.weldTeam = &tenancy.Team{Name: "Lassen", SiteID: f.siteA.ID}
	f.cncTeam = &tenancy.Team{Name: "CNC", SiteID: f.siteB.ID}
	must(t, db.CreateTeam(ctx, f.a.ID, f.weldTeam))
	must(t, db.CreateTeam(ctx, f.a.ID, f.cncTeam))
	f.boss = &tenancy.Person{Name: "Gerrit", Roles: []core.Role{core.RoleManagement}}
	f.jan = &tenancy.Person{Name: "Jan", TeamID: f.weldTeam.ID}
	f.piet = &tenancy.Person{Name: "Piet", TeamID: f.weldTeam.ID}
	f.kees = &tenancy.Person{Name: "Kees", TeamID: f.cncTeam.ID, SiteID: f.siteB.ID}
	for _, p := range []*tenancy.Person{f.boss, f.jan, f.piet, f.kees} {
		must(t, db.CreatePerson(ctx, f.a.ID, p))
	}
	f.weld, f.robot, f.vca = &competence.Competence{NameEN: "Welding"}, &competence.Competence{NameEN: "Robot programming"}, &competence.Competence{NameEN: "Safety"}
	for _, c := range []*competence.Competence{f.weld, f.robot, f.vca} {
		must(t, db.CreateCompetence(ctx, f.a.ID, c))
	}
	f.welder = &competence.RoleProfile{NameEN: "Welder", Requirements: []competence.Requirement{{CompetenceID: f.weld.ID, Level: 2, Essential: true}, {CompetenceID: f.vca.ID, Level: 1, Essential: true}}}
	must(t, db.CreateRoleProfile(ctx, f.a.ID, f.welder))
	must(t, db.SetPersonRoleProfiles(ctx, f.a.ID, f.jan.ID, []string{f.welder.ID}))
	must(t, db.SetPersonRoleProfiles(ctx, f.a.ID, f.piet.ID, []string{f.welder.ID}))
	f.bComp = &competence.Competence{NameEN: "B only"}
	must(t, db.CreateCompetence(ctx, f.b.ID, f.bComp))
	f.bTeam = &tenancy.Team{Name: "B team"}
	must(t, db.CreateTeam(ctx, f.b.ID, f.bTeam))
	return f
}

func wantInvalid(t *testing.T, err error, field string) {
	t.Helper()
	if core.ErrorCode(err) != core.EInvalid || !strings.Contains(err.Error(), field) {
		t.Errorf("err = %v, want invalid %s", err, field)
	}
}

func TestRoadmapItemsAndHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := rmSetup(t, db)
		now := time.Now().UTC()
		obj := &roadmap.Objective{TitleNL: "Meer automatisering", TitleEN: "More automation", OwnerID: f.boss.ID, Horizon: now.AddDate(2, 0, 0)}
		must(t, db.CreateObjective(ctx, f.a.ID, obj))
		it := &roadmap.Item{TitleNL: "Cobot-lascel lijn 3", TitleEN: "Cobot welding cell line 3", TargetDate: now.AddDate(0, 9, 0),
			TeamIDs: []string{f.weldTeam.ID}, ObjectiveIDs: []string{obj.ID},
			Demand: []roadmap.Demand{{CompetenceID: f.robot.ID, Level: 2, People: 2, TeamID: f.weldTeam.ID}, {CompetenceID: f.weld.ID, Level: 3, People: 1, SiteID: f.siteB.ID, By: now.AddDate(0, 3, 0)}}}
		must(t, db.CreateItem(ctx, f.a.ID, it, f.boss.ID, now))
		if pub, _ := db.Items(ctx, f.a.ID, true); len(pub) != 0 {
			t.Fatalf("a draft is not published: %+v", pub)
		}
		got, err := db.Item(ctx, f.a.ID, it.ID, true)
		must(t, err)
		if len(got.Demand) != 2 || got.Demand[0].CompetenceID != f.robot.ID || !got.Demand[0].By.Equal(roadmap.Day(it.TargetDate)) ||
			got.Demand[1].SiteID != f.siteB.ID || len(got.TeamIDs) != 1 || len(got.ObjectiveIDs) != 1 || got.Published {
			t.Fatalf("item = %+v", got)
		}
		if _, err := db.Item(ctx, f.a.ID, it.ID, false); core.ErrorCode(err) != core.ENotFound {
			t.Errorf("draft read as staff: %v", err)
		}
		// Edit the draft, publish, edit again.
		got.Demand[0].People = 3
		must(t, db.UpdateItem(ctx, f.a.ID, got, f.boss.ID, now.Add(time.Second)))
		must(t, db.PublishItem(ctx, f.a.ID, it.ID, true, f.boss.ID, now.Add(2*time.Second)))
		got.TargetDate = got.TargetDate.AddDate(0, 1, 0)
		must(t, db.UpdateItem(ctx, f.a.ID, got, f.boss.ID, now.Add(3*time.Second)))
		hist, err := db.ItemHistory(ctx, f.a.ID, it.ID, false)
		must(t, err)
		var fields []string
		for _, h := range hist {
			fields = append(fields, strings.Join(h.Fields, "+"))
		}
		if strings.Join(fields, " ") != "target_date published demand created" || hist[0].ByName != "Gerrit" {
			t.Errorf("history = %v", fields)
		}
		staff, err := db.RoadmapChanges(ctx, f.a.ID, now.Add(-time.Hour), true, "nl")
		must(t, err)
		if len(staff) != 2 || staff[1].Fields[0] != "published" || staff[0].ItemName != "Cobot-lascel lijn 3" {
			t.Errorf("public changes = %+v", staff)
		}
		if pub, _ := db.Items(ctx, f.a.ID, true); len(pub) != 1 {
			t.Error("published item missing")
		}
		// Last looked.
		seen, err := db.BeaconSeen(ctx, f.a.ID, f.jan.ID, now)
		must(t, err)
		if !seen.IsZero() {
			t.Error("never looked before")
		}
		seen, err = db.BeaconSeen(ctx, f.a.ID, f.jan.ID, now.Add(time.Minute))
		must(t, err)
		if !seen.Equal(now.Truncate(time.Microsecond)) {
			t.Errorf("seen = %v, want %v", seen, now)
		}
		objs, err := db.Objectives(ctx, f.a.ID)
		must(t, err)
		if len(objs) != 1 || objs[0].OwnerName != "Gerrit" {
			t.Errorf("objectives = %+v", objs)
		}
		must(t, db.DeleteItem(ctx, f.a.ID, it.ID))
		if _, err := db.Item(ctx, f.a.ID, it.ID, true); core.ErrorCode(err) != core.ENotFound {
			t.Errorf("deleted: %v", err)
		}
	})
}

func TestRoadmapBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := rmSetup(t, db)
		now := time.Now().UTC()
		mk := func(d roadmap.Demand, target time.Time) *roadmap.Item {
			return &roadmap.Item{TitleEN: "X", TargetDate: target, Demand: []roadmap.Demand{d}}
		}
		wantInvalid(t, db.CreateItem(ctx, f.a.ID, mk(roadmap.Demand{CompetenceID: f.weld.ID, Level: 2, People: 1}, now.AddDate(0, 0, -3)), f.boss.ID, now), "target_date")
		wantInvalid(t, db.CreateItem(ctx, f.a.ID, mk(roadmap.Demand{CompetenceID: f.weld.ID, Level: 2, People: -1}, now.AddDate(1, 0, 0)), f.boss.ID, now), "demand.0.people")
		wantInvalid(t, db.CreateItem(ctx, f.a.ID, mk(roadmap.Demand{CompetenceID: f.weld.ID, Level: 7, People: 1}, now.AddDate(1, 0, 0)), f.boss.ID, now), "demand.0.level")
		wantInvalid(t, db.AddPlan(ctx, f.a.ID, &roadmap.Plan{PersonID: f.jan.ID, CompetenceID: f.weld.ID, TargetLevel: 2, TargetDate: now.AddDate(0, 0, -2)}, now), "target_date")
		if items, _ := db.Items(ctx, f.a.ID, false); len(items) != 0 {
			t.Error("bad input was stored")
		}
	})
}

func TestDevelopmentPlans(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := rmSetup(t, db)
		now := time.Now().UTC()
		p := &roadmap.Plan{PersonID: f.jan.ID, CompetenceID: f.robot.ID, TargetLevel: 2, TargetDate: now.AddDate(0, 6, 0), Note: "cobot course", CreatedBy: f.boss.ID}
		must(t, db.AddPlan(ctx, f.a.ID, p, now))
		mine, err := db.Plans(ctx, f.a.ID, store.PlanFilter{PersonID: f.jan.ID})
		must(t, err)
		team, err := db.Plans(ctx, f.a.ID, store.PlanFilter{TeamID: f.weldTeam.ID})
		must(t, err)
		if len(mine) != 1 || len(team) != 1 || mine[0].CompetenceName != "Robot programming" || mine[0].PersonName != "Jan" {
			t.Fatalf("plans = %+v / %+v", mine, team)
		}
		must(t, db.SetPlanDone(ctx, f.a.ID, p.ID, true))
		got, err := db.Plan(ctx, f.a.ID, p.ID)
		must(t, err)
		if !got.Done {
			t.Error("not done")
		}
		must(t, db.DeletePlan(ctx, f.a.ID, p.ID))
	})
}

func TestGapInputFromStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := rmSetup(t, db)
		now := time.Now().UTC()
		add := func(p *tenancy.Person, c *competence.Competence, k competence.Kind, level int, validUntil time.Time) {
			t.Helper()
			must(t, db.AddEvidence(ctx, f.a.ID, &competence.Evidence{PersonID: p.ID, CompetenceID: c.ID, Kind: k, Level: level, RecordedAt: now.Add(-time.Hour), ValidUntil: validUntil}))
		}
		add(f.jan, f.weld, competence.Validation, 3, time.Time{})
		add(f.jan, f.vca, competence.Certificate, 1, now.AddDate(0, 2, 0)) // expires in two months
		add(f.piet, f.weld, competence.Validation, 2, time.Time{})
		add(f.piet, f.vca, competence.Certificate, 1, time.Time{})
		add(f.kees, f.robot, competence.Validation, 3, time.Time{})
		// Piet leaves in four months. The people pages clear left_on of
		// active people; a planned departure comes from an import or
		// another system, so set it directly here.
		if _, err := db.W().ExecContext(ctx, `UPDATE people SET left_on = $3 WHERE org_id = $1 AND id = $2`, f.a.ID, f.piet.ID, store.Date(now.AddDate(0, 4, 0))); err != nil {
			t.Fatal(err)
		}
		// Kees has already left: he counts nowhere.
		f.kees.Active = false
		must(t, db.UpdatePerson(ctx, f.a.ID, f.kees))
		it := &roadmap.Item{TitleEN: "Safety drive", TargetDate: now.AddDate(0, 6, 0), Demand: []roadmap.Demand{{CompetenceID: f.vca.ID, Level: 1, People: 2}}}
		must(t, db.CreateItem(ctx, f.a.ID, it, f.boss.ID, now))
		in, err := db.GapInput(ctx, f.a.ID, now, false)
		must(t, err)
		if len(in.Items) != 0 {
			t.Error("draft counted for staff")
		}
		must(t, db.PublishItem(ctx, f.a.ID, it.ID, true, f.boss.ID, now))
		in, err = db.GapInput(ctx, f.a.ID, now, false)
		must(t, err)
		m := gap.Build(in)
		a, err := m.Analyse(gap.Scope{})
		must(t, err)
		// Now: Jan and Piet each need welding 2 and safety 1 and meet both: 4/4.
		// In six months: Jan's certificate has expired and Piet has left:
		// role rows 2/1 (Jan's welding), safety drive 2/0.
		if len(a.Total) != 2 || a.Total[0] != (gap.Cell{Needed: 4, Covered: 4}) && (a.Total[0].Needed != 4 || a.Total[0].Covered != 4) {
			t.Fatalf("now = %+v", a.Total)
		}
		if a.Total[1].Needed != 4 || a.Total[1].Covered != 1 {
			t.Errorf("in six months = %+v, want 4 needed, 1 covered", a.Total[1])
		}
		if m.PersonIndex(f.kees.ID) >= 0 {
			t.Error("a person who left is still counted")
		}
		if m.LevelAt(f.jan.ID, f.vca.ID, now.AddDate(0, 3, 0)) != 0 || m.LevelAt(f.jan.ID, f.vca.ID, now) != 1 {
			t.Error("expiry not followed into the future")
		}
		// Organisation B sees none of it.
		inB, err := db.GapInput(ctx, f.b.ID, now, true)
		must(t, err)
		if len(inB.People) != 0 || len(inB.Levels) != 0 || len(inB.Items) != 0 || len(inB.Competences) != 1 {
			t.Errorf("org B input = %+v", inB)
		}
		v1, err := db.GapVersion(ctx, f.a.ID)
		must(t, err)
		add(f.jan, f.robot, competence.SelfAssessment, 1, time.Time{})
		v2, err := db.GapVersion(ctx, f.a.ID)
		must(t, err)
		if v1 == v2 {
			t.Error("version did not change with new evidence")
		}
	})
}

func TestTenantIsolationRoadmap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := rmSetup(t, db)
		now := time.Now().UTC()
		obj := &roadmap.Objective{TitleEN: "A's goal", Horizon: now.AddDate(1, 0, 0)}
		must(t, db.CreateObjective(ctx, f.a.ID, obj))
		it := &roadmap.Item{TitleEN: "A's plan", TargetDate: now.AddDate(1, 0, 0), Published: true, Demand: []roadmap.Demand{{CompetenceID: f.weld.ID, Level: 1, People: 1}}}
		must(t, db.CreateItem(ctx, f.a.ID, it, f.boss.ID, now))
		plan := &roadmap.Plan{PersonID: f.jan.ID, CompetenceID: f.weld.ID, TargetLevel: 2, TargetDate: now.AddDate(0, 1, 0)}
		must(t, db.AddPlan(ctx, f.a.ID, plan, now))
		B := f.b.ID
		notFound := func(what string, err error) {
			t.Helper()
			if core.ErrorCode(err) != core.ENotFound {
				t.Errorf("%s from org B: %v, want not found", what, err)
			}
		}
		_, err := db.Objective(ctx, B, obj.ID)
		notFound("objective", err)
		notFound("update objective", db.UpdateObjective(ctx, B, &roadmap.Objective{ID: obj.ID, TitleEN: "x", Horizon: now}))
		notFound("delete objective", db.DeleteObjective(ctx, B, obj.ID))
		_, err = db.Item(ctx, B, it.ID, true)
		notFound("item", err)
		notFound("update item", db.UpdateItem(ctx, B, &roadmap.Item{ID: it.ID, TitleEN: "x", TargetDate: now.AddDate(1, 0, 0)}, "", now))
		notFound("publish item", db.PublishItem(ctx, B, it.ID, false, "", now))
		notFound("delete item", db.DeleteItem(ctx, B, it.ID))
		_, err = db.Plan(ctx, B, plan.ID)
		notFound("plan", err)
		notFound("plan done", db.SetPlanDone(ctx, B, plan.ID, true))
		notFound("delete plan", db.DeletePlan(ctx, B, plan.ID))
		for what, n := range map[string]func() (int, error){
			"objectives": func() (int, error) { x, err := db.Objectives(ctx, B); return len(x), err },
			"items":      func() (int, error) { x, err := db.Items(ctx, B, false); return len(x), err },
			"plans":      func() (int, error) { x, err := db.Plans(ctx, B, store.PlanFilter{}); return len(x), err },
			"history":    func() (int, error) { x, err := db.ItemHistory(ctx, B, it.ID, false); return len(x), err },
			"changes":    func() (int, error) { x, err := db.RoadmapChanges(ctx, B, time.Time{}, false, "en"); return len(x), err },
		} {
			if k, err := n(); err != nil || k != 0 {
				t.Errorf("%s of org B: %d, %v", what, k, err)
			}
		}
		// B cannot link A's competence, team, site or objective, nor plan for A's people.
		wantInvalid(t, db.CreateItem(ctx, B, &roadmap.Item{TitleEN: "x", TargetDate: now.AddDate(1, 0, 0), Demand: []roadmap.Demand{{CompetenceID: f.weld.ID, Level: 1, People: 1}}}, "", now), "demand")
		wantInvalid(t, db.CreateItem(ctx, B, &roadmap.Item{TitleEN: "x", TargetDate: now.AddDate(1, 0, 0), TeamIDs: []string{f.weldTeam.ID}}, "", now), "team_ids")
		wantInvalid(t, db.CreateItem(ctx, B, &roadmap.Item{TitleEN: "x", TargetDate: now.AddDate(1, 0, 0), ObjectiveIDs: []string{obj.ID}}, "", now), "objective_ids")
		wantInvalid(t, db.CreateItem(ctx, B, &roadmap.Item{TitleEN: "x", TargetDate: now.AddDate(1, 0, 0), Demand: []roadmap.Demand{{CompetenceID: f.bComp.ID, Level: 1, People: 1, SiteID: f.siteA.ID}}}, "", now), "site_ids")
		wantInvalid(t, db.AddPlan(ctx, B, &roadmap.Plan{PersonID: f.jan.ID, CompetenceID: f.bComp.ID, TargetLevel: 1, TargetDate: now.AddDate(0, 1, 0)}, now), "person_id")
		wantInvalid(t, db.CreateObjective(ctx, B, &roadmap.Objective{TitleEN: "x", Horizon: now, OwnerID: f.boss.ID}), "owner_id")
		// A's item still intact.
		if got, err := db.Item(ctx, f.a.ID, it.ID, false); err != nil || got.TitleEN != "A's plan" {
			t.Errorf("A's item after B's attempts: %+v, %v", got, err)
		}
		if _, err := db.BeaconSeen(ctx, B, f.jan.ID, now); err == nil {
			t.Error("B recorded a visit for A's person")
		}
	})
}
