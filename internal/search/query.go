package search

import (
	"container/heap"
	"math"
	"slices"
	"sort"
	"sync"

	"github.com/blevesearch/snowballstem"
)

// Scoring. A query is a list of words; a document matches when it matches
// every word (a word matches through its stem in either language, as a
// prefix when it is the word being typed, or with a small typo). The score
// sums, per word, the best contribution of any term the word stands for:
//
//	weight of the match (exact 1, prefix < 1, typo less)
//	× weight of the field (title > label > body)
//	× idf of the term (1 for the commonest, up to 2 for the rarest)
//
// plus staticWeight × the document's static score (Boost).
//
// Execution walks the posting lists of the cheapest word (the "driving"
// word) one (term, field) list at a time, in decreasing contribution, each
// list in document-number order, i.e. decreasing static score. The other
// words are first gathered into dense per-document arrays. Once the top k
// are full, a list is left as soon as its contribution, the other words'
// best and the static score still possible cannot beat the k-th result:
// for a common word or a one-letter prefix that is after a few dozen
// documents instead of tens of thousands. With facets asked for, every
// match must be counted anyway, and the same walk runs to the end; both
// paths compute each score identically, so they return the same top k.

const (
	staticWeight   = float32(0.25)
	maxPrefixKeys  = 128 // most frequent completions of a prefix that count
	maxFuzzyKeys   = 16
	weightExact    = float32(1.0)
	weightFuzzy1   = float32(0.6)
	weightFuzzy2   = float32(0.45)
	defaultLimit   = 20
	maxLimit       = 100
	maxOffset      = 1000
	maxFacetValues = 20
)

type gterm struct {
	t uint32
	w float32
}

// expand returns the terms a query word stands for, with their match
// weights.
func (m *mem) expand(env *snowballstem.Env, qw queryWord) []gterm {
	ws := map[uint32]float32{}
	addKey := func(id uint32, w float32) {
		for _, t := range m.keys[id].terms {
			if ws[t] < w {
				ws[t] = w
			}
		}
	}
	word := qw.word
	stems := []string{word}
	for _, l := range []string{"en", "nl"} {
		if s := stem(env, l, word); !slices.Contains(stems, s) {
			stems = append(stems, s)
		}
	}
	for _, s := range stems {
		if id, ok := m.keyID[s]; ok {
			addKey(id, weightExact)
		}
	}
	if qw.prefix {
		type cand struct {
			id uint32
			df int
		}
		var cs []cand
		m.prefixKeys(word, func(id uint32) {
			if m.keys[id].s != word {
				cs = append(cs, cand{id, m.keyDF(id)})
			}
		})
		if len(cs) > maxPrefixKeys {
			sort.Slice(cs, func(i, j int) bool {
				if cs[i].df != cs[j].df {
					return cs[i].df > cs[j].df
				}
				// Ids depend on the order documents arrived in; strings
				// make the choice the same on every node.
				return m.keys[cs[i].id].s < m.keys[cs[j].id].s
			})
			cs = cs[:maxPrefixKeys]
		}
		lw := float32(runeLen(word))
		for _, c := range cs {
			// A completion close to what was typed counts more.
			addKey(c.id, 0.7+0.25*lw/float32(runeLen(m.keys[c.id].s)))
		}
	}
	// Typos: around the word as written and around its stems.
	type fc struct {
		id   uint32
		dist int
		df   int
	}
	var fs []fc
	seen := map[uint32]bool{}
	for i, s := range stems {
		m.fuzzyKeys(s, func(id uint32, dist int) {
			// The word as written (i == 0) finds words as written; around
			// a stem only keys with the same first letter count. Stems are
			// short: "koper" should not find "oper" (operation), while
			// "laste" (stem "last") still finds "las" (lassen).
			if i > 0 && m.keys[id].s[0] != s[0] || i == 0 && !m.keys[id].written {
				return
			}
			if !seen[id] {
				seen[id] = true
				fs = append(fs, fc{id, dist, m.keyDF(id)})
			}
		})
	}
	sort.Slice(fs, func(i, j int) bool {
		if fs[i].dist != fs[j].dist {
			return fs[i].dist < fs[j].dist
		}
		if fs[i].df != fs[j].df {
			return fs[i].df > fs[j].df
		}
		return m.keys[fs[i].id].s < m.keys[fs[j].id].s
	})
	if len(fs) > maxFuzzyKeys {
		fs = fs[:maxFuzzyKeys]
	}
	for _, f := range fs {
		w := weightFuzzy1
		if f.dist > 1 {
			w = weightFuzzy2
		}
		addKey(f.id, w)
	}
	out := make([]gterm, 0, len(ws))
	for t, w := range ws {
		if m.terms[t].df > 0 {
			out = append(out, gterm{t, w})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].t < out[j].t })
	return out
}

