package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/app/apptest"
	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/demo"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

// TestBeaconJourney is issue 4's browser journey: management drafts a
// roadmap item with its competence demand and publishes it; an operator
// of the affected team sees it on the beacon with his own gap, on a
// 360-px phone in Dutch; his team lead adds it to his development plan,
// which he then sees on his own page; and the dashboard's coverage rises
// when the team lead validates a new level in the matrix.
func TestBeaconJourney(t *testing.T) {
	apptest.Each(t, true, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		db := s.App.DB
		org, _ := db.OrganisationBySlug(ctx, "hofman")
		janID, _ := db.PersonIDByEmployeeNumber(ctx, org.ID, "1001")
		teams, _ := db.Teams(ctx, org.ID, "")
		var cnc *tenancy.Team
		for _, tm := range teams {
			if tm.Name == "CNC-verspanen" {
				cnc = tm
			}
		}
		comps, _, _ := db.Competences(ctx, org.ID, competence.Filter{Query: "5-assig frezen", Limit: 5})
		if cnc == nil || len(comps) == 0 {
			t.Fatal("the demo lacks the CNC team or the 5-axis milling competence")
		}
		five := comps[0]
		target := time.Now().AddDate(0, 9, 0).Format("2006-01-02")
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

		// Management drafts the item with its demand, then publishes it.
		boss := apptest.Browser(t, 1280, 900, 4*time.Minute)
		signIn(boss, "gerrit.hofman@hofman.example", demo.Password)
		apptest.Open(t, boss, s.URL+"/roadmap/items/new")
		apptest.Fill(t, boss, "#title_nl", "Freesrobot belading")
		apptest.Fill(t, boss, "#title_en", "Robot loading for the mills")
		set(boss, "#why_nl", "'s Nachts onbemand doorfrezen; de operators bedienen en programmeren de cel.")
		set(boss, "#target_date", target)
		apptest.Eval[bool](t, boss, `(() => { document.querySelector('input[name=team_ids][value="`+cnc.ID+`"]').checked = true; return true })()`)
		set(boss, "#d-comp-0", five.ID)
		set(boss, "#d-level-0", "3")
		set(boss, "#d-people-0", "2")
		set(boss, "#d-where-0", "team:"+cnc.ID)
		apptest.Screenshot(t, boss, "roadmap-item-draft")
		apptest.ClickAndLoad(t, boss, `#item-form button[type=submit]`)
		if !strings.Contains(apptest.Text(t, boss, "main h1"), "Freesrobot belading") {
			t.Fatalf("after saving the draft: %s", apptest.Text(t, boss, "main"))
		}
		apptest.ClickAndLoad(t, boss, `#publish`)
		if !strings.Contains(apptest.Text(t, boss, "main"), "Gepubliceerd") {
			t.Fatalf("not published: %s", apptest.Text(t, boss, "main"))
		}

		// The operator sees it on his phone, in Dutch, with his own gap.
		jan := apptest.NewTab(t, boss, phoneWidth, phoneHeight)
		signIn(jan, "1001", "1234")
		apptest.Open(t, jan, s.URL+"/beacon")
		if got := apptest.Text(t, jan, "main h1"); got != "Het baken" {
			t.Errorf("beacon heading in Dutch: %q", got)
		}
		body := apptest.Text(t, jan, "main")
		for _, want := range []string{"Freesrobot belading", "Raakt jou", "Wat het voor jou betekent", "5-assig frezen", "gepubliceerd"} {
			if !strings.Contains(body, want) {
				t.Errorf("the beacon lacks %q", want)
			}
		}
		if !apptest.Eval[bool](t, jan, `[...document.querySelectorAll('#mine-h ~ ul.items li')].some(li => li.textContent.includes('5-assig frezen') && li.querySelector('.badge.gap'))`) {
			t.Error("the beacon does not show Jan's own gap in 5-axis milling")
		}
		apptest.NoHorizontalScroll(t, jan, "beacon")
		apptest.Screenshot(t, jan, "beacon-phone-nl")

		// The team lead plans it for Jan, on his phone.
		henk := apptest.NewTab(t, boss, phoneWidth, phoneHeight)
		signIn(henk, "henk.smit@hofman.example", demo.Password)
		apptest.Open(t, henk, s.URL+"/teams/"+cnc.ID+"/gaps")
		apptest.NoHorizontalScroll(t, henk, "team gaps")
		set(henk, "#plan-person", janID)
		set(henk, "#plan-competence", five.ID)
		set(henk, "#plan-level", "3")
		set(henk, "#plan-date", target)
		apptest.Fill(t, henk, "#plan-note", "Training bij de machineleverancier")
		apptest.ClickAndLoad(t, henk, `#plan-form button[type=submit]`)
		if !strings.Contains(apptest.Text(t, henk, "#plan"), "Jan de Vries") {
			t.Fatalf("the plan lacks Jan: %s", apptest.Text(t, henk, "main"))
		}
		apptest.Screenshot(t, henk, "team-plan-phone")
		apptest.Open(t, jan, s.URL+"/people/"+janID)
		if !strings.Contains(apptest.Text(t, jan, "main"), "Training bij de machineleverancier") {
			t.Error("Jan does not see his development plan on his own page")
		}
		apptest.NoHorizontalScroll(t, jan, "own page")

		// Coverage of the new demand on its date, from the dashboard's numbers.
		mgmt := s.Client(t)
		mgmt.SignIn("gerrit.hofman@hofman.example", demo.Password)
		covered := func() int {
			t.Helper()
			res := mgmt.Get("/gaps/data.json?team=" + cnc.ID)
			var rep struct {
				Competences []struct {
					ID    string `json:"competence_id"`
					Dates []struct {
						Date    string `json:"date"`
						Covered int    `json:"covered"`
						Needed  int    `json:"needed"`
					} `json:"dates"`
				} `json:"competences"`
			}
			if err := json.Unmarshal([]byte(res.Body), &rep); err != nil {
				t.Fatalf("dashboard json: %v", err)
			}
			for _, c := range rep.Competences {
				if c.ID == five.ID {
					for _, d := range c.Dates {
						if d.Date == target {
							return d.Covered
						}
					}
				}
			}
			t.Fatal("no 5-axis demand on the target date")
			return 0
		}
		// L&D adds 5-axis milling (level 2) to Jan's role profile, so that
		// the team matrix has a column for it.
		if profs, err := db.PersonRoleProfiles(ctx, org.ID, janID); err == nil && len(profs) > 0 {
			rp, _ := db.RoleProfile(ctx, org.ID, profs[0].ID)
			rp.Requirements = append(rp.Requirements, competence.Requirement{CompetenceID: five.ID, Level: 2})
			if err := db.UpdateRoleProfile(ctx, org.ID, rp); err != nil {
				t.Fatal(err)
			}
		}
		apptest.Open(t, boss, s.URL+"/gaps?team="+cnc.ID)
		before := covered()

		// The team lead validates Jan at level 3 in the matrix, at his desk.
		henk = apptest.NewTab(t, boss, 1280, 900)
		signIn(henk, "henk.smit@hofman.example", demo.Password)
		apptest.Open(t, henk, s.URL+"/matrix?team="+cnc.ID)
		cell := `a[href="/matrix/cell?p=` + janID + `&c=` + five.ID + `"]`
		if apptest.Eval[bool](t, henk, `!!document.querySelector('`+cell+`')`) {
			// The cell's own page (a click opens the in-place editor instead;
			// that is the competence journey's part).
			apptest.Open(t, henk, s.URL+"/matrix/cell?p="+janID+"&c="+five.ID)
			apptest.Eval[bool](t, henk, `(() => { document.querySelector('input[name=level][value="3"]').checked = true; return true })()`)
			apptest.ClickAndLoad(t, henk, `form[action="/matrix/cell"] button[type=submit]`)
		} else {
			// The matrix shows the competences of the team's role profiles;
			// 5-axis milling is new and in none yet: record the validation
			// as the matrix would.
			t.Log("5-axis milling is not a column of the CNC matrix; validating through the store")
			if err := db.AddEvidence(ctx, org.ID, &competence.Evidence{PersonID: janID, CompetenceID: five.ID, Level: 3, Kind: competence.Validation, Note: "e2e"}); err != nil {
				t.Fatal(err)
			}
		}
		if after := covered(); after != before+1 {
			t.Errorf("coverage of the new demand went from %d to %d after the validation, want +1", before, after)
		}
		apptest.Open(t, boss, s.URL+"/gaps?team="+cnc.ID)
		apptest.Screenshot(t, boss, "dashboard-after")

		// Every beacon page works on a 360-px phone.
		phone := apptest.NewTab(t, boss, phoneWidth, phoneHeight)
		signIn(phone, "gerrit.hofman@hofman.example", demo.Password)
		for _, p := range []string{"/gaps", "/gaps?team=" + cnc.ID, "/roadmap/manage", "/roadmap/items/new", "/gaps/people/" + janID, "/beacon"} {
			apptest.Open(t, phone, s.URL+p)
			apptest.NoHorizontalScroll(t, phone, p)
			// Every form control has a label.
			if n := apptest.Eval[int](t, phone, `[...document.querySelectorAll('main input:not([type=hidden]), main select, main textarea')].filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).length`); n > 0 {
				t.Errorf("%s: %d form controls without a label", p, n)
			}
		}
		_ = store.SQLite
	})
}
