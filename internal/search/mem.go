package search

import (
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// The in-memory index.
//
// Documents get numbers. After a build (rebuild) the numbers follow the
// static score, best first, so every posting list, kept in number order,
// visits documents from the highest static score down: a top-k query can
// stop as soon as no later document could beat the k-th result. Documents
// added after a build get higher numbers (the "tail"); the bound then also
// takes the tail's best static score into account, and the next rebuild
// puts them in place. Updates remove the old number and add a new one.
//
// Postings are partitioned: partition 0 holds platform-wide and public
// documents, and each organisation has a partition for its org- and
// partner-visible documents. A query walks partition 0, its own, and its
// partners' (where it checks for partner visibility); other
// organisations' private documents are never touched.
//
// Words: the dictionary ("keys") holds every word as written (folded) and
// every stem, each pointing at the terms (stems) it stands for. Prefix
// search walks a sorted range of keys; typo search uses the deletion
// index over keys; posting lists belong to terms.

type part struct {
	pid   uint32
	lists [nTiers][]uint32
}

type term struct {
	s     string
	parts []part // sorted by pid
	df    int32  // live documents holding the term
}

type key struct {
	s     string
	terms []uint32
	// written: the key occurs as a word in some document, not only as a
	// stem.
	written bool
}

type docRec struct {
	ref     string // orgID \x00 kind \x00 id
	seq     int64
	hash    uint64 // of the stored form, to skip rewriting an unchanged document
	org     string
	kind    Kind
	id      string
	typ     string
	vis     Visibility
	lang    string
	pid     uint32
	static  float32
	title   string
	titles  map[string]string // title per language from labels
	snippet string
	url     string
	// postings of the document: term id << 2 | tier, for removal.
	posts []uint32
	live  bool
	// Facet values as ids into mem.facetNames (0 = none), so that
	// counting facets over tens of thousands of matches is array work.
	fv    [nFacets]uint32 // type, -, lang, duration, site
	fcomp []uint32        // competences
	// aud: the keys of which a scope must hold one (Doc.Audience); nil
	// for documents everyone in the visibility finds.
	aud []string
}

const nFacets = 5

// facetDict interns the values of one facet; id 0 is "no value".
type facetDict struct {
	ids   map[string]uint32
	names []string
}

func (f *facetDict) id(v string) uint32 {
	if v == "" {
		return 0
	}
	if f.ids == nil {
		f.ids = map[string]uint32{}
		f.names = []string{""}
	}
	id, ok := f.ids[v]
	if !ok {
		id = uint32(len(f.names))
		f.ids[v] = id
		f.names = append(f.names, v)
	}
	return id
}

// lookup returns the id of v, or false when no document has it.
func (f *facetDict) lookup(v string) (uint32, bool) {
	id, ok := f.ids[v]
	return id, ok
}

type mem struct {
	docs    []docRec
	byRef   map[string]uint32
	gone    map[string]int64 // seq of deletions, so that a late stale write loses
	builtN  uint32
	tailMax float32 // best static score among the tail, -1 when none
	dead    int
	live    int

	terms  []term
	termID map[string]uint32
	keys   []key
	keyID  map[string]uint32
	sorted []uint32 // key ids in string order
	del    delIndex

	parts map[string]uint32 // org id → partition; "" (shared) is 0

	fdict [nFacets]facetDict

	// bulk defers the sorted key list and the typo index to the rebuild
	// that ends a load.
	bulk bool
}

func newMem() *mem {
	return &mem{
		byRef:   map[string]uint32{},
		gone:    map[string]int64{},
		tailMax: -1,
		termID:  map[string]uint32{},
		keyID:   map[string]uint32{},
		parts:   map[string]uint32{"": 0},
		del:     delIndex{extra: map[uint64][]uint32{}},
	}
}

func docRef(orgID string, kind Kind, id string) string {
	return orgID + "\x00" + string(kind) + "\x00" + id
}

func (m *mem) partition(d *Doc) uint32 {
	if d.OrgID == "" || d.Visibility == VisPublic {
		return 0
	}
	p, ok := m.parts[d.OrgID]
	if !ok {
		p = uint32(len(m.parts))
		m.parts[d.OrgID] = p
	}
	return p
}

func (m *mem) termFor(s string) uint32 {
	if id, ok := m.termID[s]; ok {
		return id
	}
	id := uint32(len(m.terms))
	m.terms = append(m.terms, term{s: s})
	m.termID[s] = id
	m.linkKey(s, id)
	return id
}

// linkKey records that word s stands for term t and returns the key id.
func (m *mem) linkKey(s string, t uint32) uint32 {
	id, ok := m.keyID[s]
	if !ok {
		id = uint32(len(m.keys))
		m.keys = append(m.keys, key{s: s})
		m.keyID[s] = id
		if !m.bulk {
			i := sort.Search(len(m.sorted), func(i int) bool { return m.keys[m.sorted[i]].s >= s })
			m.sorted = slices.Insert(m.sorted, i, id)
			m.del.add(id, s)
		}
	}
	k := &m.keys[id]
	if !slices.Contains(k.terms, t) {
		k.terms = append(k.terms, t)
	}
	return id
}

func (t *term) list(pid uint32, tier uint8, create bool) *[]uint32 {
	i := sort.Search(len(t.parts), func(i int) bool { return t.parts[i].pid >= pid })
	if i < len(t.parts) && t.parts[i].pid == pid {
		return &t.parts[i].lists[tier]
	}
	if !create {
		return nil
	}
	t.parts = slices.Insert(t.parts, i, part{pid: pid})
	return &t.parts[i].lists[tier]
}

// put indexes d (already validated) with its analysis under seq. A stale
// write (seq older than what the index holds for the document) is
// ignored. It reports whether the index changed.
func (m *mem) put(d *Doc, an analysis, seq int64) bool {
	ref := docRef(d.OrgID, d.Kind, d.ID)
	if old, ok := m.byRef[ref]; ok {
		if m.docs[old].seq > seq {
			return false
		}
		m.remove(old)
	} else if s, ok := m.gone[ref]; ok {
		if s > seq {
			return false
		}
		delete(m.gone, ref)
	}
	n := uint32(len(m.docs))
	rec := docRec{
		ref: ref, seq: seq, org: d.OrgID, kind: d.Kind, id: d.ID, typ: d.Type,
		vis: d.Visibility, lang: d.Lang, pid: m.partition(d), static: prior(d),
		title: d.Title, snippet: snippet(d.Body), url: d.URL, live: true,
	}
	if len(d.Audience) > 0 {
		rec.aud = slices.Clone(d.Audience)
	}
	rec.fv[0] = m.fdict[0].id(d.Type)
	rec.fv[2] = m.fdict[2].id(d.Lang)
	rec.fv[3] = m.fdict[3].id(DurationBucket(d.Minutes))
	rec.fv[4] = m.fdict[4].id(d.SiteID)
	for _, c := range d.Competences {
		rec.fcomp = append(rec.fcomp, m.fdict[1].id(c))
	}
	for _, l := range d.Labels {
		if l.Title && l.Lang != "" && l.Lang != d.Lang {
			if rec.titles == nil {
				rec.titles = map[string]string{}
			}
			rec.titles[l.Lang] = l.Text
		}
	}
	// One posting per term, at its best tier; link every written word to
	// its term for prefix and typo search.
	best := map[uint32]uint8{}
	for _, p := range an.postings {
		t := m.termFor(p.term)
		m.keys[m.linkKey(p.word, t)].written = true
		if b, ok := best[t]; !ok || p.tier < b {
			best[t] = p.tier
		}
	}
	rec.posts = make([]uint32, 0, len(best))
	for t, tier := range best {
		rec.posts = append(rec.posts, t<<2|uint32(tier))
		tm := &m.terms[t]
		l := tm.list(rec.pid, tier, true)
		*l = append(*l, n) // n is the highest number: the list stays sorted
		tm.df++
	}
	m.docs = append(m.docs, rec)
	m.byRef[ref] = n
	m.live++
	if n >= m.builtN && rec.static > m.tailMax {
		m.tailMax = rec.static
	}
	return true
}

// drop removes the document ref when seq is not older than what the index
// holds.
func (m *mem) drop(ref string, seq int64) bool {
	if n, ok := m.byRef[ref]; ok {
		if m.docs[n].seq > seq {
			return false
		}
		m.remove(n)
	}
	if s, ok := m.gone[ref]; !ok || s < seq {
		m.gone[ref] = seq
	}
	return true
}

func (m *mem) remove(n uint32) {
	d := &m.docs[n]
	for _, p := range d.posts {
		tm := &m.terms[p>>2]
		if l := tm.list(d.pid, uint8(p&3), false); l != nil {
			if i, ok := slices.BinarySearch(*l, n); ok {
				*l = slices.Delete(*l, i, i+1)
			}
		}
		tm.df--
	}
	delete(m.byRef, d.ref)
	d.posts, d.titles, d.fcomp = nil, nil, nil
	d.title, d.snippet, d.url = "", "", ""
	d.live = false
	m.dead++
	m.live--
}

// needsRebuild reports whether the tail or the dead documents have grown
// enough to make a rebuild worth its cost.
func (m *mem) needsRebuild() bool {
	tail := len(m.docs) - int(m.builtN)
	lim := max(5000, int(m.builtN)/2)
	return tail > lim || m.dead > lim
}

// rebuild renumbers live documents by static score (best first, then by
// id for a stable order), rebuilds the posting lists and the typo
// index.
func (m *mem) rebuild() {
	var order []uint32
	for i := range m.docs {
		if m.docs[i].live {
			order = append(order, uint32(i))
		}
	}
	sort.Slice(order, func(a, b int) bool {
		x, y := &m.docs[order[a]], &m.docs[order[b]]
		if x.static != y.static {
			return x.static > y.static
		}
		// Then by id, kind and organisation: the same order on every
		// node whatever order the documents were loaded in.
		if x.id != y.id {
			return x.id < y.id
		}
		return x.ref < y.ref
	})
	docs := make([]docRec, len(order))
	for i, o := range order {
		docs[i] = m.docs[o]
	}
	// Count postings per list first so that each list is allocated once.
	type lk struct {
		t   uint32
		pid uint32
		tr  uint8
	}
	for i := range m.terms {
		m.terms[i].parts = m.terms[i].parts[:0]
		m.terms[i].df = 0
	}
	counts := map[lk]int{}
	for i := range docs {
		for _, p := range docs[i].posts {
			counts[lk{p >> 2, docs[i].pid, uint8(p & 3)}]++
		}
	}
	for k, c := range counts {
		l := m.terms[k.t].list(k.pid, k.tr, true)
		*l = make([]uint32, 0, c)
	}
	byRef := make(map[string]uint32, len(docs))
	for i := range docs {
		n := uint32(i)
		for _, p := range docs[i].posts {
			tm := &m.terms[p>>2]
			l := tm.list(docs[i].pid, uint8(p&3), false)
			*l = append(*l, n)
			tm.df++
		}
		byRef[docs[i].ref] = n
	}
	m.docs, m.byRef = docs, byRef
	m.builtN = uint32(len(docs))
	m.tailMax = -1
	m.dead = 0
	m.del = buildDelIndex(m.keys)
	m.sorted = m.sorted[:0]
	for i := range m.keys {
		m.sorted = append(m.sorted, uint32(i))
	}
	sort.Slice(m.sorted, func(a, b int) bool { return m.keys[m.sorted[a]].s < m.keys[m.sorted[b]].s })
	m.bulk = false
}

// maxStaticFrom bounds the static score of documents numbered n or higher.
func (m *mem) maxStaticFrom(n uint32) float32 {
	if n < m.builtN {
		return max(m.docs[n].static, m.tailMax)
	}
	return max(m.tailMax, 0)
}

// keyDF is how many documents a key reaches (an upper bound: a document
// holding two of its terms counts twice).
func (m *mem) keyDF(id uint32) int {
	n := 0
	for _, t := range m.keys[id].terms {
		n += int(m.terms[t].df)
	}
	return n
}

// prefixKeys calls fn for every key starting with p.
func (m *mem) prefixKeys(p string, fn func(id uint32)) {
	i := sort.Search(len(m.sorted), func(i int) bool { return m.keys[m.sorted[i]].s >= p })
	for ; i < len(m.sorted); i++ {
		id := m.sorted[i]
		if !strings.HasPrefix(m.keys[id].s, p) {
			break
		}
		fn(id)
	}
}

// fuzzyKeys calls fn for every key within maxTypos(len(w)) edits of w
// (w itself excluded), with the distance.
func (m *mem) fuzzyKeys(w string, fn func(id uint32, dist int)) {
	r := []rune(w)
	d := maxTypos(len(r))
	if d == 0 {
		return
	}
	seen := map[uint32]bool{}
	deletions(r, d, func(x []rune) {
		m.del.candidates(hashDel(x), func(id uint32) {
			if seen[id] {
				return
			}
			seen[id] = true
			k := m.keys[id].s
			if k == w {
				return
			}
			if dist := editDistance(r, []rune(k), d); dist <= d {
				fn(id, dist)
			}
		})
	})
}

func snippet(body string) string {
	const n = 200
	body = strings.Join(strings.Fields(body), " ")
	if len(body) <= n {
		return body
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(body[cut]) {
		cut--
	}
	if i := strings.LastIndexByte(body[:cut], ' '); i > n/2 {
		cut = i
	}
	return body[:cut] + "…"
}

// prior is a document's static score in [0,1]: mostly its Boost, and a
// little for a short title, so that among equal text matches "weld metal"
// comes before "perform metal active gas welding".
func prior(d *Doc) float32 {
	words := 0
	tokenize(d.Title, func(string) { words++ })
	short := 3 / float32(2+max(words, 1))
	return 0.7*float32(d.Boost) + 0.3*short
}
