package esco_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/esco"
	"github.com/bakenhq/baken/internal/esco/escotest"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
)

// sharedData finds ../shared/data beside the repository root (the folder
// holding go.mod), or $BAKEN_SHARED_DATA, or skips.
func sharedData(t testing.TB, sub string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("no go.mod above the test")
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", "data", sub)
	if env := os.Getenv("BAKEN_SHARED_DATA"); env != "" { // e.g. from a git worktree elsewhere
		p = filepath.Join(env, sub)
	}
	if _, err := os.Stat(p); err != nil {
		t.Skipf("real data not found at %s (see shared/data/README.md): %v", p, err)
	}
	return p
}

const (
	sk1 = escotest.Skill1
	sk2 = escotest.Skill2
	gr1 = escotest.Group1
	oc1 = escotest.Occupation1
)

func tinyFiles() map[string]string { return escotest.TinyRelease() }

func writeDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "v9.9.9", "en")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestImportTinyAndBrokenFiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		nl := t.TempDir()
		os.WriteFile(filepath.Join(nl, "skills_nl.csv"), []byte("conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,description\nKnowledgeSkillCompetence,"+sk1+",skill/competence,sector-specific,metaal lassen,\"MIG-lassen\nTIG-lassen\",Metaal verbinden.\n"), 0o644)
		var progress bytes.Buffer
		rep, err := esco.Import(ctx, db, writeDir(t, tinyFiles()), nl, &progress)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Skills != 2 || rep.Groups != 1 || rep.OccupationSkills != 2 || rep.SkippedRelations != 1 || rep.DutchSkills != 1 || rep.Version != "v9.9.9" {
			t.Fatalf("report: %s", rep)
		}
		if !strings.Contains(progress.String(), "100%") {
			t.Fatalf("progress: %q", progress.String())
		}
		s, err := db.ESCOSkill(ctx, sk1)
		if err != nil {
			t.Fatal(err)
		}
		if s.LabelNL != "metaal lassen" || len(s.AltEN) != 2 || len(s.AltNL) != 2 || s.DescriptionEN != "Join metal, with heat." || len(s.Broader) != 1 || len(s.Related) != 1 {
			t.Fatalf("skill: %+v", s)
		}
		before, _ := db.ESCOCounts(ctx)

		// Re-import updates rather than duplicates.
		files := tinyFiles()
		files["skills_en.csv"] = strings.Replace(files["skills_en.csv"], "PLC programming,,,released", "PLC programming (IEC 61131),,,released", 1)
		if _, err := esco.Import(ctx, db, writeDir(t, files), "", nil); err != nil {
			t.Fatal(err)
		}
		after, _ := db.ESCOCounts(ctx)
		for k, v := range before {
			if after[k] != v {
				t.Fatalf("re-import changed %s from %d to %d", k, v, after[k])
			}
		}
		if s, _ := db.ESCOSkill(ctx, sk2); s.LabelEN != "PLC programming (IEC 61131)" {
			t.Fatalf("re-import did not update: %q", s.LabelEN)
		}

		broken := []struct {
			name, file, body, want string
		}{
			{"missing column", "skills_en.csv", "conceptType,conceptUri,skillType,preferredLabel\nx,y,z,w\n", "skills_en.csv:1: missing column reuseLevel, altLabels, status, description"},
			{"broken quoting", "occupations_en.csv", tinyFiles()["occupations_en.csv"] + "Occupation,http://data.europa.eu/esco/occupation/o2,7212,\"bad \"quote,,,released,,,,,,x,1\n", "occupations_en.csv:3:"},
			{"wrong field count", "skillSkillRelations.csv", "originalSkillUri,originalSkillType,relationType,relatedSkillType,relatedSkillUri\n" + sk1 + ",skill,optional\n", "skillSkillRelations.csv:2:"},
			{"unknown skill URI", "occupationSkillRelations.csv", tinyFiles()["occupationSkillRelations.csv"] + oc1 + ",essential,knowledge,http://data.europa.eu/esco/skill/nope\n", "occupationSkillRelations.csv:5: unknown skill URI http://data.europa.eu/esco/skill/nope"},
			{"unknown broader URI", "broaderRelationsSkillPillar.csv", "conceptType,conceptUri,broaderType,broaderUri\nKnowledgeSkillCompetence," + sk1 + ",SkillGroup,http://data.europa.eu/esco/skill/nogroup\n", "broaderRelationsSkillPillar.csv:2: unknown URI"},
			{"missing file", "skillGroups_en.csv", "", "skillGroups_en.csv"},
		}
		for _, b := range broken {
			files := tinyFiles()
			files[b.file] = b.body
			files["skills_en.csv"] = strings.Replace(files["skills_en.csv"], "weld metal", "CHANGED", 1)
			dir := writeDir(t, files)
			if b.body == "" {
				os.Remove(filepath.Join(dir, b.file))
			}
			_, err := esco.Import(ctx, db, dir, "", nil)
			if err == nil || !strings.Contains(err.Error(), b.want) {
				t.Errorf("%s: error %v, want it to contain %q", b.name, err, b.want)
			}
			if s, _ := db.ESCOSkill(ctx, sk1); s.LabelEN != "weld metal" {
				t.Errorf("%s: a failed import changed the database", b.name)
			}
			if c, _ := db.ESCOCounts(ctx); c["esco_occupation_skills"] != before["esco_occupation_skills"] {
				t.Errorf("%s: a failed import changed relations", b.name)
			}
		}
	})
}

