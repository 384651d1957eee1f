package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/demo"
	"github.com/bakenhq/baken/internal/project"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
)

// postJSON posts a form as the matrix script does and decodes the answer.
func (b *browser) postJSON(path string, form url.Values) (int, map[string]string) {
	b.t.Helper()
	if form.Get("csrf") == "" {
		form.Set("csrf", b.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := map[string]string{}
	if err := json.Unmarshal(raw, &out); err != nil {
		b.t.Fatalf("%s: not JSON (%d): %.200s", path, res.StatusCode, raw)
	}
	return res.StatusCode, out
}

// TestMatrixInPlace: the matrix script's save answers the redrawn cell,
// errors come back as JSON in the page's language, and project work that
// waits for the team lead is marked in its cell and can be validated from
// the cell's page.
func TestMatrixInPlace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv := demoServer(t, db)
		org, _ := db.OrganisationBySlug(ctx, "hofman")
		janID, _ := db.PersonIDByEmployeeNumber(ctx, org.ID, "1001")
		setup, _, _ := db.Competences(ctx, org.ID, competence.Filter{Query: "Omstellen"})
		if len(setup) != 1 {
			t.Fatalf("demo competence Omstellen: %d", len(setup))
		}
		cid := setup[0].ID

		henk := newBrowser(t, srv)
		henk.signIn("henk.smit@hofman.example", demo.Password)
		code, body := henk.get("/matrix")
		if code != 200 || !strings.Contains(body, `id="cell-dialog"`) || !strings.Contains(body, "competences.") {
			t.Fatalf("matrix without the in-place editor: %d", code)
		}
		// The demo's working group has set-up work of a CNC operator waiting for Henk.
		if !strings.Contains(body, " pw\"") || !strings.Contains(body, "projectwerk wacht op validatie") {
			t.Fatal("no project-work marker in the matrix")
		}

		code, out := henk.postJSON("/matrix/cell", url.Values{"p": {janID}, "c": {cid}, "level": {"3"}, "kind": {"validation"}, "note": {"Zelfstandig omgesteld"}})
		if code != 200 || !strings.HasPrefix(out["td"], `<td class="meets`) || !strings.Contains(out["td"], ">3/") || out["message"] != "Niveau vastgelegd." {
			t.Fatalf("in-place save: %d %v", code, out)
		}
		lv, _ := db.CurrentLevels(ctx, org.ID, store.LevelFilter{PersonIDs: []string{janID}, CompetenceIDs: []string{cid}}, timeNow())
		if len(lv) != 1 || lv[0].Level != 3 || !lv[0].Validated {
			t.Fatalf("level after the in-place save: %+v", lv)
		}
		if code, out := henk.postJSON("/matrix/cell", url.Values{"p": {janID}, "c": {cid}, "level": {"9"}}); code != http.StatusUnprocessableEntity || out["error"] == "" || out["td"] != "" {
			t.Fatalf("level 9: %d %v", code, out)
		}
		// Henk does not validate himself.
		_, henkID, _ := db.PersonIDByEmail(ctx, "henk.smit@hofman.example")
		if code, out := henk.postJSON("/matrix/cell", url.Values{"p": {henkID}, "c": {cid}, "level": {"4"}}); code != http.StatusForbidden || out["error"] == "" {
			t.Fatalf("self-validation: %d %v", code, out)
		}

		// The marked cell's page is where Henk validates the project work.
		cs, _ := db.Contributions(ctx, org.ID, store.ContributionFilter{Status: project.AwaitingValidation})
		var pw *project.Contribution
		for _, c := range cs {
			if c.CompetenceID == cid {
				pw = c
			}
		}
		if pw == nil {
			t.Fatal("the demo has no set-up work awaiting validation")
		}
		cell := "/matrix/cell?c=" + cid + "&p=" + pw.PersonID
		if code, body := henk.get(cell); code != 200 || !strings.Contains(body, `action="/contributions/`+pw.ID+`"`) {
			t.Fatalf("cell page without the project work: %d", code)
		}
		if code, _ := henk.post("/contributions/"+pw.ID, url.Values{"accept": {"1"}, "next": {cell}}); code != http.StatusSeeOther {
			t.Fatalf("validate project work: %d", code)
		}
		if evs, _ := db.Evidence(ctx, org.ID, store.EvidenceFilter{PersonID: pw.PersonID, CompetenceID: cid}); len(evs) == 0 || evs[0].Kind != competence.Project {
			t.Fatalf("no project evidence after validating in the cell: %+v", evs)
		}
		if _, body := henk.get(cell); strings.Contains(body, `action="/contributions/`) {
			t.Fatal("validated project work still offered")
		}

		// Another organisation's user cannot reach Hofman's people.
		ttu := newBrowser(t, srv)
		ttu.signIn("s.hendriks@ttu.example", demo.Password)
		ttu.get("/")
		if code, _ := ttu.postJSON("/matrix/cell", url.Values{"p": {janID}, "c": {cid}, "level": {"1"}}); code != http.StatusNotFound {
			t.Fatalf("other organisation: %d", code)
		}
	})
}

