package demo

import (
	"context"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/roadmap"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

// The beacon of Hofman Metaaltechniek: three objectives and five roadmap
// items (one still a draft) with competence demand on the competences the
// competences demo seeds. Where a competence is missing (the competences
// demo did not run or named it differently) it is created here, with a
// modest set of levels so that the gaps look like a real company's.
func init() {
	Register(Seeder{Order: 200, Name: "objectives and roadmap", Seed: seedRoadmap})
}

type roadmapComp struct {
	key, nl, en string
	layer       competence.Layer
}

var roadmapComps = []roadmapComp{
	{"mig", "MIG/MAG-lassen", "MIG/MAG welding", competence.Fundamental},
	{"cobot", "Cobot programmeren", "Programming cobots", competence.New},
	{"robotsafety", "Robotveiligheid (NEN-EN-ISO 10218)", "Robot safety (ISO 10218)", competence.New},
	{"weldinspect", "Lasnaden visueel inspecteren", "Visually inspecting welds", competence.Fundamental},
	{"heidenhain", "CNC-programmeren (Heidenhain)", "CNC programming (Heidenhain)", competence.Fundamental},
	{"5axis", "5-assig frezen", "5-axis milling", competence.New},
	{"cam", "CAM-programmeren", "CAM programming", competence.New},
	{"cmm", "3D-meetmachine (CMM) bedienen", "Operating a coordinate measuring machine", competence.Fundamental},
	{"condition", "Condition monitoring met sensoren", "Condition monitoring with sensors", competence.New},
	{"data", "Data-analyse voor onderhoud", "Data analysis for maintenance", competence.New},
	{"plc", "PLC-diagnose (Siemens S7)", "PLC diagnostics (Siemens S7)", competence.New},
	{"diguse", "Digitale werkinstructies gebruiken", "Using digital work instructions", competence.New},
	{"digwrite", "Digitale werkinstructies maken", "Authoring digital work instructions", competence.New},
	{"vca", "VCA Basis", "VCA basic safety certificate", competence.Fundamental},
}

// rmOnOrAfter returns date, or min months from now when date is too close.
func rmOnOrAfter(date, now time.Time, months int) time.Time {
	if floor := now.AddDate(0, months, 0); date.Before(floor) {
		return roadmap.Day(floor)
	}
	return date
}

func seedRoadmap(ctx context.Context, db *store.DB, c *Company) error {
	org := c.Org.ID
	existing, _, err := db.Competences(ctx, org, competence.Filter{Limit: 1000})
	if err != nil {
		return err
	}
	byName := map[string]*competence.Competence{}
	for _, x := range existing {
		byName[strings.ToLower(x.NameNL)] = x
		byName[strings.ToLower(x.NameEN)] = x
	}
	comp := map[string]*competence.Competence{}
	var created []string
	for _, dc := range roadmapComps {
		if x := byName[strings.ToLower(dc.nl)]; x != nil {
			comp[dc.key] = x
			continue
		}
		if x := byName[strings.ToLower(dc.en)]; x != nil {
			comp[dc.key] = x
			continue
		}
		x := &competence.Competence{NameNL: dc.nl, NameEN: dc.en, Layer: dc.layer, Category: "Roadmap", Framework: competence.Own}
		if err := db.CreateCompetence(ctx, org, x); err != nil {
			return err
		}
		comp[dc.key] = x
		created = append(created, dc.key)
	}
	if len(created) > 0 {
		if err := seedRoadmapLevels(ctx, db, c, comp, created); err != nil {
			return err
		}
	}

	now := c.Now
	boss, lotte, erik := c.ByName["Gerrit Hofman"], c.ByName["Lotte Willems"], c.ByName["Erik Bos"]
	objs := []*roadmap.Objective{
		{TitleNL: "Automatiseren waar het loont", TitleEN: "Automate where it pays",
			DescriptionNL: "Repeterend las- en freeswerk gaat naar robots en cobots, zodat vakmensen zich richten op het lastige werk en de kwaliteit.",
			DescriptionEN: "Repetitive welding and milling moves to robots and cobots, so that skilled people focus on the difficult work and on quality.",
			OwnerID:       boss.ID, Horizon: rmOnOrAfter(time.Date(2028, 12, 31, 0, 0, 0, 0, time.UTC), now, 24)},
		{TitleNL: "Een papierloze werkvloer", TitleEN: "A paperless shop floor",
			DescriptionNL: "Iedere werkplek werkt met actuele digitale tekeningen en werkinstructies, in het Nederlands en het Engels.",
			DescriptionEN: "Every workplace works from current digital drawings and work instructions, in Dutch and English.",
			OwnerID:       lotte.ID, Horizon: rmOnOrAfter(time.Date(2027, 12, 31, 0, 0, 0, 0, time.UTC), now, 12)},
		{TitleNL: "Geen ongeplande stilstand", TitleEN: "No unplanned downtime",
			DescriptionNL: "We zien storingen aankomen voordat ze de planning raken.",
			DescriptionEN: "We see breakdowns coming before they hit the schedule.",
			OwnerID:       erik.ID, Horizon: rmOnOrAfter(time.Date(2028, 6, 30, 0, 0, 0, 0, time.UTC), now, 18)},
	}
	for _, o := range objs {
		if err := db.CreateObjective(ctx, org, o); err != nil {
			return err
		}
	}
	hengelo, almelo := c.Sites["Hengelo"].ID, c.Sites["Almelo"].ID
	team := func(k string) string { return c.Teams[k].ID }
	d := func(y int, m time.Month, day, minMonths int) time.Time {
		return rmOnOrAfter(time.Date(y, m, day, 0, 0, 0, 0, time.UTC), now, minMonths)
	}
	items := []*roadmap.Item{
		{TitleNL: "Cobot-lascel lijn 3", TitleEN: "Cobot welding cell, line 3", Kind: roadmap.Technology, Status: roadmap.InProgress,
			WhyNL:      "Series van 50 tot 500 stuks lassen we straks met een cobot. Lassers programmeren en bewaken de cel en doen zelf het complexe laswerk. Dat maakt ons sneller en het werk minder zwaar.",
			WhyEN:      "Batches of 50 to 500 parts will be welded by a cobot. Welders program and watch the cell and do the complex welding themselves. That makes us faster and the work less heavy.",
			TargetDate: d(2027, 9, 30, 9), TeamIDs: []string{team("welding"), team("quality")}, ObjectiveIDs: []string{objs[0].ID}, Published: true,
			Demand: []roadmap.Demand{
				{CompetenceID: comp["cobot"].ID, Level: 2, People: 4, TeamID: team("welding"), By: d(2027, 6, 30, 7)},
				{CompetenceID: comp["robotsafety"].ID, Level: 2, People: 6, TeamID: team("welding"), By: d(2027, 6, 30, 7)},
				{CompetenceID: comp["mig"].ID, Level: 3, People: 6, TeamID: team("welding")},
				{CompetenceID: comp["weldinspect"].ID, Level: 3, People: 2, TeamID: team("quality")},
			}},
		{TitleNL: "Digitale werkinstructies op de vloer", TitleEN: "Digital work instructions on the floor", Kind: roadmap.Change, Status: roadmap.Planned,
			WhyNL:      "Papieren mappen raken verouderd en zoek. Met een tablet of telefoon bij de machine heb je altijd de laatste versie, met foto's en filmpjes.",
			WhyEN:      "Paper folders go out of date and get lost. With a tablet or phone at the machine you always have the latest version, with photos and videos.",
			TargetDate: d(2027, 4, 30, 5), SiteIDs: []string{hengelo, almelo}, ObjectiveIDs: []string{objs[1].ID}, Published: true,
			Demand: []roadmap.Demand{
				{CompetenceID: comp["diguse"].ID, Level: 2, People: 20, SiteID: hengelo},
				{CompetenceID: comp["diguse"].ID, Level: 2, People: 12, SiteID: almelo},
				{CompetenceID: comp["digwrite"].ID, Level: 3, People: 4, TeamID: team("engineering"), By: d(2027, 2, 28, 3)},
			}},
		{TitleNL: "VCA voor iedereen op de vloer", TitleEN: "VCA for everyone on the floor", Kind: roadmap.Change, Status: roadmap.Planned,
			WhyNL:      "Klanten vragen het en het is veiliger: iedereen die op de vloer werkt heeft een geldig VCA-diploma.",
			WhyEN:      "Customers ask for it and it is safer: everyone working on the floor holds a valid VCA certificate.",
			TargetDate: d(2027, 3, 31, 4), Published: true,
			Demand: []roadmap.Demand{{CompetenceID: comp["vca"].ID, Level: 1, People: 40}}},
		{TitleNL: "5-assig frezen", TitleEN: "5-axis milling", Kind: roadmap.Technology, Status: roadmap.Planned,
			WhyNL:      "Met een 5-assige bewerkingsmachine maken we complexe onderdelen in één opspanning, nauwkeuriger en zonder omspannen.",
			WhyEN:      "A 5-axis machining centre makes complex parts in one set-up, more accurately and without re-clamping.",
			TargetDate: d(2027, 12, 31, 12), TeamIDs: []string{team("cnc")}, ObjectiveIDs: []string{objs[0].ID}, Published: false,
			Demand: []roadmap.Demand{
				{CompetenceID: comp["5axis"].ID, Level: 2, People: 4, TeamID: team("cnc")},
				{CompetenceID: comp["cam"].ID, Level: 3, People: 2, TeamID: team("cnc")},
				{CompetenceID: comp["cmm"].ID, Level: 3, People: 2, TeamID: team("quality")},
			}},
		{TitleNL: "Predictive maintenance CNC-park", TitleEN: "Predictive maintenance for the CNC park", Kind: roadmap.Technology, Status: roadmap.Planned,
			WhyNL:      "Sensoren op spindels en pompen melden slijtage voordat een machine stilvalt. De technische dienst leert de signalen lezen en erop te plannen.",
			WhyEN:      "Sensors on spindles and pumps report wear before a machine stops. Maintenance learns to read the signals and plan on them.",
			TargetDate: d(2028, 3, 31, 15), TeamIDs: []string{team("maintenance"), team("cnc")}, ObjectiveIDs: []string{objs[2].ID}, Published: true,
			Demand: []roadmap.Demand{
				{CompetenceID: comp["condition"].ID, Level: 3, People: 3, TeamID: team("maintenance")},
				{CompetenceID: comp["data"].ID, Level: 2, People: 2, TeamID: team("maintenance")},
				{CompetenceID: comp["plc"].ID, Level: 3, People: 2, TeamID: team("maintenance")},
				{CompetenceID: comp["heidenhain"].ID, Level: 2, People: 8, TeamID: team("cnc")},
			}},
	}
	for i, it := range items {
		// Drafted a little while ago, so that "what changed" has a story.
		if err := db.CreateItem(ctx, org, it, boss.ID, now.Add(-time.Duration(20-i)*24*time.Hour)); err != nil {
			return err
		}
	}
	// Development plans the team leads made.
	plan := func(person, lead *tenancy.Person, key string, level int, months int, item *roadmap.Item, note string) error {
		if person == nil || lead == nil {
			return nil
		}
		p := &roadmap.Plan{PersonID: person.ID, CompetenceID: comp[key].ID, TargetLevel: level, TargetDate: roadmap.Day(now.AddDate(0, months, 0)),
			Note: note, CreatedBy: lead.ID}
		if item != nil && item.Published {
			p.ItemID = item.ID
		}
		return db.AddPlan(ctx, org, p, now)
	}
	welders, cnc := rmMembers(c, "welding"), rmMembers(c, "cnc")
	bart, henk := c.ByName["Bart Meijer"], c.ByName["Henk Smit"]
	for i, p := range []*tenancy.Person{rmPickNth(welders, 3), rmPickNth(welders, 6)} {
		if err := plan(p, bart, "cobot", 2, 5+i, items[0], "Cobot-training bij de leverancier, daarna meedraaien in de proefcel."); err != nil {
			return err
		}
	}
	if err := plan(c.ByName["Jan de Vries"], henk, "heidenhain", 2, 6, items[4], "Meelopen met de CNC-programmeur, twee ochtenden per week."); err != nil {
		return err
	}
	if err := plan(rmPickNth(cnc, 2), henk, "5axis", 2, 10, nil, "Cursus 5-assig frezen bij de universiteit, daarna begeleid op de nieuwe machine."); err != nil {
		return err
	}
	return nil
}

func rmMembers(c *Company, teamKey string) []*tenancy.Person {
	var out []*tenancy.Person
	for _, p := range c.People {
		if p.TeamID == c.Teams[teamKey].ID && p.Active && c.Teams[teamKey].LeadID != p.ID {
			out = append(out, p)
		}
	}
	return out
}

func rmPickNth(ps []*tenancy.Person, n int) *tenancy.Person {
	if len(ps) == 0 {
		return nil
	}
	return ps[n%len(ps)]
}

// seedRoadmapLevels gives the company's people believable levels in the
// roadmap competences this seeder had to create: validated by their team
// lead, VCA as certificates of which some expire before the roadmap asks
// for them, and a few single points of knowledge.
func seedRoadmapLevels(ctx context.Context, db *store.DB, c *Company, comp map[string]*competence.Competence, created []string) error {
	isNew := map[string]bool{}
	for _, k := range created {
		isNew[k] = true
	}
	r := c.Rand
	now := c.Now
	var evs []*competence.Evidence
	add := func(p *tenancy.Person, key string, level int, kind competence.Kind, validUntil time.Time) {
		if p == nil || !isNew[key] || level <= 0 {
			return
		}
		by := ""
		for _, t := range c.Teams {
			if t.ID == p.TeamID {
				by = t.LeadID
			}
		}
		if by == p.ID {
			by = c.ByName["Marloes Bakker"].ID
			if kind == competence.Validation {
				kind = competence.Assessment
				by = c.ByName["Ingrid de Boer"].ID
			}
		}
		evs = append(evs, &competence.Evidence{PersonID: p.ID, CompetenceID: comp[key].ID, Level: level, Kind: kind, RecordedBy: by,
			RecordedAt: now.AddDate(0, 0, -10-r.IntN(500)), ValidUntil: validUntil, Note: "Demo"})
	}
	lvl := func(weights ...int) int { // weights for levels 0..n
		total := 0
		for _, w := range weights {
			total += w
		}
		x := r.IntN(total)
		for l, w := range weights {
			if x < w {
				return l
			}
			x -= w
		}
		return 0
	}
	floor := map[string]bool{"welding": true, "cnc": true, "assembly": true, "maintenance": true, "logistics": true, "quality": true}
	for tk, t := range c.Teams {
		for _, p := range c.People {
			if p.TeamID != t.ID || !p.Active {
				continue
			}
			switch tk {
			case "welding":
				add(p, "mig", lvl(1, 3, 5, 4, 2), competence.Validation, time.Time{})
				add(p, "cobot", lvl(12, 4, 1), competence.Learning, time.Time{})
				add(p, "robotsafety", lvl(10, 5, 2), competence.Certificate, now.AddDate(2, 0, 0))
			case "cnc":
				add(p, "heidenhain", lvl(2, 4, 6, 4, 1), competence.Validation, time.Time{})
			case "maintenance":
				add(p, "plc", lvl(3, 3, 2, 1), competence.Validation, time.Time{})
				add(p, "data", lvl(5, 2, 1), competence.SelfAssessment, time.Time{})
			case "engineering":
				add(p, "digwrite", lvl(2, 2, 3, 1), competence.Validation, time.Time{})
			case "quality":
				add(p, "cmm", lvl(1, 1, 3, 2), competence.Validation, time.Time{})
				add(p, "weldinspect", lvl(3, 1, 2, 1), competence.Validation, time.Time{})
			}
			site := ""
			for n, s := range c.Sites {
				if s.ID == p.SiteID {
					site = n
				}
			}
			if site == "Hengelo" || site == "Almelo" {
				add(p, "diguse", lvl(3, 4, 3, 1), competence.SelfAssessment, time.Time{})
			}
			if floor[tk] && r.IntN(10) < 8 {
				// VCA is valid for ten years; some run out before the roadmap asks for it.
				add(p, "vca", 1, competence.Certificate, now.AddDate(0, 1+r.IntN(30), 0))
			}
		}
	}
	// A few people the roadmap depends on.
	add(c.ByName["Erik Bos"], "condition", 3, competence.Assessment, time.Time{})
	if cnc := rmMembers(c, "cnc"); len(cnc) > 3 {
		add(cnc[0], "5axis", 2, competence.Learning, time.Time{})
		add(cnc[1], "cam", 3, competence.Project, time.Time{})
		add(cnc[2], "5axis", 1, competence.SelfAssessment, time.Time{})
	}
	add(c.ByName["Bart Meijer"], "cobot", 3, competence.Certificate, now.AddDate(1, 6, 0))
	return db.AddEvidenceBatch(ctx, c.Org.ID, evs)
}
