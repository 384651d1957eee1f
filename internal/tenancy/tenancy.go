// Package tenancy holds organisations (the tenants), their partnerships,
// sites, teams and people, and the rules for valid values.
package tenancy

import (
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bakenhq/baken/internal/core"
)

// OrgKind is a company, or a provider of learning (a university or a
// training institute).
type OrgKind string

const (
	Company  OrgKind = "company"
	Provider OrgKind = "provider"
)

// Organisation is a tenant. Every row of tenant data carries its id.
type Organisation struct {
	ID          string
	Kind        OrgKind
	Name        string
	Slug        string
	DefaultLang string // "nl" or "en"
	CreatedAt   time.Time
}

var slugRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$`)

// Validate checks an organisation before it is stored.
func (o *Organisation) Validate() error {
	var errs core.ValidationErrors
	o.Name = strings.TrimSpace(o.Name)
	o.Slug = strings.ToLower(strings.TrimSpace(o.Slug))
	if o.Name == "" || utf8.RuneCountInString(o.Name) > 200 {
		errs = append(errs, core.Invalid("name", "is required and at most 200 characters"))
	}
	if !slugRe.MatchString(o.Slug) {
		errs = append(errs, core.Invalid("slug", "must be 3–50 lowercase letters, digits or dashes"))
	}
	if o.Kind != Company && o.Kind != Provider {
		errs = append(errs, core.Invalid("kind", "must be company or provider"))
	}
	if o.DefaultLang == "" {
		o.DefaultLang = "nl"
	}
	if !ValidLang(o.DefaultLang) {
		errs = append(errs, core.Invalid("default_lang", "must be nl or en"))
	}
	return errs.Err()
}

// ValidLang reports whether the UI speaks lang.
func ValidLang(lang string) bool { return lang == "nl" || lang == "en" }

// Site is a location of an organisation.
type Site struct {
	ID        string
	OrgID     string
	Name      string
	Address   string
	CreatedAt time.Time
}

// Validate checks a site.
func (s *Site) Validate() error {
	s.Name = strings.TrimSpace(s.Name)
	s.Address = strings.TrimSpace(s.Address)
	var errs core.ValidationErrors
	if s.Name == "" || utf8.RuneCountInString(s.Name) > 200 {
		errs = append(errs, core.Invalid("name", "is required and at most 200 characters"))
	}
	if utf8.RuneCountInString(s.Address) > 500 {
		errs = append(errs, core.Invalid("address", "is at most 500 characters"))
	}
	return errs.Err()
}

// Team is a group of people at a site with a team lead.
type Team struct {
	ID        string
	OrgID     string
	SiteID    string // optional
	Name      string
	LeadID    string // optional
	CreatedAt time.Time

	// Filled by list queries.
	SiteName    string
	LeadName    string
	MemberCount int
}

// Validate checks a team.
func (t *Team) Validate() error {
	t.Name = strings.TrimSpace(t.Name)
	var errs core.ValidationErrors
	if t.Name == "" || utf8.RuneCountInString(t.Name) > 200 {
		errs = append(errs, core.Invalid("name", "is required and at most 200 characters"))
	}
	if t.SiteID != "" && !core.ValidID(t.SiteID) {
		errs = append(errs, core.Invalid("site_id", "is not a valid id"))
	}
	if t.LeadID != "" && !core.ValidID(t.LeadID) {
		errs = append(errs, core.Invalid("lead_id", "is not a valid id"))
	}
	return errs.Err()
}

// Person is someone who works at (or for) an organisation. Many operators
// have no email address: they sign in with employee number and PIN.
type Person struct {
	ID             string
	OrgID          string
	Name           string
	Email          string // optional, unique across the platform
	EmployeeNumber string // optional, unique within the organisation
	JobTitle       string
	TeamID         string
	SiteID         string
	StartDate      time.Time // date only; zero when unknown
	Language       string    // "", "nl" or "en"; "" follows the organisation
	Active         bool
	LeftOn         time.Time
	PlatformAdmin  bool
	Roles          []core.Role
	CreatedAt      time.Time
	UpdatedAt      time.Time

	// Filled by queries.
	TeamName    string
	SiteName    string
	HasPassword bool
	HasPIN      bool
}

var employeeNumberRe = regexp.MustCompile(`^[A-Za-z0-9._-]{1,32}$`)

// Validate checks a person and normalises email and whitespace.
func (p *Person) Validate() error {
	var errs core.ValidationErrors
	p.Name = strings.TrimSpace(p.Name)
	p.Email = strings.ToLower(strings.TrimSpace(p.Email))
	p.EmployeeNumber = strings.TrimSpace(p.EmployeeNumber)
	p.JobTitle = strings.TrimSpace(p.JobTitle)
	if p.Name == "" || utf8.RuneCountInString(p.Name) > 200 {
		errs = append(errs, core.Invalid("name", "is required and at most 200 characters"))
	}
	if p.Email != "" {
		if a, err := mail.ParseAddress(p.Email); err != nil || a.Address != p.Email || len(p.Email) > 254 {
			errs = append(errs, core.Invalid("email", "is not a valid email address"))
		}
	}
	if p.EmployeeNumber != "" && !employeeNumberRe.MatchString(p.EmployeeNumber) {
		errs = append(errs, core.Invalid("employee_number", "must be 1–32 letters, digits, dots, dashes or underscores"))
	}
	if utf8.RuneCountInString(p.JobTitle) > 200 {
		errs = append(errs, core.Invalid("job_title", "is at most 200 characters"))
	}
	if p.Language != "" && !ValidLang(p.Language) {
		errs = append(errs, core.Invalid("language", "must be nl or en"))
	}
	if p.TeamID != "" && !core.ValidID(p.TeamID) {
		errs = append(errs, core.Invalid("team_id", "is not a valid id"))
	}
	if p.SiteID != "" && !core.ValidID(p.SiteID) {
		errs = append(errs, core.Invalid("site_id", "is not a valid id"))
	}
	if !p.StartDate.IsZero() && p.StartDate.After(time.Now().AddDate(2, 0, 0)) {
		errs = append(errs, core.Invalid("start_date", "is more than two years ahead"))
	}
	for _, r := range p.Roles {
		if !core.ValidRole(r) {
			errs = append(errs, core.Invalid("roles", "unknown role %q", r))
		}
	}
	return errs.Err()
}

// HasRole reports whether the person holds r.
func (p *Person) HasRole(r core.Role) bool {
	for _, x := range p.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// PeopleFilter narrows a people listing. Zero values mean "any".
type PeopleFilter struct {
	Query  string // matches name, email, employee number, job title
	TeamID string
	SiteID string
	Role   core.Role
	Active *bool
	Limit  int // default 50, at most 500
	Offset int
}

// Normalise clamps the paging values.
func (f *PeopleFilter) Normalise() {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	if f.Limit > 500 {
		f.Limit = 500
	}
	if f.Offset < 0 {
		f.Offset = 0
	}
	f.Query = strings.TrimSpace(f.Query)
}

// AuditEntry is one security event.
type AuditEntry struct {
	ID      string
	OrgID   string
	At      time.Time
	ActorID string
	Actor   string // name, filled by queries
	Action  string // e.g. signin.ok, signin.fail, role.change
	Target  string
	IP      string
	Detail  string
}