// postFiles posts fields and files (field → name, content) as a form
// with enctype multipart/form-data.
func (b *browser) postFiles(path string, fields map[string]string, files map[string][2]string) (int, string) {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("csrf", b.csrf)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	for k, f := range files {
		fw, _ := mw.CreateFormFile(k, f[0])
		_, _ = fw.Write([]byte(f[1]))
	}
	_ = mw.Close()
	res, err := b.c.Post(b.base+path, mw.FormDataContentType(), &buf)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

// TestCampaignPeopleAndUpload: L&D scopes a campaign to named people from
// the picker (no team, no site); one of them self-assesses with a photo
// of the work, which then shows in the evidence; a file without a level,
// or of the wrong kind, is refused and stores nothing.
func TestCampaignPeopleAndUpload(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv := demoServer(t, db)
		org, _ := db.OrganisationBySlug(ctx, "hofman")
		janID, _ := db.PersonIDByEmployeeNumber(ctx, org.ID, "1001")
		_, fleurID, _ := db.PersonIDByEmail(ctx, "fleur.kok@hofman.example")
		vca, _, _ := db.Competences(ctx, org.ID, competence.Filter{Query: "VCA"})
		if len(vca) != 1 {
			t.Fatalf("demo VCA: %d", len(vca))
		}
		hr := newBrowser(t, srv)
		hr.signIn("marloes.bakker@hofman.example", demo.Password)
		code, body := hr.get("/campaigns")
		if code != 200 || !strings.Contains(body, `id="people-list"`) || !strings.Contains(body, `name="person" value="`+janID+`"`) || !strings.Contains(body, "CNC-verspanen</legend>") {
			t.Fatalf("campaign form without the people picker: %d", code)
		}
		code, _ = hr.post("/campaigns", url.Values{"name": {"VCA-herhaling"}, "person": {janID, fleurID}, "competence": {vca[0].ID}, "deadline": {"2027-01-15"}})
		if code != http.StatusSeeOther {
			t.Fatalf("campaign for named people: %d", code)
		}
		var camp *competence.Campaign
		cs, _ := db.Campaigns(ctx, org.ID, "")
		for _, c := range cs {
			if c.Name == "VCA-herhaling" {
				camp, _ = db.Campaign(ctx, org.ID, c.ID)
			}
		}
		if camp == nil || len(camp.PersonIDs) != 2 || camp.TeamID != "" || camp.SiteID != "" {
			t.Fatalf("campaign scoped to people: %+v", camp)
		}
		// Someone of another organisation cannot be put in the scope.
		if code, _ := hr.post("/campaigns", url.Values{"name": {"x"}, "person": {"01a21c1d-0000-7000-8000-000000000000"}, "competence": {vca[0].ID}, "deadline": {"2027-01-15"}}); code != http.StatusUnprocessableEntity {
			t.Fatalf("unknown person in scope: %d", code)
		}

		jan := newBrowser(t, srv)
		jan.signIn("1001", "1234")
		review := "/campaigns/" + camp.ID + "/review"
		if code, body := jan.get(review); code != 200 || !strings.Contains(body, `enctype="multipart/form-data"`) || !strings.Contains(body, `name="attachment_`+vca[0].ID+`"`) {
			t.Fatalf("review form without upload: %d", code)
		}
		png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
		if code, _ := jan.postFiles(review, nil, map[string][2]string{"attachment_" + vca[0].ID: {"pas.png", png}}); code != http.StatusUnprocessableEntity {
			t.Fatalf("file without a level: %d", code)
		}
		jan.get(review)
		if code, _ := jan.postFiles(review, map[string]string{"level_" + vca[0].ID: "2"}, map[string][2]string{"attachment_" + vca[0].ID: {"pas.txt", "not a picture"}}); code != http.StatusUnprocessableEntity {
			t.Fatalf("text file: %d", code)
		}
		if evs, _ := db.Evidence(ctx, org.ID, store.EvidenceFilter{PersonID: janID, CampaignID: camp.ID}); len(evs) != 0 {
			t.Fatalf("refused uploads stored evidence: %d", len(evs))
		}
		jan.get(review)
		if code, body := jan.postFiles(review, map[string]string{"level_" + vca[0].ID: "2", "note_" + vca[0].ID: "pas verlengd"}, map[string][2]string{"attachment_" + vca[0].ID: {"pas.png", png}}); code != http.StatusSeeOther {
			t.Fatalf("self-assessment with a photo: %d %.300s", code, body)
		}
		evs, _ := db.Evidence(ctx, org.ID, store.EvidenceFilter{PersonID: janID, CampaignID: camp.ID})
		if len(evs) != 1 || evs[0].Attachment == nil || evs[0].Attachment.ContentType != "image/png" || evs[0].Kind != competence.SelfAssessment {
			t.Fatalf("self-assessment evidence: %+v", evs)
		}
		if code, body := jan.get("/people/" + janID + "/skills"); code != 200 || !strings.Contains(body, "/evidence/"+evs[0].ID+"/attachment") {
			t.Fatalf("the photo is not in Jan's timeline: %d", code)
		}
	})
}

