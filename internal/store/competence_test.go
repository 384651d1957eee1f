package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/tenancy"
)

const (
	weldURI = "http://data.europa.eu/esco/skill/weld"
	cncURI  = "http://data.europa.eu/esco/skill/cnc"
	plcURI  = "http://data.europa.eu/esco/skill/plc"
	occURI  = "http://data.europa.eu/esco/occupation/cnc-operator"
	grpURI  = "http://data.europa.eu/esco/skill/group-metal"
)

func tinyESCO() *competence.ESCOSet {
	return &competence.ESCOSet{
		Version: "test",
		Skills: []competence.ESCOSkill{
			{URI: weldURI, SkillType: "skill/competence", LabelEN: "weld metal parts", LabelNL: "metalen onderdelen lassen", AltEN: []string{"MIG welding"}, DescriptionEN: "Join metal."},
			{URI: cncURI, SkillType: "skill/competence", LabelEN: "operate CNC lathe", AltEN: []string{"turning"}, AltNL: []string{"draaien"}, DescriptionEN: "Run a CNC lathe."},
			{URI: plcURI, SkillType: "knowledge", LabelEN: "programmable logic controllers", Tags: []string{"digital"}},
		},
		Groups:      []competence.ESCOGroup{{URI: grpURI, Code: "S6", LabelEN: "working with machinery", LabelNL: "werken met machines", Top: true}},
		Occupations: []competence.ESCOOccupation{{URI: occURI, LabelEN: "CNC machine operator", LabelNL: "CNC-operator"}},
		Broader:     []competence.Broader{{URI: weldURI, BroaderURI: grpURI}, {URI: cncURI, BroaderURI: grpURI}},
		Related:     []competence.Related{{SkillURI: weldURI, RelatedURI: cncURI, Relation: "optional"}},
		OccupationSkills: []competence.OccupationSkillLink{
			{OccupationURI: occURI, SkillURI: cncURI, Essential: true},
			{OccupationURI: occURI, SkillURI: plcURI, Essential: false},
		},
	}
}

type fixture struct {
	a, b      *tenancy.Organisation
	team      *tenancy.Team
	lead      *tenancy.Person
	jan, pia  *tenancy.Person
	weld, cnc *competence.Competence
	otherOrgP *tenancy.Person
	otherOrgC *competence.Competence
}

