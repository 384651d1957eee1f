package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/dutch"
	"github.com/blevesearch/snowballstem/english"
	"golang.org/x/text/unicode/norm"
)

// analyzerVersion changes whenever tokenising, folding or stemming
// changes; stored analyses of another version are recomputed on load.
const analyzerVersion = 1

// Field tiers: where in a document a word occurs. A match in the title
// counts more than one in a label, which counts more than one in the body.
const (
	tierTitle = 0
	tierLabel = 1
	tierBody  = 2
	nTiers    = 3
)

var tierWeight = [nTiers]float32{1.0, 0.7, 0.35}

const maxWordLen = 40

// special folds letters that Unicode does not decompose into a base
// letter plus marks.
var special = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ł': "l", 'ı': "i", 'þ': "th", 'ð': "d", 'ĳ': "ij",
}

// tokenize splits s into lowercase, diacritic-free words and calls fn for
// each. Letters and digits make words; everything else separates them.
// endsInWord reports whether s ends inside a word (the user is still
// typing it).
func tokenize(s string, fn func(w string)) (endsInWord bool) {
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			w := b.String()
			if len(w) <= maxWordLen {
				fn(w)
			}
			b.Reset()
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
				b.WriteByte(c)
			case 'A' <= c && c <= 'Z':
				b.WriteByte(c + 'a' - 'A')
			default:
				flush()
			}
			endsInWord = b.Len() > 0
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) {
			flush()
			endsInWord = false
			continue
		}
		if rep, ok := special[unicode.ToLower(r)]; ok {
			b.WriteString(rep)
			endsInWord = true
			continue
		}
		// Decompose (é → e + ́) and keep only the base letters.
		var buf [utf8.UTFMax]byte
		k := utf8.EncodeRune(buf[:], unicode.ToLower(r))
		for _, d := range norm.NFD.String(string(buf[:k])) {
			if unicode.Is(unicode.Mn, d) {
				continue
			}
			b.WriteRune(d)
		}
		endsInWord = b.Len() > 0
	}
	flush()
	return endsInWord
}

// Fold returns s as the index sees it: lowercase words without
// diacritics, separated by single spaces.
func Fold(s string) string {
	var out []string
	tokenize(s, func(w string) { out = append(out, w) })
	return strings.Join(out, " ")
}

// stem returns the Snowball stem of a folded word in lang ("nl" or "en").
// Dutch stems also lose a doubled final consonant ("lass" → "las"), so
// that "lassen" and "las" meet, as Kraaij–Pohlmann's Dutch stemmer does.
func stem(env *snowballstem.Env, lang, w string) string {
	if len(w) < 3 || !isAlpha(w) {
		return w
	}
	env.SetCurrent(w)
	if lang == "nl" {
		dutch.Stem(env)
		s := env.Current()
		if n := len(s); n >= 3 && s[n-1] == s[n-2] && !strings.ContainsRune("aeiouy", rune(s[n-1])) {
			s = s[:n-1]
		}
		return s
	}
	english.Stem(env)
	return env.Current()
}

func isAlpha(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] >= '0' && w[i] <= '9' {
			return false
		}
	}
	return true
}

// posting is one word of a document as the index records it: the word as
// written (folded), the term it counts for (its stem) and the best field.
type posting struct {
	word string
	term string
	tier uint8
}

// analysis is what indexing a document produces.
type analysis struct {
	postings []posting
}

// analyzer turns documents into postings. It caches stems; it is not safe
// for concurrent use (each loader or writer has its own).
type analyzer struct {
	env   *snowballstem.Env
	cache map[[2]string]string
}

func newAnalyzer() *analyzer {
	return &analyzer{env: snowballstem.NewEnv(""), cache: map[[2]string]string{}}
}

func (a *analyzer) stem(lang, w string) string {
	k := [2]string{lang, w}
	if s, ok := a.cache[k]; ok {
		return s
	}
	s := stem(a.env, lang, w)
	if len(a.cache) > 500_000 {
		clear(a.cache)
	}
	a.cache[k] = s
	return s
}

// langs returns the stemming languages for text in lang: both when the
// language is unknown.
func langs(lang string) []string {
	switch lang {
	case "nl":
		return []string{"nl"}
	case "en":
		return []string{"en"}
	}
	return []string{"en", "nl"}
}

// analyze returns the postings of d: every (word, stem) pair once, at the
// best tier where it occurs.
func (a *analyzer) analyze(d *Doc) analysis {
	best := map[[2]string]uint8{}
	var order [][2]string
	add := func(text, lang string, tier uint8) {
		ls := langs(lang)
		tokenize(text, func(w string) {
			for _, l := range ls {
				k := [2]string{w, a.stem(l, w)}
				if t, ok := best[k]; !ok {
					best[k] = tier
					order = append(order, k)
				} else if tier < t {
					best[k] = tier
				}
			}
		})
	}
	add(d.Title, d.Lang, tierTitle)
	for _, l := range d.Labels {
		lang := l.Lang
		if lang == "" {
			lang = d.Lang
		}
		tier := uint8(tierLabel)
		if l.Title {
			tier = tierTitle
		}
		add(l.Text, lang, tier)
	}
	add(d.Body, d.Lang, tierBody)
	out := analysis{postings: make([]posting, 0, len(order))}
	for _, k := range order {
		out.postings = append(out.postings, posting{word: k[0], term: k[1], tier: best[k]})
	}
	return out
}

// encode writes an analysis for the database: "tier word[/stem]" items
// separated by spaces. Words never hold spaces or slashes.
func (an analysis) encode() string {
	var b strings.Builder
	for i, p := range an.postings {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('0' + p.tier)
		b.WriteString(p.word)
		if p.term != p.word {
			b.WriteByte('/')
			b.WriteString(p.term)
		}
	}
	return b.String()
}

// decodeAnalysis reads what encode wrote; ok is false for damaged input,
// and the caller then analyses the document again.
func decodeAnalysis(s string) (analysis, bool) {
	var an analysis
	if s == "" {
		return an, true
	}
	an.postings = make([]posting, 0, strings.Count(s, " ")+1)
	for len(s) > 0 {
		item := s
		if i := strings.IndexByte(s, ' '); i >= 0 {
			item, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		if len(item) < 2 || item[0] < '0' || item[0] >= '0'+nTiers {
			return analysis{}, false
		}
		p := posting{tier: item[0] - '0', word: item[1:]}
		p.term = p.word
		if j := strings.IndexByte(p.word, '/'); j >= 0 {
			p.word, p.term = p.word[:j], p.word[j+1:]
		}
		if p.word == "" || p.term == "" {
			return analysis{}, false
		}
		an.postings = append(an.postings, p)
	}
	return an, true
}

// queryWord is one word of a query.
type queryWord struct {
	word   string
	prefix bool // the last word, still being typed
}

// parseQuery splits a query into at most maxQueryWords words.
const maxQueryWords = 8

func parseQuery(text string, exact bool) []queryWord {
	if len(text) > maxQuery {
		text = text[:maxQuery]
	}
	var ws []queryWord
	seen := map[string]bool{}
	var last string
	endsInWord := tokenize(text, func(w string) {
		last = w
		if seen[w] || len(ws) >= maxQueryWords {
			return
		}
		seen[w] = true
		ws = append(ws, queryWord{word: w})
	})
	if endsInWord && !exact && len(ws) > 0 {
		// The word being typed is the last one in the text; if it also
		// occurred earlier, that occurrence already stands for it.
		for i := range ws {
			if ws[i].word == last {
				ws[i].prefix = true
			}
		}
	}
	return ws
}