// TestDemoShowsCompetenceGaps: the demo has what issue 3's last gaps
// added: a campaign scoped to named people, evidence with files (a
// certificate scan, a photo with a self-assessment) and project work
// waiting in a cell of Henk's matrix (checked in TestMatrixInPlace).
func TestDemoShowsCompetenceGaps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv := demoServer(t, db)
		org, _ := db.OrganisationBySlug(ctx, "hofman")
		cs, _ := db.Campaigns(ctx, org.ID, "")
		var named *competence.Campaign
		for _, c := range cs {
			if full, _ := db.Campaign(ctx, org.ID, c.ID); full != nil && full.TeamID == "" && full.SiteID == "" && len(full.PersonIDs) >= 3 {
				named = full
			}
		}
		if named == nil {
			t.Fatal("the demo has no campaign scoped to named people")
		}
		files := map[string]bool{}
		for _, c := range cs {
			evs, _ := db.Evidence(ctx, org.ID, store.EvidenceFilter{CampaignID: c.ID, Limit: 2000})
			for _, e := range evs {
				if e.Attachment != nil {
					files[e.Attachment.ContentType] = true
				}
			}
		}
		all, _ := db.Evidence(ctx, org.ID, store.EvidenceFilter{Limit: 2000})
		for _, e := range all {
			if e.Attachment != nil {
				files[e.Attachment.ContentType] = true
			}
		}
		if !files["application/pdf"] {
			t.Error("no certificate in the demo has a scan")
		}
		if !files["image/png"] {
			t.Error("no self-assessment in the demo campaigns has a photo")
		}
		hr := newBrowser(t, srv)
		hr.signIn("marloes.bakker@hofman.example", demo.Password)
		if code, body := hr.get("/campaigns/" + named.ID); code != 200 || !strings.Contains(body, "Fleur Kok") {
			t.Fatalf("named-people campaign page: %d", code)
		}
	})
}
