package project

import (
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/core"
)

// ContextKind says what a reflection looks back on.
type ContextKind string

const (
	AboutProject     ContextKind = "project"     // at a milestone or the end of a project
	AboutCourse      ContextKind = "course"      // after a course or learning path
	AboutInstruction ContextKind = "instruction" // after a just-in-time instruction
	AboutAnything    ContextKind = "free"        // any time
)

// ContextKinds lists them in display order.
var ContextKinds = []ContextKind{AboutProject, AboutCourse, AboutInstruction, AboutAnything}

// Valid reports whether k is known.
func (k ContextKind) Valid() bool {
	for _, x := range ContextKinds {
		if x == k {
			return true
		}
	}
	return false
}

// Reflection answers the guided questions. It is private to its author
// unless SharedWithLead is set, in which case the author's team lead may
// read it too. Nobody else ever sees it: not L&D, not admins, not other
// organisations, not search and not the API.
type Reflection struct {
	ID           string
	OrgID        string
	PersonID     string
	Context      ContextKind
	ContextID    string // the project, course or instruction; "" for free
	ContextTitle string // what it was, as the author saw it
	Did          string // what did I do
	Learned      string // what did I learn
	Differently  string // what would I do differently
	Next         string // what do I need next
	// SharedWithLead lets the author's team lead read it.
	SharedWithLead bool
	CreatedAt      time.Time
	UpdatedAt      time.Time

	PersonName string // filled by queries
}

// Validate checks a reflection. Errors: EInvalid.
func (r *Reflection) Validate() error {
	var errs core.ValidationErrors
	for _, s := range []*string{&r.ContextTitle, &r.Did, &r.Learned, &r.Differently, &r.Next} {
		*s = strings.TrimSpace(*s)
	}
	if r.Context == "" {
		r.Context = AboutAnything
	}
	if !r.Context.Valid() {
		errs = append(errs, core.Invalid("context", "unknown kind %q", r.Context))
	}
	if r.ContextID != "" && !core.ValidID(r.ContextID) {
		errs = append(errs, core.Invalid("context_id", "is not a valid id"))
	}
	if !core.ValidID(r.PersonID) {
		errs = append(errs, core.Invalid("person_id", "is not a valid id"))
	}
	if r.Did == "" && r.Learned == "" && r.Differently == "" && r.Next == "" {
		errs = append(errs, core.Invalid("learned", "answer at least one question"))
	}
	if tooLong(r.ContextTitle, MaxTitle) {
		errs = append(errs, core.Invalid("context_title", "is at most %d characters", MaxTitle))
	}
	for f, s := range map[string]string{"did": r.Did, "learned": r.Learned, "differently": r.Differently, "next": r.Next} {
		if tooLong(s, MaxText) {
			errs = append(errs, core.Invalid(f, "is at most %d characters", MaxText))
		}
	}
	return errs.Err()
}

// CanReadReflection: the author always; the author's team lead when it is
// shared with them. Deliberately nobody else, whatever their roles.
func CanReadReflection(p core.Principal, r *Reflection, leadsAuthor bool) bool {
	if p.OrgID != r.OrgID {
		return false
	}
	return p.PersonID == r.PersonID || r.SharedWithLead && leadsAuthor
}

// NextStepStatus is where a "next step" from a reflection stands.
type NextStepStatus string

const (
	// StepPending: noted, not yet part of a development plan (plans are
	// issue 4's; until they exist every step stays pending).
	StepPending NextStepStatus = "pending"
	StepPlanned NextStepStatus = "planned" // became a development-plan item
	StepDone    NextStepStatus = "done"
)

// NextStep is "what do I need next", kept so that it can become an item of
// the person's development plan. Private like the reflection it came from.
type NextStep struct {
	ID           string
	OrgID        string
	PersonID     string
	ReflectionID string
	Text         string
	Status       NextStepStatus
	PlanItemID   string
	CreatedAt    time.Time
}
