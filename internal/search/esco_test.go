package search_test

import (
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/bakenhq/baken/internal/search"
	"github.com/bakenhq/baken/internal/store/storetest"
)

// Realistic data for tests and benchmarks: ESCO skills (with alt labels
// and the Dutch labels that exist) as platform competences, and learning
// items generated from ESCO skill and group texts.

func sharedData(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("no go.mod above the test")
		}
		dir = parent
	}
	if env := os.Getenv("BAKEN_SHARED_DATA"); env != "" {
		return filepath.Join(env, "esco")
	}
	// ../shared/data beside the repository; a git worktree sits one level
	// deeper (/work/wt/NAME), so the ancestors are tried too.
	first := filepath.Join(dir, "..", "shared", "data", "esco")
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		esco := filepath.Join(d, "shared", "data", "esco")
		if _, err := os.Stat(filepath.Join(esco, "v1.1.1", "en", "skills_en.csv")); err == nil {
			return esco
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	storetest.SkipOrFail(tb, "ESCO data not found at "+first+" (../shared/data relative to the repository root)")
	return ""
}

type escoConcept struct {
	id, label, desc string
	alts            []string
	nl              string
	nlAlts          []string
}

func readCSV(tb testing.TB, path string) []map[string]string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	var out []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			if i < len(rec) {
				m[h] = rec[i]
			}
		}
		out = append(out, m)
	}
	return out
}

func uriID(uri string) string { return uri[strings.LastIndexByte(uri, '/')+1:] }

