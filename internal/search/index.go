package search

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"sort"
	"sync"
	"time"

	"github.com/bakenhq/baken/internal/core"
)

// StoredDoc is a document as the database keeps it: the document, its
// analysis (so that loading need not stem again), and the change number
// of its last write.
type StoredDoc struct {
	Doc
	Terms        string // encoded analysis; "" or another version: analyse again
	TermsVersion int
	Seq          int64
	Deleted      bool
}

// Store keeps search documents. internal/store implements it on both
// engines with the same SQL.
type Store interface {
	// SaveSearchDocs inserts or replaces docs of orgID ("" = platform-wide;
	// every doc's OrgID equals orgID) and returns the change number given
	// to them; change numbers grow in commit order.
	SaveSearchDocs(ctx context.Context, orgID string, docs []StoredDoc) (seq int64, err error)
	// DeleteSearchDocs marks the documents deleted (kept as tombstones so
	// that other nodes learn of it) and returns the change number.
	DeleteSearchDocs(ctx context.Context, orgID string, kind Kind, ids []string) (seq int64, err error)
	// SearchDocsSince calls fn for every document changed after seq, in
	// change order, across all organisations (it feeds the index, which
	// scopes every query itself). With seq 0, deleted documents are left
	// out.
	SearchDocsSince(ctx context.Context, seq int64, fn func(*StoredDoc) error) error
}

// Index is the search index of a Baken node. Writes go to the database
// first and then to memory; Refresh (or RefreshEvery) picks up what other
// nodes wrote. Safe for concurrent use.
type Index struct {
	st Store

	mu  sync.RWMutex
	m   *mem
	seq int64 // every change up to seq has been read from the store

	refresh sync.Mutex // one Refresh at a time
}

// NewIndex returns an empty index over st; call Load before querying.
func NewIndex(st Store) *Index {
	return &Index{st: st, m: newMem()}
}

// LoadStats says what Load did.
type LoadStats struct {
	Docs     int
	Analysed int // documents whose stored analysis was missing or stale
	Elapsed  time.Duration
}

// Load reads every document from the store and replaces the in-memory
// index.
func (ix *Index) Load(ctx context.Context) (LoadStats, error) {
	ix.refresh.Lock()
	defer ix.refresh.Unlock()
	start := time.Now()
	m := newMem()
	m.bulk = true
	a := newAnalyzer()
	var st LoadStats
	var maxSeq int64
	err := ix.st.SearchDocsSince(ctx, 0, func(sd *StoredDoc) error {
		maxSeq = max(maxSeq, sd.Seq)
		if sd.Deleted {
			m.drop(docRef(sd.OrgID, sd.Kind, sd.ID), sd.Seq)
			return nil
		}
		an, reanalysed := storedAnalysis(a, sd)
		if reanalysed {
			st.Analysed++
		}
		if m.put(&sd.Doc, an, sd.Seq) {
			m.docs[m.byRef[docRef(sd.OrgID, sd.Kind, sd.ID)]].hash = docHash(sd)
		}
		return nil
	})
	if err != nil {
		return st, fmt.Errorf("search: load: %w", err)
	}
	m.rebuild()
	st.Docs = m.live
	ix.mu.Lock()
	ix.m = m
	ix.seq = maxSeq
	ix.mu.Unlock()
	st.Elapsed = time.Since(start)
	return st, nil
}

func storedAnalysis(a *analyzer, sd *StoredDoc) (analysis, bool) {
	if sd.TermsVersion == analyzerVersion {
		if an, ok := decodeAnalysis(sd.Terms); ok {
			return an, false
		}
	}
	return a.analyze(&sd.Doc), true
}

// Refresh applies the changes other nodes (or this one) stored since the
// last Load or Refresh, and reports how many it read.
func (ix *Index) Refresh(ctx context.Context) (int, error) {
	ix.refresh.Lock()
	defer ix.refresh.Unlock()
	ix.mu.RLock()
	after := ix.seq
	ix.mu.RUnlock()
	var batch []*StoredDoc
	if err := ix.st.SearchDocsSince(ctx, after, func(sd *StoredDoc) error {
		c := *sd
		batch = append(batch, &c)
		return nil
	}); err != nil {
		return 0, fmt.Errorf("search: refresh: %w", err)
	}
	if len(batch) == 0 {
		return 0, nil
	}
	a := newAnalyzer()
	ans := make([]analysis, len(batch))
	for i, sd := range batch {
		if !sd.Deleted {
			ans[i], _ = storedAnalysis(a, sd)
		}
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for i, sd := range batch {
		if sd.Deleted {
			ix.m.drop(docRef(sd.OrgID, sd.Kind, sd.ID), sd.Seq)
		} else {
			if ix.m.put(&sd.Doc, ans[i], sd.Seq) {
				ix.m.docs[ix.m.byRef[docRef(sd.OrgID, sd.Kind, sd.ID)]].hash = docHash(sd)
			}
		}
		ix.seq = max(ix.seq, sd.Seq)
	}
	if ix.m.needsRebuild() {
		ix.m.rebuild()
	}
	return len(batch), nil
}

// RefreshEvery calls Refresh every interval until ctx ends; errors go to
// onErr (which may be nil). Multi-node deployments run it on every node.
func (ix *Index) RefreshEvery(ctx context.Context, interval time.Duration, onErr func(error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := ix.Refresh(ctx); err != nil && onErr != nil && ctx.Err() == nil {
				onErr(err)
			}
		}
	}
}

