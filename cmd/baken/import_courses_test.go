package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bakenhq/baken/internal/store"
)

func TestImportCourses(t *testing.T) {
	dir := t.TempDir()
	if code, out, errs := runCLI(t, dir, "", "demo"); code != 0 {
		t.Fatalf("baken demo: %d %s %s", code, out, errs)
	}
	count := func() int {
		db, err := store.Open(context.Background(), store.Options{DataDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		org, err := db.OrganisationBySlug(context.Background(), "ttu-et")
		if err != nil {
			t.Fatal(err)
		}
		list, err := db.OpenCourses(context.Background(), org.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, c := range list {
			if c.OrgID == org.ID {
				n++
			}
		}
		return n
	}
	before := count()
	file := filepath.Join(dir, "courses.csv")
	os.WriteFile(file, []byte("title_en,url,provider,cost\nGood,https://ttu.example/g,TTU,10\nBad link,javascript:alert(1),TTU,0\nCheap,https://ttu.example/c,TTU,-1\n"), 0o600)
	code, _, errs := runCLI(t, dir, "", "import", "courses", file, "--org", "ttu-et")
	if code != 1 || !strings.Contains(errs, "courses.csv:3: link") || !strings.Contains(errs, "courses.csv:4: cost -1 is negative") || !strings.Contains(errs, "2 of 3 courses") {
		t.Fatalf("bad import: exit %d, stderr %q", code, errs)
	}
	if n := count(); n != before {
		t.Fatalf("a bad file stored %d courses", n-before)
	}
	os.WriteFile(file, []byte("title_en,url,provider\n\"Open,https://ttu.example/o,TTU\n"), 0o600)
	if code, _, errs := runCLI(t, dir, "", "import", "courses", file, "--org", "ttu-et"); code != 1 || !strings.Contains(errs, "courses.csv:2:") {
		t.Fatalf("broken quoting: exit %d, stderr %q", code, errs)
	}
	js := filepath.Join(dir, "courses.json")
	os.WriteFile(js, []byte(`[{"title_en": "Good", "url": "https://ttu.example/g", "provider": "TTU", "certificate": true},
 {"title_en": "Also good", "url": "https://ttu.example/a", "provider": "TTU"}]`), 0o600)
	if code, out, errs := runCLI(t, dir, "", "import", "courses", js, "--org", "ttu-et"); code != 0 || !strings.Contains(out, "imported 2 open courses") {
		t.Fatalf("good import: %d %s %s", code, out, errs)
	}
	if n := count(); n != before+2 {
		t.Fatalf("good import stored %d courses, want 2", n-before)
	}
	if code, _, errs := runCLI(t, dir, "", "import", "courses", js, "--org", "nosuch"); code != 1 || !strings.Contains(errs, "nosuch") {
		t.Fatalf("unknown organisation: %d %s", code, errs)
	}
}
