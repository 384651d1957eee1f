package xapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/xapi"
)

func procCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkLearningRecordPage measures one page (25 statements) of a
// person's learning record in plain words, as /people/{id}/record builds
// it: the two agent-index queries, the stored activity names, and the
// sentences. The store holds BAKEN_RECORD_BENCH_STATEMENTS statements
// (default 50,000) of 500 people, about 100 each; pages are the newest
// and the one after it, for people drawn at random.
func BenchmarkLearningRecordPage(b *testing.B) {
	total := 50_000
	if v := os.Getenv("BAKEN_RECORD_BENCH_STATEMENTS"); v != "" {
		total, _ = strconv.Atoi(v)
	}
	const agents = 500
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			b.StopTimer()
			db := storetest.Open(b, engine)
			l := newLRS(b, db)
			h := xapi.NewHandler(db, nil)
			r := rand.New(rand.NewPCG(11, 3))
			for done := 0; done < total; done += 100 {
				batch := make([]any, min(100, total-done))
				for i := range batch {
					batch[i] = xapi.GenStatement(r, agents, 300)
				}
				body, _ := json.Marshal(batch)
				req := httptest.NewRequest(http.MethodPost, "/xapi/statements", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Experience-API-Version", "2.0.0")
				req.SetBasicAuth(l.key, l.secret)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("load: %d %s", rec.Code, rec.Body)
				}
			}
			ctx := context.Background()
			lat := make([]time.Duration, 0, b.N)
			person := "01900000-0000-7000-8000-000000000000"
			b.StartTimer()
			cpu0 := procCPU()
			for i := 0; i < b.N; i++ {
				email := strings.TrimPrefix(xapi.GenAgentMbox(r.IntN(agents)), "mailto:")
				start := time.Now()
				var before int64
				for page := 0; page < 2; page++ {
					list, next, err := xapi.PersonRecord(ctx, db, l.orgID, person, email, before, 25)
					if err != nil {
						b.Fatal(err)
					}
					names := xapi.ActivityNames(ctx, db, l.orgID, list)
					for _, s := range list {
						if p := xapi.Describe(s.Body, "nl", "", names); p.Text == "" {
							b.Fatal("no sentence")
						}
					}
					if page == 0 && (len(list) != 25 || next == 0) {
						b.Fatalf("first page: %d statements, next %d", len(list), next)
					}
					before = next
				}
				lat = append(lat, time.Since(start)/2)
			}
			b.StopTimer()
			cpu := procCPU() - cpu0
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
			b.ReportMetric(ms(lat[len(lat)/2]), "ms-p50/page")
			b.ReportMetric(ms(lat[len(lat)*99/100]), "ms-p99/page")
			b.ReportMetric(ms(cpu)/float64(2*b.N), "cpu-ms/page")
		})
	}
}
