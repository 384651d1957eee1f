package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"sort"
	"time"

	"github.com/bakenhq/baken/internal/catalogue"
	"github.com/bakenhq/baken/internal/catalogue/catindex"
	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/search"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

func init() {
	Register(Seeder{Order: 500, Name: "learning catalogue and places", Seed: seedCatalogue})
}

// demoStep is a step in both languages; photo draws a simple picture for
// it (a machine, a part, a torch) so that the demo shows photos.
type demoStep struct {
	nl, en string
	photo  color.RGBA
}

type demoInstruction struct {
	key              string
	nl, en           string
	minutes          int
	safetyNL, safeEN []string
	toolsNL, toolsEN []string
	steps            []demoStep
	outcomes         map[string]int // competence key → level reached
	status           catalogue.Status
	author, reviewer string
}

var (
	steel  = color.RGBA{0x5b, 0x64, 0x70, 0xff}
	orange = color.RGBA{0xe0, 0x7a, 0x1f, 0xff}
	blue   = color.RGBA{0x0b, 0x5c, 0xad, 0xff}
	green  = color.RGBA{0x1a, 0x7f, 0x37, 0xff}
)

var demoInstructions = []demoInstruction{
	{key: "nlx-tool", nl: "Gereedschap wisselen DMG Mori NLX 2500", en: "Changing tools on the DMG Mori NLX 2500", minutes: 5,
		safetyNL: []string{"Machine in de instelmodus en de deur open: nooit met de spil in beweging.", "Snijplaten zijn scherp: draag snijbestendige handschoenen."},
		safeEN:   []string{"Machine in setup mode with the door open: never with the spindle turning.", "Inserts are sharp: wear cut-resistant gloves."},
		toolsNL:  []string{"Momentsleutel 6–25 Nm", "Inbussleutel 4 mm", "Reinigingsdoek"}, toolsEN: []string{"Torque wrench 6–25 Nm", "Hex key 4 mm", "Cleaning cloth"},
		steps: []demoStep{
			{"Zet de machine in **instelmodus** (sleutelschakelaar op SETUP) en open de deur.", "Put the machine in **setup mode** (key switch on SETUP) and open the door.", steel},
			{"Draai de revolver met de handwielknop naar de positie van het oude gereedschap.", "Index the turret with the handwheel button to the old tool's station.", blue},
			{"Draai de twee klembouten van de houder los met de inbussleutel; neem de houder uit.", "Loosen the holder's two clamping bolts with the hex key; take out the holder.", orange},
			{"Maak de zitting schoon met de doek: een spaan onder de houder geeft maatafwijking.", "Wipe the seat clean: a chip under the holder throws the size off.", steel},
			{"Plaats de nieuwe houder en zet de bouten vast op **12 Nm**, kruislings.", "Fit the new holder and tighten the bolts to **12 Nm**, crosswise.", green},
			{"Meet het gereedschap in met de meettaster (Tool Eye) en controleer de correctie in de tabel.", "Measure the tool with the tool eye and check the offset in the table.", blue},
		},
		outcomes: map[string]int{"cnc": 2}, status: catalogue.Published, author: "Ruud Mulder", reviewer: "Henk Smit"},
	{key: "nlx-offset", nl: "Nulpunt instellen op de NLX 2500", en: "Setting the work offset on the NLX 2500", minutes: 4,
		safetyNL: []string{"Spil stil en deur dicht bij het tasten met de meettaster."}, safeEN: []string{"Spindle stopped and door closed while probing."},
		steps: []demoStep{
			{"Span het werkstuk in en kies het programma in het programmabeheer.", "Clamp the workpiece and select the program in the program manager.", steel},
			{"Open *Nulpuntverschuiving* en kies G54.", "Open *Work offsets* and choose G54.", blue},
			{"Tast de voorkant van het werkstuk af met cyclus 'Z meten'; neem de waarde over.", "Probe the face of the workpiece with the 'measure Z' cycle; accept the value.", green},
		},
		outcomes: map[string]int{"cnc": 2}, status: catalogue.Published, author: "Ruud Mulder", reviewer: "Henk Smit"},
	{key: "fume", nl: "Lasrook-afzuiging controleren", en: "Checking the welding fume extraction", minutes: 3,
		safetyNL: []string{"Las nooit zonder werkende afzuiging: lasrook is kankerverwekkend.", "Meldt een rode filterlamp direct bij de technische dienst."},
		safeEN:   []string{"Never weld without working extraction: welding fume causes cancer.", "Report a red filter light to maintenance at once."},
		steps: []demoStep{
			{"Zet de afzuiging aan; de groene lamp brandt binnen 10 seconden.", "Switch the extraction on; the green light comes on within 10 seconds.", green},
			{"Houd de arm op 20–30 cm van het lasnaad, iets boven de naad.", "Place the arm 20–30 cm from the seam, slightly above it.", orange},
			{"Controleer de luchtstroom met de rooktest-strip: die moet de kap in buigen.", "Check the airflow with the smoke strip: it must bend into the hood.", steel},
			{"Lees de filterindicator: in het rode vlak? Niet lassen, meld het.", "Read the filter gauge: in the red? Do not weld, report it.", blue},
		},
		outcomes: map[string]int{"fume": 2}, status: catalogue.Published, author: "Bart Meijer", reviewer: "Erik Bos"},
	{key: "cobot", nl: "Cobot-lasprogramma starten", en: "Starting a cobot welding program", minutes: 5,
		safetyNL: []string{"Niemand binnen de gele lijn als de cobot in automatisch bedrijf staat.", "Lashelm op: ook bij de cobot komt er boogstraling vrij."},
		safeEN:   []string{"Nobody inside the yellow line while the cobot runs in automatic.", "Welding helmet on: the cobot's arc emits radiation too."},
		toolsNL:  []string{"Teach pendant", "Draadkniptang"}, toolsEN: []string{"Teach pendant", "Wire cutters"},
		steps: []demoStep{
			{"Controleer gas (≥ 20 bar) en lasdraad op de haspel.", "Check the gas (≥ 20 bar) and the wire on the spool.", steel},
			{"Leg het werkstuk in de mal en sluit beide klemmen.", "Place the workpiece in the fixture and close both clamps.", orange},
			{"Kies op het teach pendant het programma met het artikelnummer van de werkbon.", "On the teach pendant, choose the program with the work order's part number.", blue},
			{"Doe een droge run op 25% snelheid en kijk of de toorts de naad volgt.", "Do a dry run at 25% speed and watch the torch follow the seam.", green},
			{"Start het lassen met de groene knop; blijf buiten de gele lijn.", "Start welding with the green button; stay outside the yellow line.", orange},
		},
		outcomes: map[string]int{"cobot": 2, "robotweld": 2}, status: catalogue.Published, author: "Bart Meijer", reviewer: "Ruud Mulder"},
	{key: "wire", nl: "Lasdraadhaspel vervangen (MIG/MAG)", en: "Replacing the wire spool (MIG/MAG)", minutes: 4,
		safetyNL: []string{"Stroombron uit voordat je het draadaanvoerhuis opent."}, safeEN: []string{"Power source off before opening the wire feeder."},
		steps: []demoStep{
			{"Zet de stroombron uit en open het draadaanvoerhuis.", "Switch off the power source and open the wire feeder.", steel},
			{"Knip de oude draad af bij de aanvoerrollen en neem de haspel uit.", "Cut the old wire at the feed rolls and remove the spool.", orange},
			{"Plaats de nieuwe haspel, voer de draad door de rollen en stel de rolkracht in.", "Fit the new spool, thread the wire through the rolls and set the roll pressure.", blue},
		},
		outcomes: map[string]int{"weld": 2}, status: catalogue.Published, author: "Bart Meijer", reviewer: "Ruud Mulder"},
	{key: "brake", nl: "Kantbank: bovengereedschap wisselen", en: "Press brake: changing the punch", minutes: 6,
		safetyNL: []string{"Bovenbalk in de onderste stand en de machine in instelmodus.", "Bovengereedschap is zwaar: til segmenten boven 10 kg met twee personen."},
		safeEN:   []string{"Ram in its lowest position and the machine in setup mode.", "Punches are heavy: lift segments over 10 kg with two people."},
		steps: []demoStep{
			{"Kies het programma en lees op het scherm welk bovengereedschap nodig is.", "Select the program and read on the screen which punch it needs.", blue},
			{"Ontgrendel de klemming met de knop op de bovenbalk.", "Release the clamping with the button on the ram.", steel},
			{"Schuif de segmenten eruit en de nieuwe erin, met de veiligheidsnok in de groef.", "Slide the segments out and the new ones in, with the safety tang in the groove.", orange},
		},
		outcomes: map[string]int{"brake": 2}, status: catalogue.InReview, author: "Ruud Mulder"},
}

