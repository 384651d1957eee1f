package store

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestParseFixed holds the hand-written timestamp parser to time.Parse
// over four centuries, leap days and days that roll over.
func TestParseFixed(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	check := func(v string) {
		t.Helper()
		want, err := time.Parse(TimeLayout, v)
		got, ok := parseFixed(v)
		if (err == nil) != ok || (ok && !got.Equal(want)) || (ok && got != want.UTC()) {
			t.Fatalf("parseFixed(%q) = %v, %v; time.Parse: %v, %v", v, got, ok, want, err)
		}
	}
	for i := 0; i < 100000; i++ {
		tm := time.Unix(rng.Int64N(400*365*86400)-200*365*86400, rng.Int64N(1e9)).UTC().Truncate(time.Microsecond)
		check(T(tm))
	}
	for _, v := range []string{"2024-02-29T23:59:59.999999Z", "2000-02-29T00:00:00.000000Z", "1900-03-01T00:00:00.000000Z",
		"0001-01-01T00:00:00.000000Z", "9999-12-31T23:59:59.999999Z", "1970-01-01T00:00:00.000000Z", "1969-12-31T23:59:59.000001Z",
		"2026-13-01T00:00:00.000000Z", "2026-1a-01T00:00:00.000000Z", "2026-01-01 00:00:00.000000Z"} {
		check(v)
	}
	// time.Parse refuses 31 April; a stored value never has it, and the
	// parser rolls it over like time.Date rather than failing.
	if got, ok := parseFixed("2026-04-31T00:00:00.000000Z"); !ok || !got.Equal(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("31 April: %v %v", got, ok)
	}
}
