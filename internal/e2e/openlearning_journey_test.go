package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/app/apptest"
	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/demo"
	"github.com/bakenhq/baken/internal/roadmap"
	"github.com/bakenhq/baken/internal/store"
)

// TestOpenLearningJourney is issue 6's browser journey, every step on a
// 360-px phone: the university adds a course for its partners; Hofman's
// L&D coordinator proposes another course and the university answers;
// Jan gets the partner course recommended with its reason, enrols and
// completes it with a certificate upload; his team lead validates the
// level in the matrix; the gap closes and the recommendation goes.
func TestOpenLearningJourney(t *testing.T) {
	apptest.Each(t, true, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		db := s.App.DB
		hofman, _ := db.OrganisationBySlug(ctx, "hofman")
		ttu, _ := db.OrganisationBySlug(ctx, "ttu-et")
		janID, _ := db.PersonIDByEmployeeNumber(ctx, hofman.ID, "1001")
		cnc := mustCNCTeam(t, db, hofman.ID)
		// The competence on both sides, and a roadmap item that needs two
		// people of the CNC team at level 2.
		own := &competence.Competence{Framework: competence.Own, NameNL: "Lasrobotcel bedienen", NameEN: "Operating a welding robot cell", Layer: competence.New, Active: true}
		theirs := &competence.Competence{Framework: competence.Own, NameNL: "Lasrobotcel bedienen", NameEN: "Operating a welding robot cell", Layer: competence.New, Active: true}
		if err := db.CreateCompetence(ctx, hofman.ID, own); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateCompetence(ctx, ttu.ID, theirs); err != nil {
			t.Fatal(err)
		}
		due := time.Now().UTC().AddDate(0, 9, 0)
		item := &roadmap.Item{TitleNL: "Cobotcel lijn 3", TitleEN: "Cobot cell line 3", Kind: roadmap.Kind("technology"), TargetDate: roadmap.Day(due), Status: roadmap.Planned,
			Demand: []roadmap.Demand{{CompetenceID: own.ID, Level: 2, People: 2, By: roadmap.Day(due), TeamID: cnc}}}
		if err := db.CreateItem(ctx, hofman.ID, item, "", time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := db.PublishItem(ctx, hofman.ID, item.ID, true, "", time.Now()); err != nil {
			t.Fatal(err)
		}
		// The competence is in Jan's role profile, so that the team matrix
		// has a column for it.
		if profs, err := db.PersonRoleProfiles(ctx, hofman.ID, janID); err == nil && len(profs) > 0 {
			rp, _ := db.RoleProfile(ctx, hofman.ID, profs[0].ID)
			rp.Requirements = append(rp.Requirements, competence.Requirement{CompetenceID: own.ID, Level: 2})
			if err := db.UpdateRoleProfile(ctx, hofman.ID, rp); err != nil {
				t.Fatal(err)
			}
		}
		signIn := func(b context.Context, login, secret string) {
			t.Helper()
			apptest.Open(t, b, s.URL+"/signin")
			apptest.Fill(t, b, "#login", login)
			apptest.Fill(t, b, "#secret", secret)
			apptest.ClickAndLoad(t, b, `form[action="/signin"] button[type=submit]`)
		}
		set := func(b context.Context, sel, value string) {
			t.Helper()
			js, _ := json.Marshal(value)
			selJS, _ := json.Marshal(sel)
			if !apptest.Eval[bool](t, b, `(() => { const e = document.querySelector(`+string(selJS)+`); if (!e) return false; e.value = `+string(js)+`; return e.value === `+string(js)+` })()`) {
				t.Fatalf("could not set %s to %s", sel, value)
			}
		}
		mgmt := s.Client(t)
		mgmt.SignIn("gerrit.hofman@hofman.example", demo.Password)
		covered := func() int {
			t.Helper()
			res := mgmt.Get("/gaps/data.json?team=" + cnc)
			var rep struct {
				Competences []struct {
					ID    string `json:"competence_id"`
					Dates []struct {
						Date    string `json:"date"`
						Covered int    `json:"covered"`
					} `json:"dates"`
				} `json:"competences"`
			}
			if err := json.Unmarshal([]byte(res.Body), &rep); err != nil {
				t.Fatalf("dashboard json: %v", err)
			}
			for _, c := range rep.Competences {
				if c.ID == own.ID {
					for _, d := range c.Dates {
						if d.Date == due.Format("2006-01-02") {
							return d.Covered
						}
					}
				}
			}
			t.Fatal("no demand for the robot cell on its date")
			return 0
		}

		root := apptest.Browser(t, phoneWidth, phoneHeight, 6*time.Minute)

		// The university adds a course for its partners.
		uni := apptest.NewTab(t, root, phoneWidth, phoneHeight)
		signIn(uni, "s.hendriks@ttu.example", demo.Password)
		apptest.Open(t, uni, s.URL+"/learning/courses/new")
		apptest.NoHorizontalScroll(t, uni, "course form")
		apptest.Fill(t, uni, "#title_nl", "Lasrobotcel bedienen in de praktijk")
		apptest.Fill(t, uni, "#title_en", "Operating a welding robot cell in practice")
		apptest.Fill(t, uni, "#url", "https://ttu.example/cobots")
		apptest.Fill(t, uni, "#provider", "Twentse Technische Universiteit")
		set(uni, "#hours", "16")
		set(uni, "#cost", "450")
		set(uni, "#visibility", "partners")
		set(uni, "#competence-0", theirs.ID)
		set(uni, "#level-0", "2")
		apptest.Screenshot(t, uni, "of-course-form")
		apptest.ClickAndLoad(t, uni, `form[action="/learning/courses"] button[type=submit]`)
		if !strings.HasPrefix(apptest.Eval[string](t, uni, `location.pathname`), "/learning/courses/") || !strings.Contains(apptest.Text(t, uni, "main"), "Twentse Technische Universiteit") {
			t.Fatalf("after adding the course: %s", apptest.Text(t, uni, "main"))
		}
		courseURL := apptest.Eval[string](t, uni, `location.pathname`)

		// Hofman's L&D coordinator proposes another course to the university.
		ld := apptest.NewTab(t, root, phoneWidth, phoneHeight)
		signIn(ld, coordinator, demo.Password)
		apptest.Open(t, ld, s.URL+"/proposals/new")
		apptest.NoHorizontalScroll(t, ld, "proposal form")
		set(ld, "#provider_id", ttu.ID)
		apptest.Fill(t, ld, "#title", "Cobots programmeren voor operators")
		set(ld, "#description", "Twee dagen op locatie, met onze eigen cobot.")
		set(ld, "#competence-0", own.ID)
		set(ld, "#level-0", "2")
		set(ld, "#audience_size", "6")
		apptest.Fill(t, ld, "#timing", "voorjaar")
		apptest.ClickAndLoad(t, ld, `form[action="/proposals"] button[type=submit]`)
		proposalURL := apptest.Eval[string](t, ld, `location.pathname`)
		if !strings.HasPrefix(proposalURL, "/proposals/") || !strings.Contains(apptest.Text(t, ld, "main"), "Cobots programmeren voor operators") {
			t.Fatalf("after proposing: %s %s", proposalURL, apptest.Text(t, ld, "main"))
		}
		// The university answers and accepts.
		apptest.Open(t, uni, s.URL+proposalURL)
		apptest.NoHorizontalScroll(t, uni, "proposal page")
		set(uni, "#message", "We can run it in April at your site.")
		apptest.ClickAndLoad(t, uni, `button[name=kind][value=accepted]`)
		apptest.Open(t, ld, s.URL+proposalURL)
		if got := apptest.Text(t, ld, "main"); !strings.Contains(got, "We can run it in April at your site.") {
			t.Errorf("the coordinator does not see the university's answer: %s", got)
		}
		apptest.Screenshot(t, ld, "of-proposal-answered")

		// Jan gets the partner course recommended, with its reason.
		jan := apptest.NewTab(t, root, phoneWidth, phoneHeight)
		signIn(jan, "1001", "1234")
		apptest.Open(t, jan, s.URL+"/learning")
		apptest.NoHorizontalScroll(t, jan, "my learning")
		text := apptest.Text(t, jan, "main")
		for _, want := range []string{"Lasrobotcel bedienen in de praktijk", "Cobotcel lijn 3", "je zit op niveau 0 van 2 in Lasrobotcel bedienen"} {
			if !strings.Contains(text, want) {
				t.Errorf("the recommendation lacks %q: %s", want, text)
			}
		}
		apptest.Screenshot(t, jan, "of-recommended")
		before := covered()
		// Enrols and completes with a certificate.
		apptest.Open(t, jan, s.URL+courseURL)
		apptest.NoHorizontalScroll(t, jan, "course page")
		apptest.ClickAndLoad(t, jan, `form[action$="/enrol"] button[type=submit]`)
		cert := filepath.Join(t.TempDir(), "certificaat.pdf")
		if err := os.WriteFile(cert, []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		apptest.Upload(t, jan, "#proof", cert)
		apptest.Screenshot(t, jan, "of-complete")
		apptest.ClickAndLoad(t, jan, `form[action$="/complete"] button[type=submit]`)
		ens, _ := db.Enrolments(ctx, hofman.ID, janID, "")
		done := false
		for _, e := range ens {
			if "/learning/courses/"+e.ItemID == courseURL && e.Status == "completed" && e.ProofName != "" {
				done = true
			}
		}
		if !done {
			t.Fatalf("no completed enrolment with a certificate: %s", apptest.Text(t, jan, "main"))
		}
		// The gap engine counts the pending (self-assessed) level already;
		// the matrix marks it as not validated.
		completed := covered()
		if completed <= before {
			t.Errorf("coverage stayed at %d after completing the course", completed)
		}

		// The team lead validates level 2 in the matrix.
		henk := apptest.NewTab(t, root, phoneWidth, phoneHeight)
		signIn(henk, "henk.smit@hofman.example", demo.Password)
		apptest.Open(t, henk, s.URL+"/matrix?team="+cnc)
		cell := `a[href="/matrix/cell?p=` + janID + `&c=` + own.ID + `"]`
		if !apptest.Eval[bool](t, henk, `!!document.querySelector('`+cell+`')`) {
			t.Fatalf("the matrix has no cell for Jan's robot-cell level: %s", apptest.Text(t, henk, "main"))
		}
		if !strings.Contains(apptest.Text(t, henk, cell), "?") {
			t.Errorf("Jan's pending level is not marked unvalidated: %q", apptest.Text(t, henk, cell))
		}
		// The cell's own page (a click opens the in-place editor instead;
		// that is the competence journey's part).
		apptest.Open(t, henk, s.URL+"/matrix/cell?p="+janID+"&c="+own.ID)
		apptest.NoHorizontalScroll(t, henk, "matrix cell")
		apptest.Eval[bool](t, henk, `(() => { document.querySelector('input[name=level][value="2"]').checked = true; return true })()`)
		apptest.Screenshot(t, henk, "of-validate")
		apptest.ClickAndLoad(t, henk, `form[action="/matrix/cell"] button[type=submit]`)

		// The level is validated, the gap stays closed for Jan and the
		// recommendation goes.
		if text := apptest.Text(t, henk, cell); !strings.HasPrefix(text, "2") || strings.Contains(text, "?") {
			t.Errorf("the matrix shows %q for the validated cell, want 2 without the unvalidated mark", text)
		}
		if after := covered(); after < completed {
			t.Errorf("coverage fell from %d to %d after the validation", completed, after)
		}
		var validated bool
		evs, _ := db.Evidence(ctx, hofman.ID, store.EvidenceFilter{PersonID: janID, CompetenceID: own.ID})
		for _, e := range evs {
			validated = validated || (e.Kind == competence.Validation && e.Level == 2)
		}
		if !validated {
			t.Errorf("no validation at level 2 recorded: %+v", evs)
		}
		apptest.Open(t, jan, s.URL+"/learning")
		if text := apptest.Text(t, jan, "main"); strings.Contains(text, "in Lasrobotcel bedienen;") {
			t.Errorf("after the validation Jan still gets a recommendation for the robot cell: %s", text)
		}
		if apptest.Eval[bool](t, jan, `[...document.querySelectorAll('main a')].some(a => a.getAttribute('href') === '`+courseURL+`' && a.closest('ul.recs'))`) {
			t.Error("the completed course is still recommended")
		}
		apptest.Screenshot(t, jan, "of-after")
	})
}
