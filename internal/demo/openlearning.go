package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/bakenhq/baken/internal/catalogue"
	"github.com/bakenhq/baken/internal/catalogue/catindex"
	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/openlearning"
	"github.com/bakenhq/baken/internal/search"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

func init() {
	Register(Seeder{Order: 450, Name: "open courses and enrolments", Seed: seedOpenLearning})
}

type demoCourse struct {
	nl, en, bodyNL, bodyEN string
	url, provider          string
	hours, euros           int
	certificate            bool
	schedule               string
	outcomes               map[string]int // competence name (English) → level
}

// The university's courses for its partners, on its own competences of the
// same names (one carries the same ESCO skill as Hofman's, so it maps by
// ESCO; the others map by name).
var universityCourses = []demoCourse{
	{"Cobots programmeren voor lassers", "Programming cobots for welders",
		"Flipped classroom: theorie en simulaties online, twee praktijkdagen aan een cobot-lascel. Voor lassers met MIG/MAG-ervaring.",
		"Flipped classroom: theory and simulations online, two practice days at a cobot welding cell. For welders with MIG/MAG experience.",
		"https://ttu.example/courses/cobot-welding", "Twentse Technische Universiteit", 16, 450, true, "start 1 maart 2027, 6 weken",
		map[string]int{"Programming cobots": 2, "Robotic welding": 2}},
	{"Predictive maintenance met trillingsanalyse", "Predictive maintenance with vibration analysis",
		"Sensoren plaatsen, trillingsdata lezen en storingen voorspellen voordat de machine stilvalt. Met een remote lab op de campus.",
		"Placing sensors, reading vibration data and predicting failures before the machine stops. With a remote lab on campus.",
		"https://ttu.example/courses/predictive-maintenance", "Twentse Technische Universiteit", 24, 690, true, "zelf in te delen",
		map[string]int{"Condition monitoring with sensors": 2, "Fault finding": 3}},
	{"PLC-diagnose met Siemens S7 en TIA Portal", "PLC diagnostics with Siemens S7 and TIA Portal",
		"Storingen in besturingen vinden met TIA Portal: online kijken, forceren, diagnosebuffers lezen.",
		"Finding faults in controls with TIA Portal: going online, forcing, reading diagnostic buffers.",
		"https://ttu.example/courses/plc-diagnostics", "Twentse Technische Universiteit", 32, 950, true, "avondcursus, start september",
		map[string]int{"PLC diagnostics (Siemens S7)": 2}},
	{"CAM voor 5-assig frezen", "CAM for 5-axis milling",
		"Van 3D-model naar veilig 5-assig programma, met simulatie en botsingscontrole.",
		"From 3D model to a safe 5-axis program, with simulation and collision checking.",
		"https://ttu.example/courses/cam-5-axis", "Twentse Technische Universiteit", 40, 1200, true, "blended, 8 weken",
		map[string]int{"CAM programming": 3}},
	{"CNC-programmeren met Heidenhain TNC 640", "CNC programming with Heidenhain TNC 640",
		"Klartext-programmeren, cycli en tastcycli, met een TNC-simulator thuis en twee dagen aan de machine.",
		"Conversational programming, cycles and probing cycles, with a TNC simulator at home and two days at the machine.",
		"https://ttu.example/courses/heidenhain", "Twentse Technische Universiteit", 24, 720, true, "start 12 april 2027",
		map[string]int{"CNC programming (Heidenhain)": 3, "CNC milling": 3}},
}

