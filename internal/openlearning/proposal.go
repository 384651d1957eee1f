// Package openlearning holds open learning: external courses, partner
// catalogues, course proposals between a company and a provider, learning
// paths and enrolment. This file is course proposals: a company asks a
// partner provider (a university or training institute) for a course it
// needs, and the two talk it through until the provider offers one or
// declines. Both sides see the whole history; nobody else does.
package openlearning

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bakenhq/baken/internal/core"
)

// ProposalStatus is where a proposal stands.
type ProposalStatus string

const (
	Submitted ProposalStatus = "submitted" // waiting for the provider
	Discussed ProposalStatus = "discussed" // the provider asked or answered; the company may reply
	Accepted  ProposalStatus = "accepted"  // the provider will develop or run the course
	Offered   ProposalStatus = "offered"   // the provider has turned it into a course offer
	Declined  ProposalStatus = "declined"
	Withdrawn ProposalStatus = "withdrawn"
)

// Open reports whether the proposal may still change.
func (s ProposalStatus) Open() bool { return s == Submitted || s == Discussed || s == Accepted }

// Formats a proposal may ask for.
var Formats = []string{"classroom", "online", "blended", "flipped", "lab", "on_site"}

// ValidFormat reports whether f is one of Formats.
func ValidFormat(f string) bool {
	for _, x := range Formats {
		if x == f {
			return true
		}
	}
	return false
}

// NeededCompetence is one competence a proposal asks a course to develop.
// The names are copied from the company's catalogue when the proposal is
// made, so that the provider reads them without access to that catalogue.
type NeededCompetence struct {
	CompetenceID string
	NameNL       string
	NameEN       string
	Level        int
}

// Name returns the name in lang, falling back to the other language.
func (n NeededCompetence) Name(lang string) string {
	if lang == "nl" && n.NameNL != "" || n.NameEN == "" {
		return n.NameNL
	}
	return n.NameEN
}

// Proposal is a company's request for a course to a partner provider.
type Proposal struct {
	ID           string
	OrgID        string // the company that proposes
	ProviderID   string // the provider it asks
	Title        string
	Description  string
	Competences  []NeededCompetence
	AudienceSize int
	Timing       string // in words: "before Q3 2027", "spring 2027"
	Format       string
	Status       ProposalStatus
	CreatedBy    string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	OfferItemID  string // the catalogue item the provider made of it, if any

	// Filled by queries.
	OrgName, ProviderName, CreatedByName string
	Events                               []ProposalEvent
}

// EventKind is what happened to a proposal.
type EventKind string

const (
	EventSubmitted EventKind = "submitted"
	EventComment   EventKind = "comment"
	EventAccepted  EventKind = "accepted"
	EventDeclined  EventKind = "declined"
	EventOffered   EventKind = "offered"
	EventWithdrawn EventKind = "withdrawn"
)

// ProposalEvent is one step of a proposal's history.
type ProposalEvent struct {
	ID         string
	ProposalID string
	At         time.Time
	ActorOrgID string
	ActorID    string
	ActorName  string
	ActorOrg   string
	Kind       EventKind
	Message    string
}

// Validate checks a new proposal.
func (p *Proposal) Validate(levels int) error {
	var errs core.ValidationErrors
	p.Title = strings.TrimSpace(p.Title)
	p.Description = strings.TrimSpace(p.Description)
	p.Timing = strings.TrimSpace(p.Timing)
	if p.Title == "" || utf8.RuneCountInString(p.Title) > 200 {
		errs = append(errs, core.Invalid("title", "is required and at most 200 characters"))
	}
	if utf8.RuneCountInString(p.Description) > 5000 {
		errs = append(errs, core.Invalid("description", "is at most 5000 characters"))
	}
	if !core.ValidID(p.ProviderID) {
		errs = append(errs, core.Invalid("provider_id", "choose a partner provider"))
	}
	if p.AudienceSize < 1 || p.AudienceSize > 10000 {
		errs = append(errs, core.Invalid("audience_size", "must be between 1 and 10000 people"))
	}
	if utf8.RuneCountInString(p.Timing) > 200 {
		errs = append(errs, core.Invalid("timing", "is at most 200 characters"))
	}
	if !ValidFormat(p.Format) {
		errs = append(errs, core.Invalid("format", "is not a known format"))
	}
	if len(p.Competences) == 0 {
		errs = append(errs, core.Invalid("competences", "name at least one competence the course should develop"))
	}
	seen := map[string]bool{}
	for _, c := range p.Competences {
		if !core.ValidID(c.CompetenceID) || seen[c.CompetenceID] {
			errs = append(errs, core.Invalid("competences", "lists an unknown or repeated competence"))
			break
		}
		seen[c.CompetenceID] = true
		if c.Level < 1 || c.Level > levels {
			errs = append(errs, core.Invalid("competences", "level must be between 1 and %d", levels))
			break
		}
	}
	return errs.Err()
}

// Side says from which side someone looks at a proposal.
type Side int

const (
	NoSide Side = iota
	CompanySide
	ProviderSide
)

// SideOf tells on which side an organisation stands.
func (p *Proposal) SideOf(orgID string) Side {
	switch orgID {
	case p.OrgID:
		return CompanySide
	case p.ProviderID:
		return ProviderSide
	}
	return NoSide
}

// CanAct reports whether a step of kind k is allowed to side s now; this is
// the one place with the proposal's rules.
func (p *Proposal) CanAct(s Side, k EventKind) bool {
	if !p.Status.Open() {
		return false
	}
	switch k {
	case EventComment:
		return s != NoSide
	case EventWithdrawn:
		return s == CompanySide
	case EventAccepted:
		return s == ProviderSide && p.Status != Accepted
	case EventDeclined:
		return s == ProviderSide
	case EventOffered:
		return s == ProviderSide
	}
	return false
}

// StatusAfter is the status a proposal has after an event of kind k.
func (p *Proposal) StatusAfter(s Side, k EventKind) ProposalStatus {
	switch k {
	case EventAccepted:
		return Accepted
	case EventDeclined:
		return Declined
	case EventOffered:
		return Offered
	case EventWithdrawn:
		return Withdrawn
	case EventComment:
		if p.Status == Accepted {
			return Accepted
		}
		if s == ProviderSide || p.Status == Discussed {
			return Discussed
		}
	}
	return p.Status
}
