package openlearning

import (
	"time"

	"github.com/bakenhq/baken/internal/core"
)

// Pending is an enrolment in a path whose steps are all done and that
// waits for the team lead's (or an assessor's) validation.
const Pending EnrolmentStatus = "pending"

// Path is a learning path: an ordered set of learning items of any type
// towards a target, a role profile or a roadmap item. The path itself is a
// learning item of type path (title, body, outcomes, visibility live
// there); this holds what only paths have.
type Path struct {
	ItemID             string
	OrgID              string
	TargetKind         string // "role", "roadmap" or ""
	TargetID           string
	RequiresValidation bool
	Steps              []PathStep

	// Filled by queries.
	TargetName string
}

// PathStep is one item of a path, with the viewer's progress on it.
type PathStep struct {
	Position         int
	ItemID           string
	TitleNL, TitleEN string
	Type             string
	Minutes          int
	Partner          string
	Status           EnrolmentStatus // the viewer's; "" when not started
}

// Title returns the step's title in lang.
func (s *PathStep) Title(lang string) string {
	if lang == "nl" && s.TitleNL != "" || s.TitleEN == "" {
		return s.TitleNL
	}
	return s.TitleEN
}

// MaxPathSteps bounds a path.
const MaxPathSteps = 20

// Validate checks a path's own fields.
func (p *Path) Validate() error {
	var errs core.ValidationErrors
	switch p.TargetKind {
	case "":
		p.TargetID = ""
	case "role", "roadmap":
		if !core.ValidID(p.TargetID) {
			errs = append(errs, core.Invalid("target", "choose a role profile or roadmap item"))
		}
	default:
		errs = append(errs, core.Invalid("target", "choose a role profile or roadmap item"))
	}
	if len(p.Steps) == 0 || len(p.Steps) > MaxPathSteps {
		errs = append(errs, core.Invalid("steps", "a path has 1 to %d steps", MaxPathSteps))
	}
	seen := map[string]bool{}
	for _, s := range p.Steps {
		if !core.ValidID(s.ItemID) || seen[s.ItemID] {
			errs = append(errs, core.Invalid("steps", "lists an unknown or repeated item"))
			break
		}
		seen[s.ItemID] = true
	}
	return errs.Err()
}

// Progress counts the completed steps.
func (p *Path) Progress() (done, total int) {
	for _, s := range p.Steps {
		if s.Status == Completed {
			done++
		}
	}
	return done, len(p.Steps)
}

// Percent is the share of completed steps, 0–100.
func (p *Path) Percent() int {
	done, total := p.Progress()
	if total == 0 {
		return 0
	}
	return done * 100 / total
}

// AllDone reports whether every step is completed.
func (p *Path) AllDone() bool {
	done, total := p.Progress()
	return total > 0 && done == total
}

// PendingValidation is a person's path waiting for validation.
type PendingValidation struct {
	PersonID, PersonName string
	PathID               string
	TitleNL, TitleEN     string
	Since                time.Time
}

// Title returns the path's title in lang.
func (v *PendingValidation) Title(lang string) string {
	if lang == "nl" && v.TitleNL != "" || v.TitleEN == "" {
		return v.TitleNL
	}
	return v.TitleEN
}
