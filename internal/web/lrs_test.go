package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/bakenhq/baken/internal/auth"
	"github.com/bakenhq/baken/internal/catalogue"
	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/demo"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/tenancy"
	"github.com/bakenhq/baken/internal/xapi"
)

// setLang switches a signed-in browser's language.
func (b *browser) setLang(lang string) {
	b.t.Helper()
	b.get("/account")
	if code, _ := b.post("/lang", url.Values{"lang": {lang}, "next": {"/"}}); code != http.StatusSeeOther {
		b.t.Fatalf("switch to %s: %d", lang, code)
	}
}

// sendStatement posts a statement to the LRS with a credential.
func sendStatement(t *testing.T, db *store.DB, key, secret string, st map[string]any) int {
	t.Helper()
	body, _ := json.Marshal(st)
	req := httptest.NewRequest(http.MethodPost, "/xapi/statements", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Experience-API-Version", "2.0.0")
	req.SetBasicAuth(key, secret)
	rec := httptest.NewRecorder()
	xapi.NewHandler(db, nil).ServeHTTP(rec, req)
	return rec.Code
}

var (
	keyRe    = regexp.MustCompile(`id="lrs-key">([^<]+)<`)
	secretRe = regexp.MustCompile(`id="lrs-secret">([^<]+)<`)
)

func hofmanPerson(t *testing.T, db *store.DB, orgID, name string) *tenancy.Person {
	t.Helper()
	people, _, err := db.People(context.Background(), orgID, tenancy.PeopleFilter{Query: name})
	if err != nil || len(people) == 0 {
		t.Fatalf("person %s: %v", name, err)
	}
	return people[0]
}

// otherCompany makes a second organisation whose admin (also L&D) signs
// in with eve@andere.example.
func otherCompany(t *testing.T, db *store.DB) *tenancy.Organisation {
	ctx := context.Background()
	other := &tenancy.Organisation{Kind: tenancy.Company, Name: "Andere BV", Slug: "andere", DefaultLang: "en"}
	must(t, db.CreateOrganisation(ctx, other))
	eve := &tenancy.Person{Name: "Eve Admin", Email: "eve@andere.example", Roles: []core.Role{core.RoleLearning, core.RoleOrgAdmin}, Active: true}
	must(t, db.CreatePerson(ctx, other.ID, eve))
	hash, _ := auth.HashSecret(demo.Password)
	must(t, db.SetPasswordHash(ctx, other.ID, eve.ID, hash))
	return other
}

// The L&D coordinator makes a credential in the UI: the secret is shown
// once with the endpoint and a Basic header, and works at /xapi/ until it
// is revoked. Employees and other organisations see none of it.
func TestLRSCredentialsPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := demoServer(t, db)
		hr := newBrowser(t, srv)
		hr.signIn("marloes.bakker@hofman.example", demo.Password)
		code, body := hr.get("/lrs/credentials")
		if code != 200 || !strings.Contains(body, "Toegangssleutels") || !strings.Contains(body, demo.DemoLabSource) {
			t.Fatalf("credentials page (nl): %d %s", code, excerpt(body))
		}
		// Bad input: a clear message, nothing made.
		for _, tc := range []struct {
			form url.Values
			want string
		}{
			{url.Values{"name": {""}, "scope": {"statements/write"}}, "Geef de bron een naam"},
			{url.Values{"name": {"Lab"}}, "Kies minstens één recht"},
			{url.Values{"name": {"Lab"}, "scope": {"statements/everything"}}, "Dat recht bestaat niet"},
			{url.Values{"name": {strings.Repeat("x", 201)}, "scope": {"all"}}, "hoogstens 200 tekens"},
		} {
			if code, body := hr.post("/lrs/credentials", tc.form); code != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) {
				t.Errorf("%v: %d, want 422 with %q: %s", tc.form, code, tc.want, excerpt(body))
			}
		}
		hofman, _ := db.OrganisationBySlug(context.Background(), "hofman")
		if creds, _ := db.XAPICredentials(context.Background(), hofman.ID); len(creds) != 2 {
			t.Fatalf("bad forms made credentials: %d", len(creds))
		}
		// Without a CSRF token nothing happens.
		if code, _ := hr.post("/lrs/credentials", url.Values{"csrf": {"forged"}, "name": {"Lab"}, "scope": {"all"}}); code != http.StatusForbidden {
			t.Fatalf("forged form: %d", code)
		}
		hr.setLang("en")
		code, body = hr.post("/lrs/credentials", url.Values{"name": {"Welding simulator"}, "scope": {"statements/write", "define"}})
		if code != http.StatusCreated || !strings.Contains(body, "shown only this once") || !strings.Contains(body, "Authorization: Basic ") ||
			!strings.Contains(body, srv.URL+"/xapi/") {
			t.Fatalf("create: %d %s", code, excerpt(body))
		}
		key, secret := keyRe.FindStringSubmatch(body), secretRe.FindStringSubmatch(body)
		if key == nil || secret == nil {
			t.Fatal("key or secret not shown")
		}
		st := map[string]any{"actor": map[string]any{"mbox": "mailto:fleur.kok@hofman.example"}, "verb": map[string]any{"id": xapi.VerbCompleted},
			"object": map[string]any{"id": "https://sim.example/welding/1"}}
		if code := sendStatement(t, db, key[1], secret[1], st); code != 200 {
			t.Fatalf("statement with the new credential: %d", code)
		}
		// The list shows it; the secret is not on the page again.
		_, body = hr.get("/lrs/credentials")
		if !strings.Contains(body, "Welding simulator") || strings.Contains(body, secret[1]) || !strings.Contains(body, "statements/write") {
			t.Fatalf("list after create: %s", excerpt(body))
		}
		if code, _ := hr.post("/lrs/credentials/"+key[1]+"/revoke", url.Values{}); code != http.StatusSeeOther {
			t.Fatalf("revoke: %d", code)
		}
		if _, body = hr.get("/lrs/credentials"); !strings.Contains(body, "Revoked") {
			t.Fatal("revoked credential not marked")
		}
		if code, _ := hr.post("/lrs/credentials/"+key[1]+"/revoke", url.Values{}); code != http.StatusNotFound {
			t.Fatalf("revoke twice: %d", code)
		}
		// A fresh handler (no cache) refuses the revoked credential.
		if code := sendStatement(t, db, key[1], secret[1], st); code != http.StatusUnauthorized {
			t.Fatalf("statement with a revoked credential: %d", code)
		}

		emp := newBrowser(t, srv)
		emp.signIn("fleur.kok@hofman.example", demo.Password)
		for _, p := range []string{"/lrs", "/lrs/credentials", "/lrs/rules"} {
			if code, _ := emp.get(p); code != http.StatusForbidden {
				t.Errorf("employee GET %s: %d", p, code)
			}
		}
		if code, _ := emp.post("/lrs/credentials", url.Values{"name": {"Mine"}, "scope": {"all"}}); code != http.StatusForbidden {
			t.Errorf("employee creates a credential: %d", code)
		}

		otherCompany(t, db)
		eve := newBrowser(t, srv)
		eve.signIn("eve@andere.example", demo.Password)
		creds, _ := db.XAPICredentials(context.Background(), hofman.ID)
		code, body = eve.get("/lrs/credentials")
		if code != 200 || strings.Contains(body, creds[0].ID) || strings.Contains(body, creds[len(creds)-1].ID) || strings.Contains(body, "Welding simulator") {
			t.Fatalf("other organisation's credentials page: %d %s", code, excerpt(body))
		}
		if code, _ := eve.post("/lrs/credentials/"+creds[len(creds)-1].ID+"/revoke", url.Values{}); code != http.StatusNotFound {
			t.Fatalf("other organisation revokes Hofman's credential: %d", code)
		}
	})
}

