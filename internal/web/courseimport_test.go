package web_test

import (
	"bytes"
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/demo"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
)

var hiddenData = regexp.MustCompile(`(?s)name="data" value="([^"]*)"`)

func countCourses(t *testing.T, db *store.DB, orgID string) int {
	t.Helper()
	list, err := db.OpenCourses(context.Background(), orgID, true)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range list {
		if c.OrgID == orgID {
			n++
		}
	}
	return n
}

// Course import through the pages: a bad file is answered row by row with
// nothing stored; a good file is previewed, committed and listed; an
// org-only course stays in its organisation; a provider's course for
// partners reaches its partner company.
func TestCourseImportHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv := demoServer(t, db)
		hofman, _ := db.OrganisationBySlug(ctx, "hofman")
		ttu, _ := db.OrganisationBySlug(ctx, "ttu-et")
		comp := &competence.Competence{Framework: competence.Own, NameNL: "Importtest lassen", NameEN: "Import test welding", Layer: competence.New, Active: true}
		must(t, db.CreateCompetence(ctx, hofman.ID, comp))
		scale, err := db.Scale(ctx, hofman.ID)
		must(t, err)
		top := scale.Max()
		before := countCourses(t, db, hofman.ID)

		ld := newBrowser(t, srv)
		ld.signIn("marloes.bakker@hofman.example", demo.Password)
		if _, body := ld.get("/learning/courses"); !strings.Contains(body, `href="/learning/courses/import"`) {
			t.Fatal("no import link for the L&D coordinator")
		}
		if code, _ := ld.get("/learning/courses/import"); code != 200 {
			t.Fatalf("import page: %d", code)
		}

		// A bad file: every bad row is listed, nothing is stored.
		bad := "title_en,url,provider,cost,competences\n" +
			"Fine course,https://ex.example/ok,Acme,10,Import test welding:1\n" +
			"Script,javascript:alert(1),Acme,10,\n" +
			"Costly,https://ex.example/c,Acme,-20,\n" +
			"Unknown,https://ex.example/u,Acme,0,Juggling:1\n" +
			"Too high,https://ex.example/h,Acme,0,Import test welding:" + string(rune('0'+top+1)) + "\n" +
			"fine course,https://ex.example/d,Acme,0,\n"
		code, body := ld.postMultipart("/learning/courses/import", nil, "file", "courses.csv", []byte(bad))
		if code != http.StatusUnprocessableEntity {
			t.Fatalf("bad file: %d", code)
		}
		text := html.UnescapeString(body)
		for _, want := range []string{"5 van de 6", `link "javascript:alert(1)" must be an http or https address`, "cost -20 is negative",
			`competence "Juggling" is not in the catalogue`, "is outside the scale", `title "fine course" is also on line 2`} {
			if !strings.Contains(text, want) {
				t.Errorf("bad-file preview lacks %q", want)
			}
		}
		if strings.Contains(body, `action="/learning/courses/import/commit"`) {
			t.Error("a bad file can be committed")
		}
		// Committing the bad file anyway (a forged form) stores nothing.
		if code, _ := ld.post("/learning/courses/import/commit", url.Values{"data": {bad}}); code != http.StatusUnprocessableEntity {
			t.Fatalf("forged commit of a bad file: %d", code)
		}
		// Files that cannot be read at all.
		if code, body := ld.postMultipart("/learning/courses/import", nil, "file", "x.csv", []byte("title_en,url,provider\nCaf\xe9,https://a.example,P\n")); code != http.StatusUnprocessableEntity || !strings.Contains(body, "Regel 2: het bestand is geen UTF-8") {
			t.Fatalf("latin-1 file: %d", code)
		}
		if code, body := ld.postMultipart("/learning/courses/import", nil, "file", "x.csv", []byte("title_en,hours\nA,1\n")); code != http.StatusUnprocessableEntity || !strings.Contains(body, "ontbrekende kolommen: url, provider") {
			t.Fatalf("missing columns: %d", code)
		}
		big := append([]byte("title_en,url,provider\n"), bytes.Repeat([]byte("x"), 5<<20)...)
		if code, _ := ld.postMultipart("/learning/courses/import", nil, "file", "big.csv", big); code != http.StatusRequestEntityTooLarge {
			t.Fatalf("6 MB file: %d", code)
		}
		if n := countCourses(t, db, hofman.ID); n != before {
			t.Fatalf("bad imports stored %d courses", n-before)
		}

		// A good file (JSON): preview, commit, listed.
		good := `[
 {"title_nl": "Lassen met de robot", "title_en": "Robot welding", "url": "https://ex.example/robot", "provider": "Acme", "hours": 8, "cost": "120,50",
  "certificate": "ja", "visibility": "org", "competences": ["Import test welding:2"]},
 {"title_en": "Quality basics", "url": "https://ex.example/q", "provider": "Acme", "hours": "4"}
]`
		code, body = ld.postMultipart("/learning/courses/import", nil, "file", "courses.json", []byte(good))
		if code != 200 || !strings.Contains(body, "Alle 2 cursussen zijn in orde") {
			t.Fatalf("good preview: %d %s", code, between(body, "<main", "</main>"))
		}
		m := hiddenData.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no data carried to the commit")
		}
		if code, body := ld.post("/learning/courses/import/commit", url.Values{"data": {html.UnescapeString(m[1])}}); code != 200 || !strings.Contains(body, "2 open cursussen geïmporteerd") {
			t.Fatalf("commit: %d %s", code, between(body, "<main", "</main>"))
		}
		if n := countCourses(t, db, hofman.ID); n != before+2 {
			t.Fatalf("after import %d new courses, want 2", n-before)
		}
		_, body = ld.get("/learning/courses")
		if !strings.Contains(body, "Lassen met de robot") || !strings.Contains(body, "Quality basics") {
			t.Fatal("imported courses not listed")
		}
		var robotID string
		list, _ := db.OpenCourses(ctx, hofman.ID, false)
		for _, c := range list {
			if c.TitleEN == "Robot welding" {
				robotID = c.ItemID
				if c.Detail.CostCents != 12050 || !c.Detail.Certificate || c.Minutes != 480 || c.Visibility != "org" {
					t.Errorf("robot course = %+v", c)
				}
			}
		}
		// The same file again: the titles exist now.
		if code, _ := ld.postMultipart("/learning/courses/import", nil, "file", "courses.json", []byte(good)); code != http.StatusUnprocessableEntity {
			t.Fatalf("second import of the same file: %d", code)
		}

		// The partner university never sees Hofman's org-only course.
		uni := newBrowser(t, srv)
		uni.signIn("s.hendriks@ttu.example", demo.Password)
		if _, body := uni.get("/learning/courses"); strings.Contains(body, "Lassen met de robot") || strings.Contains(body, "Robot welding") {
			t.Fatal("the partner sees an org-only course")
		}
		if code, _ := uni.get("/learning/courses/" + robotID); code != http.StatusNotFound {
			t.Fatalf("the partner opens an org-only course: %d", code)
		}
		// The university imports a course; its default visibility is
		// partners, so Hofman's people see it.
		uniBefore := countCourses(t, db, ttu.ID)
		code, body = uni.postMultipart("/learning/courses/import", nil, "file", "ttu.csv",
			[]byte("title_en;url;provider;hours;cost;certificate\nDigital twins for SMEs;https://ttu.example/twins;TTU;24;0;yes\nInternal staff course;https://ttu.example/staff;TTU;2;0;no\n"))
		if code != 200 {
			t.Fatalf("university preview: %d %s", code, between(body, "<main", "</main>"))
		}
		m = hiddenData.FindStringSubmatch(body)
		if code, _ := uni.post("/learning/courses/import/commit", url.Values{"data": {html.UnescapeString(m[1])}}); code != 200 {
			t.Fatalf("university commit: %d", code)
		}
		if n := countCourses(t, db, ttu.ID); n != uniBefore+2 {
			t.Fatalf("university has %d new courses", n-uniBefore)
		}
		jan := newBrowser(t, srv)
		jan.get("/signin")
		if code, _ := jan.post("/signin", url.Values{"login": {"1001"}, "secret": {"1234"}}); code != http.StatusSeeOther {
			t.Fatalf("PIN sign-in: %d", code)
		}
		if _, body := jan.get("/learning/courses"); !strings.Contains(body, "Digital twins for SMEs") || !strings.Contains(body, "Lassen met de robot") {
			t.Fatal("an employee does not see the partner's course beside the own ones")
		}
		// An operator may not import.
		if code, _ := jan.get("/learning/courses/import"); code != http.StatusForbidden {
			t.Fatalf("operator opens the import: %d", code)
		}
		if code, _ := jan.post("/learning/courses/import/commit", url.Values{"data": {good}}); code != http.StatusForbidden {
			t.Fatalf("operator commits an import: %d", code)
		}
	})
}