// Courses Hofman's L&D coordinator added from elsewhere.
var hofmanCourses = []demoCourse{
	{"VCA Basis met examen", "VCA basic safety with exam", "Eendaagse training met examen; het diploma is tien jaar geldig.", "One-day training with exam; the certificate is valid for ten years.",
		"https://opleidingscentrum-metaal-oost.example/vca", "Opleidingscentrum Metaal Oost", 8, 195, true, "elke maand", map[string]int{"VCA basic safety certificate": 2}},
	{"TIG-lassen van roestvast staal", "TIG welding of stainless steel", "Praktijkcursus in de lasschool: dunne plaat, pijp, aanloopkleuren voorkomen.", "Hands-on course at the welding school: thin sheet, pipe, avoiding heat tint.",
		"https://opleidingscentrum-metaal-oost.example/tig-rvs", "Opleidingscentrum Metaal Oost", 24, 640, true, "drie zaterdagen", map[string]int{"TIG welding": 2}},
	{"NEN 3140 VOP-training", "NEN 3140 instructed person training", "Veilig werken aan elektrische installaties als voldoend onderricht persoon.", "Working safely on electrical installations as an instructed person.",
		"https://opleidingscentrum-metaal-oost.example/nen3140", "Opleidingscentrum Metaal Oost", 8, 245, true, "op aanvraag bij ons", map[string]int{"NEN 3140 instructed person (electrical safety)": 2}},
	{"3D-meetmachine bedienen", "Operating a coordinate measuring machine", "Meetprogramma's starten, taster kalibreren en meetrapporten lezen.", "Running measuring programs, calibrating the probe and reading measurement reports.",
		"https://opleidingscentrum-metaal-oost.example/cmm", "Opleidingscentrum Metaal Oost", 16, 880, true, "twee dagen", map[string]int{"Operating a coordinate measuring machine": 2}},
	{"Omstellen en gereedschap inmeten (SMED)", "Set-up and tool presetting (SMED)", "Sneller en foutloos omstellen: voorbereiden, inmeten buiten de machine, eerste stuk goed.", "Faster, error-free set-ups: preparation, presetting off the machine, first part right.",
		"https://opleidingscentrum-metaal-oost.example/smed", "Opleidingscentrum Metaal Oost", 12, 520, true, "twee dagdelen bij ons", map[string]int{"Machine set-up and tool presetting": 3, "CNC turning": 2}},
	{"Technische tekeningen lezen", "Reading technical drawings", "Aanzichten, maten, toleranties en lassymbolen lezen.", "Reading views, dimensions, tolerances and welding symbols.",
		"https://opleidingscentrum-metaal-oost.example/tekeninglezen", "Opleidingscentrum Metaal Oost", 8, 160, true, "avondcursus", map[string]int{"Reading technical drawings": 2}},
	{"MIG/MAG-lassen gevorderd", "Advanced MIG/MAG welding", "Uitdagende posities en dikke plaat, met lasproeven volgens NEN-EN-ISO 9606-1.", "Difficult positions and thick plate, with weld tests to NEN-EN-ISO 9606-1.",
		"https://opleidingscentrum-metaal-oost.example/migmag", "Opleidingscentrum Metaal Oost", 32, 980, true, "vier zaterdagen", map[string]int{"MIG/MAG welding": 3, "Visually inspecting welds": 2}},
	{"Hydrauliek in de praktijk", "Hydraulics in practice", "Schema's lezen, componenten herkennen en storingen zoeken.", "Reading diagrams, recognising components and finding faults.",
		"https://opleidingscentrum-metaal-oost.example/hydrauliek", "Opleidingscentrum Metaal Oost", 16, 610, true, "twee dagen", map[string]int{"Hydraulics": 2}},
	{"Lean en 5S op de werkvloer (e-learning)", "Lean and 5S on the shop floor (e-learning)", "Korte e-learning met voorbeelden uit de maakindustrie.", "Short e-learning with examples from manufacturing.",
		"https://opleidingscentrum-metaal-oost.example/lean", "Opleidingscentrum Metaal Oost", 3, 0, false, "zelfstudie", map[string]int{"5S and lean working": 2}},
}

