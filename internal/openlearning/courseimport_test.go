package openlearning

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"

	"github.com/bakenhq/baken/internal/catalogue"
	"github.com/bakenhq/baken/internal/core"
)

const (
	weldID = "0190c6a0-0000-7000-8000-000000000001"
	cncID  = "0190c6a0-0000-7000-8000-000000000002"
)

var testLookup = CourseImportLookup{
	Competences: map[string]string{
		"lassen": weldID, "welding": weldID,
		"http://data.europa.eu/esco/skill/abc-123": cncID, "cnc programming": cncID,
		"veiligheid": "", // two competences carry this name
	},
	MaxLevel:   4,
	Titles:     map[string]bool{"existing course": true},
	Visibility: catalogue.VisOrg,
}

const goodCSV = `title_nl,title_en,description_en,url,provider,hours,cost,currency,certificate,schedule,language,visibility,competences
Lassen voor beginners,Welding basics,Learn to weld,https://example.edu/weld,TTU,12.5,"1.250,00",eur,ja,self-paced,nl,partners,Lassen:2; http://data.europa.eu/esco/skill/abc-123:3
,CNC programming,,http://example.edu/cnc,TTU,40,0,,no,,,,
`

func TestParseCoursesGood(t *testing.T) {
	res, err := ParseCourses([]byte(goodCSV), testLookup)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Valid() || len(res.Rows) != 2 || res.Format != "csv" {
		t.Fatalf("want 2 valid rows, got %+v", res.Rows)
	}
	r := res.Rows[0]
	if r.Line != 2 || r.Item.Minutes != 750 || r.Detail.CostCents != 125000 || r.Detail.Currency != "EUR" || !r.Detail.Certificate ||
		r.Item.Visibility != catalogue.VisPartners || r.Item.Type != catalogue.OpenCourse || r.Item.Status != catalogue.Published {
		t.Fatalf("row 1: %+v %+v", r.Item, r.Detail)
	}
	if len(r.Item.Outcomes) != 2 || r.Item.Outcomes[0] != (catalogue.Outcome{CompetenceID: weldID, Level: 2}) || r.Item.Outcomes[1] != (catalogue.Outcome{CompetenceID: cncID, Level: 3}) {
		t.Fatalf("outcomes: %+v", r.Item.Outcomes)
	}
	if r2 := res.Rows[1]; r2.Line != 3 || r2.Item.Visibility != catalogue.VisOrg || r2.Detail.Certificate || r2.Item.Lang != "en" {
		t.Fatalf("row 2: %+v", r2.Item)
	}
	// Semicolon-separated, with a BOM and Dutch column names.
	nl := "\xef\xbb\xbftitel_nl;link;aanbieder;kosten;certificaat\nCursus;https://x.example/c;TTU;12,50;nee\n"
	res, err = ParseCourses([]byte(nl), testLookup)
	if err != nil || !res.Valid() || res.Rows[0].Detail.CostCents != 1250 {
		t.Fatalf("nl file: %v %+v", err, res)
	}
}

func TestParseCoursesJSON(t *testing.T) {
	js := `[
  {"title_en": "Welding basics", "url": "https://example.edu/weld", "provider": "TTU", "hours": 12, "cost": 99.5,
   "certificate": true, "competences": ["Welding:2", "CNC programming:1"]},
  {"title_en": "CNC", "url": "https://example.edu/cnc", "provider": "TTU"}
]`
	res, err := ParseCourses([]byte(js), testLookup)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Valid() || res.Format != "json" || len(res.Rows) != 2 {
		t.Fatalf("%+v", res.Rows)
	}
	r := res.Rows[0]
	if r.Line != 2 || r.Item.Minutes != 720 || r.Detail.CostCents != 9950 || !r.Detail.Certificate || len(r.Item.Outcomes) != 2 {
		t.Fatalf("row 1: %+v %+v", r.Item, r.Detail)
	}
	if res.Rows[1].Line != 4 {
		t.Fatalf("row 2 line %d, want 4", res.Rows[1].Line)
	}
	wrapped := `{"courses": [{"title_nl": "A", "url": "https://a.example", "provider": "P"}]}`
	if res, err := ParseCourses([]byte(wrapped), testLookup); err != nil || !res.Valid() {
		t.Fatalf("wrapped: %v", err)
	}
}

