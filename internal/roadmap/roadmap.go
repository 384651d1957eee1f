// Package roadmap holds the beacon: the objectives management sets, the
// technology and change roadmap that serves them, and the competence
// demand each roadmap item creates (competence, level, number of people,
// by which date, where). It holds the validation and the rules of who may
// see and change what; the gap between that demand and the people's
// current levels is computed in internal/gap. It imports only the standard
// library and Baken's domain packages.
package roadmap

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
)

// Objective is something management wants to achieve within a horizon
// ("Halve the set-up time in the CNC park by 2028").
type Objective struct {
	ID            string
	OrgID         string
	TitleNL       string
	TitleEN       string
	DescriptionNL string
	DescriptionEN string
	OwnerID       string    // person responsible; optional
	Horizon       time.Time // date by which it should be reached
	CreatedAt     time.Time
	UpdatedAt     time.Time

	// Filled by queries.
	OwnerName string
}

// Title returns the title in lang, falling back to the other language.
func (o *Objective) Title(lang string) string { return pick(lang, o.TitleNL, o.TitleEN) }

// Description returns the description in lang.
func (o *Objective) Description(lang string) string {
	return pick(lang, o.DescriptionNL, o.DescriptionEN)
}

func pick(lang, nl, en string) string {
	if lang == "nl" && nl != "" || en == "" {
		return nl
	}
	return en
}

// Validate checks and normalises an objective. Errors: EInvalid.
func (o *Objective) Validate() error {
	var errs core.ValidationErrors
	o.TitleNL, o.TitleEN = strings.TrimSpace(o.TitleNL), strings.TrimSpace(o.TitleEN)
	o.DescriptionNL, o.DescriptionEN = strings.TrimSpace(o.DescriptionNL), strings.TrimSpace(o.DescriptionEN)
	if o.TitleNL == "" && o.TitleEN == "" {
		errs = append(errs, core.Invalid("title", "is required in Dutch or English"))
	}
	errs = append(errs, lengths(map[string]string{"title_nl": o.TitleNL, "title_en": o.TitleEN}, 300)...)
	errs = append(errs, lengths(map[string]string{"description_nl": o.DescriptionNL, "description_en": o.DescriptionEN}, 5000)...)
	if o.OwnerID != "" && !core.ValidID(o.OwnerID) {
		errs = append(errs, core.Invalid("owner_id", "is not a valid id"))
	}
	if o.Horizon.IsZero() {
		errs = append(errs, core.Invalid("horizon", "is required"))
	}
	return errs.Err()
}

func lengths(fields map[string]string, max int) core.ValidationErrors {
	var errs core.ValidationErrors
	for _, f := range []string{"title_nl", "title_en", "description_nl", "description_en", "why_nl", "why_en"} {
		if v, ok := fields[f]; ok && utf8.RuneCountInString(v) > max {
			errs = append(errs, core.Invalid(f, "is at most %d characters", max))
		}
	}
	return errs
}

// Kind says whether a roadmap item introduces a technology or changes the
// way of working.
type Kind string

const (
	Technology Kind = "technology"
	Change     Kind = "change"
)

// Status is how far a roadmap item is.
type Status string

const (
	Planned    Status = "planned"
	InProgress Status = "in_progress"
	Done       Status = "done"
	Cancelled  Status = "cancelled"
)

// Statuses lists every status in the order the UI shows them.
var Statuses = []Status{Planned, InProgress, Done, Cancelled}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return s == Planned || s == InProgress || s == Done || s == Cancelled }

// Open reports whether the item still creates demand (planned or in
// progress).
func (s Status) Open() bool { return s == Planned || s == InProgress }

