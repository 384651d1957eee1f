package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/app/apptest"
	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/demo"
	"github.com/bakenhq/baken/internal/project"
	"github.com/bakenhq/baken/internal/store"
)

// TestLearningByDoingJourney is issue 8's browser journey on a 360-px
// phone: an engineer opens a working group on a recurring fault and
// confirms the operator's work; an operator volunteers and is accepted;
// at the end the operator reflects and writes a lesson; an expert
// publishes it to the community; it shows on the machine's place page in
// both languages and to another organisation; the project-work evidence
// waits for the team lead's validation and then counts.
func TestLearningByDoingJourney(t *testing.T) {
	apptest.Each(t, true, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		db := s.App.DB
		hofman, _ := db.OrganisationBySlug(ctx, "hofman")
		browser := apptest.Browser(t, phoneWidth, phoneHeight, 6*time.Minute)
		tab := func(login, secret string) context.Context {
			c := apptest.NewTab(t, browser, phoneWidth, phoneHeight)
			signInTab(t, c, s.URL+"/signin", login, secret)
			return c
		}
		js := func(c context.Context, expr string) { apptest.Eval[bool](t, c, "("+expr+", true)") }
		narrow := func(c context.Context, what string) {
			t.Helper()
			apptest.NoHorizontalScroll(t, c, what)
			apptest.Screenshot(t, c, what)
		}
		comps, _, _ := db.Competences(ctx, hofman.ID, competence.Filter{Query: "Fault finding", Limit: 1})
		if len(comps) == 0 {
			t.Fatal("demo competence missing")
		}

		// The engineer opens a working group with a call for volunteers.
		eng := tab("ruud.mulder@hofman.example", demo.Password)
		apptest.Open(t, eng, s.URL+"/projects/new")
		narrow(eng, "project-form")
		typeIn(t, eng, "#title_nl", "Koelvloeistofpomp valt uit")
		typeIn(t, eng, "#goal_nl", "Oorzaak van de uitval van de koelvloeistofpomp vinden")
		js(eng, `document.querySelector('#competence-0').value = '`+comps[0].ID+`'`)
		js(eng, `document.querySelector('#level-0').value = '2'`)
		apptest.ClickAndLoad(t, eng, `form[action="/projects"] button[type=submit]`)
		pid := strings.TrimPrefix(apptest.Eval[string](t, eng, `location.pathname`), "/projects/")
		if len(pid) != 36 {
			t.Fatalf("after creating, the engineer is on /projects/%s", pid)
		}
		narrow(eng, "project")

		// The operator volunteers.
		op := tab("1001", "1234")
		apptest.Open(t, op, s.URL+"/projects/"+pid)
		typeIn(t, op, "#message", "Ik draai er elke dag mee")
		apptest.ClickAndLoad(t, op, `form[action="/projects/`+pid+`/apply"] button[type=submit]`)
		narrow(op, "volunteered")

		// The engineer accepts him (the bell counts it) and confirms his work.
		apptest.Open(t, eng, s.URL+"/projects/"+pid)
		if n := apptest.Eval[string](t, eng, `(document.querySelector('.bell .count') || {}).textContent || ''`); n == "" {
			t.Error("the bell shows no unread notifications")
		}
		apptest.ClickAndLoad(t, eng, `form[action="/projects/`+pid+`/decide"] button.primary`)
		apptest.ClickAndLoad(t, eng, `form[action="/projects/`+pid+`/contributions"] button[type=submit]`)
		js(eng, `document.querySelector('main details').open = true`)
		typeIn(t, eng, "#outcome", "Pomp vervangen, filter elke maand schoonmaken")
		apptest.ClickAndLoad(t, eng, `form[action="/projects/`+pid+`/close"] button[type=submit]`)

		// At the end the operator reflects, privately, and writes a lesson
		// for the community at the machine, not naming people.
		apptest.Open(t, op, s.URL+"/reflections/new?context=project&id="+pid)
		narrow(op, "reflect")
		typeIn(t, op, "#learned", "Een verstopt filter zie je pas als je kijkt")
		apptest.ClickAndLoad(t, op, `form[action="/reflections"] button[type=submit]`)
		apptest.Open(t, op, s.URL+"/lessons/new?project="+pid)
		narrow(op, "lesson-form")
		typeIn(t, op, "#title", "Koelvloeistoffilter maandelijks reinigen")
		typeIn(t, op, "#learned", "Een verstopt filter laat de pomp droogdraaien.")
		typeIn(t, op, "#next_time", "Filter elke maand reinigen")
		js(op, `document.querySelector('input[name=visibility][value=community]').checked = true`)
		js(op, `document.querySelector('input[name=name_org]').checked = true`)
		js(op, `[...document.querySelector('#place').options].forEach(o => o.selected = o.text.startsWith('HGL-CNC-01'))`)
		apptest.ClickAndLoad(t, op, `button[name=submit][value="1"]`)
		lid := strings.TrimPrefix(apptest.Eval[string](t, op, `location.pathname`), "/lessons/")
		if len(lid) != 36 {
			t.Fatalf("after submitting, the operator is on /lessons/%s", lid)
		}

		// An expert reviews and publishes it.
		ex := tab("bart.meijer@hofman.example", demo.Password)
		apptest.Open(t, ex, s.URL+"/lessons/"+lid)
		narrow(ex, "review")
		apptest.ClickAndLoad(t, ex, `button[name=action][value=publish]`)

		// It shows on the machine's place page, in Dutch and in English.
		apptest.Open(t, op, s.URL+"/p/HGL-CNC-01")
		narrow(op, "place-nl")
		if got := apptest.Text(t, op, "main"); !strings.Contains(got, "Koelvloeistoffilter maandelijks reinigen") || !strings.Contains(got, "Hier geleerde lessen") {
			t.Fatalf("the place page lacks the lesson:\n%s", got)
		}
		apptest.Open(t, ex, s.URL+"/p/HGL-CNC-01")
		js(ex, `document.querySelector('form[action="/lang"]').submit()`)
		time.Sleep(500 * time.Millisecond)
		apptest.Open(t, ex, s.URL+"/p/HGL-CNC-01")
		if got := apptest.Text(t, ex, "main"); !strings.Contains(got, "Koelvloeistoffilter") || !strings.Contains(got, "Lessons learned here") {
			t.Fatalf("the English place page lacks the lesson:\n%s", got)
		}

		// And in search, in Dutch and in the English interface.
		apptest.Open(t, op, s.URL+"/search?q=koelvloeistoffilter")
		narrow(op, "search-nl")
		if got := apptest.Text(t, op, "main"); !strings.Contains(got, "Koelvloeistoffilter maandelijks reinigen") {
			t.Fatalf("search does not find the lesson:\n%s", got)
		}
		apptest.Open(t, ex, s.URL+"/search?q=koelvloeistof")
		if got := apptest.Text(t, ex, "main"); !strings.Contains(got, "Koelvloeistoffilter maandelijks reinigen") {
			t.Fatalf("search in the English interface does not find the lesson:\n%s", got)
		}

		// Another organisation finds it in the community and in search, without names.
		uni0 := tab("s.hendriks@ttu.example", demo.Password)
		apptest.Open(t, uni0, s.URL+"/search?q=koelvloeistoffilter")
		if got := apptest.Text(t, uni0, "main"); !strings.Contains(got, "Koelvloeistoffilter maandelijks reinigen") {
			t.Fatalf("another organisation's search does not find the community lesson:\n%s", got)
		}
		uni := tab("s.hendriks@ttu.example", demo.Password)
		apptest.Open(t, uni, s.URL+"/community")
		narrow(uni, "community")
		apptest.ClickAndLoad(t, uni, `a[href="/lessons/`+lid+`"]`)
		if got := apptest.Text(t, uni, "main"); strings.Contains(got, "Jan de Vries") || !strings.Contains(got, "Hofman") {
			t.Fatalf("the community lesson is not anonymised as chosen:\n%s", got)
		}

		// The project work waits for the team lead, who validates it.
		lead := tab("henk.smit@hofman.example", demo.Password)
		apptest.Open(t, lead, s.URL+"/reflections")
		narrow(lead, "validate")
		cs, _ := db.Contributions(ctx, hofman.ID, store.ContributionFilter{ProjectID: pid})
		if len(cs) != 1 || cs[0].Status != project.AwaitingValidation {
			t.Fatalf("contributions = %+v", cs)
		}
		if got := apptest.Text(t, lead, "#validate"); !strings.Contains(got, "Jan de Vries") {
			t.Fatalf("the team lead does not see the work to validate:\n%s", got)
		}
		if got := apptest.Text(t, lead, "main"); strings.Contains(got, "Een verstopt filter zie je pas") {
			t.Fatal("the team lead sees the private reflection")
		}
		apptest.ClickAndLoad(t, lead, `form[action="/contributions/`+cs[0].ID+`"] button.primary`)
		evs, _ := db.Evidence(ctx, hofman.ID, store.EvidenceFilter{PersonID: cs[0].PersonID, CompetenceID: comps[0].ID})
		if len(evs) == 0 || evs[0].Kind != competence.Project {
			t.Fatalf("no project-work evidence after validation: %+v", evs)
		}
	})
}