type demoPlace struct {
	code, site     string
	kind           catalogue.PlaceKind
	nl, en         string
	comps          []string
	items          []string
	helperTeam     string
	helperStrength int // how many colleagues hold the competences at level 3+
}

var demoPlaces = []demoPlace{
	{"HGL-CNC-01", "Hengelo", catalogue.Machine, "Draaibank DMG Mori NLX 2500", "DMG Mori NLX 2500 lathe", []string{"cnc"}, []string{"nlx-tool", "nlx-offset"}, "cnc", 3},
	{"HGL-CNC-02", "Hengelo", catalogue.Machine, "Draaibank DMG Mori NLX 2500 (2)", "DMG Mori NLX 2500 lathe (2)", []string{"cnc"}, []string{"nlx-tool", "nlx-offset"}, "cnc", 0},
	{"HGL-LAS-01", "Hengelo", catalogue.Workstation, "Lasplek 1 (MIG/MAG)", "Welding bay 1 (MIG/MAG)", []string{"weld", "fume"}, []string{"fume", "wire"}, "welding", 3},
	{"HGL-LAS-03", "Hengelo", catalogue.Machine, "Cobot-lascel lijn 3", "Cobot welding cell line 3", []string{"cobot", "robotweld", "fume"}, []string{"cobot", "fume"}, "welding", 2},
	{"HGL-KANT-01", "Hengelo", catalogue.Machine, "Kantbank Trumpf TruBend 5130", "Trumpf TruBend 5130 press brake", []string{"brake"}, []string{"brake"}, "cnc", 1},
	{"ALM-MAG-01", "Almelo", catalogue.Area, "Magazijn gevaarlijke stoffen", "Hazardous goods store", nil, nil, "", 0},
}