func setup(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{}
	f.a = &tenancy.Organisation{Kind: tenancy.Company, Name: "A", Slug: "org-a"}
	f.b = &tenancy.Organisation{Kind: tenancy.Company, Name: "B", Slug: "org-b"}
	for _, o := range []*tenancy.Organisation{f.a, f.b} {
		must(t, db.CreateOrganisation(ctx, o))
	}
	if err := db.ImportESCO(ctx, tinyESCO(), nil); err != nil {
		t.Fatal(err)
	}
	f.team = &tenancy.Team{Name: "Verspaning"}
	must(t, db.CreateTeam(ctx, f.a.ID, f.team))
	f.lead = &tenancy.Person{Name: "Lies Lead", TeamID: f.team.ID, Roles: []core.Role{core.RoleTeamLead}}
	f.jan = &tenancy.Person{Name: "Jan", TeamID: f.team.ID}
	f.pia = &tenancy.Person{Name: "Pia", TeamID: f.team.ID}
	for _, p := range []*tenancy.Person{f.lead, f.jan, f.pia} {
		must(t, db.CreatePerson(ctx, f.a.ID, p))
	}
	var err error
	f.weld, err = db.PickESCOSkill(ctx, f.a.ID, weldURI, "", "")
	must(t, err)
	f.cnc, err = db.PickESCOSkill(ctx, f.a.ID, cncURI, "", "")
	must(t, err)
	f.otherOrgP = &tenancy.Person{Name: "Bob"}
	must(t, db.CreatePerson(ctx, f.b.ID, f.otherOrgP))
	f.otherOrgC = &competence.Competence{NameEN: "B's secret skill"}
	must(t, db.CreateCompetence(ctx, f.b.ID, f.otherOrgC))
	return f
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestCatalogue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		if f.weld.NameNL != "metalen onderdelen lassen" || f.weld.Modified || f.weld.Framework != competence.ESCO || f.weld.Category != "working with machinery" {
			t.Fatalf("picked skill: %+v", f.weld)
		}
		again, err := db.PickESCOSkill(ctx, f.a.ID, weldURI, "", "")
		must(t, err)
		if again.ID != f.weld.ID {
			t.Fatal("picking twice made a second competence")
		}
		plc, err := db.PickESCOSkill(ctx, f.a.ID, plcURI, "", "")
		must(t, err)
		if plc.Layer != competence.New {
			t.Fatalf("a digital skill lands in layer %s", plc.Layer)
		}
		// Editing marks modified; putting the text back unmarks it.
		c := *f.weld
		c.NameNL = "MIG/MAG-lassen"
		must(t, db.UpdateCompetence(ctx, f.a.ID, &c))
		got, err := db.Competence(ctx, f.a.ID, c.ID)
		must(t, err)
		if !got.Modified || got.NameNL != "MIG/MAG-lassen" {
			t.Fatalf("edited ESCO competence not modified: %+v", got)
		}
		got.NameNL = "metalen onderdelen lassen"
		must(t, db.UpdateCompetence(ctx, f.a.ID, got))
		if got, _ = db.Competence(ctx, f.a.ID, c.ID); got.Modified {
			t.Fatal("restored text still marked modified")
		}
		list, total, err := db.Competences(ctx, f.a.ID, competence.Filter{Query: "lassen"})
		must(t, err)
		if total != 1 || list[0].ID != f.weld.ID {
			t.Fatalf("search lassen: %d", total)
		}
		// ESCO search finds alt labels in both languages.
		for _, q := range []string{"MIG", "draaien", "lathe", "LASSEN"} {
			ss, n, err := db.SearchESCOSkills(ctx, store.ESCOSkillFilter{Query: q})
			must(t, err)
			if n != 1 || len(ss) != 1 {
				t.Fatalf("ESCO search %q found %d", q, n)
			}
		}
		ss, n, err := db.SearchESCOSkills(ctx, store.ESCOSkillFilter{Tag: "digital"})
		must(t, err)
		if n != 1 || ss[0].URI != plcURI || ss[0].Tags[0] != "digital" {
			t.Fatalf("digital collection: %d", n)
		}
		if _, n, _ := db.SearchESCOSkills(ctx, store.ESCOSkillFilter{GroupURI: grpURI}); n != 2 {
			t.Fatalf("group browse: %d", n)
		}
		groups, err := db.ESCOGroups(ctx, "")
		must(t, err)
		if len(groups) != 1 || groups[0].Label("nl") != "werken met machines" {
			t.Fatalf("top groups: %+v", groups)
		}
		// Scale: default, edit, and no dropping a level in use.
		s, err := db.Scale(ctx, f.a.ID)
		must(t, err)
		if s.Max() != 4 {
			t.Fatalf("default scale max %d", s.Max())
		}
		s.Levels[1].NameEN = "I – Instructed"
		must(t, db.SetScale(ctx, f.a.ID, s))
		if s2, _ := db.Scale(ctx, f.a.ID); s2.Level(1).NameEN != "I – Instructed" {
			t.Fatal("scale edit lost")
		}
		must(t, db.AddEvidence(ctx, f.a.ID, &competence.Evidence{PersonID: f.jan.ID, CompetenceID: f.weld.ID, Level: 4, Kind: competence.SelfAssessment}))
		short := competence.Scale{Levels: s.Levels[:3]}
		if err := db.SetScale(ctx, f.a.ID, short); core.ErrorCode(err) != core.EConflict {
			t.Fatalf("dropping a level in use: %v", err)
		}
		// Framework info.
		fws, err := db.Frameworks(ctx)
		must(t, err)
		if len(fws) != 1 || fws[0].ID != "esco" {
			t.Fatalf("frameworks: %+v", fws)
		}
	})
}

