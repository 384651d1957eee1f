package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/bakenhq/baken/internal/auth"
	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/demo"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/tenancy"
)

// TestCompetencePages walks the competence pages as the demo's team lead,
// an employee and the L&D coordinator, and checks that another
// organisation sees none of it.
func TestCompetencePages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv := demoServer(t, db)
		org, _ := db.OrganisationBySlug(ctx, "hofman")
		janID, _ := db.PersonIDByEmployeeNumber(ctx, org.ID, "1001")
		turning, _, _ := db.Competences(ctx, org.ID, competence.Filter{Query: "CNC-draaien"})
		if len(turning) != 1 {
			t.Fatal("demo has no CNC-draaien")
		}
		cid := turning[0].ID

		// The team lead sees his team's matrix, in Dutch (the organisation's language).
		henk := newBrowser(t, srv)
		henk.signIn("henk.smit@hofman.example", demo.Password)
		code, body := henk.get("/matrix")
		if code != 200 || !strings.Contains(body, "Vaardighedenmatrix") || !strings.Contains(body, "Jan de Vries") || !strings.Contains(body, "CNC-draaien") {
			t.Fatalf("team matrix: %d", code)
		}
		if !strings.Contains(body, `class="missing`) && !strings.Contains(body, `class="below`) {
			t.Fatal("the demo matrix shows no gaps at all")
		}
		// He validates Jan's CNC turning in the cell.
		if code, body := henk.get("/matrix/cell?p=" + janID + "&c=" + cid); code != 200 || !strings.Contains(body, `name="level"`) {
			t.Fatalf("cell page: %d", code)
		}
		if code, body := henk.post("/matrix/cell", url.Values{"p": {janID}, "c": {cid}, "level": {"3"}, "note": {"Zelfstandig omgesteld"}, "back": {"/matrix"}}); code != http.StatusSeeOther {
			t.Fatalf("validate: %d %s", code, body)
		}
		lv, _ := db.CurrentLevels(ctx, org.ID, store.LevelFilter{PersonIDs: []string{janID}, CompetenceIDs: []string{cid}}, timeNow())
		if len(lv) != 1 || lv[0].Level != 3 || !lv[0].Validated {
			t.Fatalf("validated level: %+v", lv)
		}
		// The validation counts towards the open review campaign covering it.
		if open, _ := db.OpenCampaignFor(ctx, org.ID, janID, cid); open == "" {
			t.Fatal("the demo has no open campaign for Jan's CNC turning")
		} else {
			prog, _ := db.CampaignProgress(ctx, org.ID, open)
			for _, p := range prog {
				if p.PersonID == janID && p.Validated != 1 {
					t.Fatalf("Jan's validated count in the campaign: %d", p.Validated)
				}
			}
		}
		// A level off the scale is refused.
		henk.get("/matrix/cell?p=" + janID + "&c=" + cid)
		if code, _ := henk.post("/matrix/cell", url.Values{"p": {janID}, "c": {cid}, "level": {"9"}}); code != http.StatusUnprocessableEntity {
			t.Fatalf("level 9: %d", code)
		}
		// Exports.
		res, err := henk.c.Get(srv.URL + "/matrix?format=csv")
		if err != nil {
			t.Fatal(err)
		}
		csvBody, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") || !strings.Contains(string(csvBody), "Jan de Vries") {
			t.Fatalf("csv: %s", res.Header.Get("Content-Type"))
		}
		res, err = henk.c.Get(srv.URL + "/matrix?format=xlsx")
		if err != nil {
			t.Fatal(err)
		}
		xb, _ := io.ReadAll(res.Body)
		res.Body.Close()
		zr, err := zip.NewReader(bytes.NewReader(xb), int64(len(xb)))
		if err != nil {
			t.Fatalf("xlsx is not a zip: %v", err)
		}
		found := false
		for _, f := range zr.File {
			if f.Name == "xl/worksheets/sheet1.xml" {
				rc, _ := f.Open()
				sheet, _ := io.ReadAll(rc)
				rc.Close()
				found = strings.Contains(string(sheet), "Jan de Vries")
			}
		}
		if !found {
			t.Fatal("xlsx sheet lacks the team")
		}
		// English after switching the language.
		henk.post("/lang", url.Values{"lang": {"en"}, "next": {"/matrix"}})
		if _, body := henk.get("/matrix"); !strings.Contains(body, "Skills matrix") {
			t.Fatal("the matrix is not in English after switching")
		}

		// The employee: no matrix, own profile with chart, self-assessment on the review form.
		jan := newBrowser(t, srv)
		jan.signIn("1001", "1234")
		if code, _ := jan.get("/matrix"); code != http.StatusForbidden {
			t.Fatalf("employee opens the matrix: %d", code)
		}
		if code, body := jan.get("/people/" + janID + "/skills"); code != 200 || !strings.Contains(body, "<svg") {
			t.Fatalf("own skills page: %d", code)
		}
		_, henkID, _ := db.PersonIDByEmail(ctx, "henk.smit@hofman.example")
		if code, _ := jan.get("/people/" + henkID + "/skills"); code != http.StatusForbidden {
			t.Fatalf("employee opens a colleague's skills: %d", code)
		}
		camps, _ := db.Campaigns(ctx, org.ID, janID)
		var open *competence.Campaign
		for _, c := range camps {
			if c.Status == competence.CampaignOpen {
				open = c
			}
		}
		if open == nil {
			t.Fatal("Jan has no open campaign in the demo")
		}
		if code, body := jan.get("/campaigns/" + open.ID + "/review"); code != 200 || !strings.Contains(body, "level_"+cid) {
			t.Fatalf("review form: %d", code)
		}
		if code, _ := jan.post("/campaigns/"+open.ID+"/review", url.Values{"level_" + cid: {"2"}}); code != http.StatusSeeOther {
			t.Fatalf("save review: %d", code)
		}
		if code, _ := jan.post("/matrix/cell", url.Values{"p": {janID}, "c": {cid}, "level": {"4"}}); code != http.StatusForbidden {
			t.Fatalf("employee validates himself: %d", code)
		}

		// L&D: catalogue, ESCO page, roles, scale, campaign page, new competence.
		hr := newBrowser(t, srv)
		hr.signIn("marloes.bakker@hofman.example", demo.Password)
		for _, p := range []string{"/competences", "/competences/" + cid, "/competences/esco", "/competences/scale", "/roles", "/roles/new", "/roles/occupation", "/campaigns", "/campaigns/" + open.ID, "/matrix?org=1"} {
			if code, _ := hr.get(p); code != 200 {
				t.Errorf("L&D %s: %d", p, code)
			}
		}
		// L&D records a certificate with a scan for Jan; his lead can open it.
		hr.get("/matrix/cell?p=" + janID + "&c=" + cid)
		if code, body := hr.postMultipart("/matrix/cell", url.Values{"p": {janID}, "c": {cid}, "level": {"3"}, "kind": {"certificate"}, "valid_until": {"2030-01-31"}, "back": {"/matrix"}},
			"attachment", "cert.pdf", []byte("%PDF-1.4\n%demo\n")); code != http.StatusSeeOther {
			t.Fatalf("certificate with attachment: %d %s", code, body)
		}
		evs, _ := db.Evidence(ctx, org.ID, store.EvidenceFilter{PersonID: janID, CompetenceID: cid, Limit: 1})
		if len(evs) != 1 || evs[0].Kind != competence.Certificate || evs[0].Attachment == nil || evs[0].Attachment.ContentType != "application/pdf" {
			t.Fatalf("stored certificate: %+v", evs)
		}
		attURL := "/evidence/" + evs[0].ID + "/attachment"
		if code, body := henk.get(attURL); code != 200 || !strings.HasPrefix(body, "%PDF") {
			t.Fatalf("lead opens the attachment: %d", code)
		}
		hr.get("/matrix/cell?p=" + janID + "&c=" + cid)
		if code, _ := hr.postMultipart("/matrix/cell", url.Values{"p": {janID}, "c": {cid}, "level": {"3"}, "kind": {"certificate"}},
			"attachment", "virus.exe", []byte("MZ\x90\x00 not a pdf")); code != http.StatusUnprocessableEntity {
			t.Fatalf("an .exe attachment: %d", code)
		}
		// DigComp: pick a competence into the catalogue.
		if err := db.ImportFramework(ctx, &competence.FrameworkSet{Framework: competence.DigComp, Version: "3.0",
			Items: []competence.FrameworkItem{{Code: "1", Kind: "area", NameEN: "Information", NameNL: "Informatie"},
				{Code: "1.1", ParentCode: "1", Kind: "competence", Position: 1, NameEN: "Browsing, searching and filtering information", NameNL: "Browsen, zoeken en filteren van informatie"}},
			Levels: []competence.Level{{Level: 0, NameEN: "None"}, {Level: 1, NameEN: "1 – Basic"}}}); err != nil {
			t.Fatal(err)
		}
		if code, body := hr.get("/competences/digcomp"); code != 200 || !strings.Contains(body, "Browsen, zoeken") {
			t.Fatalf("digcomp page: %d", code)
		}
		if code, _ := hr.post("/competences/digcomp/pick", url.Values{"code": {"1.1"}, "back": {"/competences/digcomp"}}); code != http.StatusSeeOther {
			t.Fatalf("pick digcomp: %d", code)
		}
		if cs, _, _ := db.Competences(ctx, org.ID, competence.Filter{Framework: competence.DigComp}); len(cs) != 1 || cs[0].Layer != competence.New {
			t.Fatalf("picked DigComp competences: %d", len(cs))
		}
		if _, body := hr.get("/campaigns/" + open.ID); !strings.Contains(body, "Jan de Vries") {
			t.Error("campaign progress lacks Jan")
		}
		hr.get("/competences")
		if code, body := hr.post("/competences", url.Values{"name_nl": {"Kantbank bedienen"}, "name_en": {"Operating a press brake"}, "category": {"Plaatbewerking"}, "layer": {"fundamental"}}); code != http.StatusSeeOther {
			t.Fatalf("new competence: %d %s", code, body)
		}
		if code, _ := jan.post("/competences", url.Values{"name_nl": {"x"}}); code != http.StatusForbidden {
			t.Fatalf("employee adds a competence: %d", code)
		}

		// Another organisation sees nothing of Hofman's.
		other := &tenancy.Organisation{Kind: tenancy.Company, Name: "Other", Slug: "other-co"}
		if err := db.CreateOrganisation(ctx, other); err != nil {
			t.Fatal(err)
		}
		boss := &tenancy.Person{Name: "Other Boss", Email: "boss@other.example", Roles: []core.Role{core.RoleOrgAdmin}}
		if err := db.CreatePerson(ctx, other.ID, boss); err != nil {
			t.Fatal(err)
		}
		hash, _ := auth.HashSecret("another-long-password")
		if err := db.SetPasswordHash(ctx, other.ID, boss.ID, hash); err != nil {
			t.Fatal(err)
		}
		ob := newBrowser(t, srv)
		ob.signIn("boss@other.example", "another-long-password")
		roles, _ := db.RoleProfiles(ctx, org.ID)
		for _, p := range []string{"/matrix/cell?p=" + janID + "&c=" + cid, "/people/" + janID + "/skills", "/competences/" + cid, "/campaigns/" + open.ID, "/campaigns/" + open.ID + "/review", "/roles/" + roles[0].ID} {
			if code, body := ob.get(p); code != http.StatusNotFound && code != http.StatusForbidden {
				t.Errorf("other organisation %s: %d", p, code)
			} else if strings.Contains(body, "Jan de Vries") || strings.Contains(body, "CNC-draaien") {
				t.Errorf("other organisation %s shows Hofman's data", p)
			}
		}
		if _, body := ob.get("/matrix?team=" + mustTeam(t, db, org.ID)); strings.Contains(body, "Jan de Vries") {
			t.Error("other organisation sees Hofman's matrix")
		}
		ob.get("/matrix")
		if code, _ := ob.get(attURL); code != http.StatusNotFound {
			t.Errorf("other organisation opens Jan's attachment: %d", code)
		}
		if code, _ := ob.post("/matrix/cell", url.Values{"p": {janID}, "c": {cid}, "level": {"1"}}); code != http.StatusNotFound {
			t.Errorf("other organisation validates Jan: %d", code)
		}
	})
}

func mustTeam(t *testing.T, db *store.DB, orgID string) string {
	teams, err := db.Teams(context.Background(), orgID, "")
	if err != nil || len(teams) == 0 {
		t.Fatal("no teams")
	}
	return teams[0].ID
}