var demoCompetences = map[string][3]string{ // key → query, nl, en
	"cnc":       {"CNC", "CNC-draaibank bedienen", "Operate a CNC lathe"},
	"weld":      {"MIG", "MIG/MAG-lassen", "MIG/MAG welding"},
	"fume":      {"lasrook", "Lasrook beheersen", "Controlling welding fume"},
	"cobot":     {"cobot", "Cobot programmeren", "Programming cobots"},
	"robotweld": {"robot", "Robotlassen", "Robotic welding"},
	"brake":     {"kantbank", "Kantbank bedienen", "Operate a press brake"},
}

// demoPhoto draws a simple picture in the step's colour: a machine bed
// and a part, enough to show where photos go.
func demoPhoto(c color.RGBA, n int) ([]byte, error) {
	const w, h = 480, 320
	img := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.RGBA{0xf3, 0xf6, 0xf9, 0xff}, c, color.RGBA{0x1b, 0x1f, 0x24, 0xff}})
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			switch {
			case y > 230 && y < 250 && x > 40 && x < 440: // machine bed
				img.SetColorIndex(x, y, 2)
			case (x-240)*(x-240)+(y-150)*(y-150) < (50+10*n)*(50+10*n)/2: // the part
				img.SetColorIndex(x, y, 1)
			}
		}
	}
	var b bytes.Buffer
	err := png.Encode(&b, img)
	return b.Bytes(), err
}

