package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/auth"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/demo"
	"github.com/bakenhq/baken/internal/esco/escotest"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/tenancy"
)

// upload posts files (name → content) to the framework import form.
func (b *browser) upload(path string, files map[string][]byte) (int, string, string) {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", b.csrf)
	for name, data := range files {
		fw, _ := mw.CreateFormFile("files", name)
		fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.base+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	var out bytes.Buffer
	out.ReadFrom(res.Body)
	return res.StatusCode, res.Header.Get("Location"), out.String()
}

func zipOf(t *testing.T, folder string, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(folder + name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var alertRe = regexp.MustCompile(`role="alert">([^<]*)<`)

// alert is the text of a page's error message.
func alert(body string) string {
	if m := alertRe.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

// waitForJob polls a job's status the way the page's script does.
func waitForJob(t *testing.T, b *browser, jobPath string) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		code, body := b.get(jobPath + "?format=json")
		if code != http.StatusOK {
			t.Fatalf("job status: %d %s", code, body)
		}
		var st struct{ Status string }
		if err := json.Unmarshal([]byte(body), &st); err != nil {
			t.Fatalf("job status %q: %v", body, err)
		}
		if st.Status != store.ImportRunning {
			return st.Status
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the import did not finish within a minute")
	return ""
}

func TestFrameworkImportFromTheBrowser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv := demoServer(t, db)
		hr := newBrowser(t, srv)
		hr.signIn("marloes.bakker@hofman.example", demo.Password)
		code, body := hr.get("/competences/frameworks")
		if !strings.Contains(body, "/competences/frameworks/sample") {
			t.Fatal("the frameworks page does not offer the sample while ESCO is missing")
		}
		if code != http.StatusOK || !strings.Contains(body, `name="files"`) || !strings.Contains(body, `class="attribution"`) || !strings.Contains(body, "Kaders importeren") {
			t.Fatalf("frameworks page: %d %s", code, body)
		}

		// Nothing recognisable: a clear 422, no job.
		code, _, body = hr.upload("/competences/frameworks/import", map[string][]byte{"notes.csv": []byte("a,b\n1,2\n")})
		if code != http.StatusUnprocessableEntity || !strings.Contains(alert(body), "skills_en.csv") {
			t.Fatalf("upload without ESCO files: %d %s", code, body)
		}
		code, _, body = hr.upload("/competences/frameworks/import", map[string][]byte{"esco.zip": []byte("not a zip")})
		if code != http.StatusUnprocessableEntity || !strings.Contains(alert(body), "esco.zip") {
			t.Fatalf("broken ZIP: %d %s", code, body)
		}

		// A broken release: the job fails naming file and line; nothing changes.
		broken := escotest.TinyRelease()
		broken["occupationSkillRelations.csv"] += escotest.Occupation1 + ",essential,knowledge,http://data.europa.eu/esco/skill/nosuch\n"
		code, loc, body := hr.upload("/competences/frameworks/import", map[string][]byte{
			"ESCO dataset - v9.9.9 - classification - en - csv.zip": zipOf(t, "ESCO dataset - v9.9.9 - classification - en - csv/", broken)})
		if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/competences/frameworks/jobs/") {
			t.Fatalf("upload: %d %q %s", code, loc, body)
		}
		if st := waitForJob(t, hr, loc); st != store.ImportFailed {
			t.Fatalf("broken release: job %s", st)
		}
		_, body = hr.get(loc)
		if !strings.Contains(body, "occupationSkillRelations.csv, regel 5") || !strings.Contains(body, "nosuch") {
			t.Fatalf("failed job page does not name the file and line: %s", body)
		}
		if n, _ := db.ESCOCounts(ctx); n["esco_skills"] != 0 {
			t.Fatalf("a failed import stored %d skills", n["esco_skills"])
		}

		// The official ZIP layout plus a loose Dutch file.
		code, loc, _ = hr.upload("/competences/frameworks/import", map[string][]byte{
			"ESCO dataset - v9.9.9 - classification - en - csv.zip": zipOf(t, "ESCO dataset - v9.9.9 - classification - en - csv/", escotest.TinyRelease()),
			"skills_nl.csv": []byte("conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,description\nKnowledgeSkillCompetence," + escotest.Skill1 + ",skill/competence,sector-specific,metaal lassen,,Metaal verbinden.\n"),
		})
		if code != http.StatusSeeOther {
			t.Fatalf("upload: %d", code)
		}
		if st := waitForJob(t, hr, loc); st != store.ImportDone {
			_, body := hr.get(loc)
			t.Fatalf("import: job %s: %s", st, body)
		}
		_, body = hr.get(loc)
		if !strings.Contains(body, "2 skills") {
			t.Fatalf("job page lacks the report: %s", body)
		}
		s, err := db.ESCOSkill(ctx, escotest.Skill1)
		if err != nil || s.LabelNL != "metaal lassen" {
			t.Fatalf("imported skill: %+v %v", s, err)
		}
		fws, _ := db.Frameworks(ctx)
		if len(fws) == 0 || fws[0].Version != "v9.9.9" {
			t.Fatalf("frameworks: %+v", fws)
		}
		hr.post("/lang", map[string][]string{"lang": {"en"}})
		if _, body := hr.get("/competences/frameworks"); !strings.Contains(body, "Import frameworks") || !strings.Contains(body, "v9.9.9") || !strings.Contains(body, "ESCO classification of the European Commission") {
			t.Fatalf("English frameworks page: %s", body)
		}

		// The built-in sample: offered while ESCO is missing, imported in one click.
		if _, body := hr.get("/competences/frameworks"); strings.Contains(body, "/competences/frameworks/sample") {
			t.Fatal("the sample is offered although ESCO is imported")
		}

		// An employee can neither import nor watch.
		emp := newBrowser(t, srv)
		emp.signIn("fleur.kok@hofman.example", demo.Password)
		emp.get("/competences/frameworks")
		if code, _, _ := emp.upload("/competences/frameworks/import", map[string][]byte{"skills_en.csv": []byte("x")}); code != http.StatusForbidden {
			t.Fatalf("employee imports: %d", code)
		}
		if code, _ := emp.get(loc); code != http.StatusForbidden {
			t.Fatalf("employee opens the job: %d", code)
		}
		if code, _ := emp.post("/competences/frameworks/sample", url.Values{}); code != http.StatusForbidden {
			t.Fatalf("employee imports the sample: %d", code)
		}

		// Another organisation's coordinator does not see Hofman's jobs.
		other := &tenancy.Organisation{Kind: tenancy.Company, Name: "Other", Slug: "other-co"}
		if err := db.CreateOrganisation(ctx, other); err != nil {
			t.Fatal(err)
		}
		ld := &tenancy.Person{Name: "Other Coordinator", Email: "ld@other.example", Roles: []core.Role{core.RoleLearning}}
		if err := db.CreatePerson(ctx, other.ID, ld); err != nil {
			t.Fatal(err)
		}
		hash, _ := auth.HashSecret("another-long-password")
		if err := db.SetPasswordHash(ctx, other.ID, ld.ID, hash); err != nil {
			t.Fatal(err)
		}
		ob := newBrowser(t, srv)
		ob.signIn("ld@other.example", "another-long-password")
		if code, _ := ob.get(loc); code != http.StatusNotFound {
			t.Fatalf("other organisation opens Hofman's job: %d", code)
		}
		if code, _ := ob.get(loc + "?format=json"); code != http.StatusNotFound {
			t.Fatalf("other organisation polls Hofman's job: %d", code)
		}
		if _, body := ob.get("/competences/frameworks"); strings.Contains(body, "/competences/frameworks/jobs/") {
			t.Fatal("other organisation lists Hofman's imports")
		}
	})
}

func TestESCOSampleInOneClick(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("imports 5,392 skills: runs without -short and without -race (.ci/run runs it so)")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := demoServer(t, db)
		hr := newBrowser(t, srv)
		hr.signIn("marloes.bakker@hofman.example", demo.Password)
		hr.get("/competences/frameworks")
		code, loc := hr.postLocation("/competences/frameworks/sample", url.Values{})
		if code != http.StatusSeeOther {
			t.Fatalf("sample: %d", code)
		}
		if st := waitForJob(t, hr, loc); st != store.ImportDone {
			_, body := hr.get(loc)
			t.Fatalf("sample import: %s: %s", st, body)
		}
		if _, body := hr.get("/roles/occupation?q=CNC"); !strings.Contains(body, "CNC") {
			t.Fatal("no CNC occupation after the sample import")
		}
	})
}

// postLocation posts a form and returns the status and the redirect target.
func (b *browser) postLocation(path string, form url.Values) (int, string) {
	b.t.Helper()
	if form.Get("csrf") == "" {
		form.Set("csrf", b.csrf)
	}
	res, err := b.c.PostForm(b.base+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode, res.Header.Get("Location")
}
