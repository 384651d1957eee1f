package search_test

import (
	"context"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/search"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/tenancy"
	"golang.org/x/sys/unix"
)

// threadCPU is the CPU time the calling OS thread has used.
func threadCPU() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}

const (
	benchItems = 50_000
	batchSize  = 2_000
)

// fillIndex creates five organisations and indexes the ESCO competences
// (platform-wide) and n generated learning items through ix. It returns
// the organisation ids (the first one holds 90% of the items).
func fillIndex(tb testing.TB, db *store.DB, ix *search.Index, skills, groups []escoConcept, nSkills, nItems int) ([]string, []orgDoc) {
	tb.Helper()
	ctx := context.Background()
	var orgs []string
	for _, slug := range []string{"bench-main", "bench-p1", "bench-p2", "bench-other1", "bench-other2"} {
		o := &tenancy.Organisation{Kind: tenancy.Company, Name: slug, Slug: slug}
		if err := db.CreateOrganisation(ctx, o); err != nil {
			tb.Fatal(err)
		}
		orgs = append(orgs, o.ID)
	}
	var comps []search.Doc
	for _, s := range skills[:nSkills] {
		comps = append(comps, competenceDoc(s))
	}
	for start := 0; start < len(comps); start += batchSize {
		if err := ix.Upsert(ctx, "", comps[start:min(start+batchSize, len(comps))]...); err != nil {
			tb.Fatal(err)
		}
	}
	items := learningDocs(skills, groups, nItems, orgs, 42)
	byOrg := map[string][]search.Doc{}
	for _, it := range items {
		byOrg[it.org] = append(byOrg[it.org], it.doc)
	}
	for _, org := range orgs {
		docs := byOrg[org]
		for start := 0; start < len(docs); start += batchSize {
			if err := ix.Upsert(ctx, org, docs[start:min(start+batchSize, len(docs))]...); err != nil {
				tb.Fatal(err)
			}
		}
	}
	return orgs, items
}

// BenchmarkSearch: 50,000 learning items generated from ESCO texts plus
// the 13,896 ESCO competences with alt labels, queried with one to three
// words and prefixes drawn from the data (common words included).
//
//	go test ./internal/search -run '^$' -bench BenchmarkSearch -benchtime 4000x
//
// Sub-benchmarks per engine: "index" (write everything through the store
// and memory; once), "load" (a node starting: read the index from the
// database), "typeahead" (results while typing: top 10, no facets) and
// "page" (the results page: top 20 with facets and the exact total).
func BenchmarkSearch(b *testing.B) {
	skills, groups := loadESCO(b)
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			db := storetest.Open(b, engine)
			ctx := context.Background()
			writer := search.NewIndex(db)
			if _, err := writer.Load(ctx); err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			orgs, items := fillIndex(b, db, writer, skills, groups, len(skills), benchItems)
			indexTime := time.Since(start)
			st := writer.Stats()
			b.Logf("%s: indexed %d docs in %v: %d stems, %d words, %d postings, %d typo keys", engine, st.Docs, indexTime.Round(time.Millisecond), st.Terms, st.Words, st.Postings, st.TypoKeys)
			writer = nil

			var ix *search.Index
			b.Run("load", func(b *testing.B) {
				// A load takes seconds: at most three, whatever
				// -benchtime says; load-ms is the mean.
				var heap float64
				runs := min(b.N, 3)
				start := time.Now()
				for i := 0; i < runs; i++ {
					ix = nil
					runtime.GC()
					var m0, m1 runtime.MemStats
					runtime.ReadMemStats(&m0)
					ix = search.NewIndex(db)
					if _, err := ix.Load(ctx); err != nil {
						b.Fatal(err)
					}
					runtime.GC()
					runtime.ReadMemStats(&m1)
					heap = float64(m1.HeapAlloc-m0.HeapAlloc) / (1 << 20)
				}
				b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(runs), "load-ms")
				b.ReportMetric(heap, "heap-MB")
				b.ReportMetric(float64(st.Docs), "docs")
				b.ReportMetric(indexTime.Seconds(), "index-s")
			})
			if ix == nil {
				b.Fatal("load did not run")
			}
			queries := benchQueries(items, skills, 2000, 7)
			scope := search.Scope{OrgID: orgs[0], PartnerOrgIDs: orgs[1:3]}
			for _, mode := range []struct {
				name   string
				facets bool
				limit  int
			}{{"typeahead", false, 10}, {"page", true, 20}} {
				b.Run(mode.name, func(b *testing.B) {
					// Wall time, and the CPU time of the thread running the
					// query: on a shared machine the second shows what a
					// query costs when it is not waiting for a core.
					runtime.LockOSThread()
					defer runtime.UnlockOSThread()
					lat := make([]time.Duration, 0, b.N)
					cpu := make([]time.Duration, 0, b.N)
					empty := 0
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						q := search.Query{Text: queries[i%len(queries)], Facets: mode.facets, Limit: mode.limit, Lang: "en"}
						c := threadCPU()
						t := time.Now()
						res, err := ix.Query(ctx, scope, q)
						lat = append(lat, time.Since(t))
						cpu = append(cpu, threadCPU()-c)
						if err != nil {
							b.Fatal(err)
						}
						if len(res.Hits) == 0 {
							empty++
						}
					}
					b.StopTimer()
					slices.Sort(lat)
					slices.Sort(cpu)
					pct := func(ds []time.Duration, p float64) float64 {
						return float64(ds[min(len(ds)-1, int(p*float64(len(ds))))].Microseconds()) / 1000
					}
					b.ReportMetric(pct(lat, 0.50), "p50-ms")
					b.ReportMetric(pct(lat, 0.99), "p99-ms")
					b.ReportMetric(pct(cpu, 0.50), "cpu-p50-ms")
					b.ReportMetric(pct(cpu, 0.99), "cpu-p99-ms")
					b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
					b.ReportMetric(100*float64(empty)/float64(b.N), "empty-%")
				})
			}
			runtime.KeepAlive(ix)
		})
	}
}