func TestEvidenceAndCurrentLevels(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		now := time.Now().UTC()
		add := func(p *tenancy.Person, c *competence.Competence, k competence.Kind, level int, ago time.Duration, validUntil time.Time) {
			t.Helper()
			must(t, db.AddEvidence(ctx, f.a.ID, &competence.Evidence{PersonID: p.ID, CompetenceID: c.ID, Kind: k, Level: level,
				RecordedBy: f.lead.ID, RecordedAt: now.Add(-ago), ValidUntil: validUntil, Note: "seen at the machine"}))
		}
		add(f.jan, f.weld, competence.SelfAssessment, 3, 72*time.Hour, time.Time{})
		levels, err := db.CurrentLevels(ctx, f.a.ID, store.LevelFilter{PersonIDs: []string{f.jan.ID}}, now)
		must(t, err)
		if len(levels) != 1 || levels[0].Level != 3 || !levels[0].Unvalidated() {
			t.Fatalf("after self-assessment: %+v", levels)
		}
		add(f.jan, f.weld, competence.Validation, 2, 48*time.Hour, time.Time{})
		add(f.jan, f.cnc, competence.Certificate, 3, 24*time.Hour, now.Add(2*time.Second))
		add(f.pia, f.cnc, competence.SelfAssessment, 1, time.Hour, time.Time{})
		levels, err = db.CurrentLevels(ctx, f.a.ID, store.LevelFilter{PersonIDs: []string{f.jan.ID}}, now)
		must(t, err)
		if len(levels) != 2 {
			t.Fatalf("levels: %+v", levels)
		}
		byComp := map[string]competence.Current{}
		for _, l := range levels {
			byComp[l.CompetenceID] = l
		}
		if w := byComp[f.weld.ID]; w.Level != 2 || !w.Validated || w.SelfLevel != 3 {
			t.Fatalf("validated must outrank self-assessment: %+v", w)
		}
		if c := byComp[f.cnc.ID]; c.Level != 3 || !c.Expiring(now) {
			t.Fatalf("certificate: %+v", c)
		}
		// The maintained table agrees with a full derivation.
		all, err := db.DeriveCurrentLevels(ctx, f.a.ID, now)
		must(t, err)
		if len(all) != 3 {
			t.Fatalf("derive all: %d", len(all))
		}
		// Once the certificate expires, the level is re-derived on read.
		later := now.Add(time.Minute)
		levels, err = db.CurrentLevels(ctx, f.a.ID, store.LevelFilter{PersonIDs: []string{f.jan.ID}, CompetenceIDs: []string{f.cnc.ID}}, later)
		must(t, err)
		if len(levels) != 1 || levels[0].Level != 0 {
			t.Fatalf("expired certificate still counts: %+v", levels)
		}
		n, err := db.RebuildCurrentLevels(ctx, f.a.ID, later)
		must(t, err)
		if n != 3 {
			t.Fatalf("rebuild stored %d", n)
		}
		// History, newest first, with names.
		hist, err := db.Evidence(ctx, f.a.ID, store.EvidenceFilter{PersonID: f.jan.ID})
		must(t, err)
		if len(hist) != 3 || hist[0].Kind != competence.Certificate || hist[0].RecordedByName != "Lies Lead" || hist[2].Note != "seen at the machine" {
			t.Fatalf("history: %+v", hist[0])
		}
		// Attachments.
		e := &competence.Evidence{PersonID: f.pia.ID, CompetenceID: f.weld.ID, Kind: competence.Certificate, Level: 2,
			Attachment: &competence.Attachment{Name: "vca.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4")}}
		must(t, db.AddEvidence(ctx, f.a.ID, e))
		a, err := db.EvidenceAttachment(ctx, f.a.ID, e.ID)
		must(t, err)
		if string(a.Data) != "%PDF-1.4" || a.Size != 8 {
			t.Fatalf("attachment: %+v", a)
		}
		// Batch is all or nothing.
		err = db.AddEvidenceBatch(ctx, f.a.ID, []*competence.Evidence{
			{PersonID: f.pia.ID, CompetenceID: f.weld.ID, Kind: competence.Validation, Level: 2},
			{PersonID: f.pia.ID, CompetenceID: f.weld.ID, Kind: competence.Validation, Level: 9},
		})
		if core.ErrorCode(err) != core.EInvalid {
			t.Fatalf("bad batch: %v", err)
		}
		if hist, _ := db.Evidence(ctx, f.a.ID, store.EvidenceFilter{PersonID: f.pia.ID}); len(hist) != 2 {
			t.Fatalf("failed batch left %d rows", len(hist))
		}
	})
}

func TestRoleProfilesAndMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		now := time.Now().UTC()
		occ, err := db.ESCOOccupation(ctx, occURI)
		must(t, err)
		if len(occ.Skills) != 2 || !occ.Skills[0].Essential {
			t.Fatalf("occupation skills: %+v", occ.Skills)
		}
		if occs, _ := db.SearchESCOOccupations(ctx, "cnc-oper", 10); len(occs) != 1 {
			t.Fatal("occupation search in Dutch")
		}
		rp, err := db.RoleProfileFromOccupation(ctx, f.a.ID, occURI, []string{cncURI}, 2, "", "")
		must(t, err)
		if rp.NameNL != "CNC-operator" || len(rp.Requirements) != 1 || !rp.Requirements[0].Essential {
			t.Fatalf("profile from occupation: %+v", rp)
		}
		if _, err := db.RoleProfileFromOccupation(ctx, f.a.ID, occURI, []string{weldURI}, 2, "", ""); core.ErrorCode(err) != core.EInvalid {
			t.Fatalf("skill not of the occupation: %v", err)
		}
		welder := &competence.RoleProfile{NameNL: "Lasser", Requirements: []competence.Requirement{
			{CompetenceID: f.weld.ID, Level: 3, Essential: true}, {CompetenceID: f.cnc.ID, Level: 1}}}
		must(t, db.CreateRoleProfile(ctx, f.a.ID, welder))
		if err := db.CreateRoleProfile(ctx, f.a.ID, &competence.RoleProfile{NameNL: "x", Requirements: []competence.Requirement{{CompetenceID: f.weld.ID, Level: 7}}}); core.ErrorCode(err) != core.EInvalid {
			t.Fatalf("level off scale: %v", err)
		}
		must(t, db.SetPersonRoleProfiles(ctx, f.a.ID, f.jan.ID, []string{rp.ID, welder.ID}))
		must(t, db.SetPersonRoleProfiles(ctx, f.a.ID, f.pia.ID, []string{welder.ID}))
		held, err := db.PersonRoleProfiles(ctx, f.a.ID, f.jan.ID)
		must(t, err)
		if len(held) != 2 {
			t.Fatalf("jan holds %d", len(held))
		}
		must(t, db.AddEvidence(ctx, f.a.ID, &competence.Evidence{PersonID: f.jan.ID, CompetenceID: f.weld.ID, Kind: competence.Validation, Level: 3}))
		must(t, db.AddEvidence(ctx, f.a.ID, &competence.Evidence{PersonID: f.pia.ID, CompetenceID: f.cnc.ID, Kind: competence.SelfAssessment, Level: 4}))
		m, err := db.Matrix(ctx, f.a.ID, store.MatrixQuery{TeamID: f.team.ID, Sort: "gaps"}, now)
		must(t, err)
		if len(m.People) != 3 || len(m.Competences) != 2 {
			t.Fatalf("matrix %d × %d", len(m.People), len(m.Competences))
		}
		cell := func(p *tenancy.Person, c *competence.Competence) competence.Cell {
			for i, mp := range m.People {
				for j, mc := range m.Competences {
					if mp.ID == p.ID && mc.ID == c.ID {
						return m.Cells[i][j]
					}
				}
			}
			t.Fatal("cell missing")
			return competence.Cell{}
		}
		if c := cell(f.jan, f.cnc); c.Required != 2 || c.Status != competence.Missing || !c.Essential {
			t.Fatalf("jan cnc merged requirement: %+v", c)
		}
		if c := cell(f.jan, f.weld); c.Status != competence.Meets || !c.Validated {
			t.Fatalf("jan weld: %+v", c)
		}
		if c := cell(f.pia, f.cnc); c.Status != competence.Meets || !c.Unvalidated() {
			t.Fatalf("pia cnc: %+v", c)
		}
		if c := cell(f.lead, f.cnc); c.Status != competence.NotRequired {
			t.Fatalf("lead holds no profile: %+v", c)
		}
		if m.People[len(m.People)-1].ID != f.lead.ID {
			t.Fatal("sort by gaps puts the lead (no gaps) last")
		}
		m2, err := db.Matrix(ctx, f.a.ID, store.MatrixQuery{ProfileID: welder.ID, Layer: competence.Fundamental}, now)
		must(t, err)
		if len(m2.People) != 2 || len(m2.Competences) != 2 {
			t.Fatalf("profile filter %d × %d", len(m2.People), len(m2.Competences))
		}
		must(t, db.DeleteRoleProfile(ctx, f.a.ID, rp.ID))
		if held, _ := db.PersonRoleProfiles(ctx, f.a.ID, f.jan.ID); len(held) != 1 {
			t.Fatal("deleted profile still held")
		}
	})
}

