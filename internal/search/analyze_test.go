package search

import (
	"slices"
	"testing"

	"github.com/blevesearch/snowballstem"
)

func TestFoldAndTokenize(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Coördinatie & Veiligheid", "coordinatie veiligheid"},
		{"ÉÉN  café-crème", "een cafe creme"},
		{"Straße, Ærø, łódź", "strasse aero lodz"},
		{"Industry 4.0: cobot-lassen!", "industry 4 0 cobot lassen"},
		{"auto's", "auto s"},
		{"", ""},
	}
	for _, c := range cases {
		if got := Fold(c.in); got != c.want {
			t.Errorf("Fold(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestStemBothLanguages(t *testing.T) {
	env := snowballstem.NewEnv("")
	cases := []struct{ lang, in, want string }{
		{"nl", "lassen", "las"},
		{"nl", "las", "las"},
		{"nl", "veiligheid", "veilig"},
		{"nl", "robots", "robot"},
		{"en", "welding", "weld"},
		{"en", "welds", "weld"},
		{"en", "robotics", "robot"},
		{"en", "4", "4"},
	}
	for _, c := range cases {
		if got := stem(env, c.lang, c.in); got != c.want {
			t.Errorf("stem(%s, %q) = %q, want %q", c.lang, c.in, got, c.want)
		}
	}
}

func TestParseQueryPrefix(t *testing.T) {
	cases := []struct {
		in    string
		exact bool
		want  []queryWord
	}{
		{"weld", false, []queryWord{{"weld", true}}},
		{"weld ", false, []queryWord{{"weld", false}}},
		{"cobot we", false, []queryWord{{"cobot", false}, {"we", true}}},
		{"cobot we", true, []queryWord{{"cobot", false}, {"we", false}}},
		{"robot, ", false, []queryWord{{"robot", false}}},
		{"a b a", false, []queryWord{{"a", true}, {"b", false}}},
		{"  ", false, nil},
	}
	for _, c := range cases {
		if got := parseQuery(c.in, c.exact); !slices.Equal(got, c.want) {
			t.Errorf("parseQuery(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	cases := []struct {
		a, b string
		max  int
		want int
	}{
		{"weldng", "welding", 1, 1},
		{"wedling", "welding", 1, 1}, // transposition
		{"welding", "welding", 2, 0},
		{"veiligheid", "veilighied", 2, 1},
		{"veiligheid", "vielighied", 2, 2},
		{"abc", "xyz", 1, 2},
		{"robot", "robotics", 2, 3},
	}
	for _, c := range cases {
		if got := editDistance([]rune(c.a), []rune(c.b), c.max); got != c.want {
			t.Errorf("editDistance(%q, %q, %d) = %d, want %d", c.a, c.b, c.max, got, c.want)
		}
	}
}

func TestAnalysisRoundTrip(t *testing.T) {
	a := newAnalyzer()
	d := &Doc{Kind: KindLearning, ID: "x", Title: "Lassen van aluminium", Lang: "nl", Body: "Veiligheid eerst.",
		Labels: []Label{{Lang: "en", Text: "Welding aluminium"}}}
	an := a.analyze(d)
	back, ok := decodeAnalysis(an.encode())
	if !ok || !slices.Equal(back.postings, an.postings) {
		t.Fatalf("round trip: %v → %q → %v", an.postings, an.encode(), back.postings)
	}
	if _, ok := decodeAnalysis("9bad"); ok {
		t.Fatal("damaged analysis accepted")
	}
	// The title word "aluminium" is at the title tier even though the label
	// repeats it.
	for _, p := range an.postings {
		if p.word == "aluminium" && p.tier != tierTitle {
			t.Fatalf("aluminium at tier %d", p.tier)
		}
	}
}

func TestFuzzyKeys(t *testing.T) {
	m := newMem()
	for _, w := range []string{"welding", "wedding", "weld", "veiligheid", "las", "lassen", "robot"} {
		m.linkKey(w, m.termFor(w))
	}
	m.rebuild()
	m.linkKey("robots", m.termFor("robots")) // added after the build
	find := func(w string) []string {
		var out []string
		m.fuzzyKeys(w, func(id uint32, _ int) { out = append(out, m.keys[id].s) })
		slices.Sort(out)
		return out
	}
	if got := find("weldng"); !slices.Equal(got, []string{"welding"}) {
		t.Errorf("weldng: %v", got)
	}
	if got := find("vielighied"); !slices.Equal(got, []string{"veiligheid"}) {
		t.Errorf("vielighied: %v", got)
	}
	if got := find("robotz"); !slices.Equal(got, []string{"robot", "robots"}) {
		t.Errorf("robotz: %v", got)
	}
	if got := find("las"); len(got) != 0 {
		t.Errorf("short words take no typos: %v", got)
	}
}
