package catalogue

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bakenhq/baken/internal/core"
)

// PlaceKind is what a place is.
type PlaceKind string

const (
	Machine     PlaceKind = "machine"
	Workstation PlaceKind = "workstation"
	Area        PlaceKind = "area"
)

// PlaceKinds lists the kinds in display order.
var PlaceKinds = []PlaceKind{Machine, Workstation, Area}

// Place is a machine, workstation or area at a site. Its code is unique
// within the organisation and is what the QR label carries.
type Place struct {
	ID          string
	OrgID       string
	SiteID      string
	Code        string
	Kind        PlaceKind
	NameNL      string
	NameEN      string
	Competences []Outcome // the competences the place needs (Level: needed level, default HelpLevel)
	ItemIDs     []string  // instructions and other items that belong here, in order
	CreatedAt   time.Time
	UpdatedAt   time.Time

	SiteName string // filled by queries
}

// Name returns the name in lang, else the other language's.
func (p *Place) Name(lang string) string { return Pick(lang, p.NameNL, p.NameEN) }

// NormaliseCode upper-cases a code and trims it: codes are typed from
// labels and compared exactly.
func NormaliseCode(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// ValidCode reports whether s is a usable code: 1–32 of A–Z, 0–9, '-', '_'
// and '.', so that it sits in a URL path and on a label as it is.
func ValidCode(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// Validate checks a place. Errors: EInvalid.
func (p *Place) Validate() error {
	var errs core.ValidationErrors
	p.Code = NormaliseCode(p.Code)
	p.NameNL, p.NameEN = strings.TrimSpace(p.NameNL), strings.TrimSpace(p.NameEN)
	if p.Kind == "" {
		p.Kind = Machine
	}
	if !ValidCode(p.Code) {
		errs = append(errs, &core.Error{Code: core.EInvalid, Field: "code", Message: "use 1–32 letters, digits, '-', '_' or '.'", Key: "places.err.code"})
	}
	switch p.Kind {
	case Machine, Workstation, Area:
	default:
		errs = append(errs, core.Invalid("kind", "must be machine, workstation or area"))
	}
	if !core.ValidID(p.SiteID) {
		errs = append(errs, core.Invalid("site_id", "choose a site"))
	}
	if p.NameNL == "" && p.NameEN == "" {
		errs = append(errs, &core.Error{Code: core.EInvalid, Field: "name_nl", Message: "a name in Dutch or English is required", Key: "places.err.name"})
	}
	for f, s := range map[string]string{"name_nl": p.NameNL, "name_en": p.NameEN} {
		if utf8.RuneCountInString(s) > 120 || hasControl(s) {
			errs = append(errs, core.Invalid(f, "is at most 120 characters"))
		}
	}
	seen := map[string]bool{}
	for i, c := range p.Competences {
		if !core.ValidID(c.CompetenceID) || seen[c.CompetenceID] {
			errs = append(errs, core.Invalid("competences", "each competence once, with a valid id"))
			break
		}
		seen[c.CompetenceID] = true
		if c.Level == 0 {
			p.Competences[i].Level = HelpLevel
		}
	}
	seen = map[string]bool{}
	for _, id := range p.ItemIDs {
		if !core.ValidID(id) || seen[id] {
			errs = append(errs, core.Invalid("items", "each item once, with a valid id"))
			break
		}
		seen[id] = true
	}
	if len(p.ItemIDs) > 100 || len(p.Competences) > 100 {
		errs = append(errs, core.Invalid("items", "at most 100 items and 100 competences"))
	}
	return errs.Err()
}

// Helper is a colleague at the place's site who holds one of its
// competences at HelpLevel or higher.
type Helper struct {
	PersonID  string
	Name      string
	TeamName  string
	Level     int    // the highest level among the place's competences
	Validated bool   // that level is validated, not only self-declared
	Skill     string // the competence of that level, in the reader's language
}

// PlaceView is everything the place page shows, read in one go.
type PlaceView struct {
	Place   *Place
	Items   []*Item // published items of the place, with titles and minutes
	Helpers []Helper
}