// Item is one entry of the roadmap: a technology or change, a target date,
// the sites and teams it affects, the objectives it serves and the
// competence demand it creates. Items start as drafts that only
// management sees; publishing makes them part of everyone's beacon.
type Item struct {
	ID           string
	OrgID        string
	TitleNL      string
	TitleEN      string
	WhyNL        string // why the company does this, in plain words
	WhyEN        string
	Kind         Kind
	TargetDate   time.Time // a date (midnight UTC)
	Status       Status
	Published    bool
	PublishedAt  time.Time
	SiteIDs      []string
	TeamIDs      []string
	ObjectiveIDs []string
	Demand       []Demand
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Title returns the item's title in lang.
func (it *Item) Title(lang string) string { return pick(lang, it.TitleNL, it.TitleEN) }

// Why returns the item's reason in lang.
func (it *Item) Why(lang string) string { return pick(lang, it.WhyNL, it.WhyEN) }

// Affects reports whether the item touches a person of teamID at siteID:
// the item names their team or site, or names no site or team at all
// (the whole company).
func (it *Item) Affects(teamID, siteID string) bool {
	if len(it.SiteIDs) == 0 && len(it.TeamIDs) == 0 {
		return true
	}
	for _, t := range it.TeamIDs {
		if t != "" && t == teamID {
			return true
		}
	}
	for _, s := range it.SiteIDs {
		if s != "" && s == siteID {
			return true
		}
	}
	for _, d := range it.Demand {
		if d.TeamID != "" && d.TeamID == teamID || d.SiteID != "" && d.SiteID == siteID {
			return true
		}
	}
	return false
}

// Demand is one line of a roadmap item's competence demand: People people
// at Level or above in the competence, by date By, at a site or in a team
// (neither: anywhere in the company).
type Demand struct {
	ID           string
	CompetenceID string
	Level        int
	People       int
	By           time.Time // date; zero on input means the item's target date
	SiteID       string
	TeamID       string

	// Filled by queries.
	Competence *competence.Competence
}

// MaxDemandLines bounds one item's demand.
const MaxDemandLines = 500

// Day truncates t to its date (midnight UTC), the unit roadmap dates use.
func Day(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// bad is an EInvalid error with a translation key; Args are the numbers
// the translated message shows.
func bad(field, key string, args []any, format string, fargs ...any) *core.Error {
	return &core.Error{Code: core.EInvalid, Field: field, Message: fmt.Sprintf(format, fargs...), Key: key, Args: args}
}

// Validate checks and normalises an item against the organisation's
// scale. today is the current date: a roadmap item still open may not
// have a target date or demand dates in the past. Errors: EInvalid, with
// a field per problem ("target_date", "demand.2.level", …).
func (it *Item) Validate(scale competence.Scale, today time.Time) error {
	return it.Problems(scale, today).Err()
}

// Problems is Validate's list of problems, one per field, each with a
// translation key, for forms that show them all.
func (it *Item) Problems(scale competence.Scale, today time.Time) core.ValidationErrors {
	var errs core.ValidationErrors
	today = Day(today)
	it.TitleNL, it.TitleEN = strings.TrimSpace(it.TitleNL), strings.TrimSpace(it.TitleEN)
	it.WhyNL, it.WhyEN = strings.TrimSpace(it.WhyNL), strings.TrimSpace(it.WhyEN)
	if it.TitleNL == "" && it.TitleEN == "" {
		errs = append(errs, bad("title", "roadmap.err.title", nil, "is required in Dutch or English"))
	}
	errs = append(errs, lengths(map[string]string{"title_nl": it.TitleNL, "title_en": it.TitleEN}, 300)...)
	errs = append(errs, lengths(map[string]string{"why_nl": it.WhyNL, "why_en": it.WhyEN}, 5000)...)
	if it.Kind == "" {
		it.Kind = Technology
	}
	if it.Kind != Technology && it.Kind != Change {
		errs = append(errs, core.Invalid("kind", "must be technology or change"))
	}
	if it.Status == "" {
		it.Status = Planned
	}
	if !it.Status.Valid() {
		errs = append(errs, core.Invalid("status", "must be planned, in_progress, done or cancelled"))
	}
	if it.TargetDate.IsZero() {
		errs = append(errs, bad("target_date", "roadmap.err.target_required", nil, "is required"))
	} else {
		it.TargetDate = Day(it.TargetDate)
		if it.Status.Open() && it.TargetDate.Before(today) {
			errs = append(errs, bad("target_date", "roadmap.err.target_past", nil, "is in the past: choose a date from today on, or mark the item done or cancelled"))
		}
	}
	for _, ids := range []struct {
		field string
		ids   *[]string
	}{{"site_ids", &it.SiteIDs}, {"team_ids", &it.TeamIDs}, {"objective_ids", &it.ObjectiveIDs}} {
		*ids.ids = dedupe(*ids.ids)
		for _, id := range *ids.ids {
			if !core.ValidID(id) {
				errs = append(errs, core.Invalid(ids.field, "%q is not a valid id", id))
			}
		}
	}
	if len(it.Demand) > MaxDemandLines {
		errs = append(errs, core.Invalid("demand", "an item has at most %d demand lines", MaxDemandLines))
	}
	for i := range it.Demand {
		errs = append(errs, it.Demand[i].validate(i, scale, today, it)...)
	}
	return errs
}

func (d *Demand) validate(i int, scale competence.Scale, today time.Time, it *Item) core.ValidationErrors {
	var errs core.ValidationErrors
	field := func(f string) string { return "demand." + itoa(i) + "." + f }
	row := []any{i + 1}
	if !core.ValidID(d.CompetenceID) {
		errs = append(errs, bad(field("competence_id"), "roadmap.err.competence", row, "choose a competence"))
	}
	switch {
	case d.Level < 1:
		errs = append(errs, bad(field("level"), "roadmap.err.level_low", row, "must be at least 1"))
	case d.Level > scale.Max():
		errs = append(errs, bad(field("level"), "roadmap.err.level_above", []any{i + 1, d.Level, scale.Max()},
			"level %d is above the organisation's scale, which goes up to %d", d.Level, scale.Max()))
	}
	switch {
	case d.People < 0:
		errs = append(errs, bad(field("people"), "roadmap.err.people_negative", row, "cannot be negative"))
	case d.People == 0:
		errs = append(errs, bad(field("people"), "roadmap.err.people_zero", row, "must be at least 1"))
	case d.People > 100000:
		errs = append(errs, bad(field("people"), "roadmap.err.people_many", row, "is at most 100000"))
	}
	if d.By.IsZero() {
		d.By = it.TargetDate
	}
	d.By = Day(d.By)
	if !d.By.IsZero() && it.Status.Open() && d.By.Before(today) {
		errs = append(errs, bad(field("by"), "roadmap.err.by_past", row, "is in the past: choose a date from today on"))
	}
	if d.SiteID != "" && d.TeamID != "" {
		errs = append(errs, bad(field("where"), "roadmap.err.where", row, "choose a site or a team, not both"))
	}
	if d.SiteID != "" && !core.ValidID(d.SiteID) {
		errs = append(errs, core.Invalid(field("site_id"), "is not a valid id"))
	}
	if d.TeamID != "" && !core.ValidID(d.TeamID) {
		errs = append(errs, core.Invalid(field("team_id"), "is not a valid id"))
	}
	return errs
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b [20]byte
	n := len(b)
	for i > 0 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	return string(b[n:])
}

func dedupe(ids []string) []string {
	seen := map[string]bool{}
	out := ids[:0]
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, id)
	}
	return out
}