// seedCatalogue: Hofman's experts have written short instructions for the
// machines on the shop floor in Hengelo; every machine has a QR label
// that opens its place page; colleagues have used the instructions and
// said what helped.
func seedCatalogue(ctx context.Context, db *store.DB, c *Company) error {
	org := c.Org.ID
	comps := map[string]*competence.Competence{}
	keys := make([]string, 0, len(demoCompetences))
	for k := range demoCompetences {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		q := demoCompetences[key]
		found, _, err := db.Competences(ctx, org, competence.Filter{Query: q[0], Limit: 1})
		if err != nil {
			return err
		}
		if len(found) == 0 {
			comp := &competence.Competence{Framework: competence.Own, NameNL: q[1], NameEN: q[2], Layer: competence.Fundamental, Category: "Productie", Active: true}
			if key == "cobot" || key == "robotweld" {
				comp.Layer, comp.Category = competence.New, "Automatisering"
			}
			if err := db.CreateCompetence(ctx, org, comp); err != nil {
				return fmt.Errorf("competence %s: %w", key, err)
			}
			found = append(found, comp)
		}
		comps[key] = found[0]
	}
	items := map[string]*catalogue.Item{}
	for _, d := range demoInstructions {
		author := c.ByName[d.author]
		it := &catalogue.Item{Type: catalogue.Instruction, Visibility: catalogue.VisOrg, TitleNL: d.nl, TitleEN: d.en, Minutes: d.minutes,
			AuthorID: author.ID, Status: catalogue.Draft,
			Instruction: &catalogue.InstructionDetail{SafetyNL: d.safetyNL, SafetyEN: d.safeEN, ToolsNL: d.toolsNL, ToolsEN: d.toolsEN}}
		for key, lvl := range d.outcomes {
			it.Outcomes = append(it.Outcomes, catalogue.Outcome{CompetenceID: comps[key].ID, Level: lvl})
		}
		for i, s := range d.steps {
			step := catalogue.Step{TextNL: s.nl, TextEN: s.en}
			if i%2 == 0 { // a photo on every other step
				data, err := demoPhoto(s.photo, i)
				if err != nil {
					return err
				}
				m := &catalogue.Media{Name: fmt.Sprintf("%s-%d.png", d.key, i+1), Data: data, CreatedBy: author.ID}
				if err := db.SaveMedia(ctx, org, m); err != nil {
					return fmt.Errorf("photo %s: %w", d.key, err)
				}
				step.MediaID = m.ID
			}
			it.Instruction.Steps = append(it.Instruction.Steps, step)
		}
		if err := db.CreateLearningItem(ctx, org, it, author.ID); err != nil {
			return fmt.Errorf("instruction %s: %w", d.key, err)
		}
		// The review cycle, as it happened.
		it.Status = catalogue.InReview
		if err := db.UpdateLearningItem(ctx, org, it, author.ID, "submit"); err != nil {
			return err
		}
		if d.status == catalogue.Published {
			reviewer := c.ByName[d.reviewer]
			it.Status, it.ReviewerID = catalogue.Published, reviewer.ID
			if err := db.UpdateLearningItem(ctx, org, it, reviewer.ID, "publish"); err != nil {
				return err
			}
		}
		items[d.key] = it
	}
	places := map[string]*catalogue.Place{}
	for _, d := range demoPlaces {
		p := &catalogue.Place{SiteID: c.Sites[d.site].ID, Code: d.code, Kind: d.kind, NameNL: d.nl, NameEN: d.en}
		for _, k := range d.comps {
			p.Competences = append(p.Competences, catalogue.Outcome{CompetenceID: comps[k].ID, Level: catalogue.HelpLevel})
		}
		for _, k := range d.items {
			p.ItemIDs = append(p.ItemIDs, items[k].ID)
		}
		if err := db.CreatePlace(ctx, org, p); err != nil {
			return fmt.Errorf("place %s: %w", d.code, err)
		}
		places[d.code] = p
		if err := seedHelpers(ctx, db, c, d, comps); err != nil {
			return err
		}
	}
	if err := seedUsage(ctx, db, c, items, places); err != nil {
		return err
	}
	_, err := catindex.Reindex(ctx, db, search.NewIndex(db), org)
	return err
}

