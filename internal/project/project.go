// Package project is learning by doing: projects and working groups that
// people join, reflection on what they did and learned, lessons learned
// written down, reviewed and shared with the team, the organisation or
// the community of organisations on the platform, and the in-app
// notifications these produce. It holds the types, their validation and
// who may do what; it imports only the standard library and core.
package project

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bakenhq/baken/internal/core"
)

// Status is where a project is in its life.
type Status string

const (
	Open   Status = "open"   // running; a call for volunteers may be open
	Closed Status = "closed" // ended, with an outcome
)

// Competence is a competence a project exercises and the level it takes.
type Competence struct {
	CompetenceID string
	Level        int
	NameNL       string // filled by queries
	NameEN       string
}

// Name returns the competence's name in lang.
func (c Competence) Name(lang string) string { return Pick(lang, c.NameNL, c.NameEN) }

// Project is a project or working group.
type Project struct {
	ID       string
	OrgID    string
	TitleNL  string
	TitleEN  string
	GoalNL   string
	GoalEN   string
	SiteID   string // optional
	OwnerID  string
	StartsOn time.Time // date
	EndsOn   time.Time // date, optional
	Status   Status
	// CallOpen: people may volunteer (apply); CallText says what for.
	CallOpen    bool
	CallText    string
	Outcome     string
	Competences []Competence
	CreatedAt   time.Time
	UpdatedAt   time.Time
	ClosedAt    time.Time

	// Filled by queries.
	OwnerName string
	SiteName  string
	Members   int
}

// Title returns the title in lang, else the other language's.
func (p *Project) Title(lang string) string { return Pick(lang, p.TitleNL, p.TitleEN) }

// Goal returns the goal in lang, else the other language's.
func (p *Project) Goal(lang string) string { return Pick(lang, p.GoalNL, p.GoalEN) }

// Pick returns nl for lang "nl" and en otherwise, falling back to the
// other when the preferred one is empty.
func Pick(lang, nl, en string) string {
	if lang == "nl" {
		if nl != "" {
			return nl
		}
		return en
	}
	if en != "" {
		return en
	}
	return nl
}

// Limits.
const (
	MaxTitle   = 200
	MaxText    = 4000
	MaxLevel   = 5
	MaxRole    = 80
	MaxUpdate  = 2000
	MaxOutcome = 4000
)

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// Validate checks a project before it is stored. Errors: EInvalid.
func (p *Project) Validate() error {
	var errs core.ValidationErrors
	for _, s := range []*string{&p.TitleNL, &p.TitleEN, &p.GoalNL, &p.GoalEN, &p.CallText, &p.Outcome} {
		*s = strings.TrimSpace(*s)
	}
	if p.TitleNL == "" && p.TitleEN == "" {
		errs = append(errs, core.Invalid("title", "needs a title in Dutch or English"))
	}
	if tooLong(p.TitleNL, MaxTitle) || tooLong(p.TitleEN, MaxTitle) {
		errs = append(errs, core.Invalid("title", "is at most %d characters", MaxTitle))
	}
	if p.GoalNL == "" && p.GoalEN == "" {
		errs = append(errs, core.Invalid("goal", "needs a goal in Dutch or English"))
	}
	if tooLong(p.GoalNL, MaxText) || tooLong(p.GoalEN, MaxText) || tooLong(p.CallText, MaxText) {
		errs = append(errs, core.Invalid("goal", "is at most %d characters", MaxText))
	}
	if tooLong(p.Outcome, MaxOutcome) {
		errs = append(errs, core.Invalid("outcome", "is at most %d characters", MaxOutcome))
	}
	if p.SiteID != "" && !core.ValidID(p.SiteID) {
		errs = append(errs, core.Invalid("site_id", "is not a valid id"))
	}
	if !core.ValidID(p.OwnerID) {
		errs = append(errs, core.Invalid("owner_id", "is not a valid id"))
	}
	if p.StartsOn.IsZero() {
		errs = append(errs, core.Invalid("starts_on", "is required"))
	}
	if !p.EndsOn.IsZero() && p.EndsOn.Before(p.StartsOn) {
		errs = append(errs, core.Invalid("ends_on", "must not be before the start"))
	}
	if p.Status == "" {
		p.Status = Open
	}
	if p.Status != Open && p.Status != Closed {
		errs = append(errs, core.Invalid("status", "must be open or closed"))
	}
	seen := map[string]bool{}
	for _, c := range p.Competences {
		if !core.ValidID(c.CompetenceID) {
			errs = append(errs, core.Invalid("competences", "is not a valid id"))
			break
		}
		if seen[c.CompetenceID] {
			errs = append(errs, core.Invalid("competences", "lists a competence twice"))
			break
		}
		seen[c.CompetenceID] = true
		if c.Level < 1 || c.Level > MaxLevel {
			errs = append(errs, core.Invalid("competences", "levels are between 1 and %d", MaxLevel))
			break
		}
	}
	if len(p.Competences) > 30 {
		errs = append(errs, core.Invalid("competences", "at most 30"))
	}
	return errs.Err()
}