func TestCampaigns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		now := time.Now().UTC()
		c1 := &competence.Campaign{Name: "Voorjaar", TeamID: f.team.ID, CompetenceIDs: []string{f.weld.ID, f.cnc.ID}, Deadline: now.AddDate(0, 1, 0), CreatedBy: f.lead.ID}
		must(t, db.CreateCampaign(ctx, f.a.ID, c1))
		if len(c1.PersonIDs) != 3 || c1.PreviousID != "" {
			t.Fatalf("campaign scope: %+v", c1)
		}
		must(t, db.AddEvidence(ctx, f.a.ID, &competence.Evidence{PersonID: f.jan.ID, CompetenceID: f.weld.ID, Kind: competence.SelfAssessment, Level: 2, CampaignID: c1.ID}))
		must(t, db.AddEvidence(ctx, f.a.ID, &competence.Evidence{PersonID: f.jan.ID, CompetenceID: f.cnc.ID, Kind: competence.SelfAssessment, Level: 1, CampaignID: c1.ID}))
		must(t, db.AddEvidence(ctx, f.a.ID, &competence.Evidence{PersonID: f.jan.ID, CompetenceID: f.weld.ID, Kind: competence.Validation, Level: 2, CampaignID: c1.ID, RecordedBy: f.lead.ID}))
		prog, err := db.CampaignProgress(ctx, f.a.ID, c1.ID)
		must(t, err)
		var jan competence.Progress
		for _, p := range prog {
			if p.PersonID == f.jan.ID {
				jan = p
			}
		}
		if len(prog) != 3 || jan.Total != 2 || jan.SelfAssessed != 2 || jan.Validated != 1 || jan.Done() {
			t.Fatalf("progress: %+v", prog)
		}
		must(t, db.CloseCampaign(ctx, f.a.ID, c1.ID, now))
		if err := db.CloseCampaign(ctx, f.a.ID, c1.ID, now); core.ErrorCode(err) != core.EConflict {
			t.Fatalf("closing twice: %v", err)
		}
		snap, err := db.CampaignSnapshot(ctx, f.a.ID, c1.ID)
		must(t, err)
		if len(snap) != 6 {
			t.Fatalf("snapshot has %d rows, want 3 people × 2", len(snap))
		}
		if id, _ := db.OpenCampaignFor(ctx, f.a.ID, f.jan.ID, f.weld.ID); id != "" {
			t.Fatal("a closed campaign is still open for validations")
		}
		if id, _ := db.OpenCampaignFor(ctx, f.b.ID, f.jan.ID, f.weld.ID); id != "" {
			t.Fatal("org B finds A's campaign")
		}
		c2 := &competence.Campaign{Name: "Najaar", PersonIDs: []string{f.jan.ID}, CompetenceIDs: []string{f.weld.ID}, Deadline: now.AddDate(0, 6, 0)}
		must(t, db.CreateCampaign(ctx, f.a.ID, c2))
		if c2.PreviousID != c1.ID {
			t.Fatalf("previous campaign: %q", c2.PreviousID)
		}
		if id, _ := db.OpenCampaignFor(ctx, f.a.ID, f.jan.ID, f.weld.ID); id != c2.ID {
			t.Fatalf("open campaign for Jan's welding: %q", id)
		}
		must(t, db.AddEvidence(ctx, f.a.ID, &competence.Evidence{PersonID: f.jan.ID, CompetenceID: f.weld.ID, Kind: competence.Validation, Level: 3, CampaignID: c2.ID}))
		ch, err := db.CampaignChanges(ctx, f.a.ID, c2.ID, now)
		must(t, err)
		if len(ch) != 1 || ch[0].Before != 2 || ch[0].After != 3 {
			t.Fatalf("changes: %+v", ch)
		}
		mine, err := db.Campaigns(ctx, f.a.ID, f.pia.ID)
		must(t, err)
		if len(mine) != 1 || mine[0].ID != c1.ID {
			t.Fatalf("pia's campaigns: %d", len(mine))
		}
	})
}

