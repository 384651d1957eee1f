package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"time"

	"github.com/bakenhq/baken/internal/catalogue"
	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
	"github.com/bakenhq/baken/internal/xapi"
)

func init() {
	Register(Seeder{Order: 700, Name: "learning record store", Seed: seedLRS})
}

// The outside sources of Hofman's learning records in the demo.
const (
	DemoLabSource = "TTU Remote Lab"
	DemoSimSource = "Lassimulator Soldamatic (werkplaats Enschede)"
	demoLab       = "https://remotelab.ttu.example/xapi/activities/"
	demoSim       = "https://soldamatic.hofman.example/xapi/exercises/"
	typeSim       = "http://adlnet.gov/expapi/activities/simulation"
)

// demoActivity is an activity of the demo sources with its names.
type demoActivity struct {
	id, typ, nl, en string
}

var (
	actTurning   = demoActivity{demoLab + "cnc-turning-basics", typeSim, "Draaien op de CNC", "CNC turning basics"}
	actOffsets   = demoActivity{demoLab + "cnc-tool-offsets", typeSim, "Gereedschapscorrecties op de CNC", "Tool offsets on the CNC"}
	actPLC       = demoActivity{demoLab + "plc-s7-diagnostics", "http://adlnet.gov/expapi/activities/assessment", "PLC-diagnose Siemens S7 (toets)", "PLC diagnostics Siemens S7 (test)"}
	actSensors   = demoActivity{demoLab + "condition-monitoring", "http://adlnet.gov/expapi/activities/module", "Condition monitoring met trillingssensoren", "Condition monitoring with vibration sensors"}
	actMES       = demoActivity{demoLab + "mes-dashboards", "http://adlnet.gov/expapi/activities/module", "Productiedata lezen in dashboards", "Reading production data in dashboards"}
	actFilletPB  = demoActivity{demoSim + "migmag-fillet-pb", typeSim, "MIG/MAG hoeklas PB (simulator)", "MIG/MAG fillet weld PB (simulator)"}
	actFilletPF  = demoActivity{demoSim + "migmag-fillet-pf", typeSim, "MIG/MAG hoeklas PF, opgaand (simulator)", "MIG/MAG fillet weld PF, vertical up (simulator)"}
	actButtPA    = demoActivity{demoSim + "migmag-butt-pa", typeSim, "MIG/MAG stompe las PA (simulator)", "MIG/MAG butt weld PA (simulator)"}
	verbProgress = "http://adlnet.gov/expapi/verbs/progressed"
)

// demoStatement is one statement of the demo before it is sent.
type demoStatement struct {
	at     time.Time
	source string // "lab", "sim" or "" for Baken's own
	body   map[string]any
	rec    *xapi.Record
}

