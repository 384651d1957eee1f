package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/app/apptest"
	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/demo"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

// TestLearningRecordJourney is issue 7's journey through the UI, on a
// 360-px phone: the L&D coordinator makes an LRS credential and a rule;
// an outside source posts a statement to /xapi/ with that credential; the
// rule turns it into evidence; the person reads it in plain words in
// their learning record and downloads the record as xAPI JSON.
func TestLearningRecordJourney(t *testing.T) {
	apptest.Each(t, true, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		db := s.App.DB
		hofman, _ := db.OrganisationBySlug(ctx, "hofman")
		people, _, _ := db.People(ctx, hofman.ID, tenancy.PeopleFilter{Query: "Fleur Kok"})
		fleur := people[0]
		comps, _, _ := db.Competences(ctx, hofman.ID, competence.Filter{Limit: 1000})
		var cobot string
		for _, c := range comps {
			if c.NameEN == "Programming cobots" {
				cobot = c.ID
			}
		}
		root := apptest.Browser(t, phoneWidth, phoneHeight, 2*time.Minute)

		// The L&D coordinator makes a credential for the cobot academy.
		hr := apptest.NewTab(t, root, phoneWidth, phoneHeight)
		signInTab(t, hr, s.URL+"/signin", "marloes.bakker@hofman.example", demo.Password)
		apptest.Open(t, hr, s.URL+"/lrs/credentials")
		apptest.NoHorizontalScroll(t, hr, "LRS credentials")
		apptest.Fill(t, hr, "#lrs-name", "Cobot Academy")
		apptest.ClickAndLoad(t, hr, `form[action="/lrs/credentials"] button[type=submit]`)
		apptest.NoHorizontalScroll(t, hr, "new LRS credential")
		key := strings.TrimSpace(apptest.Text(t, hr, "#lrs-key"))
		secret := strings.TrimSpace(apptest.Text(t, hr, "#lrs-secret"))
		if !strings.HasPrefix(key, "lrs_") || len(secret) < 40 {
			t.Fatalf("credential shown as %q / %q", key, secret)
		}

		// …and a rule: completing the cobot course with 80 % is evidence
		// of programming cobots at level 2.
		apptest.Open(t, hr, s.URL+"/lrs/rules")
		apptest.NoHorizontalScroll(t, hr, "LRS rules")
		apptest.Fill(t, hr, "#rule-activity", "https://academy.example/courses/cobot-teaching")
		apptest.Fill(t, hr, "#rule-min", "80")
		if !apptest.Eval[bool](t, hr, `(() => { const s = document.querySelector('#rule-comp'); s.value = '`+cobot+`'; document.querySelector('#rule-level').value = '2'; return s.value !== '' })()`) {
			t.Fatal("could not choose the competence")
		}
		apptest.ClickAndLoad(t, hr, `form[action="/lrs/rules"] button[type=submit]`)
		if body := apptest.Text(t, hr, "main"); !strings.Contains(body, "academy.example/courses/cobot-teaching") {
			t.Fatalf("rule not listed: %s", body)
		}

		// The academy reports Fleur's completion to the LRS.
		st := map[string]any{
			"actor": map[string]any{"objectType": "Agent", "name": "Fleur Kok", "mbox": "mailto:" + fleur.Email},
			"verb":  map[string]any{"id": "http://adlnet.gov/expapi/verbs/completed", "display": map[string]any{"en-US": "completed"}},
			"object": map[string]any{"id": "https://academy.example/courses/cobot-teaching",
				"definition": map[string]any{"name": map[string]any{"en-US": "Teaching a cobot", "nl-NL": "Een cobot leren"}}},
			"result": map[string]any{"score": map[string]any{"scaled": 0.86}, "success": true, "duration": "PT1H20M"},
		}
		body, _ := json.Marshal(st)
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/xapi/statements", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Experience-API-Version", "1.0.3")
		req.SetBasicAuth(key, secret)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("POST /xapi/statements: %d", res.StatusCode)
		}
		evs, _ := db.Evidence(ctx, hofman.ID, store.EvidenceFilter{PersonID: fleur.ID, CompetenceID: cobot})
		if len(evs) != 1 || evs[0].Level != 2 {
			t.Fatalf("evidence from the rule: %+v", evs)
		}

		// Fleur reads it in plain words and downloads her record.
		me := apptest.NewTab(t, root, phoneWidth, phoneHeight)
		signInTab(t, me, s.URL+"/signin", "fleur.kok@hofman.example", demo.Password)
		apptest.Open(t, me, s.URL+"/record")
		apptest.NoHorizontalScroll(t, me, "learning record")
		first := apptest.Text(t, me, ".lrs-record li")
		for _, want := range []string{"Je hebt ‘Een cobot leren’ voltooid", "score 86 %", "geslaagd", "1 u 20 min", "via Cobot Academy"} {
			if !strings.Contains(first, want) {
				t.Errorf("newest entry %q lacks %q", first, want)
			}
		}
		got := apptest.Eval[string](t, me, `(() => {
			const x = new XMLHttpRequest();
			x.open('GET', document.querySelector('a[href$="/record.json"]').getAttribute('href'), false);
			x.send();
			const doc = JSON.parse(x.responseText);
			return x.getResponseHeader('Content-Disposition').split(';')[0] + ' ' + doc.statements.length + ' ' + doc.statements[0].object.id;
		})()`)
		if !strings.HasPrefix(got, "attachment ") || !strings.HasSuffix(got, " https://academy.example/courses/cobot-teaching") {
			t.Fatalf("download: %s", got)
		}
	})
}