// The L&D coordinator adds a rule in the UI; a statement that matches it
// becomes evidence; the rule can be deleted. Bad rules are refused with a
// message, and another organisation sees and deletes nothing of Hofman's.
func TestLRSRulesPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv := demoServer(t, db)
		hofman, _ := db.OrganisationBySlug(ctx, "hofman")
		hr := newBrowser(t, srv)
		hr.signIn("marloes.bakker@hofman.example", demo.Password)
		code, body := hr.get("/lrs/rules")
		if code != 200 || !strings.Contains(body, "CNC-draaien") || !strings.Contains(body, "geslaagd") {
			t.Fatalf("rules page (nl): %d %s", code, excerpt(body))
		}
		comps, _, _ := db.Competences(ctx, hofman.ID, competence.Filter{Limit: 1000})
		var cobot string
		for _, c := range comps {
			if c.NameEN == "Programming cobots" {
				cobot = c.ID
			}
		}
		good := url.Values{"mode": {"id"}, "activity": {"https://academy.example/cobot-1"}, "verb": {xapi.VerbPassed}, "min_score": {"80"},
			"competence_id": {cobot}, "level": {"2"}, "kind": {"quiz"}, "valid_days": {""}}
		with := func(k, v string) url.Values {
			f := url.Values{}
			for a, b := range good {
				f[a] = b
			}
			f.Set(k, v)
			return f
		}
		otherOrg := otherCompany(t, db)
		foreign := &competence.Competence{Framework: competence.Own, NameEN: "Foreign", NameNL: "Vreemd", Layer: competence.New}
		must(t, db.CreateCompetence(ctx, otherOrg.ID, foreign))
		for _, tc := range []struct {
			form url.Values
			want string
		}{
			{with("activity", ""), "Geef de activiteit als adres"},
			{with("activity", "not an iri"), "Geef de activiteit als adres"},
			{with("mode", "both"), "Kies activiteit-id of activiteittype"},
			{with("activity", "https://baken.invalid/activities/items/"+cobot), "Bakens eigen activiteiten"},
			{with("verb", "other"), "Kies een werkwoord"},
			{with("min_score", "150"), "percentage van 0 tot 100"},
			{with("competence_id", ""), "Kies een competentie"},
			{with("competence_id", foreign.ID), "Kies een competentie"},
			{with("level", "9"), "Kies een niveau"},
			{with("kind", "validation"), "Kies een soort bewijs"},
			{with("valid_days", "-3"), "aantal dagen"},
		} {
			if code, body := hr.post("/lrs/rules", tc.form); code != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) {
				t.Errorf("%v: %d, want 422 with %q: %s", tc.form, code, tc.want, excerpt(body))
			}
		}
		before, _ := db.XAPIRules(ctx, hofman.ID)
		if code, _ := hr.post("/lrs/rules", with("csrf", "forged")); code != http.StatusForbidden {
			t.Fatalf("forged rule form: %d", code)
		}
		if code, body := hr.post("/lrs/rules", good); code != http.StatusSeeOther {
			t.Fatalf("add rule: %d %s", code, excerpt(body))
		}
		rules, _ := db.XAPIRules(ctx, hofman.ID)
		if len(rules) != len(before)+1 {
			t.Fatalf("%d rules, want %d", len(rules), len(before)+1)
		}
		added := rules[len(rules)-1]
		if added.MinScaled == nil || *added.MinScaled != 0.8 || added.Kind != "quiz" || added.Verb != xapi.VerbPassed {
			t.Fatalf("rule stored as %+v", added)
		}
		hr.setLang("en")
		if _, body := hr.get("/lrs/rules"); !strings.Contains(body, "https://academy.example/cobot-1") || !strings.Contains(body, "Programming cobots") || !strings.Contains(body, "80 %") {
			t.Fatalf("rule not listed: %s", excerpt(body))
		}
		// A statement that matches becomes evidence for Fleur at once.
		cred, err := xapi.CreateCredential(ctx, db, hofman.ID, "Academy", nil)
		must(t, err)
		fleur := hofmanPerson(t, db, hofman.ID, "Fleur Kok")
		st := map[string]any{"actor": map[string]any{"mbox": "mailto:" + fleur.Email}, "verb": map[string]any{"id": xapi.VerbPassed},
			"object": map[string]any{"id": "https://academy.example/cobot-1"}, "result": map[string]any{"score": map[string]any{"scaled": 0.9}}}
		if code := sendStatement(t, db, cred.Key, cred.Secret, st); code != 200 {
			t.Fatalf("statement: %d", code)
		}
		evs, _ := db.Evidence(ctx, hofman.ID, store.EvidenceFilter{PersonID: fleur.ID, CompetenceID: cobot})
		if len(evs) != 1 || evs[0].Kind != competence.Quiz || evs[0].Level != 2 {
			t.Fatalf("evidence from the new rule: %+v", evs)
		}

		eve := newBrowser(t, srv)
		eve.signIn("eve@andere.example", demo.Password)
		if code, body := eve.get("/lrs/rules"); code != 200 || strings.Contains(body, "academy.example") || strings.Contains(body, "remotelab.ttu.example") {
			t.Fatalf("other organisation's rules page: %d %s", code, excerpt(body))
		}
		if code, _ := eve.post("/lrs/rules/"+added.ID+"/delete", url.Values{}); code != http.StatusNotFound {
			t.Fatalf("other organisation deletes Hofman's rule: %d", code)
		}
		if code, _ := hr.post("/lrs/rules/"+added.ID+"/delete", url.Values{}); code != http.StatusSeeOther {
			t.Fatalf("delete rule: %d", code)
		}
		if code, _ := hr.post("/lrs/rules/"+added.ID+"/delete", url.Values{}); code != http.StatusNotFound {
			t.Fatalf("delete twice: %d", code)
		}
		// Deleted: the next statement gives nothing more.
		st["id"] = core.NewID()
		sendStatement(t, db, cred.Key, cred.Secret, st)
		if evs, _ := db.Evidence(ctx, hofman.ID, store.EvidenceFilter{PersonID: fleur.ID, CompetenceID: cobot}); len(evs) != 1 {
			t.Fatalf("a deleted rule still gives evidence: %d", len(evs))
		}
	})
}

