// Command xapiload drives an xAPI LRS (Baken's or any other) with
// realistic statements and reports throughput and latency.
//
//	go run ./tools/xapiload -url http://localhost:8080/xapi -key K -secret S \
//	    -clients 4 -batch 100 -duration 30s
//
// With -queries it also times queries by agent and verb while it loads.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bakenhq/baken/internal/xapi"
)

func main() {
	base := flag.String("url", "http://localhost:8080/xapi", "LRS endpoint (the part before /statements)")
	key := flag.String("key", os.Getenv("XAPI_KEY"), "Basic auth user (env XAPI_KEY)")
	secret := flag.String("secret", os.Getenv("XAPI_SECRET"), "Basic auth password (env XAPI_SECRET)")
	version := flag.String("version", "2.0.0", "X-Experience-API-Version")
	clients := flag.Int("clients", 4, "concurrent clients posting statements")
	batch := flag.Int("batch", 100, "statements per POST")
	duration := flag.Duration("duration", 20*time.Second, "how long to load")
	agents := flag.Int("agents", 5000, "distinct agents")
	activities := flag.Int("activities", 500, "distinct activities")
	queries := flag.Int("queries", 0, "concurrent clients querying by agent and verb while loading")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *duration)
	defer cancel()
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *clients + *queries}}
	do := func(method, u string, body []byte) (int, []byte, error) {
		req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
		if err != nil {
			return 0, nil, err
		}
		req.Header.Set("X-Experience-API-Version", *version)
		req.SetBasicAuth(*key, *secret)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := client.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		return res.StatusCode, b, err
	}

	var stored, failed atomic.Int64
	var mu sync.Mutex
	var postLat, queryLat []time.Duration
	var wg sync.WaitGroup
	start := time.Now()
	for c := 0; c < *clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(c)))
			for ctx.Err() == nil {
				list := make([]any, *batch)
				for i := range list {
					list[i] = xapi.GenStatement(r, *agents, *activities)
				}
				body, _ := json.Marshal(list)
				t0 := time.Now()
				code, resp, err := do("POST", *base+"/statements", body)
				if ctx.Err() != nil {
					return
				}
				if err != nil || code != http.StatusOK {
					failed.Add(int64(*batch))
					fmt.Fprintf(os.Stderr, "POST: %d %v %s\n", code, err, truncate(resp))
					continue
				}
				mu.Lock()
				postLat = append(postLat, time.Since(t0))
				mu.Unlock()
				stored.Add(int64(*batch))
			}
		}(c)
	}
	for c := 0; c < *queries; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(c), 99))
			for ctx.Err() == nil {
				agent := fmt.Sprintf(`{"mbox":%q}`, xapi.GenAgentMbox(r.IntN(*agents)))
				q := url.Values{"agent": {agent}, "verb": {xapi.GenVerb(r.IntN(10))}, "limit": {"50"}}
				t0 := time.Now()
				code, resp, err := do("GET", *base+"/statements?"+q.Encode(), nil)
				if ctx.Err() != nil {
					return
				}
				if err != nil || code != http.StatusOK {
					fmt.Fprintf(os.Stderr, "GET: %d %v %s\n", code, err, truncate(resp))
					continue
				}
				mu.Lock()
				queryLat = append(queryLat, time.Since(t0))
				mu.Unlock()
			}
		}(c)
	}
	wg.Wait()
	el := time.Since(start)
	fmt.Printf("stored %d statements in %.1fs: %.0f stmts/s (%d failed)\n", stored.Load(), el.Seconds(), float64(stored.Load())/el.Seconds(), failed.Load())
	fmt.Printf("POST of %d: %s\n", *batch, percentiles(postLat))
	if *queries > 0 {
		fmt.Printf("query agent+verb: %d queries, %s\n", len(queryLat), percentiles(queryLat))
	}
}

func percentiles(d []time.Duration) string {
	if len(d) == 0 {
		return "no samples"
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	p := func(q float64) time.Duration { return d[int(q*float64(len(d)-1))].Round(100 * time.Microsecond) }
	return fmt.Sprintf("p50 %v p90 %v p99 %v max %v", p(0.5), p(0.9), p(0.99), d[len(d)-1].Round(100*time.Microsecond))
}

func truncate(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
