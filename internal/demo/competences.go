package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/project"
	"github.com/bakenhq/baken/internal/store"
)

func init() {
	Register(Seeder{Order: 100, Name: "competences", Seed: seedCompetences})
	Register(Seeder{Order: 610, Name: "competences: project work for the matrix", Seed: seedMatrixProjectWork})
}

// demoComp is one competence of Hofman's catalogue. esco links it to the
// ESCO skill it was based on (shown when ESCO is imported).
type demoComp struct {
	key, nl, en, cat string
	layer            competence.Layer
	esco             string
	expires          int // months a certificate or validation stays valid; 0: never
}

var demoComps = []demoComp{
	{"migmag", "MIG/MAG-lassen", "MIG/MAG welding", "Lassen", competence.Fundamental, "http://data.europa.eu/esco/skill/f015c5d5-6a1c-4f63-9012-a05f4f34105e", 0},
	{"tig", "TIG-lassen", "TIG welding", "Lassen", competence.Fundamental, "", 0},
	{"weldinspect", "Lasnaden visueel inspecteren", "Visually inspecting welds", "Lassen", competence.Fundamental, "", 0},
	{"robotweld", "Robotlassen", "Robotic welding", "Lassen", competence.New, "", 0},
	{"cobot", "Cobot programmeren", "Programming cobots", "Automatisering", competence.New, "", 0},
	{"drawing", "Technische tekeningen lezen", "Reading technical drawings", "Algemeen technisch", competence.Fundamental, "", 0},
	{"measure", "Meten met schuifmaat en micrometer", "Measuring with calipers and micrometers", "Kwaliteit", competence.Fundamental, "", 0},
	{"cmm", "3D-meetmachine (CMM) bedienen", "Operating a coordinate measuring machine", "Kwaliteit", competence.New, "", 0},
	{"turning", "CNC-draaien", "CNC turning", "Verspanen", competence.Fundamental, "", 0},
	{"milling", "CNC-frezen", "CNC milling", "Verspanen", competence.Fundamental, "", 0},
	{"setup", "Machine omstellen en gereedschap inmeten", "Machine set-up and tool presetting", "Verspanen", competence.Fundamental, "", 0},
	{"cncprog", "CNC-programmeren (Heidenhain)", "CNC programming (Heidenhain)", "Verspanen", competence.Fundamental, "", 0},
	{"cam", "CAM-programmeren", "CAM programming", "Verspanen", competence.New, "", 0},
	{"assembly", "Mechanisch monteren", "Mechanical assembly", "Assemblage", competence.Fundamental, "", 0},
	{"torque", "Werken met aanhaalmomenten", "Working with tightening torques", "Assemblage", competence.Fundamental, "", 0},
	{"pneumatics", "Pneumatiek aansluiten", "Connecting pneumatics", "Assemblage", competence.Fundamental, "", 0},
	{"nen3140", "NEN 3140 voldoend onderricht persoon", "NEN 3140 instructed person (electrical safety)", "Veiligheid", competence.Fundamental, "", 24},
	{"preventive", "Preventief onderhoud uitvoeren", "Preventive maintenance", "Onderhoud", competence.Fundamental, "", 0},
	{"fault", "Storingen analyseren", "Fault finding", "Onderhoud", competence.Fundamental, "", 0},
	{"hydraulics", "Hydrauliek", "Hydraulics", "Onderhoud", competence.Fundamental, "", 0},
	{"plc", "PLC-diagnose (Siemens S7)", "PLC diagnostics (Siemens S7)", "Automatisering", competence.New, "http://data.europa.eu/esco/skill/6468e5fb-f3be-4025-87be-4b6556755c61", 0},
	{"sensors", "Condition monitoring met sensoren", "Condition monitoring with sensors", "Automatisering", competence.New, "", 0},
	{"vca", "VCA Basis", "VCA basic safety certificate", "Veiligheid", competence.Fundamental, "", 120},
	{"loto", "Lockout/tagout toepassen", "Applying lockout/tagout", "Veiligheid", competence.Fundamental, "", 0},
	{"forklift", "Heftruck rijden", "Forklift driving", "Logistiek", competence.Fundamental, "", 60},
	{"lean", "5S en lean werken", "5S and lean working", "Algemeen technisch", competence.Fundamental, "", 0},
	{"workinstr", "Digitale werkinstructies gebruiken", "Using digital work instructions", "Digitale vaardigheden", competence.New, "", 0},
	{"mes", "Productiedata lezen in het MES", "Reading production data in the MES", "Digitale vaardigheden", competence.New, "", 0},
}

type demoProfile struct {
	nl, en string
	team   string
	reqs   []demoReq
}

