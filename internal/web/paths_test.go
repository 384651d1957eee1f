package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/catalogue"
	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/demo"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/tenancy"
	"github.com/bakenhq/baken/internal/xapi"
)

// L&D makes a path of two items towards a role, with validation; an
// operator follows it, finishes the steps, asks for validation; the team
// lead validates and the path's competence becomes validated evidence.
func TestLearningPathWithValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv := demoServer(t, db)
		hofman, _ := db.OrganisationBySlug(ctx, "hofman")
		people, _, _ := db.People(ctx, hofman.ID, tenancy.PeopleFilter{Query: "Jan de Vries"})
		jan := people[0]
		comp := &competence.Competence{Framework: competence.Own, NameNL: "Koppelingen monteren", NameEN: "Fitting couplings", Layer: competence.Fundamental, Active: true}
		if err := db.CreateCompetence(ctx, hofman.ID, comp); err != nil {
			t.Fatal(err)
		}
		role := &competence.RoleProfile{NameNL: "Koppelmonteur", NameEN: "Coupling fitter", Requirements: []competence.Requirement{{CompetenceID: comp.ID, Level: 2, Essential: true}}}
		if err := db.CreateRoleProfile(ctx, hofman.ID, role); err != nil {
			t.Fatal(err)
		}
		var steps []string
		for _, title := range []string{"Koppelingen herkennen", "Koppelingen aandraaien"} {
			it := &catalogue.Item{Type: catalogue.Instruction, Status: catalogue.Published, TitleNL: title, Minutes: 5, Instruction: &catalogue.InstructionDetail{}}
			if err := db.CreateLearningItem(ctx, hofman.ID, it, ""); err != nil {
				t.Fatal(err)
			}
			steps = append(steps, it.ID)
		}
		hr := newBrowser(t, srv)
		hr.signIn("marloes.bakker@hofman.example", demo.Password)
		if code, _ := hr.get("/learning/paths/new"); code != 200 {
			t.Fatalf("path form: %d", code)
		}
		// A step that does not exist is refused.
		if code, _ := hr.post("/learning/paths", url.Values{"title_nl": {"X"}, "target": {"role:" + role.ID}, "step": {steps[0], "01900000-0000-7000-8000-000000000000"}}); code != http.StatusUnprocessableEntity {
			t.Fatalf("path with an unknown step: %d", code)
		}
		code, _ := hr.post("/learning/paths", url.Values{"title_nl": {"Van nul tot koppelmonteur"}, "target": {"role:" + role.ID}, "step": steps,
			"requires_validation": {"on"}, "visibility": {"org"}})
		if code != http.StatusSeeOther {
			t.Fatalf("create path: %d", code)
		}
		paths, _ := db.Paths(ctx, hofman.ID, jan.ID)
		var pathID string
		for _, p := range paths {
			if p.TitleNL == "Van nul tot koppelmonteur" {
				pathID = p.ItemID
			}
		}
		if pathID == "" {
			t.Fatal("path not listed")
		}
		op := newBrowser(t, srv)
		op.get("/signin")
		op.post("/signin", url.Values{"login": {"1001"}, "secret": {"1234"}})
		op.get("/learning/paths/" + pathID)
		if code, _ := op.post("/learning/items/"+pathID+"/enrol", url.Values{"next": {"/learning/paths/" + pathID}}); code != http.StatusSeeOther {
			t.Fatalf("follow: %d", code)
		}
		if code, _ := op.post("/learning/paths/"+pathID+"/complete", url.Values{}); code != http.StatusUnprocessableEntity {
			t.Fatalf("completing with steps left: %d", code)
		}
		for _, s := range steps {
			if _, err := db.CompleteEnrolment(ctx, hofman.ID, jan.ID, s, store.Completion{}); err != nil {
				t.Fatal(err)
			}
		}
		if _, body := op.get("/learning/paths/" + pathID); !strings.Contains(body, "2 van 2 stappen gedaan") {
			t.Fatal("progress not shown")
		}
		if code, _ := op.post("/learning/paths/"+pathID+"/complete", url.Values{}); code != http.StatusSeeOther {
			t.Fatalf("ask for validation: %d", code)
		}
		// Finishing the path is in Jan's learning record (issue 7).
		if rec, _ := xapi.PersonStatements(ctx, db, hofman.ID, jan.ID, "", 1); len(rec) != 1 || !strings.Contains(string(rec[0]), xapi.ActivityIRI("items", pathID)) {
			t.Fatalf("finished path not in the learning record: %s", rec)
		}
		// Jan may not validate himself; his team lead may.
		if code, _ := op.post("/learning/paths/"+pathID+"/validate", url.Values{"person_id": {jan.ID}}); code != http.StatusForbidden {
			t.Fatalf("self-validation: %d", code)
		}
		lead := newBrowser(t, srv)
		lead.signIn("henk.smit@hofman.example", demo.Password)
		if _, body := lead.get("/teams/" + jan.TeamID + "/plan"); !strings.Contains(body, "Van nul tot koppelmonteur") {
			t.Fatal("the pending path is not on the team plan")
		}
		if code, _ := lead.post("/learning/paths/"+pathID+"/validate", url.Values{"person_id": {jan.ID}, "next": {"/teams/" + jan.TeamID + "/plan"}}); code != http.StatusSeeOther {
			t.Fatalf("validate: %d", code)
		}
		levels, err := db.CurrentLevels(ctx, hofman.ID, store.LevelFilter{PersonIDs: []string{jan.ID}}, time.Now().UTC())
		if err != nil {
			t.Fatal(err)
		}
		var ok bool
		for _, l := range levels {
			if l.CompetenceID == comp.ID && l.Level == 2 && l.Validated {
				ok = true
			}
		}
		if !ok {
			t.Fatalf("no validated level 2 after the path: %+v", levels)
		}
		if code, _ := lead.post("/learning/paths/"+pathID+"/validate", url.Values{"person_id": {jan.ID}}); code != http.StatusNotFound {
			t.Fatalf("validating twice: %d", code)
		}
	})
}