// seedLRS gives Hofman two outside sources (TTU's remote lab and the
// welding simulator in the Enschede workshop) with credentials, four
// rules that turn their statements into evidence, and a few dozen
// statements over the last four months for Jan de Vries, Fleur Kok and
// colleagues in CNC and welding, beside Baken's own records of
// instructions done. The statements go through the LRS itself, so the
// rules make the evidence just as they would for a real source.
func seedLRS(ctx context.Context, db *store.DB, c *Company) error {
	org := c.Org.ID
	lab, err := xapi.CreateCredential(ctx, db, org, DemoLabSource, []string{xapi.ScopeStatementsWrite, xapi.ScopeStatementsReadMine, xapi.ScopeState, xapi.ScopeDefine})
	if err != nil {
		return err
	}
	sim, err := xapi.CreateCredential(ctx, db, org, DemoSimSource, []string{xapi.ScopeStatementsWrite, xapi.ScopeDefine})
	if err != nil {
		return err
	}
	comps, _, err := db.Competences(ctx, org, competence.Filter{Limit: 1000})
	if err != nil {
		return err
	}
	byEN := map[string]string{}
	for _, cp := range comps {
		byEN[cp.NameEN] = cp.ID
	}
	pct := func(p float64) *float64 { return &p }
	rules := []*xapi.Rule{
		{ActivityID: actTurning.id, Verb: xapi.VerbCompleted, MinScaled: pct(0.8), CompetenceID: byEN["CNC turning"], Level: 2, Kind: string(competence.Lab)},
		{ActivityID: actPLC.id, Verb: xapi.VerbPassed, CompetenceID: byEN["PLC diagnostics (Siemens S7)"], Level: 2, Kind: string(competence.Quiz), ValidDays: 730},
		{ActivityID: actSensors.id, Verb: xapi.VerbCompleted, CompetenceID: byEN["Condition monitoring with sensors"], Level: 1, Kind: string(competence.Learning)},
		{ActivityType: typeSim, Verb: xapi.VerbPassed, MinScaled: pct(0.75), CompetenceID: byEN["MIG/MAG welding"], Level: 2, Kind: string(competence.Lab), ValidDays: 365},
	}
	for _, r := range rules {
		if err := xapi.CreateRule(ctx, db, org, r); err != nil {
			return fmt.Errorf("lrs demo rule: %w", err)
		}
	}
	xapi.ForgetRules(db, org)

	person := func(name string) *tenancy.Person { return c.ByName[name] }
	jan, fleur := person("Jan de Vries"), person("Fleur Kok")
	if jan == nil || fleur == nil {
		return fmt.Errorf("lrs demo: Jan de Vries or Fleur Kok missing")
	}
	members := func(team string, n int, skip string) []*tenancy.Person {
		var out []*tenancy.Person
		for _, p := range c.People {
			if t := c.Teams[team]; t != nil && p.TeamID == t.ID && p.ID != t.LeadID && p.ID != skip && len(out) < n {
				out = append(out, p)
			}
		}
		return out
	}
	ago := func(days, hour int) time.Time {
		return c.Now.AddDate(0, 0, -days).Truncate(24 * time.Hour).Add(time.Duration(hour)*time.Hour + time.Duration(c.Rand.IntN(50))*time.Minute)
	}
	var list []demoStatement
	add := func(src string, who *tenancy.Person, byMail bool, verb string, a demoActivity, at time.Time, result map[string]any) {
		actor := xapi.PersonAgent(who.ID, who.Name)
		if byMail && who.Email != "" {
			actor = map[string]any{"objectType": "Agent", "name": who.Name, "mbox": "mailto:" + who.Email}
		}
		st := map[string]any{
			"id":    core.NewID(),
			"actor": actor,
			"verb":  map[string]any{"id": verb, "display": toAny(xapi.VerbDisplay(verb))},
			"object": map[string]any{"objectType": "Activity", "id": a.id, "definition": map[string]any{
				"type": a.typ, "name": map[string]any{"nl-NL": a.nl, "en-US": a.en}}},
			"timestamp": at.UTC().Format(time.RFC3339),
			"context":   map[string]any{"platform": map[string]string{"lab": "TTU Remote Lab", "sim": "Soldamatic"}[src], "language": "nl-NL"},
		}
		if result != nil {
			st["result"] = result
		}
		list = append(list, demoStatement{at: at, source: src, body: st})
	}
	res := func(scaled float64, success bool, dur string) map[string]any {
		return map[string]any{"score": map[string]any{"scaled": scaled, "raw": int(scaled * 100), "min": 0, "max": 100},
			"success": success, "completion": true, "duration": dur}
	}

	// Jan de Vries grows from CNC operator to programmer: turning at TTU's
	// remote lab (a first try under the bar, then a pass), tool offsets,
	// and the PLC test he failed once.
	add("lab", jan, false, "http://adlnet.gov/expapi/verbs/launched", actTurning, ago(96, 9), nil)
	add("lab", jan, false, xapi.VerbAttempted, actTurning, ago(96, 10), res(0.62, false, "PT48M"))
	add("lab", jan, false, xapi.VerbCompleted, actTurning, ago(89, 10), res(0.71, false, "PT41M"))
	add("lab", jan, false, xapi.VerbCompleted, actTurning, ago(61, 13), res(0.85, true, "PT36M"))
	add("lab", jan, false, verbProgress, actOffsets, ago(40, 9), map[string]any{"completion": false, "duration": "PT25M"})
	add("lab", jan, false, xapi.VerbCompleted, actOffsets, ago(33, 9), res(0.9, true, "PT31M"))
	add("lab", jan, false, xapi.VerbFailed, actPLC, ago(20, 14), res(0.55, false, "PT22M"))
	add("lab", jan, false, xapi.VerbPassed, actPLC, ago(6, 14), res(0.78, true, "PT19M"))
	// Fleur Kok (office) by e-mail address: the production data module.
	add("lab", fleur, true, xapi.VerbExperienced, actMES, ago(45, 11), map[string]any{"duration": "PT15M"})
	add("lab", fleur, true, verbProgress, actMES, ago(38, 11), map[string]any{"completion": false, "duration": "PT20M"})
	add("lab", fleur, true, xapi.VerbCompleted, actMES, ago(30, 15), res(0.92, true, "PT1H5M"))
	// The CNC team at the remote lab.
	for i, p := range members("cnc", 4, jan.ID) {
		score := []float64{0.88, 0.74, 0.93, 0.81}[i]
		add("lab", p, false, xapi.VerbAttempted, actTurning, ago(70-i*9, 10), res(score-0.15, false, "PT50M"))
		add("lab", p, false, xapi.VerbCompleted, actTurning, ago(63-i*9, 10), res(score, score >= 0.8, "PT38M"))
	}
	// Maintenance technicians on condition monitoring.
	for i, p := range members("maintenance", 3, "") {
		add("lab", p, false, xapi.VerbCompleted, actSensors, ago(50-i*11, 13), map[string]any{"completion": true, "duration": "PT2H10M"})
	}
	// Welders on the simulator: PB first, then PF vertical up.
	for i, p := range members("welding", 5, "") {
		s := []float64{0.81, 0.69, 0.9, 0.77, 0.72}[i]
		add("sim", p, false, xapi.VerbAttempted, actFilletPB, ago(80-i*7, 8), res(s-0.12, false, "PT18M"))
		add("sim", p, false, xapi.VerbPassed, actFilletPB, ago(75-i*7, 8), res(s, true, "PT16M"))
		if i < 3 {
			add("sim", p, false, xapi.VerbAttempted, actFilletPF, ago(40-i*5, 9), res(s-0.2, false, "PT22M"))
		}
		if i == 2 {
			add("sim", p, false, xapi.VerbPassed, actButtPA, ago(18, 9), res(0.86, true, "PT14M"))
		}
	}
	// Baken's own records of instructions Jan and Fleur marked done.
	items, err := db.LearningItems(ctx, org, store.ItemFilter{Status: []catalogue.Status{catalogue.Published}, Type: catalogue.Instruction, Limit: 50})
	if err != nil {
		return err
	}
	sort.Slice(items, func(i, j int) bool { return items[i].TitleEN < items[j].TitleEN })
	done := true
	for i, it := range items {
		if i >= 3 {
			break
		}
		for _, p := range []*tenancy.Person{jan, fleur} {
			if p == fleur && i > 0 {
				continue
			}
			at := ago(55-i*17, 7)
			list = append(list, demoStatement{at: at, rec: &xapi.Record{PersonID: p.ID, PersonName: p.Name, Verb: xapi.VerbCompleted,
				VerbDisplay: xapi.VerbDisplay(xapi.VerbCompleted), ActivityID: xapi.ActivityIRI("items", it.ID), ActivityType: xapi.TypeLesson,
				ActivityName: map[string]string{"nl-NL": it.TitleNL, "en-US": it.TitleEN}, Completion: &done, Duration: time.Duration(it.Minutes) * time.Minute, At: at}})
		}
	}
	// In the order they happened, so that the record reads newest first.
	sort.SliceStable(list, func(i, j int) bool { return list[i].at.Before(list[j].at) })
	h := xapi.NewHandler(db, nil)
	keys := map[string]*xapi.CreatedCredential{"lab": lab, "sim": sim}
	for _, s := range list {
		if s.rec != nil {
			if _, err := xapi.RecordStatement(ctx, db, org, *s.rec); err != nil {
				return fmt.Errorf("lrs demo: %w", err)
			}
			continue
		}
		if err := post(ctx, h, keys[s.source], s.body); err != nil {
			return err
		}
	}
	// A statement the lab sent for the wrong person and took back: voiding
	// it withdrew the evidence its rule had given.
	wrong := members("cnc", 5, jan.ID)
	if len(wrong) == 5 {
		add("lab", wrong[4], false, xapi.VerbCompleted, actTurning, ago(12, 11), res(0.83, true, "PT35M"))
		st := list[len(list)-1].body
		if err := post(ctx, h, lab, st); err != nil {
			return err
		}
		void := map[string]any{"actor": map[string]any{"objectType": "Agent", "name": "TTU Remote Lab", "mbox": "mailto:remotelab@ttu.example"},
			"verb":   map[string]any{"id": "http://adlnet.gov/expapi/verbs/voided", "display": map[string]any{"en-US": "voided"}},
			"object": map[string]any{"objectType": "StatementRef", "id": st["id"]}}
		if err := post(ctx, h, lab, void); err != nil {
			return err
		}
	}
	return nil
}

func toAny(m map[string]string) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

// post sends one statement to the LRS with a credential, as a source would.
func post(ctx context.Context, h http.Handler, cred *xapi.CreatedCredential, st map[string]any) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, xapi.Prefix+"/statements", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Experience-API-Version", "2.0.0")
	req.SetBasicAuth(cred.Key, cred.Secret)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return fmt.Errorf("lrs demo: statement refused: %d %s", rec.Code, rec.Body.String())
	}
	return nil
}
