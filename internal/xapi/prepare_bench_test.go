package xapi

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// BenchmarkPrepare is the per-statement work of the request side of ingest
// (decode, validate, filter keys, encode), without the store.
func BenchmarkPrepare(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	bodies := make([][]byte, 1000)
	for i := range bodies {
		bodies[i], _ = json.Marshal(GenStatement(r, 5000, 500))
	}
	auth := map[string]any{"mbox": "mailto:lrs@example.com"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var m map[string]any
		if err := decodeJSON(bodies[i%len(bodies)], &m); err != nil {
			b.Fatal(err)
		}
		p, err := prepare(V200, m, auth)
		if err != nil {
			b.Fatal(err)
		}
		p.encode()
	}
}