// Diff names the fields that differ between two versions of an item, in a
// stable order, for the change history ("title", "target_date", "demand",
// "status", …). A nil old item means the item was created.
func Diff(old, cur *Item) []string {
	if old == nil {
		return []string{"created"}
	}
	var out []string
	add := func(cond bool, f string) {
		if cond {
			out = append(out, f)
		}
	}
	add(old.TitleNL != cur.TitleNL || old.TitleEN != cur.TitleEN, "title")
	add(old.WhyNL != cur.WhyNL || old.WhyEN != cur.WhyEN, "why")
	add(old.Kind != cur.Kind, "kind")
	add(!old.TargetDate.Equal(cur.TargetDate), "target_date")
	add(old.Status != cur.Status, "status")
	add(!sameSet(old.SiteIDs, cur.SiteIDs) || !sameSet(old.TeamIDs, cur.TeamIDs), "where")
	add(!sameSet(old.ObjectiveIDs, cur.ObjectiveIDs), "objectives")
	add(!sameDemand(old.Demand, cur.Demand), "demand")
	return out
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		m[x]--
		if m[x] < 0 {
			return false
		}
	}
	return true
}

func sameDemand(a, b []Demand) bool {
	if len(a) != len(b) {
		return false
	}
	key := func(d Demand) string {
		return d.CompetenceID + "|" + itoa(d.Level) + "|" + itoa(d.People) + "|" + d.By.Format("2006-01-02") + "|" + d.SiteID + "|" + d.TeamID
	}
	m := map[string]int{}
	for _, d := range a {
		m[key(d)]++
	}
	for _, d := range b {
		m[key(d)]--
		if m[key(d)] < 0 {
			return false
		}
	}
	return true
}