// TestParseCoursesFileErrors: files that cannot be read at all.
func TestParseCoursesFileErrors(t *testing.T) {
	big := bytes.Repeat([]byte("x"), MaxCourseImportBytes+1)
	for _, c := range []struct {
		name, data, key, msg string
	}{
		{"too large", string(big), "courseimport.too_large", "larger than 5 MB"},
		{"empty", " \n", "courseimport.empty", "empty"},
		{"not utf-8", "title_en,url,provider\nCaf\xe9,https://a.example,P\n", "courseimport.not_utf8", "line 2: the file is not UTF-8"},
		{"missing url and provider", "title_en,hours\nA,2\n", "courseimport.missing_columns", "missing columns: url, provider"},
		{"missing title", "url,provider\nhttps://a.example,P\n", "courseimport.missing_columns", "title_nl or title_en"},
		{"unknown column", "title_en,url,provider,price_usd\n", "courseimport.unknown_column", `unknown column "price_usd"`},
		{"duplicate column", "title_en,url,provider,link\n", "courseimport.duplicate_column", `column "link" appears twice`},
		{"broken quoting", "title_en,url,provider\n\"A,https://a.example,P\nB,https://b.example,P\n", "courseimport.broken", "line 2"},
		{"bare quote", "title_en,url,provider\nA \"B\",https://a.example,P\n", "courseimport.broken", "line 2"},
		{"no rows", "title_en,url,provider\n", "courseimport.no_rows", "no courses"},
		{"broken json", "[\n{\"title_en\": \"A\",\n \"url\": }\n]", "courseimport.broken", "line 3"},
		{"json ends early", "[{\"title_en\": \"A\"}", "courseimport.broken", "ends too early"},
		{"json not objects", "[\n1, 2]", "courseimport.json_shape", "line 2: each course must be a JSON object"},
		{"json wrong root", `{"items": []}`, "courseimport.json_shape", "expected an array"},
		{"json missing columns", `[{"title_en": "A"}]`, "courseimport.missing_columns", "url, provider"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseCourses([]byte(c.data), testLookup)
			var ce *core.Error
			if !errors.As(err, &ce) || ce.Key != c.key || !strings.Contains(ce.Message, c.msg) {
				t.Fatalf("got %v (%+v), want key %s with %q", err, ce, c.key, c.msg)
			}
		})
	}
}

// TestParseCoursesRowErrors: every row problem is reported on its row,
// and the other rows stay valid.
func TestParseCoursesRowErrors(t *testing.T) {
	const head = "title_en,url,provider,hours,cost,certificate,visibility,language,competences\n"
	for _, c := range []struct {
		name, row, msg string
	}{
		{"javascript url", `A,javascript:alert(1),P,,,,,,`, `link "javascript:alert(1)" must be an http or https address`},
		{"ftp url", `A,ftp://a.example/x,P,,,,,,`, "must be an http or https address"},
		{"relative url", `A,/courses/1,P,,,,,,`, "must be an http or https address"},
		{"no url", `A,,P,,,,,,`, "the link (url) is required"},
		{"no title", `,https://a.example,P,,,,,,`, "a title in Dutch or English is required"},
		{"no provider", `A,https://a.example,,,,,,,`, "provider: is required"},
		{"negative cost", `A,https://a.example,P,,-5,,,,`, "cost -5 is negative"},
		{"cost not a number", `A,https://a.example,P,,ten,,,,`, `cost "ten" is not an amount`},
		{"cost too high", `A,https://a.example,P,,100001,,,,`, "cost must be at most 100000"},
		{"negative hours", `A,https://a.example,P,-1,,,,,`, "hours must be between"},
		{"hours not a number", `A,https://a.example,P,many,,,,,`, `hours "many" is not a number`},
		{"certificate", `A,https://a.example,P,,,maybe,,,`, `certificate "maybe" must be yes or no`},
		{"visibility", `A,https://a.example,P,,,,world,,`, `visibility "world" must be org, partners or public`},
		{"language", `A,https://a.example,P,,,,,dutch,`, `language "dutch" must be a two-letter code`},
		{"unknown competence", `A,https://a.example,P,,,,,,Juggling:2`, `competence "Juggling" is not in the catalogue`},
		{"level above scale", `A,https://a.example,P,,,,,,Welding:5`, `level 5 of "Welding" is outside the scale 1–4`},
		{"level zero", `A,https://a.example,P,,,,,,Welding:0`, "outside the scale"},
		{"no level", `A,https://a.example,P,,,,,,Welding`, `competence "Welding" needs a level`},
		{"uri without level", `A,https://a.example,P,,,,,,http://data.europa.eu/esco/skill/abc-123`, "needs a level"},
		{"ambiguous competence", `A,https://a.example,P,,,,,,Veiligheid:1`, `"Veiligheid" is ambiguous`},
		{"competence twice", `A,https://a.example,P,,,,,,Welding:1; Lassen:2`, `"Lassen" is listed twice`},
		{"title exists", `Existing Course,https://a.example,P,,,,,,`, `a course titled "Existing Course" already exists`},
		{"too few fields", `A,https://a.example,P`, "has 3 fields, the header has 9"},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := head + "Good,https://good.example,P,1,0,no,org,en,Welding:1\n" + c.row + "\n"
			res, err := ParseCourses([]byte(data), testLookup)
			if err != nil {
				t.Fatal(err)
			}
			if res.Valid() || res.Invalid != 1 || len(res.Rows[0].Errors) != 0 {
				t.Fatalf("want only row 2 bad, got %+v", res.Rows)
			}
			bad := res.Rows[1]
			if bad.Line != 3 || !strings.Contains(strings.Join(bad.Errors, " | "), c.msg) {
				t.Fatalf("line %d errors %q, want %q", bad.Line, bad.Errors, c.msg)
			}
		})
	}
}