type demoReq struct {
	key       string
	level     int
	essential bool
}

var demoProfiles = []demoProfile{
	{"Lasser MIG/MAG", "MIG/MAG welder", "welding", []demoReq{{"migmag", 3, true}, {"weldinspect", 2, true}, {"drawing", 2, true}, {"tig", 1, false}, {"robotweld", 1, false}, {"vca", 2, true}, {"lean", 1, false}, {"workinstr", 2, false}}},
	{"Robotlasser", "Robotic welder", "welding", []demoReq{{"migmag", 2, true}, {"robotweld", 3, true}, {"cobot", 2, true}, {"weldinspect", 2, true}, {"drawing", 2, true}, {"vca", 2, true}, {"mes", 1, false}}},
	{"CNC-operator", "CNC operator", "cnc", []demoReq{{"turning", 2, true}, {"milling", 2, true}, {"setup", 2, true}, {"drawing", 2, true}, {"measure", 3, true}, {"cncprog", 1, false}, {"cmm", 1, false}, {"vca", 2, true}, {"lean", 2, false}, {"workinstr", 2, true}}},
	{"CNC-programmeur", "CNC programmer", "cnc", []demoReq{{"cncprog", 3, true}, {"cam", 3, true}, {"setup", 3, true}, {"drawing", 3, true}, {"measure", 3, true}, {"cmm", 2, false}, {"mes", 2, false}}},
	{"Monteur", "Assembly fitter", "assembly", []demoReq{{"assembly", 3, true}, {"torque", 2, true}, {"pneumatics", 2, true}, {"drawing", 2, true}, {"nen3140", 2, true}, {"vca", 2, true}, {"workinstr", 2, true}, {"lean", 2, false}}},
	{"Onderhoudsmonteur", "Maintenance technician", "maintenance", []demoReq{{"preventive", 3, true}, {"fault", 3, true}, {"hydraulics", 2, true}, {"pneumatics", 2, true}, {"plc", 2, true}, {"sensors", 1, false}, {"nen3140", 2, true}, {"loto", 3, true}, {"vca", 2, true}}},
	{"Magazijnmedewerker", "Warehouse operative", "logistics", []demoReq{{"forklift", 2, true}, {"vca", 2, true}, {"lean", 1, false}, {"mes", 1, false}}},
}

