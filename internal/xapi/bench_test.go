package xapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/tenancy"
)

const benchBatch = 100

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func benchOrg(b testing.TB, db *store.DB) (orgID string, c *CreatedCredential) {
	ctx := context.Background()
	org := &tenancy.Organisation{Kind: tenancy.Company, Name: "Hofman", Slug: "hofman-bench"}
	if err := db.CreateOrganisation(ctx, org); err != nil {
		b.Fatal(err)
	}
	c, err := CreateCredential(ctx, db, org.ID, "bench", []string{ScopeAll})
	if err != nil {
		b.Fatal(err)
	}
	return org.ID, c
}

func genBatches(n int, seed uint64) [][]byte {
	r := rand.New(rand.NewPCG(seed, 1))
	out := make([][]byte, n)
	for i := range out {
		batch := make([]any, benchBatch)
		for j := range batch {
			batch[j] = GenStatement(r, 5000, 500)
		}
		out[i], _ = json.Marshal(batch)
	}
	return out
}

// BenchmarkStatementIngest posts batches of 100 realistic statements
// (about 1 KB each, with context and result) through the LRS's HTTP
// handler, from as many clients as there are cores, and then inserts the
// very rows the LRS wrote (statements and filter-index rows, new ids) with
// plain multi-row INSERTs in one transaction per batch into the same
// engine. It reports both rates.
func BenchmarkStatementIngest(b *testing.B) {
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			db := storetest.Open(b, engine)
			orgID, cred := benchOrg(b, db)
			h := NewHandler(db, nil)
			bodies := genBatches(b.N, 42)
			sizes := 0
			for _, body := range bodies {
				sizes += len(body)
			}
			b.SetBytes(int64(sizes / b.N))
			var next atomic.Int64
			var wg sync.WaitGroup
			var failed atomic.Value
			b.ResetTimer()
			start, cpu0 := time.Now(), cpuTime()
			for w := 0; w < 2*runtime.GOMAXPROCS(0); w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := int(next.Add(1)) - 1
						if i >= len(bodies) {
							return
						}
						req := httptest.NewRequest("POST", "/xapi/statements", bytes.NewReader(bodies[i]))
						req.Header.Set("Content-Type", "application/json")
						req.Header.Set("X-Experience-API-Version", "2.0.0")
						req.SetBasicAuth(cred.Key, cred.Secret)
						rec := httptest.NewRecorder()
						h.ServeHTTP(rec, req)
						if rec.Code != http.StatusOK {
							failed.Store(rec.Body.String())
							return
						}
					}
				}()
			}
			wg.Wait()
			ingest, ingestCPU := time.Since(start), cpuTime()-cpu0
			b.StopTimer()
			if f := failed.Load(); f != nil {
				b.Fatalf("POST failed: %v", f)
			}

			// The same rows, raw.
			rows := make([][]*store.XAPIStatement, len(bodies))
			for i, body := range bodies {
				var list []map[string]any
				if err := decodeJSON(body, &list); err != nil {
					b.Fatal(err)
				}
				seqs := nextSeqs(len(list))
				for j, m := range list {
					m["id"] = nil
					delete(m, "id")
					p, err := prepare(V200, m, map[string]any{"mbox": "mailto:lrs@example.com"})
					if err != nil {
						b.Fatal(err)
					}
					rows[i] = append(rows[i], &store.XAPIStatement{ID: p.id, Seq: seqs[j], Verb: p.verb, CredentialID: cred.Key, Body: p.finish(seqs[j]), Keys: p.keys})
				}
			}
			ctx := context.Background()
			start, cpu0 = time.Now(), cpuTime()
			for _, batch := range rows {
				if err := db.XAPIWrite(ctx, orgID, func(t *store.XAPITx) error { return t.Insert(ctx, batch) }); err != nil {
					b.Fatal(err)
				}
			}
			raw, rawCPU := time.Since(start), cpuTime()-cpu0
			n := float64(b.N * benchBatch)
			b.ReportMetric(n/ingest.Seconds(), "stmts/s")
			b.ReportMetric(n/raw.Seconds(), "raw-stmts/s")
			// CPU time of this process per statement (user+system): on a
			// shared, busy machine it says more than the wall-clock rates.
			// The database server's CPU (PostgreSQL) is not included.
			b.ReportMetric(float64(ingestCPU.Microseconds())/n, "cpu-µs/stmt")
			b.ReportMetric(float64(rawCPU.Microseconds())/n, "raw-cpu-µs/stmt")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// genStored returns batches of generated statements ready to store, made
