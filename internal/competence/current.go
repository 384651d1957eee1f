package competence

import (
	"sort"
	"time"
)

// The rules that turn evidence into a person's current level live here and
// nowhere else; the store's maintained current_levels table, the in-memory
// derivation over all evidence and the UI's explanation all follow them.
//
//  1. Expired evidence (valid until a moment that has passed) does not count.
//  2. Validated evidence (every kind except self-assessment) outranks
//     self-assessment, whatever the levels and dates.
//  3. Among validated evidence the latest judgement (a team lead's
//     validation or an assessor's assessment) sets the level, also
//     downwards. Learning, quiz, lab, project and certificate evidence can
//     only raise the level: it counts when it is higher than (or, to renew
//     an expiry, equal to) the level set before it.
//  4. With no validated evidence, the latest self-assessment gives the
//     level, shown as unvalidated.
//  5. With no counting evidence at all, the level is 0 ("none").
//
// Evidence is applied in the order it was recorded (ties by id), so the
// same rules run as one pass over evidence sorted by person, competence,
// recorded_at, id.

// ExpiringSoon is how far ahead the UI warns that a level's evidence
// expires.
const ExpiringSoon = 60 * 24 * time.Hour

// Current is a person's current level in one competence, with what it
// rests on.
type Current struct {
	PersonID     string
	CompetenceID string
	Level        int
	// Validated is true when Level rests on validated evidence; false when
	// it rests on self-assessment only (or when Level is 0).
	Validated bool
	// SelfLevel is the latest counting self-assessment, shown beside a
	// validated level when it differs; 0 when there is none.
	SelfLevel int
	// EvidenceID, Kind, At and ValidUntil describe the evidence that set
	// Level ("" / zero when Level is 0 for want of evidence).
	EvidenceID string
	Kind       Kind
	At         time.Time
	ValidUntil time.Time
	// NextChange is the earliest expiry among the evidence that counted:
	// from then on the derivation may differ. Zero when nothing expires.
	NextChange time.Time
}

// Unvalidated reports whether the level rests only on self-assessment.
func (c Current) Unvalidated() bool { return c.Level > 0 && !c.Validated }

// Expiring reports whether the evidence that sets the level expires within
// ExpiringSoon of now.
func (c Current) Expiring(now time.Time) bool {
	return !c.ValidUntil.IsZero() && c.ValidUntil.After(now) && c.ValidUntil.Before(now.Add(ExpiringSoon))
}

// Stale reports whether an expiry has passed since the level was derived,
// so that it must be derived again.
func (c Current) Stale(now time.Time) bool { return !c.NextChange.IsZero() && !c.NextChange.After(now) }

// Acc applies the rules to the evidence of one person and competence,
// added in recorded order. Its zero value is not usable: call NewAcc.
type Acc struct {
	now       time.Time
	c         Current
	vSet      bool
	selfSet   bool
	selfEv    fact
	validated fact
}

// fact is the part of evidence the rules look at; copying it instead of
// the whole Evidence keeps a derivation over 500,000 rows cheap.
type fact struct {
	id        string
	level     int
	kind      Kind
	at, until time.Time
}

func factOf(e *Evidence) fact {
	return fact{id: e.ID, level: e.Level, kind: e.Kind, at: e.RecordedAt, until: e.ValidUntil}
}

// NewAcc returns an accumulator that judges expiry at now.
func NewAcc(now time.Time) *Acc { return &Acc{now: now} }

// Reset starts a new person and competence.
func (a *Acc) Reset(personID, competenceID string) {
	*a = Acc{now: a.now}
	a.c.PersonID, a.c.CompetenceID = personID, competenceID
}

// Add applies one piece of evidence; call it in recorded order.
func (a *Acc) Add(e *Evidence) {
	if !e.ValidUntil.IsZero() {
		if !e.ValidUntil.After(a.now) {
			return // rule 1
		}
		if a.c.NextChange.IsZero() || e.ValidUntil.Before(a.c.NextChange) {
			a.c.NextChange = e.ValidUntil
		}
	}
	switch {
	case e.Kind == SelfAssessment:
		a.selfSet, a.selfEv = true, factOf(e)
	case e.Kind.Judgement():
		a.vSet, a.validated = true, factOf(e) // rule 3: the latest judgement sets the level
	case e.Kind.Validated():
		if !a.vSet || e.Level >= a.validated.level { // rule 3: others only raise (or renew)
			a.vSet, a.validated = true, factOf(e)
		}
	}
}

// Result returns the current level derived from the evidence added.
func (a *Acc) Result() Current {
	c := a.c
	if a.selfSet {
		c.SelfLevel = a.selfEv.level
	}
	var d *fact
	switch {
	case a.vSet: // rule 2
		d, c.Validated = &a.validated, true
	case a.selfSet: // rule 4
		d = &a.selfEv
	default: // rule 5
		return c
	}
	c.Level, c.EvidenceID, c.Kind, c.At, c.ValidUntil = d.level, d.id, d.kind, d.at, d.until
	return c
}

// Derive returns the current level of one person in one competence from
// all of its evidence, in any order.
func Derive(personID, competenceID string, evs []Evidence, now time.Time) Current {
	sorted := make([]*Evidence, 0, len(evs))
	for i := range evs {
		sorted = append(sorted, &evs[i])
	}
	SortEvidence(sorted)
	a := NewAcc(now)
	a.Reset(personID, competenceID)
	for _, e := range sorted {
		a.Add(e)
	}
	return a.Result()
}

// SortEvidence puts evidence in the order the rules apply it: by recorded
// time, ties by id.
func SortEvidence(evs []*Evidence) {
	sort.SliceStable(evs, func(i, j int) bool {
		if !evs[i].RecordedAt.Equal(evs[j].RecordedAt) {
			return evs[i].RecordedAt.Before(evs[j].RecordedAt)
		}
		return evs[i].ID < evs[j].ID
	})
}

// Status compares a current level with a required one.
type Status string

const (
	NotRequired Status = "not_required" // no requirement
	Meets       Status = "meets"        // at or above the required level
	Below       Status = "below"        // some level, under the requirement
	Missing     Status = "missing"      // required, and level 0
)

// Compare returns the status of level against required (0: not required).
func Compare(level, required int) Status {
	switch {
	case required <= 0:
		return NotRequired
	case level >= required:
		return Meets
	case level > 0:
		return Below
	default:
		return Missing
	}
}
