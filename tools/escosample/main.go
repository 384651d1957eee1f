// Command escosample cuts the manufacturing part out of the official ESCO
// release, for the demo: the occupations in the ISCO-08 groups of
// manufacturing (see shared/data/README.md), every skill they name, all
// skill groups and the hierarchy, and the relations and collections among
// those skills, in English and Dutch, in the official CSV format,
// gzipped. The demo imports it on its first start so that a newcomer can
// browse ESCO and build a role profile from an occupation without
// downloading anything.
//
//	go run ./tools/escosample -en ../shared/data/esco/v1.1.1/en -nl ../shared/data/esco/nl -out internal/demo/escosample
package main

import (
	"compress/gzip"
	"encoding/csv"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

var manufacturing = []string{"1321", "2141", "2144", "2145", "2146", "2149", "3115", "3116", "3117", "3119", "3122", "3139", "72", "73", "74", "75", "81", "82", "9329"}

func main() {
	en := flag.String("en", "", "folder of the English ESCO CSV files")
	nl := flag.String("nl", "", "folder of the Dutch ESCO CSV files")
	out := flag.String("out", "", "folder to write the sample to")
	flag.Parse()
	if *en == "" || *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*en, *nl, *out); err != nil {
		log.Fatal(err)
	}
}

type table struct {
	header []string
	col    map[string]int
	rows   [][]string
}

func read(path string) (*table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	t := &table{header: recs[0], col: map[string]int{}, rows: recs[1:]}
	for i, h := range t.header {
		t.col[strings.TrimPrefix(h, "\ufeff")] = i
	}
	return t, nil
}

func (t *table) get(row []string, name string) string {
	i, ok := t.col[name]
	if !ok || i >= len(row) {
		return ""
	}
	return row[i]
}

// unused are columns Baken's importer does not read; leaving them out
// halves the sample (inScheme alone lists a dozen URIs a row).
var unused = map[string]bool{"inScheme": true, "hiddenLabels": true, "modifiedDate": true, "scopeNote": true, "definition": true,
	"regulatedProfessionNote": true, "broaderConceptUri": true, "broaderConceptPT": true, "originalSkillType": true, "relatedSkillType": true}

// write keeps the rows keep accepts, without the unused columns, and
// writes them gzipped to out/name.gz.
func write(t *table, keep func(row []string) bool, out, name string) (int, error) {
	var cols []int
	var header []string
	for i, h := range t.header {
		if !unused[strings.TrimPrefix(h, "\ufeff")] && !(name == "occupationSkillRelations.csv" && h == "skillType") {
			cols = append(cols, i)
			header = append(header, h)
		}
	}
	project := func(row []string) []string {
		out := make([]string, len(cols))
		for j, i := range cols {
			if i < len(row) {
				out[j] = row[i]
			}
		}
		return out
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return 0, err
	}
	f, err := os.Create(filepath.Join(out, name+".gz"))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	zw, _ := gzip.NewWriterLevel(f, gzip.BestCompression)
	w := csv.NewWriter(zw)
	w.Write(header)
	n := 0
	for _, row := range t.rows {
		if keep == nil || keep(row) {
			w.Write(project(row))
			n++
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return n, err
	}
	return n, zw.Close()
}

func run(en, nl, out string) error {
	occs, err := read(filepath.Join(en, "occupations_en.csv"))
	if err != nil {
		return err
	}
	occ := map[string]bool{}
	for _, r := range occs.rows {
		g := occs.get(r, "iscoGroup")
		for _, p := range manufacturing {
			if strings.HasPrefix(g, p) {
				occ[occs.get(r, "conceptUri")] = true
			}
		}
	}
	rels, err := read(filepath.Join(en, "occupationSkillRelations.csv"))
	if err != nil {
		return err
	}
	skill := map[string]bool{}
	for _, r := range rels.rows {
		if occ[rels.get(r, "occupationUri")] {
			skill[rels.get(r, "skillUri")] = true
		}
	}
	groups, err := read(filepath.Join(en, "skillGroups_en.csv"))
	if err != nil {
		return err
	}
	group := map[string]bool{}
	for _, r := range groups.rows {
		group[groups.get(r, "conceptUri")] = true
	}
	hier, err := read(filepath.Join(en, "skillsHierarchy_en.csv"))
	if err != nil {
		return err
	}
	for _, r := range hier.rows {
		for l := 0; l < 4; l++ {
			if u := hier.get(r, fmt.Sprintf("Level %d URI", l)); u != "" {
				group[u] = true
			}
		}
	}
	known := func(u string) bool { return skill[u] || group[u] }
	byURI := func(t *table, col string, in func(string) bool) func([]string) bool {
		return func(r []string) bool { return in(t.get(r, col)) }
	}
	isSkill := func(u string) bool { return skill[u] }
	isOcc := func(u string) bool { return occ[u] }
	jobs := []struct {
		dir, file string
		keep      func(t *table) func([]string) bool
	}{
		{en, "skills_en.csv", func(t *table) func([]string) bool { return byURI(t, "conceptUri", isSkill) }},
		{en, "skillGroups_en.csv", nil},
		{en, "skillsHierarchy_en.csv", nil},
		{en, "broaderRelationsSkillPillar.csv", func(t *table) func([]string) bool {
			return func(r []string) bool { return known(t.get(r, "conceptUri")) && known(t.get(r, "broaderUri")) }
		}},
		{en, "skillSkillRelations.csv", func(t *table) func([]string) bool {
			return func(r []string) bool {
				return skill[t.get(r, "originalSkillUri")] && skill[t.get(r, "relatedSkillUri")]
			}
		}},
		{en, "occupations_en.csv", func(t *table) func([]string) bool { return byURI(t, "conceptUri", isOcc) }},
		{en, "occupationSkillRelations.csv", func(t *table) func([]string) bool { return byURI(t, "occupationUri", isOcc) }},
	}
	for _, c := range []string{"digital", "green", "transversal", "language", "digComp", "research"} {
		jobs = append(jobs, struct {
			dir, file string
			keep      func(t *table) func([]string) bool
		}{en, c + "SkillsCollection_en.csv", func(t *table) func([]string) bool { return byURI(t, "conceptUri", isSkill) }})
	}
	if nl != "" {
		entries, err := os.ReadDir(nl)
		if err != nil {
			return err
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		sort.Strings(names)
		for _, name := range names {
			keep := func(t *table) func([]string) bool { return byURI(t, "conceptUri", isSkill) }
			switch {
			case strings.HasPrefix(name, "occupations_nl"):
				keep = func(t *table) func([]string) bool { return byURI(t, "conceptUri", isOcc) }
			case strings.HasPrefix(name, "skillGroups_nl"), strings.HasPrefix(name, "skillsHierarchy_nl"):
				keep = nil
			}
			jobs = append(jobs, struct {
				dir, file string
				keep      func(t *table) func([]string) bool
			}{nl, name, keep})
		}
	}
	for _, j := range jobs {
		t, err := read(filepath.Join(j.dir, j.file))
		if err != nil {
			return err
		}
		var keep func([]string) bool
		if j.keep != nil {
			keep = j.keep(t)
		}
		sub := "en"
		if j.dir == nl {
			sub = "nl"
		}
		n, err := write(t, keep, filepath.Join(out, sub), j.file)
		if err != nil {
			return err
		}
		fmt.Printf("%s/%s: %d of %d rows\n", sub, j.file, n, len(t.rows))
	}
	return nil
}