func splitLines(s, sep string) []string {
	var out []string
	for _, p := range strings.Split(s, sep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// loadESCO returns the 13,896 skills (with Dutch labels where the shared
// data has them) and the 640 skill groups.
func loadESCO(tb testing.TB) (skills, groups []escoConcept) {
	dir := sharedData(tb)
	nl := map[string]escoConcept{}
	nlFiles, _ := filepath.Glob(filepath.Join(dir, "nl", "*SkillsCollection_nl_*.csv"))
	for _, f := range nlFiles {
		for _, r := range readCSV(tb, f) {
			nl[r["conceptUri"]] = escoConcept{nl: r["preferredLabel"], nlAlts: splitLines(r["altLabels"], " | ")}
		}
	}
	for _, r := range readCSV(tb, filepath.Join(dir, "v1.1.1", "en", "skills_en.csv")) {
		c := escoConcept{id: uriID(r["conceptUri"]), label: r["preferredLabel"], desc: r["description"], alts: splitLines(r["altLabels"], "\n")}
		if n, ok := nl[r["conceptUri"]]; ok {
			c.nl, c.nlAlts = n.nl, n.nlAlts
		}
		skills = append(skills, c)
	}
	for _, r := range readCSV(tb, filepath.Join(dir, "v1.1.1", "en", "skillGroups_en.csv")) {
		groups = append(groups, escoConcept{id: uriID(r["conceptUri"]), label: r["preferredLabel"], desc: r["description"]})
	}
	return skills, groups
}

func competenceDoc(c escoConcept) search.Doc {
	d := search.Doc{Kind: search.KindCompetence, ID: c.id, Lang: "en", Title: c.label, Body: c.desc, Boost: 0.5,
		URL: "/competences/" + c.id}
	for _, a := range c.alts {
		d.Labels = append(d.Labels, search.Label{Lang: "en", Text: a})
	}
	if c.nl != "" {
		d.Labels = append(d.Labels, search.Label{Lang: "nl", Text: c.nl, Title: true})
		for _, a := range c.nlAlts {
			d.Labels = append(d.Labels, search.Label{Lang: "nl", Text: a})
		}
	}
	return d
}

type orgDoc struct {
	org string
	doc search.Doc
}

var (
	enTitles = []string{"Introduction to %s", "%s: step-by-step instruction", "Workshop: %s for operators", "How to %s safely", "%s in practice", "Refresher: %s", "%s on the shop floor", "Remote lab: %s"}
	nlTitles = []string{"Instructie: %s", "Werkplekinstructie %s", "Basiscursus %s", "%s in de praktijk", "Opfriscursus %s"}
	types    = []string{"instruction", "course", "video", "lab", "reading"}
	minutes  = []int{2, 4, 5, 10, 15, 30, 45, 60, 90, 120, 240, 480}
)

// learningDocs generates n learning items: titles from a skill's labels,
// bodies from its description, its group's and a related skill's. The
// first org gets most; the others share some with partners or publicly.
func learningDocs(skills, groups []escoConcept, n int, orgs []string, seed uint64) []orgDoc {
	rng := rand.New(rand.NewPCG(seed, 1))
	out := make([]orgDoc, 0, n)
	for i := 0; i < n; i++ {
		s := skills[rng.IntN(len(skills))]
		g := groups[rng.IntN(len(groups))]
		o := skills[rng.IntN(len(skills))]
		label := s.label
		if len(s.alts) > 0 && rng.IntN(3) == 0 {
			label = s.alts[rng.IntN(len(s.alts))]
		}
		d := search.Doc{Kind: search.KindLearning, ID: fmt.Sprintf("item-%05d", i), Lang: "en",
			Type: types[rng.IntN(len(types))], Minutes: minutes[rng.IntN(len(minutes))],
			Competences: []string{s.id}, SiteID: fmt.Sprintf("site-%d", rng.IntN(6)),
			Boost: rng.Float64(), URL: fmt.Sprintf("/learning/item-%05d", i)}
		if s.nl != "" || rng.IntN(5) == 0 {
			nlLabel := s.nl
			if nlLabel == "" {
				nlLabel = label
			}
			d.Lang = "nl"
			d.Title = fmt.Sprintf(nlTitles[rng.IntN(len(nlTitles))], nlLabel)
		} else {
			d.Title = fmt.Sprintf(enTitles[rng.IntN(len(enTitles))], label)
		}
		d.Body = s.desc + "\n\n" + g.desc + "\n\nSee also: " + o.label + ". " + o.desc
		org := orgs[0]
		if rng.IntN(10) == 0 {
			org = orgs[1+rng.IntN(len(orgs)-1)]
			d.Visibility = []search.Visibility{search.VisOrg, search.VisPartners, search.VisPublic}[rng.IntN(3)]
		}
		out = append(out, orgDoc{org, d})
	}
	return out
}

// benchQueries draws n queries from the texts: one to three words of a
// title or description, with the last word cut to a prefix in a third of
// them, a typo in some, and the commonest words and short prefixes among
// them.
func benchQueries(docs []orgDoc, skills []escoConcept, n int, seed uint64) []string {
	rng := rand.New(rand.NewPCG(seed, 2))
	df := map[string]int{}
	for _, d := range docs {
		seen := map[string]bool{}
		for _, w := range strings.Fields(search.Fold(d.doc.Title + " " + d.doc.Body)) {
			if !seen[w] {
				seen[w] = true
				df[w]++
			}
		}
	}
	var common []string
	for w := range df {
		common = append(common, w)
	}
	sort.Slice(common, func(i, j int) bool {
		return df[common[i]] > df[common[j]] || df[common[i]] == df[common[j]] && common[i] < common[j]
	})
	common = common[:50]
	var qs []string
	for len(qs) < n {
		switch k := rng.IntN(10); {
		case k == 0: // a common word, whole or as a short prefix
			w := common[rng.IntN(len(common))]
			if rng.IntN(2) == 0 && len(w) > 1 {
				w = w[:1+rng.IntN(min(3, len(w)-1))]
			}
			qs = append(qs, w)
		default:
			var text string
			if k < 5 {
				text = docs[rng.IntN(len(docs))].doc.Title
			} else {
				s := skills[rng.IntN(len(skills))]
				text = s.label + " " + s.desc
			}
			ws := strings.Fields(search.Fold(text))
			if len(ws) == 0 {
				continue
			}
			nw := 1 + rng.IntN(min(3, len(ws)))
			at := rng.IntN(len(ws) - nw + 1)
			q := ws[at : at+nw]
			last := q[len(q)-1]
			switch r := rng.IntN(6); {
			case r < 2 && len(last) > 1: // typing: a prefix of the last word
				q[len(q)-1] = last[:1+rng.IntN(len(last)-1)]
				qs = append(qs, strings.Join(q, " "))
			case r == 2 && len(last) >= 5: // a typo: drop a letter
				i := 1 + rng.IntN(len(last)-2)
				q[len(q)-1] = last[:i] + last[i+1:]
				qs = append(qs, strings.Join(q, " ")+" ")
			default:
				qs = append(qs, strings.Join(q, " ")+" ")
			}
		}
	}
	return qs
}
