package competence

import (
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bakenhq/baken/internal/core"
)

// CampaignStatus is where a review campaign is in its life.
type CampaignStatus string

const (
	CampaignOpen   CampaignStatus = "open"
	CampaignClosed CampaignStatus = "closed"
)

// Campaign is a review round: the L&D coordinator picks a scope (a site, a
// team, or named people), a set of competences and a deadline; each person
// self-assesses; team leads validate or adjust; closing keeps a snapshot of
// the current levels, and the next campaign shows what changed since.
type Campaign struct {
	ID            string
	OrgID         string
	Name          string
	SiteID        string   // scope: everyone at the site…
	TeamID        string   // …or in the team…
	PersonIDs     []string // …or these people (the union of all three)
	CompetenceIDs []string
	Deadline      time.Time // date
	Status        CampaignStatus
	CreatedBy     string
	CreatedAt     time.Time
	ClosedAt      time.Time
	// PreviousID is the last closed campaign with an overlapping scope,
	// whose snapshot this one is compared with.
	PreviousID string
}

// Validate checks a campaign. Errors: EInvalid.
func (c *Campaign) Validate() error {
	var errs core.ValidationErrors
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" || utf8.RuneCountInString(c.Name) > 200 {
		errs = append(errs, core.Invalid("name", "is required and at most 200 characters"))
	}
	if c.SiteID == "" && c.TeamID == "" && len(c.PersonIDs) == 0 {
		errs = append(errs, core.Invalid("scope", "choose a site, a team or people"))
	}
	for _, id := range append(append([]string{c.SiteID, c.TeamID}, c.PersonIDs...), c.CompetenceIDs...) {
		if id != "" && !core.ValidID(id) {
			errs = append(errs, core.Invalid("scope", "%q is not a valid id", id))
			break
		}
	}
	if len(c.CompetenceIDs) == 0 || len(c.CompetenceIDs) > 300 {
		errs = append(errs, core.Invalid("competences", "choose 1 to 300 competences"))
	}
	if c.Deadline.IsZero() {
		errs = append(errs, core.Invalid("deadline", "is required"))
	}
	if c.Status == "" {
		c.Status = CampaignOpen
	}
	return errs.Err()
}

// Progress is how far one person is in a campaign.
type Progress struct {
	PersonID     string
	PersonName   string
	TeamID       string
	TeamName     string
	Total        int // competences in the campaign
	SelfAssessed int // of them, self-assessed in this campaign
	Validated    int // of them, validated in this campaign
}

// Done reports whether the person has self-assessed everything and it has
// all been validated.
func (p Progress) Done() bool { return p.SelfAssessed >= p.Total && p.Validated >= p.Total }

// SnapshotRow is one current level frozen when a campaign closed.
type SnapshotRow struct {
	PersonID     string
	CompetenceID string
	Level        int
	Validated    bool
}

// Change is a difference between two snapshots (or a snapshot and now).
type Change struct {
	PersonID     string
	CompetenceID string
	Before       int
	After        int
	WasValidated bool
	IsValidated  bool
}

// Diff lists what changed from before to after, sorted by person and
// competence. A pair missing on one side counts as level 0, unvalidated.
func Diff(before, after []SnapshotRow) []Change {
	type key struct{ p, c string }
	m := map[key]*Change{}
	for _, r := range before {
		m[key{r.PersonID, r.CompetenceID}] = &Change{PersonID: r.PersonID, CompetenceID: r.CompetenceID, Before: r.Level, WasValidated: r.Validated}
	}
	for _, r := range after {
		k := key{r.PersonID, r.CompetenceID}
		c, ok := m[k]
		if !ok {
			c = &Change{PersonID: r.PersonID, CompetenceID: r.CompetenceID}
			m[k] = c
		}
		c.After, c.IsValidated = r.Level, r.Validated
	}
	var out []Change
	for _, c := range m {
		if c.Before != c.After || c.WasValidated != c.IsValidated {
			out = append(out, *c)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].PersonID != out[j].PersonID {
			return out[i].PersonID < out[j].PersonID
		}
		return out[i].CompetenceID < out[j].CompetenceID
	})
	return out
}