// HistoryEntry is one change to a roadmap item: who did it, when, and
// which fields changed. Public entries (made while the item was
// published, or its publication) are what staff see under "what changed
// since you last looked"; changes to drafts only management sees.
type HistoryEntry struct {
	ID       string
	ItemID   string
	At       time.Time
	ByID     string
	Fields   []string // from Diff, or "published" / "unpublished"
	Public   bool
	ByName   string // filled by queries
	ItemName string // filled by queries, in the reader's language
}

// Plan is one line of a person's development plan: reach TargetLevel in
// a competence by TargetDate, set by the team lead (or L&D), optionally
// for a roadmap item. The person sees it on their own page.
type Plan struct {
	ID           string
	OrgID        string
	PersonID     string
	CompetenceID string
	TargetLevel  int
	TargetDate   time.Time
	ItemID       string // optional roadmap item it serves
	Note         string
	Done         bool
	CreatedBy    string
	CreatedAt    time.Time

	// Filled by queries.
	PersonName     string
	CompetenceName string
}

// Validate checks a plan line. Errors: EInvalid.
func (p *Plan) Validate(scale competence.Scale, today time.Time) error {
	return p.Problems(scale, today).Err()
}

// Problems is Validate's list of problems.
func (p *Plan) Problems(scale competence.Scale, today time.Time) core.ValidationErrors {
	var errs core.ValidationErrors
	p.Note = strings.TrimSpace(p.Note)
	if !core.ValidID(p.PersonID) {
		errs = append(errs, bad("person_id", "roadmap.err.plan_person", nil, "choose a person"))
	}
	if !core.ValidID(p.CompetenceID) {
		errs = append(errs, bad("competence_id", "roadmap.err.plan_competence", nil, "choose a competence"))
	}
	if p.TargetLevel < 1 || p.TargetLevel > scale.Max() {
		errs = append(errs, bad("target_level", "roadmap.err.plan_level", []any{scale.Max()}, "must be between 1 and %d", scale.Max()))
	}
	if p.TargetDate.IsZero() {
		errs = append(errs, bad("target_date", "roadmap.err.target_required", nil, "is required"))
	} else if p.TargetDate = Day(p.TargetDate); !p.Done && p.TargetDate.Before(Day(today)) {
		errs = append(errs, bad("target_date", "roadmap.err.plan_past", nil, "is in the past: choose a date from today on"))
	}
	if p.ItemID != "" && !core.ValidID(p.ItemID) {
		errs = append(errs, core.Invalid("item_id", "is not a valid id"))
	}
	if utf8.RuneCountInString(p.Note) > 2000 {
		errs = append(errs, core.Invalid("note", "is at most 2000 characters"))
	}
	return errs
}

// Permissions.

// CanEdit: write objectives and roadmap items, see drafts and history of
// drafts, publish. Management, and the organisation admin.
func CanEdit(p core.Principal) bool { return p.HasAny(core.RoleManagement, core.RoleOrgAdmin) }

// CanViewDashboard: the company-wide gap dashboard and its exports.
// Management, L&D/HR and the organisation admin.
func CanViewDashboard(p core.Principal) bool {
	return p.HasAny(core.RoleManagement, core.RoleLearning, core.RoleOrgAdmin)
}

// CanPlan says whether p may write the development plan of a person:
// the person's team lead, or L&D.
func CanPlan(p core.Principal, leadsPerson bool) bool {
	return leadsPerson && p.Has(core.RoleTeamLead) || p.HasAny(core.RoleLearning)
}