// seedCompetences gives Hofman a catalogue of 28 competences, an edited
// I-L-U-O scale, role profiles for the shop-floor teams, two years of
// evidence (self-assessments, validations by the team leads, certificates
// with expiry dates, some expiring soon) and two review campaigns for the
// CNC team: a closed spring one with its snapshot and an open autumn one.
func seedCompetences(ctx context.Context, db *store.DB, c *Company) error {
	org := c.Org.ID
	comps := map[string]*competence.Competence{}
	for _, d := range demoComps {
		cp := &competence.Competence{Framework: competence.Own, SourceRef: d.esco, NameNL: d.nl, NameEN: d.en, Category: d.cat, Layer: d.layer}
		if err := db.CreateCompetence(ctx, org, cp); err != nil {
			return err
		}
		comps[d.key] = cp
	}
	scale := competence.DefaultScale()
	scale.Levels[1].DescriptionNL = "Leert het onder begeleiding van een ervaren collega; werkt nog niet alleen aan de machine."
	if err := db.SetScale(ctx, org, scale); err != nil {
		return err
	}
	profiles := map[string][]*competence.RoleProfile{}
	for _, dp := range demoProfiles {
		rp := &competence.RoleProfile{NameNL: dp.nl, NameEN: dp.en}
		for _, q := range dp.reqs {
			rp.Requirements = append(rp.Requirements, competence.Requirement{CompetenceID: comps[q.key].ID, Level: q.level, Essential: q.essential})
		}
		if err := db.CreateRoleProfile(ctx, org, rp); err != nil {
			return err
		}
		profiles[dp.team] = append(profiles[dp.team], rp)
	}
	leads := map[string]string{} // team id → lead id
	for _, t := range c.Teams {
		leads[t.ID] = t.LeadID
	}
	teamKey := map[string]string{}
	for k, t := range c.Teams {
		teamKey[t.ID] = k
	}
	expires := map[string]int{}
	for _, d := range demoComps {
		expires[comps[d.key].ID] = d.expires
	}
	r := c.Rand
	now := c.Now
	var evs []*competence.Evidence
	for _, p := range c.People {
		ps := profiles[teamKey[p.TeamID]]
		if len(ps) == 0 || p.ID == leads[p.TeamID] {
			continue
		}
		// Most hold the team's first profile; programmers and robot welders the second.
		held := []*competence.RoleProfile{ps[0]}
		if len(ps) > 1 && (containsAny(p.JobTitle, "programmeur", "Robot") || r.IntN(6) == 0) {
			held = []*competence.RoleProfile{ps[1]}
			if r.IntN(3) == 0 {
				held = append(held, ps[0])
			}
		}
		ids := make([]string, len(held))
		for i, h := range held {
			ids[i] = h.ID
		}
		if err := db.SetPersonRoleProfiles(ctx, org, p.ID, ids); err != nil {
			return err
		}
		years := max(1, now.Year()-p.StartDate.Year())
		for cid, q := range competence.Merge(held...) {
			// A believable level: experienced people meet more requirements.
			level := min(4, max(0, q.Level-1+r.IntN(3)+min(years, 10)/8))
			if r.IntN(10) == 0 {
				continue // never assessed
			}
			selfAt := now.AddDate(0, -r.IntN(20)-2, -r.IntN(28))
			self := min(4, level+r.IntN(2))
			evs = append(evs, &competence.Evidence{PersonID: p.ID, CompetenceID: cid, Level: self, Kind: competence.SelfAssessment, RecordedBy: p.ID, RecordedAt: selfAt})
			if r.IntN(10) < 7 { // most are validated by the team lead some weeks later
				e := &competence.Evidence{PersonID: p.ID, CompetenceID: cid, Level: level, Kind: competence.Validation, RecordedBy: leads[p.TeamID],
					RecordedAt: selfAt.AddDate(0, 0, 7+r.IntN(30))}
				if m := expires[cid]; m > 0 {
					e.Kind, e.Note = competence.Certificate, "Certificaat gecontroleerd door HR."
					if r.IntN(4) == 0 {
						e.Attachment = demoCertificate(p.Name, comps[keyOf(comps, cid)].NameNL)
					}
					// Some certificates run out soon, a few have run out.
					e.RecordedAt = now.AddDate(0, -m, 20+r.IntN(200)-30)
					e.ValidUntil = e.RecordedAt.AddDate(0, m, 0)
				}
				if e.RecordedAt.After(now) {
					e.RecordedAt = now.Add(-time.Hour)
				}
				if r.IntN(8) == 0 {
					e.Note = "Gezien bij het omstellen van de DMG Mori; kan zelfstandig verder."
				}
				evs = append(evs, e)
			}
		}
	}
	if err := db.AddEvidenceBatch(ctx, org, evs); err != nil {
		return err
	}

	// Review campaigns for CNC machining: spring (closed) and autumn (open).
	cnc := c.Teams["cnc"]
	hr := c.ByName["Marloes Bakker"]
	var cncComps []string
	for _, k := range []string{"turning", "milling", "setup", "measure", "cncprog", "cam", "workinstr"} {
		cncComps = append(cncComps, comps[k].ID)
	}
	spring := &competence.Campaign{Name: "Vaardighedenreview voorjaar 2026", TeamID: cnc.ID, CompetenceIDs: cncComps, Deadline: time.Date(2026, 4, 30, 0, 0, 0, 0, time.UTC), CreatedBy: hr.ID}
	if err := db.CreateCampaign(ctx, org, spring); err != nil {
		return err
	}
	if err := db.CloseCampaign(ctx, org, spring.ID, now.AddDate(0, -6, 0)); err != nil {
		return err
	}
	autumn := &competence.Campaign{Name: "Vaardighedenreview najaar 2026", TeamID: cnc.ID, CompetenceIDs: cncComps, Deadline: now.AddDate(0, 0, 21), CreatedBy: hr.ID}
	if err := db.CreateCampaign(ctx, org, autumn); err != nil {
		return err
	}
	lead := cnc.LeadID
	var camp []*competence.Evidence
	for i, pid := range autumn.PersonIDs {
		if pid == lead || pid == c.ByName["Jan de Vries"].ID || i%3 == 2 {
			continue // Jan still has to do his (the journey in the demo)
		}
		for j, cid := range cncComps {
			lvl := 1 + (i+j)%4
			camp = append(camp, &competence.Evidence{PersonID: pid, CompetenceID: cid, Level: lvl, Kind: competence.SelfAssessment, RecordedBy: pid, CampaignID: autumn.ID, RecordedAt: now.AddDate(0, 0, -5)})
			if i%2 == 0 {
				camp = append(camp, &competence.Evidence{PersonID: pid, CompetenceID: cid, Level: max(1, lvl-(j%2)), Kind: competence.Validation, RecordedBy: lead, CampaignID: autumn.ID, RecordedAt: now.AddDate(0, 0, -2),
					Note: map[bool]string{true: "Bijgesteld: nog niet zelfstandig op de 5-assige.", false: ""}[j%2 == 1]})
			}
		}
	}
	for i, e := range camp {
		if e.Kind == competence.SelfAssessment && i%9 == 0 {
			e.Note = "Foto van het eerste stuk van de serie bijgevoegd."
			e.Attachment = demoWorkPhoto(i)
		}
	}
	if err := db.AddEvidenceBatch(ctx, org, camp); err != nil {
		return err
	}

	// A campaign for named people across teams: the forklift and VCA
	// refresher of those whose certificates run out (issue 3's "people"
	// scope; the store takes people besides a team or site).
	var refresh []string
	for _, name := range []string{"Fleur Kok", "Bart Meijer", "Wendy Dijkstra"} {
		if p := c.ByName[name]; p != nil {
			refresh = append(refresh, p.ID)
		}
	}
	for _, p := range c.People {
		if len(refresh) < 6 && p.TeamID == c.Teams["logistics"].ID && p.ID != c.Teams["logistics"].LeadID {
			refresh = append(refresh, p.ID)
		}
	}
	forklift := &competence.Campaign{Name: "Herhaling heftruck en VCA (op naam)", PersonIDs: refresh,
		CompetenceIDs: []string{comps["forklift"].ID, comps["vca"].ID}, Deadline: now.AddDate(0, 1, 0), CreatedBy: hr.ID}
	return db.CreateCampaign(ctx, org, forklift)
}