// by as many goroutines as there are cores, for XAPIBulkLoad.
func genStored(total, agents int, credID string, auth map[string]any) func() ([]*store.XAPIStatement, error) {
	const per = 2000
	type job struct {
		seqs []int64
		out  chan []*store.XAPIStatement
	}
	jobs := make(chan job)
	order := make(chan chan []*store.XAPIStatement, 2*runtime.GOMAXPROCS(0))
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		go func(w int) {
			r := rand.New(rand.NewPCG(7, uint64(w)))
			for j := range jobs {
				rows := make([]*store.XAPIStatement, len(j.seqs))
				for i, seq := range j.seqs {
					m := GenStatement(r, agents, 500)
					m["authority"] = auth
					m["version"] = "2.0.0"
					p := &prepared{m: m, id: m["id"].(string), verb: m["verb"].(map[string]any)["id"].(string), keys: statementKeys(m)}
					rows[i] = &store.XAPIStatement{ID: p.id, Seq: seq, Verb: p.verb, CredentialID: credID, Body: p.finish(seq), Keys: p.keys}
				}
				j.out <- rows
			}
		}(w)
	}
	go func() {
		for done := 0; done < total; done += per {
			j := job{seqs: nextSeqs(min(per, total-done)), out: make(chan []*store.XAPIStatement, 1)}
			order <- j.out
			jobs <- j
		}
		close(jobs)
		close(order)
	}()
	return func() ([]*store.XAPIStatement, error) {
		out, ok := <-order
		if !ok {
			return nil, nil
		}
		return <-out, nil
	}
}

// BenchmarkQueryAgentVerb stores BAKEN_XAPI_BENCH_STATEMENTS statements
// (default 1,000,000; 10,000 agents, 10 verbs, 500 activities) with the
// bulk load path and then
// times 2,000 GET /statements?agent=…&verb=… through the HTTP handler,
// reporting the 50th and 99th percentile in milliseconds.
func BenchmarkQueryAgentVerb(b *testing.B) {
	total := 1_000_000
	if v := os.Getenv("BAKEN_XAPI_BENCH_STATEMENTS"); v != "" {
		total, _ = strconv.Atoi(v)
	}
	const agents, queries = 10_000, 2_000
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			b.StopTimer()
			db := storetest.Open(b, engine)
			orgID, cred := benchOrg(b, db)
			ctx := context.Background()
			r := rand.New(rand.NewPCG(7, 7))
			auth := map[string]any{"objectType": "Agent", "account": map[string]any{"homePage": DefaultAuthorityHomePage, "name": cred.Key}}
			loadStart := time.Now()
			loaded, err := db.XAPIBulkLoad(ctx, orgID, genStored(total, agents, cred.Key, auth))
			if err != nil || loaded != total {
				b.Fatalf("bulk load: %d of %d: %v", loaded, total, err)
			}
			b.Logf("%s: loaded %d statements in %v", engine, total, time.Since(loadStart).Round(time.Second))
			// Planner statistics, as autovacuum (PostgreSQL) or a periodic
			// ANALYZE (SQLite) keep them in a running system.
			if _, err := db.W().ExecContext(ctx, `ANALYZE`); err != nil {
				b.Fatal(err)
			}
			h := NewHandler(db, nil)
			lat := make([]time.Duration, queries)
			found := 0
			b.StartTimer()
			cpu0 := cpuTime()
			for i := range lat {
				q := url.Values{"agent": {fmt.Sprintf(`{"mbox":%q}`, GenAgentMbox(r.IntN(agents)))}, "verb": {GenVerb(r.IntN(10))}}
				req := httptest.NewRequest("GET", "/xapi/statements?"+q.Encode(), nil)
				req.Header.Set("X-Experience-API-Version", "2.0.0")
				req.SetBasicAuth(cred.Key, cred.Secret)
				rec := httptest.NewRecorder()
				t0 := time.Now()
				h.ServeHTTP(rec, req)
				lat[i] = time.Since(t0)
				if rec.Code != 200 {
					b.Fatalf("GET: %d %s", rec.Code, rec.Body)
				}
				var res struct{ Statements []json.RawMessage }
				json.Unmarshal(rec.Body.Bytes(), &res)
				found += len(res.Statements)
			}
			b.StopTimer()
			cpu := cpuTime() - cpu0
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
			b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
			b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
			b.ReportMetric(float64(found)/queries, "stmts/query")
			b.ReportMetric(float64(cpu.Microseconds())/1000/queries, "cpu-ms/query")
			b.ReportMetric(float64(total), "stored")
			b.ReportMetric(0, "ns/op")
		})
	}
}