func seedOpenLearning(ctx context.Context, db *store.DB, c *Company) error {
	// The university keeps its own competences for the outcomes of its courses.
	uniComps := map[string]string{}
	hofComps := map[string]*competence.Competence{}
	list, _, err := db.Competences(ctx, c.Org.ID, competence.Filter{Limit: 1000})
	if err != nil {
		return err
	}
	for _, cp := range list {
		hofComps[cp.NameEN] = cp
	}
	for _, dc := range universityCourses {
		for name := range dc.outcomes {
			if _, ok := uniComps[name]; ok {
				continue
			}
			h := hofComps[name]
			cp := &competence.Competence{Framework: competence.Own, NameEN: name, Layer: competence.New, Active: true}
			if h != nil {
				cp.NameNL, cp.Layer, cp.Category = h.NameNL, h.Layer, h.Category
			}
			if err := db.CreateCompetence(ctx, c.Provider.ID, cp); err != nil {
				return fmt.Errorf("university competence %s: %w", name, err)
			}
			uniComps[name] = cp.ID
		}
	}
	sophie := c.Staff[0]
	marloes := c.ByName["Marloes Bakker"]
	add := func(org *tenancy.Organisation, by string, dc demoCourse, vis catalogue.Visibility, comp func(string) string) (string, error) {
		it := &catalogue.Item{Type: catalogue.OpenCourse, Status: catalogue.Published, Visibility: vis, TitleNL: dc.nl, TitleEN: dc.en,
			BodyNL: dc.bodyNL, BodyEN: dc.bodyEN, URL: dc.url, Minutes: dc.hours * 60}
		for name, level := range dc.outcomes {
			if id := comp(name); id != "" {
				it.Outcomes = append(it.Outcomes, catalogue.Outcome{CompetenceID: id, Level: level})
			}
		}
		if err := db.CreateLearningItem(ctx, org.ID, it, by); err != nil {
			return "", fmt.Errorf("course %s: %w", dc.en, err)
		}
		return it.ID, db.SaveOpenCourse(ctx, org.ID, it.ID, &openlearning.CourseDetail{Provider: dc.provider, CostCents: dc.euros * 100,
			Currency: "EUR", Certificate: dc.certificate, Schedule: dc.schedule})
	}
	ids := map[string]string{}
	for _, dc := range universityCourses {
		id, err := add(c.Provider, sophie.ID, dc, catalogue.VisPartners, func(n string) string { return uniComps[n] })
		if err != nil {
			return err
		}
		ids[dc.en] = id
	}
	for _, dc := range hofmanCourses {
		id, err := add(c.Org, marloes.ID, dc, catalogue.VisOrg, func(n string) string {
			if cp := hofComps[n]; cp != nil {
				return cp.ID
			}
			return ""
		})
		if err != nil {
			return err
		}
		ids[dc.en] = id
	}
	// Jan is growing from CNC operator into CNC programmer: the second role
	// gives him gaps, so his learning page has recommendations with their
	// reasons. He has started the Heidenhain course at the university.
	jan := c.ByName["Jan de Vries"]
	held, err := db.PersonRoleProfiles(ctx, c.Org.ID, jan.ID)
	if err != nil {
		return err
	}
	profiles, err := db.RoleProfiles(ctx, c.Org.ID)
	if err != nil {
		return err
	}
	var ids2 []string
	for _, p := range held {
		ids2 = append(ids2, p.ID)
	}
	for _, p := range profiles {
		if p.NameEN == "CNC programmer" {
			ids2 = append(ids2, p.ID)
		}
	}
	if err := db.SetPersonRoleProfiles(ctx, c.Org.ID, jan.ID, ids2); err != nil {
		return err
	}
	if err := db.Enrol(ctx, c.Org.ID, jan.ID, ids["CNC programming with Heidenhain TNC 640"]); err != nil {
		return err
	}
	// A learning path towards that role, which the team lead validates.
	var programmer string
	for _, p := range profiles {
		if p.NameEN == "CNC programmer" {
			programmer = p.ID
		}
	}
	if programmer != "" {
		path := &catalogue.Item{Type: catalogue.Path, Status: catalogue.Published, Visibility: catalogue.VisOrg,
			TitleNL: "Van CNC-operator naar CNC-programmeur", TitleEN: "From CNC operator to CNC programmer",
			BodyNL: "Drie stappen naar zelfstandig programmeren: Heidenhain-programmeren, CAM voor 5-assig frezen en meten met de 3D-meetmachine. Henk Smit valideert aan het eind aan de machine.",
			BodyEN: "Three steps to programming on your own: Heidenhain programming, CAM for 5-axis milling and measuring with the CMM. Henk Smit validates at the machine at the end."}
		lp := &openlearning.Path{TargetKind: "role", TargetID: programmer, RequiresValidation: true, Steps: []openlearning.PathStep{
			{ItemID: ids["CNC programming with Heidenhain TNC 640"]}, {ItemID: ids["CAM for 5-axis milling"]}, {ItemID: ids["Operating a coordinate measuring machine"]}}}
		if err := db.CreatePath(ctx, c.Org.ID, path, lp, marloes.ID); err != nil {
			return fmt.Errorf("path: %w", err)
		}
		if err := db.Enrol(ctx, c.Org.ID, jan.ID, path.ID); err != nil {
			return err
		}
	}
	// The university's courses are found in search by its partners.
	if _, err := catindex.Reindex(ctx, db, search.NewIndex(db), c.Provider.ID); err != nil {
		return err
	}
	// A welder finished VCA; Henk assigned CAM to one of his CNC people,
	// due last month and not done.
	var welder, cncPerson *tenancy.Person
	for _, p := range c.People {
		if p.TeamID == c.Teams["welding"].ID && welder == nil && p.Name != "Bart Meijer" && p.Active {
			welder = p
		}
		if p.TeamID == c.Teams["cnc"].ID && cncPerson == nil && p.Name != "Henk Smit" && p.Name != "Jan de Vries" {
			cncPerson = p
		}
	}
	if welder != nil {
		if _, err := db.CompleteEnrolment(ctx, c.Org.ID, welder.ID, ids["VCA basic safety with exam"], store.Completion{ProofURL: "https://opleidingscentrum-metaal-oost.example/diploma/48213"}); err != nil {
			return err
		}
	}
	if cncPerson != nil {
		due := time.Now().UTC().AddDate(0, -1, 0)
		if err := db.Assign(ctx, c.Org.ID, c.ByName["Henk Smit"].ID, cncPerson.ID, ids["CAM for 5-axis milling"], time.Date(due.Year(), due.Month(), due.Day(), 0, 0, 0, 0, time.UTC)); err != nil {
			return err
		}
	}
	return nil
}
