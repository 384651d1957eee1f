package app

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/bakenhq/baken/internal/store"
)

// metrics is a small Prometheus text-format exposition: request counts and
// latency histograms by route, and the database pools. Hand-written because
// the client library would be the largest dependency for a few counters.
type metrics struct {
	mu       sync.Mutex
	requests map[reqKey]uint64
	latency  map[string]*histogram
	db       *store.DB
	started  time.Time
}

type reqKey struct {
	route, method string
	code          int
}

var buckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

type histogram struct {
	counts []uint64
	sum    float64
	n      uint64
}

func newMetrics(db *store.DB) *metrics {
	return &metrics{requests: map[reqKey]uint64{}, latency: map[string]*histogram{}, db: db, started: time.Now()}
}

func (m *metrics) observe(route, method string, code int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[reqKey{route, method, code}]++
	h := m.latency[route]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(buckets))}
		m.latency[route] = h
	}
	s := d.Seconds()
	for i, b := range buckets {
		if s <= b {
			h.counts[i]++
		}
	}
	h.sum += s
	h.n++
}

func (m *metrics) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	m.write(w)
}

func (m *metrics) write(w io.Writer) {
	m.mu.Lock()
	keys := make([]reqKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].route != keys[j].route {
			return keys[i].route < keys[j].route
		}
		if keys[i].method != keys[j].method {
			return keys[i].method < keys[j].method
		}
		return keys[i].code < keys[j].code
	})
	fmt.Fprintln(w, "# HELP baken_http_requests_total HTTP requests by route, method and status.")
	fmt.Fprintln(w, "# TYPE baken_http_requests_total counter")
	for _, k := range keys {
		fmt.Fprintf(w, "baken_http_requests_total{route=%q,method=%q,code=\"%d\"} %d\n", k.route, k.method, k.code, m.requests[k])
	}
	routes := make([]string, 0, len(m.latency))
	for r := range m.latency {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	fmt.Fprintln(w, "# HELP baken_http_request_duration_seconds HTTP request latency by route.")
	fmt.Fprintln(w, "# TYPE baken_http_request_duration_seconds histogram")
	for _, r := range routes {
		h := m.latency[r]
		for i, b := range buckets {
			fmt.Fprintf(w, "baken_http_request_duration_seconds_bucket{route=%q,le=\"%g\"} %d\n", r, b, h.counts[i])
		}
		fmt.Fprintf(w, "baken_http_request_duration_seconds_bucket{route=%q,le=\"+Inf\"} %d\n", r, h.n)
		fmt.Fprintf(w, "baken_http_request_duration_seconds_sum{route=%q} %g\n", r, h.sum)
		fmt.Fprintf(w, "baken_http_request_duration_seconds_count{route=%q} %d\n", r, h.n)
	}
	m.mu.Unlock()
	wr, rd := m.db.Stats()
	fmt.Fprintln(w, "# HELP baken_db_connections Database pool connections by pool and state.")
	fmt.Fprintln(w, "# TYPE baken_db_connections gauge")
	for _, p := range []struct {
		name string
		s    [3]int
	}{{"write", [3]int{wr.InUse, wr.Idle, wr.MaxOpenConnections}}, {"read", [3]int{rd.InUse, rd.Idle, rd.MaxOpenConnections}}} {
		name, s := p.name, p.s
		fmt.Fprintf(w, "baken_db_connections{pool=%q,state=\"in_use\"} %d\n", name, s[0])
		fmt.Fprintf(w, "baken_db_connections{pool=%q,state=\"idle\"} %d\n", name, s[1])
		fmt.Fprintf(w, "baken_db_connections{pool=%q,state=\"max\"} %d\n", name, s[2])
	}
	fmt.Fprintln(w, "# HELP baken_db_wait_total Times a request waited for a database connection.")
	fmt.Fprintln(w, "# TYPE baken_db_wait_total counter")
	fmt.Fprintf(w, "baken_db_wait_total{pool=\"write\"} %d\nbaken_db_wait_total{pool=\"read\"} %d\n", wr.WaitCount, rd.WaitCount)
	fmt.Fprintln(w, "# HELP baken_db_wait_seconds_total Time spent waiting for a database connection.")
	fmt.Fprintln(w, "# TYPE baken_db_wait_seconds_total counter")
	fmt.Fprintf(w, "baken_db_wait_seconds_total{pool=\"write\"} %g\nbaken_db_wait_seconds_total{pool=\"read\"} %g\n", wr.WaitDuration.Seconds(), rd.WaitDuration.Seconds())
	fmt.Fprintln(w, "# HELP baken_uptime_seconds Seconds since the process started.")
	fmt.Fprintln(w, "# TYPE baken_uptime_seconds gauge")
	fmt.Fprintf(w, "baken_uptime_seconds %g\n", time.Since(m.started).Seconds())
}