// A person reads their learning record in plain words, in Dutch and in
// English, pages through it and downloads it as xAPI JSON; their team
// lead may too; colleagues and other organisations may not.
func TestLearningRecordPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv := demoServer(t, db)
		hofman, _ := db.OrganisationBySlug(ctx, "hofman")
		jan := hofmanPerson(t, db, hofman.ID, "Jan de Vries")
		b := newBrowser(t, srv)
		b.signIn("1001", "1234")
		if code, _ := b.get("/record"); code != http.StatusSeeOther {
			t.Fatalf("/record: %d", code)
		}
		code, body := b.get("/people/" + jan.ID + "/record")
		for _, want := range []string{"Je hebt ‘Draaien op de CNC’ voltooid", "score 85 %", "via TTU Remote Lab", "Je bent geslaagd voor ‘PLC-diagnose Siemens S7 (toets)’", "via Baken", "36 min"} {
			if !strings.Contains(body, want) {
				t.Errorf("record (nl) lacks %q", want)
			}
		}
		if code != 200 || t.Failed() {
			t.Fatalf("record: %d %s", code, excerpt(body))
		}
		// The demo's rule gave lab evidence of CNC turning from the pass.
		evs, _ := db.Evidence(ctx, hofman.ID, store.EvidenceFilter{PersonID: jan.ID})
		lab := 0
		for _, e := range evs {
			if e.Kind == competence.Lab && strings.HasPrefix(e.Note, "xAPI statement") {
				lab++
			}
		}
		if lab != 1 {
			t.Errorf("Jan has %d pieces of lab evidence from statements, want 1", lab)
		}
		if _, body := b.get("/people/" + jan.ID); !strings.Contains(body, "Leerregistratie") || !strings.Contains(body, "/people/"+jan.ID+"/record.json") {
			t.Errorf("person page lacks the record section")
		}
		b.setLang("en")
		if _, body = b.get("/people/" + jan.ID + "/record"); !strings.Contains(body, "You completed ‘CNC turning basics’") || !strings.Contains(body, "You did not pass ‘PLC diagnostics Siemens S7 (test)’") {
			t.Fatalf("record (en): %s", excerpt(body))
		}
		res, err := b.c.Get(srv.URL + "/people/" + jan.ID + "/record.json")
		must(t, err)
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment; filename=\"learning-record-jan-de-vries-") {
			t.Fatalf("download: %d %q", res.StatusCode, res.Header.Get("Content-Disposition"))
		}
		var doc struct {
			Statements []map[string]any `json:"statements"`
			More       *string          `json:"more"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil || doc.More == nil || len(doc.Statements) < 10 {
			t.Fatalf("download is not a StatementResult: %v, %d statements", err, len(doc.Statements))
		}
		for _, s := range doc.Statements {
			if s["id"] == nil || s["verb"] == nil || s["object"] == nil || s["stored"] == nil || s["authority"] == nil {
				t.Fatalf("statement lacks a property: %v", s)
			}
		}

		// Jan's team lead sees it in the third person.
		henk := newBrowser(t, srv)
		henk.signIn("henk.smit@hofman.example", demo.Password)
		if code, body := henk.get("/people/" + jan.ID + "/record"); code != 200 || !strings.Contains(body, "Jan de Vries heeft ‘Draaien op de CNC’ voltooid") {
			t.Fatalf("team lead: %d %s", code, excerpt(body))
		}
		// Paging: 30 more records; 25 on the first page, the rest after.
		done := true
		for i := 0; i < 30; i++ {
			if _, err := xapi.RecordStatement(ctx, db, hofman.ID, xapi.Record{PersonID: jan.ID, Verb: xapi.VerbExperienced,
				ActivityID: xapi.ActivityIRI("items", core.NewID()), ActivityName: map[string]string{"en-US": "Video " + string(rune('A'+i%26))}, Completion: &done}); err != nil {
				t.Fatal(err)
			}
		}
		_, body = b.get("/people/" + jan.ID + "/record")
		next := regexp.MustCompile(`href="(/people/[^"]+/record\?before=\d+)"`).FindStringSubmatch(body)
		if strings.Count(body, `class="lrs-sentence"`) != 25 || next == nil {
			t.Fatalf("first page: %d entries, next %v", strings.Count(body, `class="lrs-sentence"`), next)
		}
		_, body2 := b.get(next[1])
		if n := strings.Count(body2, `class="lrs-sentence"`); n != len(doc.Statements)+30-25 {
			t.Fatalf("second page: %d entries, want %d", n, len(doc.Statements)+5)
		}
		if code, _ := b.get("/people/" + jan.ID + "/record?before=abc"); code != http.StatusUnprocessableEntity {
			t.Fatalf("broken cursor: %d", code)
		}

		// A colleague does not.
		fleur := newBrowser(t, srv)
		fleur.signIn("fleur.kok@hofman.example", demo.Password)
		for _, p := range []string{"/people/" + jan.ID + "/record", "/people/" + jan.ID + "/record.json"} {
			if code, _ := fleur.get(p); code != http.StatusForbidden {
				t.Errorf("colleague GET %s: %d", p, code)
			}
		}
		if _, body := fleur.get("/people/" + jan.ID); strings.Contains(body, "record.json") {
			t.Error("a colleague sees the record section on Jan's page")
		}
		// Fleur's own record holds the statements sent by her e-mail.
		if _, body := fleur.get("/record"); body == "" {
			t.Fatal("no redirect body")
		}
		fl := hofmanPerson(t, db, hofman.ID, "Fleur Kok")
		if _, body := fleur.get("/people/" + fl.ID + "/record"); !strings.Contains(body, "Je hebt ‘Productiedata lezen in dashboards’ voltooid") {
			t.Errorf("Fleur's record by e-mail: %s", excerpt(body))
		}
		otherCompany(t, db)
		eve := newBrowser(t, srv)
		eve.signIn("eve@andere.example", demo.Password)
		for _, p := range []string{"/people/" + jan.ID + "/record", "/people/" + jan.ID + "/record.json"} {
			if code, body := eve.get(p); code != http.StatusNotFound || strings.Contains(body, "Draaien") {
				t.Errorf("other organisation GET %s: %d", p, code)
			}
		}
	})
}