// TestTenantIsolationCompetences proves that every competence method keeps
// organisations apart: org B can neither read nor touch org A's data, nor
// link its own data to A's.
func TestTenantIsolationCompetences(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		now := time.Now().UTC()
		A, B := f.a.ID, f.b.ID
		rp := &competence.RoleProfile{NameEN: "Welder", Requirements: []competence.Requirement{{CompetenceID: f.weld.ID, Level: 2}}}
		must(t, db.CreateRoleProfile(ctx, A, rp))
		must(t, db.SetPersonRoleProfiles(ctx, A, f.jan.ID, []string{rp.ID}))
		ev := &competence.Evidence{PersonID: f.jan.ID, CompetenceID: f.weld.ID, Kind: competence.Certificate, Level: 2,
			Attachment: &competence.Attachment{Name: "c.pdf", ContentType: "application/pdf", Data: []byte("x")}}
		must(t, db.AddEvidence(ctx, A, ev))
		camp := &competence.Campaign{Name: "A", TeamID: f.team.ID, CompetenceIDs: []string{f.weld.ID}, Deadline: now}
		must(t, db.CreateCampaign(ctx, A, camp))
		must(t, db.SetScale(ctx, A, competence.DefaultScale()))

		notFound := func(what string, err error) {
			t.Helper()
			if !errors.Is(err, core.ErrNotFound) {
				t.Errorf("org B %s: %v, want not found", what, err)
			}
		}
		invalid := func(what string, err error) {
			t.Helper()
			if core.ErrorCode(err) != core.EInvalid {
				t.Errorf("org B %s: %v, want invalid", what, err)
			}
		}
		_, err := db.Competence(ctx, B, f.weld.ID)
		notFound("reads A's competence", err)
		upd := *f.weld
		upd.NameEN = "hacked"
		notFound("updates A's competence", db.UpdateCompetence(ctx, B, &upd))
		if cs, n, _ := db.Competences(ctx, B, competence.Filter{}); n != 1 || cs[0].ID != f.otherOrgC.ID {
			t.Errorf("org B lists %d competences", n)
		}
		if cats, _ := db.CompetenceCategories(ctx, B); len(cats) != 0 {
			t.Errorf("org B sees A's categories %v", cats)
		}
		// B picking the same ESCO skill gets its own competence.
		bw, err := db.PickESCOSkill(ctx, B, weldURI, "", "")
		must(t, err)
		if bw.ID == f.weld.ID || bw.OrgID != B {
			t.Error("B's pick shares A's row")
		}
		if s, _ := db.Scale(ctx, B); s.Level(1).NameEN != "I – Learning" {
			t.Error("B's scale is not the default")
		}
		_, err = db.RoleProfile(ctx, B, rp.ID)
		notFound("reads A's role profile", err)
		if ps, _ := db.RoleProfiles(ctx, B); len(ps) != 0 {
			t.Error("org B lists A's role profiles")
		}
		rp2 := *rp
		notFound("updates A's role profile", db.UpdateRoleProfile(ctx, B, &competence.RoleProfile{ID: rp2.ID, NameEN: "x"}))
		notFound("deletes A's role profile", db.DeleteRoleProfile(ctx, B, rp.ID))
		invalid("requires A's competence", db.CreateRoleProfile(ctx, B, &competence.RoleProfile{NameEN: "x", Requirements: []competence.Requirement{{CompetenceID: f.weld.ID, Level: 1}}}))
		invalid("gives A's profile to its person", db.SetPersonRoleProfiles(ctx, B, f.otherOrgP.ID, []string{rp.ID}))
		invalid("gives a profile to A's person", db.SetPersonRoleProfiles(ctx, B, f.jan.ID, nil))
		if ps, _ := db.PersonRoleProfiles(ctx, B, f.jan.ID); len(ps) != 0 {
			t.Error("org B reads A's person's profiles")
		}
		invalid("records evidence on A's person", db.AddEvidence(ctx, B, &competence.Evidence{PersonID: f.jan.ID, CompetenceID: f.otherOrgC.ID, Kind: competence.Validation, Level: 1}))
		invalid("records evidence on A's competence", db.AddEvidence(ctx, B, &competence.Evidence{PersonID: f.otherOrgP.ID, CompetenceID: f.weld.ID, Kind: competence.Validation, Level: 1}))
		if es, _ := db.Evidence(ctx, B, store.EvidenceFilter{PersonID: f.jan.ID}); len(es) != 0 {
			t.Error("org B reads A's evidence")
		}
		_, err = db.EvidenceAttachment(ctx, B, ev.ID)
		notFound("reads A's attachment", err)
		if ls, _ := db.CurrentLevels(ctx, B, store.LevelFilter{PersonIDs: []string{f.jan.ID}}, now); len(ls) != 0 {
			t.Error("org B reads A's current levels")
		}
		if ls, _ := db.DeriveCurrentLevels(ctx, B, now); len(ls) != 0 {
			t.Error("org B derives A's levels")
		}
		if n, _ := db.RebuildCurrentLevels(ctx, B, now); n != 0 {
			t.Error("org B rebuilt A's levels")
		}
		if ls, _ := db.CurrentLevels(ctx, A, store.LevelFilter{}, now); len(ls) != 1 {
			t.Error("B's rebuild touched A's levels")
		}
		if ls, _ := db.DeriveCurrentLevelsFromEvidence(ctx, B, now); len(ls) != 0 {
			t.Error("org B derives A's levels from the evidence table")
		}
		if n, _ := db.RebuildEvidencePacks(ctx, B); n != 0 {
			t.Error("org B rebuilt A's evidence packs")
		}
		if ls, _ := db.DeriveCurrentLevels(ctx, A, now); len(ls) != 1 {
			t.Error("B's rebuild touched A's evidence packs")
		}
		if m, _ := db.Matrix(ctx, B, store.MatrixQuery{TeamID: f.team.ID}, now); len(m.People) != 0 {
			t.Error("org B builds a matrix of A's team")
		}
		if m, _ := db.Matrix(ctx, B, store.MatrixQuery{PersonIDs: []string{f.jan.ID}, CompetenceIDs: []string{f.weld.ID}}, now); len(m.People) != 0 || len(m.Competences) != 0 {
			t.Error("org B builds a matrix of A's person")
		}
		_, err = db.Campaign(ctx, B, camp.ID)
		notFound("reads A's campaign", err)
		if cs, _ := db.Campaigns(ctx, B, ""); len(cs) != 0 {
			t.Error("org B lists A's campaigns")
		}
		if p, _ := db.CampaignProgress(ctx, B, camp.ID); len(p) != 0 {
			t.Error("org B reads A's campaign progress")
		}
		notFound("closes A's campaign", db.CloseCampaign(ctx, B, camp.ID, now))
		if s, _ := db.CampaignSnapshot(ctx, B, camp.ID); len(s) != 0 {
			t.Error("org B reads A's snapshot")
		}
		_, err = db.CampaignChanges(ctx, B, camp.ID, now)
		notFound("reads A's campaign changes", err)
		if ok, _ := db.CampaignMember(ctx, B, camp.ID, f.jan.ID); ok {
			t.Error("org B sees A's campaign membership")
		}
		invalid("starts a campaign for A's team", db.CreateCampaign(ctx, B, &competence.Campaign{Name: "x", TeamID: f.team.ID, CompetenceIDs: []string{f.otherOrgC.ID}, Deadline: now}))
		invalid("starts a campaign with A's people", db.CreateCampaign(ctx, B, &competence.Campaign{Name: "x", PersonIDs: []string{f.jan.ID}, CompetenceIDs: []string{f.otherOrgC.ID}, Deadline: now}))
		invalid("starts a campaign on A's competence", db.CreateCampaign(ctx, B, &competence.Campaign{Name: "x", PersonIDs: []string{f.otherOrgP.ID}, CompetenceIDs: []string{f.weld.ID}, Deadline: now}))
		if _, err := db.RoleProfileFromOccupation(ctx, B, occURI, []string{cncURI}, 2, "", ""); err != nil {
			t.Errorf("B makes its own profile from ESCO: %v", err)
		}
		if c, _ := db.Competence(ctx, A, f.weld.ID); c.NameEN != "weld metal parts" {
			t.Error("A's competence changed")
		}
	})
}