// Upsert indexes docs for orgID ("" for platform-wide documents, which
// only platform importers write). Each doc's OrgID is set to orgID; a doc
// naming another organisation is refused. Errors: EInvalid.
func (ix *Index) Upsert(ctx context.Context, orgID string, docs ...Doc) error {
	if len(docs) == 0 {
		return nil
	}
	a := newAnalyzer()
	sds := make([]StoredDoc, len(docs))
	ans := make([]analysis, len(docs))
	for i := range docs {
		d := docs[i]
		if d.OrgID != "" && d.OrgID != orgID {
			return core.Invalid("org_id", "a document of another organisation cannot be indexed here")
		}
		d.OrgID = orgID
		if err := d.Validate(); err != nil {
			return err
		}
		d.Labels = append([]Label(nil), d.Labels...)
		d.Competences = append([]string(nil), d.Competences...)
		d.Audience = append([]string(nil), d.Audience...)
		ans[i] = a.analyze(&d)
		sds[i] = StoredDoc{Doc: d, Terms: ans[i].encode(), TermsVersion: analyzerVersion}
	}
	// Reindexing repeats documents that have not changed: skip them, so
	// that neither the database nor the other nodes see a write.
	hashes := make([]uint64, len(sds))
	ix.mu.RLock()
	keep := sds[:0:0]
	keepAn := ans[:0:0]
	var keepHash []uint64
	for i := range sds {
		hashes[i] = docHash(&sds[i])
		if n, ok := ix.m.byRef[docRef(orgID, sds[i].Kind, sds[i].ID)]; ok && ix.m.docs[n].hash == hashes[i] {
			continue
		}
		keep, keepAn, keepHash = append(keep, sds[i]), append(keepAn, ans[i]), append(keepHash, hashes[i])
	}
	ix.mu.RUnlock()
	if len(keep) == 0 {
		return nil
	}
	seq, err := ix.st.SaveSearchDocs(ctx, orgID, keep)
	if err != nil {
		return fmt.Errorf("search: save: %w", err)
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for i := range keep {
		if ix.m.put(&keep[i].Doc, keepAn[i], seq) {
			ix.m.docs[ix.m.byRef[docRef(orgID, keep[i].Kind, keep[i].ID)]].hash = keepHash[i]
		}
	}
	if ix.m.needsRebuild() {
		ix.m.rebuild()
	}
	return nil
}

// Delete removes documents of orgID; unknown ids are ignored.
func (ix *Index) Delete(ctx context.Context, orgID string, kind Kind, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	seq, err := ix.st.DeleteSearchDocs(ctx, orgID, kind, ids)
	if err != nil {
		return fmt.Errorf("search: delete: %w", err)
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, id := range ids {
		ix.m.drop(docRef(orgID, kind, id), seq)
	}
	if ix.m.needsRebuild() {
		ix.m.rebuild()
	}
	return nil
}

// IDs lists the ids of orgID's indexed documents of kind, sorted (for
// reindexing: what is indexed but no longer exists).
func (ix *Index) IDs(orgID string, kind Kind) []string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var out []string
	for i := range ix.m.docs {
		d := &ix.m.docs[i]
		if d.live && d.org == orgID && d.kind == kind {
			out = append(out, d.id)
		}
	}
	sort.Strings(out)
	return out
}

// Query searches what sc may see. An empty text returns no hits. Errors:
// EInvalid (a scope without organisation).
func (ix *Index) Query(ctx context.Context, sc Scope, q Query) (*Results, error) {
	if sc.OrgID == "" {
		return nil, core.Invalid("org_id", "a search needs an organisation")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if q.Limit <= 0 {
		q.Limit = defaultLimit
	}
	q.Limit = min(q.Limit, maxLimit)
	q.Offset = min(max(q.Offset, 0), maxOffset)
	k := q.Offset + q.Limit
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	hits, total, fc, capped := ix.m.run(sc, q, k, q.Facets)
	res := &Results{Total: -1}
	if q.Facets {
		res.Total, res.More = total, capped
		res.Facets = map[string][]FacetValue{}
		if fc != nil {
			res.Facets = ix.m.facets(fc, sc, q)
		}
	}
	for i := q.Offset; i < len(hits); i++ {
		res.Hits = append(res.Hits, ix.m.result(hits[i], q.Lang))
	}
	return res, nil
}

// Stats describes the in-memory index.
type Stats struct {
	Docs     int // live documents
	Terms    int // distinct stems
	Words    int // dictionary entries (words as written and stems)
	Postings int
	TypoKeys int // entries of the typo index
}

// Stats returns the current size of the index.
func (ix *Index) Stats() Stats {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	s := Stats{Docs: ix.m.live, Terms: len(ix.m.terms), Words: len(ix.m.keys), TypoKeys: len(ix.m.del.sorted)}
	for i := range ix.m.terms {
		s.Postings += int(ix.m.terms[i].df)
	}
	return s
}

// docHash identifies a document's content (everything but its change
// number and its analysis, which follows from the content).
func docHash(sd *StoredDoc) uint64 {
	h := fnv.New64a()
	_ = json.NewEncoder(h).Encode(&sd.Doc)
	return h.Sum64()
}