// Marking an instruction done writes a statement to the person's record
// (as Baken), and it gives no rule evidence even when a rule matches.
func TestOwnActivitiesBecomeStatements(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv := demoServer(t, db)
		hofman, _ := db.OrganisationBySlug(ctx, "hofman")
		jan := hofmanPerson(t, db, hofman.ID, "Jan de Vries")
		it := itemByTitle(t, db, hofman.ID, "Gereedschap wisselen DMG Mori NLX 2500")
		comps, _, _ := db.Competences(ctx, hofman.ID, competence.Filter{Limit: 1})
		must(t, xapi.CreateRule(ctx, db, hofman.ID, &xapi.Rule{ActivityID: xapi.ActivityIRI("items", it.ID), Verb: xapi.VerbCompleted, CompetenceID: comps[0].ID, Level: 3}))
		xapi.ForgetRules(db, hofman.ID)
		b := newBrowser(t, srv)
		b.signIn("1001", "1234")
		b.get("/learn/" + it.ID)
		if code, _ := b.post("/learn/"+it.ID+"/use", url.Values{"kind": {string(catalogue.UseDone)}}); code != http.StatusSeeOther {
			t.Fatalf("mark done: %d", code)
		}
		_, body := b.get("/people/" + jan.ID + "/record")
		if !strings.Contains(body, "Je hebt ‘Gereedschap wisselen DMG Mori NLX 2500’ voltooid") {
			t.Fatalf("instruction done not in the record: %s", excerpt(body))
		}
		rec, _ := xapi.PersonStatements(ctx, db, hofman.ID, jan.ID, "", 1)
		var s map[string]any
		must(t, json.Unmarshal(rec[0], &s))
		obj := s["object"].(map[string]any)
		if obj["id"] != xapi.ActivityIRI("items", it.ID) || obj["definition"].(map[string]any)["type"] != xapi.TypeLesson {
			t.Fatalf("statement object %v", obj)
		}
		// A course completed with its certificate link, too.
		courses, _ := db.LearningItems(ctx, hofman.ID, store.ItemFilter{Type: catalogue.OpenCourse, Status: []catalogue.Status{catalogue.Published}, Limit: 1})
		if len(courses) == 0 {
			t.Fatal("no open course in the demo")
		}
		if code, body := b.post("/learning/items/"+courses[0].ID+"/complete", url.Values{"proof_url": {"https://example.org/certificate/42"}}); code != http.StatusSeeOther {
			t.Fatalf("complete course: %d %s", code, excerpt(body))
		}
		rec, _ = xapi.PersonStatements(ctx, db, hofman.ID, jan.ID, "", 1)
		if !strings.Contains(string(rec[0]), xapi.ActivityIRI("items", courses[0].ID)) || !strings.Contains(string(rec[0]), xapi.TypeCourse) {
			t.Fatalf("course completion not recorded: %s", rec[0])
		}
		evs, _ := db.Evidence(ctx, hofman.ID, store.EvidenceFilter{PersonID: jan.ID, CompetenceID: comps[0].ID})
		for _, e := range evs {
			if strings.HasPrefix(e.Note, "xAPI statement") {
				t.Fatalf("Baken's own statement went through a rule: %+v", e)
			}
		}
	})
}