// keyOf finds the demo key of a competence id.
func keyOf(comps map[string]*competence.Competence, id string) string {
	for k, c := range comps {
		if c.ID == id {
			return k
		}
	}
	return ""
}

// demoCertificate is a one-page PDF naming the person and the certificate,
// as a scan uploaded by HR would be.
func demoCertificate(person, what string) *competence.Attachment {
	text := strings.NewReplacer(`(`, ``, `)`, ``, `\`, ``).Replace("Certificaat " + what + " - " + person)
	stream := "BT /F1 18 Tf 60 760 Td (" + text + ") Tj ET"
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b strings.Builder
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	name := strings.ToLower(strings.NewReplacer(" ", "-", "/", "-").Replace(what)) + ".pdf"
	return &competence.Attachment{Name: name, ContentType: "application/pdf", Data: []byte(b.String())}
}

// demoWorkPhoto is a small PNG standing in for a phone photo of a workpiece:
// a grey part on a blue bench, shifted a little per photo.
func demoWorkPhoto(seed int) *competence.Attachment {
	img := image.NewRGBA(image.Rect(0, 0, 160, 120))
	for y := 0; y < 120; y++ {
		for x := 0; x < 160; x++ {
			col := color.RGBA{40, 70, 110, 255}
			if dx, dy := x-80-seed%20, y-60; dx*dx+dy*dy < 40*40 {
				col = color.RGBA{uint8(170 + (x+y)%40), uint8(170 + (x+y)%40), 180, 255}
			}
			img.Set(x, y, col)
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return &competence.Attachment{Name: fmt.Sprintf("werkstuk-%d.png", seed), ContentType: "image/png", Data: buf.Bytes()}
}

func containsAny(s string, subs ...string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// seedMatrixProjectWork runs after the projects: the chuck working group's
// owner confirms a CNC operator's set-up work, which waits for Henk, the
// team lead, and shows as ⚒ in his team's matrix (the working group's
// other contribution, fault finding, is not a column of the CNC matrix).
func seedMatrixProjectWork(ctx context.Context, db *store.DB, c *Company) error {
	org := c.Org.ID
	ps, err := db.Projects(ctx, org, store.ProjectFilter{Limit: 1000})
	if err != nil {
		return err
	}
	var wg *project.Project
	for _, p := range ps {
		if p.TitleEN != "" && strings.Contains(p.TitleEN, "chuck") && p.Status == project.Open {
			wg = p
		}
	}
	setup, _, err := db.Competences(ctx, org, competence.Filter{Query: "Omstellen"})
	if err != nil || wg == nil || len(setup) != 1 {
		return err // nothing to add to: the projects demo changed
	}
	members, err := db.Members(ctx, org, wg.ID)
	if err != nil {
		return err
	}
	cnc := c.Teams["cnc"]
	jan := c.ByName["Jan de Vries"]
	for _, m := range members {
		if m.State == project.Accepted && m.TeamID == cnc.ID && m.PersonID != jan.ID && m.PersonID != cnc.LeadID {
			return db.ConfirmContribution(ctx, org, &project.Contribution{ProjectID: wg.ID, PersonID: m.PersonID, CompetenceID: setup[0].ID,
				Level: 2, Note: "stelde de DMG Mori om met nieuwe klauwen en controleerde de spandruk", ConfirmedBy: wg.OwnerID}, false)
		}
	}
	return nil
}