func (m *mem) idf(t uint32) float32 {
	n := float64(max(m.live, 1))
	df := float64(max(m.terms[t].df, 1))
	return float32(1 + math.Log1p(n/df)/math.Log1p(n))
}

// holdsAny reports whether a scope's keys meet a document's audience;
// both lists are short.
func holdsAny(keys, aud []string) bool {
	for _, k := range keys {
		if slices.Contains(aud, k) {
			return true
		}
	}
	return false
}

// visPart is a partition a scope may walk; partnerOnly means only its
// partner-visible documents count.
type visPart struct {
	pid         uint32
	partnerOnly bool
}

func (m *mem) visibleParts(sc Scope) []visPart {
	out := []visPart{{pid: 0}}
	if p, ok := m.parts[sc.OrgID]; ok && sc.OrgID != "" {
		out = append(out, visPart{pid: p})
	}
	for _, o := range sc.PartnerOrgIDs {
		if p, ok := m.parts[o]; ok && o != "" && o != sc.OrgID && !slices.ContainsFunc(out, func(v visPart) bool { return v.pid == p }) {
			out = append(out, visPart{pid: p, partnerOnly: true})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].pid < out[j].pid })
	return out
}

// scratch holds per-query arrays sized to the document count; the stamp
// trick avoids clearing them.
type scratch struct {
	gen    uint32
	seen   []uint32
	stamps [][]uint32
	scores [][]float32
}

var scratchPool sync.Pool

func getScratch(n, groups int) *scratch {
	s, _ := scratchPool.Get().(*scratch)
	if s == nil {
		s = &scratch{}
	}
	if len(s.seen) < n {
		c := n + n/4 + 64
		s.seen = make([]uint32, c)
		s.stamps, s.scores = nil, nil
		s.gen = 0
	}
	c := len(s.seen)
	for len(s.stamps) < groups {
		s.stamps = append(s.stamps, make([]uint32, c))
		s.scores = append(s.scores, make([]float32, c))
	}
	s.gen++
	if s.gen == 0 {
		clear(s.seen)
		for i := range s.stamps {
			clear(s.stamps[i])
		}
		s.gen = 1
	}
	return s
}

type hit struct {
	n uint32
	s float32
}

// better orders hits: higher score first, then lower number.
func better(a, b hit) bool { return a.s > b.s || (a.s == b.s && a.n < b.n) }

// hitHeap keeps the k best with the worst on top.
type hitHeap []hit

