package competence

import (
	"testing"
	"time"
)

func TestStepsFollowExpiry(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	evs := []Evidence{
		// Independent by a validation, no expiry.
		{ID: "1", Kind: Validation, Level: 2, RecordedAt: now.AddDate(-1, 0, 0)},
		// A certificate raises it to 3 until 1 March 2027.
		{ID: "2", Kind: Certificate, Level: 3, RecordedAt: now.AddDate(0, -2, 0), ValidUntil: day(2027, 3, 1)},
		// A self-assessment that expires (odd, but the rules allow it) never outranks validated evidence.
		{ID: "3", Kind: SelfAssessment, Level: 4, RecordedAt: now.AddDate(0, -1, 0), ValidUntil: day(2027, 6, 1)},
	}
	steps := Steps(evs, now)
	if len(steps) != 2 || steps[0].Level != 3 || steps[1].Level != 2 || !steps[1].At.Equal(day(2027, 3, 1)) {
		t.Fatalf("steps = %+v", steps)
	}
	for _, c := range []struct {
		at   time.Time
		want int
	}{
		{now, 3},
		{day(2027, 2, 28), 3},
		{day(2027, 3, 1), 2}, // expires on the date: does not count at that date
		{day(2028, 1, 1), 2},
	} {
		if got := LevelAt(steps, c.at); got != c.want {
			t.Errorf("LevelAt(%s) = %d, want %d", c.at.Format("2006-01-02"), got, c.want)
		}
		if got := Derive("p", "c", evs, c.at).Level; got != c.want {
			t.Errorf("Derive at %s = %d, want %d (Steps and Derive disagree)", c.at.Format("2006-01-02"), got, c.want)
		}
	}
	// Only an expiring certificate: level drops to 0.
	steps = Steps([]Evidence{{ID: "9", Kind: Certificate, Level: 2, RecordedAt: now, ValidUntil: day(2027, 1, 1)}}, now)
	if len(steps) != 2 || steps[1].Level != 0 {
		t.Fatalf("steps = %+v", steps)
	}
	if LevelAt(nil, now) != 0 {
		t.Fatal("no steps means level 0")
	}
}