// TestImportFullESCO imports the real ESCO v1.1.1 release (with the Dutch
// files) on SQLite, checks the counts the README states, re-imports, and
// logs the time; it must stay under 60 s.
func TestImportFullESCO(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("the timed full ESCO import runs without -short and without -race (the race detector slows it tenfold)")
	}
	en := sharedData(t, "esco/v1.1.1/en")
	nl := sharedData(t, "esco/nl")
	db := storetest.SQLite(t)
	ctx := context.Background()
	start := time.Now()
	var progress bytes.Buffer
	rep, err := esco.Import(ctx, db, en, nl, &progress)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	t.Logf("full import: %s (total %s)", rep, took.Round(time.Millisecond))
	if took > 60*time.Second {
		t.Errorf("full import took %s, want < 60 s", took)
	}
	if rep.Skills != 13896 || rep.Occupations != 3007 || rep.OccupationSkills+rep.SkippedRelations != 123855 || rep.SkippedRelations != 67 || rep.Groups != 647 {
		t.Fatalf("counts: %s", rep)
	}
	if rep.DutchSkills < 400 || rep.DutchOccupations != 3007 || rep.DutchGroups < 600 {
		t.Fatalf("Dutch labels: %s", rep)
	}
	c1, _ := db.ESCOCounts(ctx)
	start = time.Now()
	if _, err := esco.Import(ctx, db, en, nl, nil); err != nil {
		t.Fatal(err)
	}
	t.Logf("re-import: %s", time.Since(start).Round(time.Millisecond))
	c2, _ := db.ESCOCounts(ctx)
	for k, v := range c1 {
		if c2[k] != v {
			t.Fatalf("re-import changed %s: %d → %d", k, v, c2[k])
		}
	}
	// Search by an alternative label.
	if _, n, _ := db.SearchESCOSkills(ctx, store.ESCOSkillFilter{Query: "metal inert gas"}); n == 0 {
		t.Fatal("search finds no metal inert gas welding")
	}
	occs, _ := db.SearchESCOOccupations(ctx, "CNC-operator", 5)
	if len(occs) == 0 {
		t.Fatal("no Dutch occupation CNC-operator")
	}
	groups, _ := db.ESCOGroups(ctx, "")
	if len(groups) != 4 {
		t.Fatalf("top groups: %d", len(groups))
	}
}

func TestDigComp(t *testing.T) {
	dir := sharedData(t, "digcomp/3.0")
	set, err := esco.ParseDigComp(dir)
	if err != nil {
		t.Fatal(err)
	}
	areas, comps := 0, 0
	for _, it := range set.Items {
		switch it.Kind {
		case "area":
			areas++
		case "competence":
			comps++
		}
	}
	if areas != 5 || comps != 21 || len(set.Levels) != 9 {
		t.Fatalf("DigComp: %d areas, %d competences, %d levels", areas, comps, len(set.Levels))
	}
	if set.Items[1].Code != "1.1" || set.Items[1].NameNL != "Browsen, zoeken en filteren van informatie" || set.Levels[8].NameEN != "8 – Highly advanced" || set.Levels[8].NameNL != "8 – Zeer gevorderd" {
		t.Fatalf("DigComp texts: %+v %+v", set.Items[1], set.Levels[8])
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for i := 0; i < 2; i++ { // twice: re-import replaces
			if _, err := esco.ImportDigComp(ctx, db, dir); err != nil {
				t.Fatal(err)
			}
		}
		items, _ := db.FrameworkItems(ctx, "digcomp")
		levels, _ := db.FrameworkLevels(ctx, "digcomp")
		if len(items) != 26 || len(levels) != 9 {
			t.Fatalf("stored %d items, %d levels", len(items), len(levels))
		}
	})
}