// seedHelpers makes sure the place page shows believable help: the most
// experienced members of the team that works there hold the place's
// competences at level 3 or 4, validated by their team lead, unless the
// competences demo already gave them levels.
func seedHelpers(ctx context.Context, db *store.DB, c *Company, d demoPlace, comps map[string]*competence.Competence) error {
	if d.helperTeam == "" || d.helperStrength == 0 {
		return nil
	}
	team := c.Teams[d.helperTeam]
	var lead *tenancy.Person
	for _, ts := range teamSpecs {
		if ts.key == d.helperTeam {
			lead = c.ByName[ts.lead]
		}
	}
	var members []*tenancy.Person
	for _, p := range c.People {
		if p.TeamID == team.ID && lead != nil && p.ID != lead.ID {
			members = append(members, p)
		}
	}
	if lead == nil || len(members) == 0 {
		return nil
	}
	now := c.Now
	if now.IsZero() {
		now = time.Now()
	}
	var evs []*competence.Evidence
	for _, k := range d.comps {
		have, err := db.CurrentLevels(ctx, c.Org.ID, store.LevelFilter{CompetenceIDs: []string{comps[k].ID}, TeamID: team.ID}, now)
		if err != nil {
			return err
		}
		strong := 0
		for _, h := range have {
			if h.Level >= catalogue.HelpLevel {
				strong++
			}
		}
		for i := 0; strong < d.helperStrength && i < len(members); i++ {
			m := members[(i*7+len(k))%len(members)]
			evs = append(evs, &competence.Evidence{PersonID: m.ID, CompetenceID: comps[k].ID, Level: 3 + i%2, Kind: competence.Validation,
				RecordedBy: lead.ID, RecordedAt: now.AddDate(0, -2-i, 0), Note: "demo"})
			strong++
		}
	}
	return db.AddEvidenceBatch(ctx, c.Org.ID, evs)
}

// seedUsage: colleagues opened the instructions at the machines, some
// marked them done, and some said what helped.
func seedUsage(ctx context.Context, db *store.DB, c *Company, items map[string]*catalogue.Item, places map[string]*catalogue.Place) error {
	cnc := c.Teams["cnc"]
	var people []*tenancy.Person
	for _, p := range c.People {
		if p.TeamID == cnc.ID {
			people = append(people, p)
		}
	}
	comments := []struct {
		kind    catalogue.UsageKind
		comment string
	}{
		{catalogue.UseHelped, "Duidelijk, vooral de foto van de klembouten."},
		{catalogue.UseHelped, ""},
		{catalogue.UseNotHelped, "Het aanhaalmoment staat niet op de houder zelf, even checken of 12 Nm klopt voor de VDI-houders?"},
		{catalogue.UseHelped, "Handig om de tool eye erbij te hebben."},
	}
	now := c.Now
	if now.IsZero() {
		now = time.Now()
	}
	for i, p := range people {
		if i >= 12 {
			break
		}
		at := now.Add(-time.Duration(i*37+5) * time.Hour)
		for _, u := range []*catalogue.Usage{
			{ItemID: items["nlx-tool"].ID, PersonID: p.ID, PlaceID: places["HGL-CNC-01"].ID, Kind: catalogue.UseView, At: at},
			{ItemID: items["nlx-tool"].ID, PersonID: p.ID, PlaceID: places["HGL-CNC-0"+fmt.Sprint(1+i%2)].ID, Kind: catalogue.UseView, At: at.Add(time.Minute)},
		} {
			if err := db.RecordUsage(ctx, c.Org.ID, u); err != nil {
				return err
			}
		}
		if i < len(comments) {
			u := &catalogue.Usage{ItemID: items["nlx-tool"].ID, PersonID: p.ID, PlaceID: places["HGL-CNC-01"].ID, Kind: comments[i].kind, Comment: comments[i].comment, At: at.Add(4 * time.Minute)}
			if err := db.RecordUsage(ctx, c.Org.ID, u); err != nil {
				return err
			}
		}
	}
	return nil
}
