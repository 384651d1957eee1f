package competence

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bakenhq/baken/internal/core"
)

// RoleProfile is a role in an organisation ("CNC operator", "maintenance
// technician") with the competences it requires. People hold one or more
// role profiles.
type RoleProfile struct {
	ID            string
	OrgID         string
	NameNL        string
	NameEN        string
	DescriptionNL string
	DescriptionEN string
	// OccupationURI is the ESCO occupation the profile was made from, if any.
	OccupationURI string
	Requirements  []Requirement
	CreatedAt     time.Time
	UpdatedAt     time.Time

	// Filled by list queries.
	HolderCount int
}

// Name returns the profile's name in lang.
func (r *RoleProfile) Name(lang string) string { return pick(lang, r.NameNL, r.NameEN) }

// Requirement is one competence a role profile requires, at a level, and
// whether it is essential or optional for the role.
type Requirement struct {
	CompetenceID string
	Level        int
	Essential    bool

	// Filled by queries.
	Competence *Competence
}

// Validate checks a role profile against the organisation's scale.
// Errors: EInvalid.
func (r *RoleProfile) Validate(scale Scale) error {
	var errs core.ValidationErrors
	r.NameNL, r.NameEN = strings.TrimSpace(r.NameNL), strings.TrimSpace(r.NameEN)
	r.DescriptionNL, r.DescriptionEN = strings.TrimSpace(r.DescriptionNL), strings.TrimSpace(r.DescriptionEN)
	if r.NameNL == "" && r.NameEN == "" {
		errs = append(errs, core.Invalid("name", "is required in Dutch or English"))
	}
	if utf8.RuneCountInString(r.NameNL) > 200 || utf8.RuneCountInString(r.NameEN) > 200 {
		errs = append(errs, core.Invalid("name", "is at most 200 characters"))
	}
	if utf8.RuneCountInString(r.DescriptionNL) > 5000 || utf8.RuneCountInString(r.DescriptionEN) > 5000 {
		errs = append(errs, core.Invalid("description", "is at most 5000 characters"))
	}
	if len(r.Requirements) > 1000 {
		errs = append(errs, core.Invalid("requirements", "a role profile has at most 1000 requirements"))
	}
	seen := map[string]bool{}
	for _, q := range r.Requirements {
		if !core.ValidID(q.CompetenceID) {
			errs = append(errs, core.Invalid("requirements", "%q is not a competence id", q.CompetenceID))
			continue
		}
		if seen[q.CompetenceID] {
			errs = append(errs, core.Invalid("requirements", "a competence is listed twice"))
		}
		seen[q.CompetenceID] = true
		if q.Level < 1 || q.Level > scale.Max() {
			errs = append(errs, core.Invalid("requirements", "level %d is not on the scale (1–%d)", q.Level, scale.Max()))
		}
	}
	return errs.Err()
}

// Merge combines the requirements of several role profiles a person holds:
// per competence the highest level, essential when any profile says so.
func Merge(profiles ...*RoleProfile) map[string]Requirement {
	out := map[string]Requirement{}
	for _, p := range profiles {
		for _, q := range p.Requirements {
			cur, ok := out[q.CompetenceID]
			if !ok {
				out[q.CompetenceID] = Requirement{CompetenceID: q.CompetenceID, Level: q.Level, Essential: q.Essential, Competence: q.Competence}
				continue
			}
			if q.Level > cur.Level {
				cur.Level = q.Level
			}
			cur.Essential = cur.Essential || q.Essential
			out[q.CompetenceID] = cur
		}
	}
	return out
}
