package competence

import "time"

// Step is a level that holds from At on.
type Step struct {
	At    time.Time
	Level int
}

// Steps returns how a person's level in one competence develops from now
// on if no new evidence arrives: the level at now, then a step at every
// moment an expiry changes it, by the same rules as Derive (a certificate
// valid until a moment no longer counts from that moment). The first step
// is at now; consecutive steps have different levels.
func Steps(evs []Evidence, now time.Time) []Step {
	c := Derive("", "", evs, now)
	out := []Step{{At: now, Level: c.Level}}
	for t := c.NextChange; !t.IsZero(); t = c.NextChange {
		c = Derive("", "", evs, t)
		if c.Level != out[len(out)-1].Level {
			out = append(out, Step{At: t, Level: c.Level})
		}
	}
	return out
}

// LevelAt returns the level that steps (from Steps) give at moment at; at
// or before the first step it is the first step's level.
func LevelAt(steps []Step, at time.Time) int {
	if len(steps) == 0 {
		return 0
	}
	l := steps[0].Level
	for _, s := range steps[1:] {
		if s.At.After(at) {
			break
		}
		l = s.Level
	}
	return l
}