// MemberState is where a person stands with a project.
type MemberState string

const (
	Applied  MemberState = "applied"  // volunteered; waiting for the owner
	Invited  MemberState = "invited"  // invited by the owner; waiting for the person
	Accepted MemberState = "member"   // accepted
	Declined MemberState = "declined" // application or invitation declined
	Left     MemberState = "left"
)

// Member is a person's place in a project.
type Member struct {
	ProjectID string
	PersonID  string
	Role      string // what they do: "operator", "process engineer", ...
	State     MemberState
	Message   string // with the application or invitation
	CreatedAt time.Time
	DecidedAt time.Time

	PersonName string // filled by queries
	TeamID     string
}

// ValidateRole trims and checks a member role. Errors: EInvalid.
func ValidateRole(role string) (string, error) {
	role = strings.TrimSpace(role)
	if tooLong(role, MaxRole) {
		return "", core.Invalid("role", "is at most %d characters", MaxRole)
	}
	return role, nil
}

// ValidateMessage trims and checks an application or invitation message.
func ValidateMessage(msg string) (string, error) {
	msg = strings.TrimSpace(msg)
	if tooLong(msg, MaxUpdate) {
		return "", core.Invalid("message", "is at most %d characters", MaxUpdate)
	}
	return msg, nil
}

// Update is an entry of a project's short log.
type Update struct {
	ID        string
	ProjectID string
	AuthorID  string
	Body      string
	Milestone bool // a milestone prompts members to reflect
	CreatedAt time.Time

	AuthorName string
}

// Validate checks an update. Errors: EInvalid.
func (u *Update) Validate() error {
	u.Body = strings.TrimSpace(u.Body)
	if u.Body == "" || tooLong(u.Body, MaxUpdate) {
		return core.Invalid("body", "is required and at most %d characters", MaxUpdate)
	}
	return nil
}

// ContributionStatus says whether confirmed project work has become evidence.
type ContributionStatus string

const (
	// AwaitingValidation: the owner confirmed the work, but may not record
	// validated evidence for this person; the person's team lead (or L&D)
	// validates it, which records the evidence.
	AwaitingValidation ContributionStatus = "awaiting_validation"
	// Recorded: project-work evidence was recorded.
	Recorded ContributionStatus = "recorded"
	// Rejected: the validator did not accept it.
	Rejected ContributionStatus = "rejected"
)

// Contribution is a member's confirmed work on one exercised competence.
type Contribution struct {
	ID           string
	ProjectID    string
	PersonID     string
	CompetenceID string
	Level        int
	Note         string
	ConfirmedBy  string
	ConfirmedAt  time.Time
	Status       ContributionStatus
	EvidenceID   string
	DecidedBy    string
	DecidedAt    time.Time

	// Filled by queries.
	PersonName     string
	CompetenceNL   string
	CompetenceEN   string
	ProjectTitleNL string
	ProjectTitleEN string
}

// CompetenceName returns the competence's name in lang.
func (c *Contribution) CompetenceName(lang string) string {
	return Pick(lang, c.CompetenceNL, c.CompetenceEN)
}

// ProjectTitle returns the project's title in lang.
func (c *Contribution) ProjectTitle(lang string) string {
	return Pick(lang, c.ProjectTitleNL, c.ProjectTitleEN)
}
