package xapi

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/tenancy"
)

const benchBatch = 100

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
			start := time.Now()
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
			ingest := time.Since(start)
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
			start = time.Now()
			for _, batch := range rows {
				if err := db.XAPIWrite(ctx, orgID, func(t *store.XAPITx) error { return t.Insert(ctx, batch) }); err != nil {
					b.Fatal(err)
				}
			}
			raw := time.Since(start)
			n := float64(b.N * benchBatch)
			b.ReportMetric(n/ingest.Seconds(), "stmts/s")
			b.ReportMetric(n/raw.Seconds(), "raw-stmts/s")
			b.ReportMetric(0, "ns/op")
		})
	}
}