func (h hitHeap) Len() int           { return len(h) }
func (h hitHeap) Less(i, j int) bool { return better(h[j], h[i]) }
func (h hitHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *hitHeap) Push(x any)        { *h = append(*h, x.(hit)) }
func (h *hitHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

type dlist struct {
	docs        []uint32
	c           float32
	partnerOnly bool
}

// filter holds the facet filters as sets of value ids; fails returns a
// bit per facet that d does not satisfy.
type filter struct {
	sets [nFacets]map[uint32]bool
	any  bool
}

func (m *mem) newFilter(f Filters) filter {
	var out filter
	for i, vs := range [nFacets][]string{f.Type, f.Competence, f.Lang, f.Duration, f.Site} {
		if len(vs) == 0 {
			continue
		}
		// A value no document has matches nothing: the set stays empty.
		out.sets[i] = map[uint32]bool{}
		for _, v := range vs {
			if id, ok := m.fdict[i].lookup(v); ok {
				out.sets[i][id] = true
			}
		}
		out.any = true
	}
	return out
}

func (f *filter) fails(d *docRec) uint8 {
	if !f.any {
		return 0
	}
	var bits uint8
	for i := 0; i < nFacets; i++ {
		s := f.sets[i]
		if s == nil {
			continue
		}
		if i == 1 {
			if !slices.ContainsFunc(d.fcomp, func(c uint32) bool { return s[c] }) {
				bits |= 1 << i
			}
		} else if !s[d.fv[i]] {
			bits |= 1 << i
		}
	}
	return bits
}

// facetCounter counts matches per facet value id.
type facetCounter [nFacets][]int32

func (m *mem) newFacetCounter() *facetCounter {
	var fc facetCounter
	for i := range fc {
		fc[i] = make([]int32, len(m.fdict[i].names))
	}
	return &fc
}

func (fc *facetCounter) count(d *docRec, fails uint8) {
	// A document counts for a facet when it passes every other facet's
	// filter: the values of a facet stay visible as alternatives.
	for i := 0; i < nFacets; i++ {
		if fails&^(1<<i) != 0 {
			continue
		}
		if i == 1 {
			for _, c := range d.fcomp {
				fc[1][c]++
			}
		} else if v := d.fv[i]; v != 0 {
			fc[i][v]++
		}
	}
}

// maxCounted bounds the matches a results page counts for its facets and
// total: past it the walk goes on as a top-k (exact hits, early stop) and
// the counts are those of the best maxCounted matches, reported as such.
const maxCounted = 10_000

// run executes a query. all=true walks every match (for facets and the
// total, up to maxCounted); otherwise it stops early.
func (m *mem) run(sc Scope, q Query, k int, all bool) (hits []hit, total int, fc *facetCounter, capped bool) {
	env := snowballstem.NewEnv("")
	words := parseQuery(q.Text, q.Exact)
	if len(words) == 0 || k <= 0 {
		return nil, 0, nil, false
	}
	groups := make([][]gterm, len(words))
	for i, w := range words {
		groups[i] = m.expand(env, w)
		if len(groups[i]) == 0 {
			return nil, 0, nil, false // a word nothing matches: no document has every word
		}
	}
	parts := m.visibleParts(sc)
	// The cheapest word drives.
	cost := func(g []gterm) int {
		c := 0
		for _, gt := range g {
			for _, vp := range parts {
				for tr := uint8(0); tr < nTiers; tr++ {
					if l := m.terms[gt.t].list(vp.pid, tr, false); l != nil {
						c += len(*l)
					}
				}
			}
		}
		return c
	}
	drive, best := 0, -1
	for i, g := range groups {
		if c := cost(g); best < 0 || c < best {
			drive, best = i, c
		}
	}
	if best == 0 {
		return nil, 0, nil, false
	}
	s := getScratch(len(m.docs), len(groups))
	defer scratchPool.Put(s)
	gen := s.gen
	// Gather the other words into dense arrays.
	var others []int
	var othersMax float32
	for gi, g := range groups {
		if gi == drive {
			continue
		}
		stamp, score := s.stamps[len(others)], s.scores[len(others)]
		others = append(others, gi)
		var gmax float32
		for _, gt := range g {
			idf := m.idf(gt.t)
			for _, vp := range parts {
				for tr := uint8(0); tr < nTiers; tr++ {
					l := m.terms[gt.t].list(vp.pid, tr, false)
					if l == nil {
						continue
					}
					c := gt.w * tierWeight[tr] * idf
					gmax = max(gmax, c)
					for _, n := range *l {
						if stamp[n] != gen {
							stamp[n], score[n] = gen, c
						} else if c > score[n] {
							score[n] = c
						}
					}
				}
			}
		}
		othersMax += gmax
	}
	// The driving word's lists, best contribution first.
	var lists []dlist
	for _, gt := range groups[drive] {
		idf := m.idf(gt.t)
		for _, vp := range parts {
			for tr := uint8(0); tr < nTiers; tr++ {
				if l := m.terms[gt.t].list(vp.pid, tr, false); l != nil && len(*l) > 0 {
					lists = append(lists, dlist{docs: *l, c: gt.w * tierWeight[tr] * idf, partnerOnly: vp.partnerOnly})
				}
			}
		}
	}
	sort.SliceStable(lists, func(i, j int) bool { return lists[i].c > lists[j].c })
	f := m.newFilter(q.Filters)
	if all {
		fc = m.newFacetCounter()
	}
	h := make(hitHeap, 0, k)
	globalMax := m.maxStaticFrom(0)
	for _, L := range lists {
		if !all && len(h) == k && L.c+othersMax+staticWeight*globalMax < h[0].s {
			break // no later list can place a document in the top k
		}
		for _, n := range L.docs {
			if !all && len(h) == k {
				bound := L.c + othersMax + staticWeight*m.maxStaticFrom(n)
				if bound < h[0].s || (bound == h[0].s && n > h[0].n) {
					break
				}
			}
			if s.seen[n] == gen {
				continue // already scored through a better list
			}
			s.seen[n] = gen
			d := &m.docs[n]
			if L.partnerOnly && d.vis != VisPartners {
				continue
			}
			if d.aud != nil && !holdsAny(sc.Keys, d.aud) {
				continue
			}
			sc := L.c
			ok := true
			for oi := range others {
				if s.stamps[oi][n] != gen {
					ok = false
					break
				}
				sc += s.scores[oi][n]
			}
			if !ok {
				continue
			}
			fails := f.fails(d)
			if all {
				fc.count(d, fails)
			}
			if fails != 0 {
				continue
			}
			total++
			if all && total >= maxCounted {
				all, capped = false, true
			}
			sc += staticWeight * d.static
			x := hit{n, sc}
			if len(h) < k {
				heap.Push(&h, x)
			} else if better(x, h[0]) {
				h[0] = x
				heap.Fix(&h, 0)
			}
		}
	}
	hits = []hit(h)
	sort.Slice(hits, func(i, j int) bool { return better(hits[i], hits[j]) })
	return hits, total, fc, capped
}

// result turns a hit into what callers see.
func (m *mem) result(h hit, lang string) Result {
	d := &m.docs[h.n]
	r := Result{Kind: d.kind, ID: d.id, OrgID: d.org, Type: d.typ, Lang: d.lang, Title: d.title, Snippet: d.snippet, URL: d.url, Score: float64(h.s)}
	if t, ok := d.titles[lang]; ok && lang != d.lang {
		r.Title = t
	}
	return r
}

func (m *mem) facets(fc *facetCounter, sc Scope, q Query) map[string][]FacetValue {
	out := map[string][]FacetValue{}
	sel := [][]string{q.Filters.Type, q.Filters.Competence, q.Filters.Lang, q.Filters.Duration, q.Filters.Site}
	for i, name := range FacetNames {
		var vs []FacetValue
		for id, c := range fc[i] {
			if c > 0 {
				v := m.fdict[i].names[id]
				vs = append(vs, FacetValue{Value: v, Count: int(c), Selected: slices.Contains(sel[i], v)})
			}
		}
		sort.Slice(vs, func(a, b int) bool {
			if vs[a].Count != vs[b].Count {
				return vs[a].Count > vs[b].Count
			}
			return vs[a].Value < vs[b].Value
		})
		if len(vs) > maxFacetValues {
			vs = vs[:maxFacetValues]
		}
		for j := range vs {
			vs[j].Label = m.label(i, vs[j].Value, sc, q.Lang)
		}
		if len(vs) > 0 {
			out[name] = vs
		}
	}
	return out
}

// label names a competence or site facet value from the index: the
// scope's own document or a platform-wide one.
func (m *mem) label(facet int, v string, sc Scope, lang string) string {
	var kind Kind
	switch facet {
	case 1:
		kind = KindCompetence
	case 4:
		kind = KindSite
	default:
		return ""
	}
	for _, org := range []string{sc.OrgID, ""} {
		if n, ok := m.byRef[docRef(org, kind, v)]; ok {
			return m.result(hit{n: n}, lang).Title
		}
	}
	return ""
}