func TestParseCoursesDuplicateTitles(t *testing.T) {
	data := "title_nl,title_en,url,provider\nLassen,Welding,https://a.example,P\nCNC,CNC,https://b.example,P\nX,welding,https://c.example,P\n"
	res, err := ParseCourses([]byte(data), testLookup)
	if err != nil {
		t.Fatal(err)
	}
	// A course with the same title in both languages is not a duplicate
	// of itself; the third row repeats the first's English title.
	if res.Invalid != 1 || len(res.Rows[1].Errors) != 0 || !strings.Contains(strings.Join(res.Rows[2].Errors, ";"), `title "welding" is also on line 2`) {
		t.Fatalf("%+v", res.Rows)
	}
	js := "[\n{\"title_en\": \"A\", \"url\": \"https://a.example\", \"provider\": \"P\"},\n{\"title_en\": \"a\", \"url\": \"javascript:x\", \"provider\": \"P\", \"cost\": -1, \"colour\": \"red\"}\n]"
	res, err = ParseCourses([]byte(js), testLookup)
	if err != nil {
		t.Fatal(err)
	}
	errs := strings.Join(res.Rows[1].Errors, " | ")
	for _, want := range []string{`unknown field "colour"`, "also on line 2", "must be an http or https", "cost -1 is negative"} {
		if !strings.Contains(errs, want) {
			t.Errorf("json row 2 errors %q, want %q", errs, want)
		}
	}
	if res.Rows[1].Line != 3 {
		t.Errorf("json row 2 on line %d, want 3", res.Rows[1].Line)
	}
}

func FuzzParseCourses(f *testing.F) {
	f.Add([]byte(goodCSV))
	f.Add([]byte(`[{"title_en": "A", "url": "https://a.example", "provider": "P", "competences": "Welding:2"}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ParseCourses(data, testLookup)
		if err == nil {
			for _, r := range res.Rows {
				if len(r.Errors) == 0 && !ValidCourseURL(r.Item.URL) {
					t.Fatalf("valid row with bad url %q", r.Item.URL)
				}
			}
		}
	})
}

// BenchmarkParseCourses parses a course file at the 5 MB limit.
func BenchmarkParseCourses(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("title_nl,title_en,description_en,url,provider,hours,cost,certificate,visibility,competences\n")
	rows := 0
	for buf.Len() < MaxCourseImportBytes-400 {
		fmt.Fprintf(&buf, "Cursus %d,Course %d,\"A course about welding, machining and safety, number %d.\",https://example.edu/c/%d,TTU,12,450.00,yes,partners,Welding:2; http://data.europa.eu/esco/skill/abc-123:1\n", rows, rows, rows, rows)
		rows++
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	cpu0 := cpuTime()
	for b.Loop() {
		res, err := ParseCourses(data, testLookup)
		if err != nil || !res.Valid() {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/file")
	// The machine is shared: process CPU time (all threads, GC included)
	// says more than wall time under load.
	b.ReportMetric((cpuTime()-cpu0)/float64(b.N), "cpu-ms/file")
	b.ReportMetric(float64(rows), "rows/file")
}

func cpuTime() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e6
}
