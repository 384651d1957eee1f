// Package catalogue is Baken's learning catalogue: one kind of record, the
// learning item, for every way of learning (just-in-time instructions now;
// open courses, paths, classroom courses, labs, projects and lessons learned
// later), so that search, recommendations and evidence treat them alike.
// Each type's own fields live in a typed detail (Instruction for
// instructions) that the store keeps beside the common fields.
//
// It also holds places (machines, workstations, areas at a site) with the
// competences they need and the instructions that belong there, the rules
// for uploaded media, and who may do what. It imports only the standard
// library and core.
package catalogue

import (
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bakenhq/baken/internal/core"
)

// Type is the kind of learning item. New kinds are new values here (and,
// where they need fields of their own, a detail type); the table, search
// documents and evidence rules stay the same.
type Type string

const (
	Instruction Type = "instruction" // just-in-time instruction at a place
	OpenCourse  Type = "open_course" // a MOOC or partner course elsewhere
	Path        Type = "path"        // an ordered set of items
	Classroom   Type = "classroom"   // a (flipped) classroom course
	Lab         Type = "lab"         // a remote laboratory
	Project     Type = "project"     // learning by doing
	Lesson      Type = "lesson"      // a lesson learned
)

// Types lists every type in display order.
var Types = []Type{Instruction, OpenCourse, Path, Classroom, Lab, Project, Lesson}

// Valid reports whether t is a known type.
func (t Type) Valid() bool {
	for _, x := range Types {
		if x == t {
			return true
		}
	}
	return false
}

// Status is where an item is in its review cycle.
type Status string

const (
	Draft     Status = "draft"
	InReview  Status = "in_review"
	Published Status = "published"
	Archived  Status = "archived"
)

// Visibility says who beyond the owning organisation may see a published
// item. The values equal search.Visibility's.
type Visibility string

const (
	VisOrg      Visibility = "org"
	VisPartners Visibility = "partners"
	VisPublic   Visibility = "public"
)

// Valid reports whether v is known.
func (v Visibility) Valid() bool { return v == VisOrg || v == VisPartners || v == VisPublic }

// Outcome is a competence an item develops and the level a learner
// reaches with it.
type Outcome struct {
	CompetenceID string
	Level        int
	NameNL       string // filled by queries
	NameEN       string
}

// Name returns the competence's name in lang.
func (o Outcome) Name(lang string) string { return Pick(lang, o.NameNL, o.NameEN) }

// Limits of an item.
const (
	MaxTitle     = 200
	MaxBody      = 50_000
	MaxSteps     = 40
	MaxStepText  = 4_000
	MaxListItems = 30 // safety warnings, tools
	MaxMinutes   = 60 * 24 * 365
)

// Item is one learning item. Title and body exist in Dutch and/or English;
// Lang says which language(s) the content is in ("nl", "en" or "" for
// both).
type Item struct {
	ID          string
	OrgID       string
	Type        Type
	Status      Status
	Visibility  Visibility
	Lang        string
	TitleNL     string
	TitleEN     string
	BodyNL      string // Markdown
	BodyEN      string // Markdown
	Minutes     int
	URL         string // an outside link (open courses) or a video link
	Outcomes    []Outcome
	RoleIDs     []string // audience: role profiles
	TeamIDs     []string // audience: teams
	AuthorID    string
	ReviewerID  string
	Version     int
	CreatedAt   time.Time
	UpdatedAt   time.Time
	PublishedAt time.Time

	// Instruction holds the fields of an instruction (Type Instruction).
	Instruction *InstructionDetail

	// Filled by queries.
	AuthorName   string
	ReviewerName string
}

// Title returns the title in lang, else the other language's.
func (it *Item) Title(lang string) string { return Pick(lang, it.TitleNL, it.TitleEN) }

// Body returns the Markdown body in lang, else the other language's.
func (it *Item) Body(lang string) string { return Pick(lang, it.BodyNL, it.BodyEN) }

// Pick returns nl for lang "nl" and en otherwise, falling back to the
// other when the chosen one is empty.
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

// CompetenceIDs lists the competences the item develops.
func (it *Item) CompetenceIDs() []string {
	out := make([]string, 0, len(it.Outcomes))
	for _, o := range it.Outcomes {
		out = append(out, o.CompetenceID)
	}
	return out
}

// Validate checks an item and normalises its text. It does not check that
// referenced competences, role profiles and teams belong to the
// organisation: the store does. Errors: EInvalid.
func (it *Item) Validate() error {
	var errs core.ValidationErrors
	it.TitleNL, it.TitleEN = strings.TrimSpace(it.TitleNL), strings.TrimSpace(it.TitleEN)
	it.BodyNL, it.BodyEN = strings.TrimSpace(it.BodyNL), strings.TrimSpace(it.BodyEN)
	it.URL = strings.TrimSpace(it.URL)
	if it.Visibility == "" {
		it.Visibility = VisOrg
	}
	if it.Status == "" {
		it.Status = Draft
	}
	if !it.Type.Valid() {
		errs = append(errs, core.Invalid("type", "unknown type %q", it.Type))
	}
	if !it.Visibility.Valid() {
		errs = append(errs, core.Invalid("visibility", "must be org, partners or public"))
	}
	switch it.Status {
	case Draft, InReview, Published, Archived:
	default:
		errs = append(errs, core.Invalid("status", "unknown status %q", it.Status))
	}
	if it.TitleNL == "" && it.TitleEN == "" {
		errs = append(errs, &core.Error{Code: core.EInvalid, Field: "title_nl", Message: "a title in Dutch or English is required", Key: "catalogue.err.title"})
	}
	for f, s := range map[string]string{"title_nl": it.TitleNL, "title_en": it.TitleEN} {
		if utf8.RuneCountInString(s) > MaxTitle || hasControl(s) {
			errs = append(errs, core.Invalid(f, "is at most %d characters, without control characters", MaxTitle))
		}
	}
	for f, s := range map[string]string{"body_nl": it.BodyNL, "body_en": it.BodyEN} {
		if len(s) > MaxBody || strings.ContainsRune(s, 0) {
			errs = append(errs, core.Invalid(f, "is at most %d bytes", MaxBody))
		}
	}
	// The content language follows the texts given.
	switch {
	case (it.TitleNL != "" || it.BodyNL != "") && (it.TitleEN != "" || it.BodyEN != ""):
		it.Lang = ""
	case it.TitleNL != "" || it.BodyNL != "":
		it.Lang = "nl"
	default:
		it.Lang = "en"
	}
	if it.Minutes < 0 || it.Minutes > MaxMinutes {
		errs = append(errs, core.Invalid("minutes", "must be between 0 and %d", MaxMinutes))
	}
	if it.URL != "" {
		if err := checkURL(it.URL); err != nil {
			errs = append(errs, core.Invalid("url", "%s", err.Error()))
		}
	}
	seen := map[string]bool{}
	for _, o := range it.Outcomes {
		if !core.ValidID(o.CompetenceID) || seen[o.CompetenceID] {
			errs = append(errs, core.Invalid("outcomes", "each competence once, with a valid id"))
			break
		}
		seen[o.CompetenceID] = true
		if o.Level < 1 || o.Level > 10 {
			errs = append(errs, core.Invalid("outcomes", "the level reached must be between 1 and the top of the scale"))
			break
		}
	}
	for f, ids := range map[string][]string{"roles": it.RoleIDs, "teams": it.TeamIDs} {
		for _, id := range ids {
			if !core.ValidID(id) {
				errs = append(errs, core.Invalid(f, "is not a valid id"))
				break
			}
		}
	}
	if it.Type == Instruction {
		if it.Instruction == nil {
			it.Instruction = &InstructionDetail{}
		}
		errs = append(errs, it.Instruction.validate()...)
	} else {
		it.Instruction = nil
	}
	return errs.Err()
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return true
		}
	}
	return false
}

// checkURL accepts absolute http(s) links only: a javascript: or data: URL
// in a link would run in the reader's browser.
func checkURL(s string) error {
	if len(s) > 2000 {
		return core.Errorf(core.EInvalid, "is at most 2000 characters")
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return core.Errorf(core.EInvalid, "must be an http or https link")
	}
	return nil
}

// InstructionDetail is what makes an instruction: short steps, each with
// an optional image or video (uploaded) or link, safety warnings and the
// tools needed.
type InstructionDetail struct {
	Steps    []Step   `json:"steps"`
	SafetyNL []string `json:"safety_nl,omitempty"`
	SafetyEN []string `json:"safety_en,omitempty"`
	ToolsNL  []string `json:"tools_nl,omitempty"`
	ToolsEN  []string `json:"tools_en,omitempty"`
}

// Safety returns the safety warnings in lang (else the other language).
func (d *InstructionDetail) Safety(lang string) []string {
	return pickList(lang, d.SafetyNL, d.SafetyEN)
}

// Tools returns the tools needed in lang (else the other language).
func (d *InstructionDetail) Tools(lang string) []string { return pickList(lang, d.ToolsNL, d.ToolsEN) }

func pickList(lang string, nl, en []string) []string {
	if lang == "nl" && len(nl) > 0 || len(en) == 0 {
		return nl
	}
	return en
}

// Step is one step of an instruction. TextNL/TextEN are Markdown.
type Step struct {
	TextNL  string `json:"text_nl,omitempty"`
	TextEN  string `json:"text_en,omitempty"`
	MediaID string `json:"media_id,omitempty"` // an uploaded image or video of the same organisation
	Link    string `json:"link,omitempty"`     // or a link to a video elsewhere
}

// Text returns the step's text in lang (else the other language).
func (s *Step) Text(lang string) string { return Pick(lang, s.TextNL, s.TextEN) }

func (d *InstructionDetail) validate() core.ValidationErrors {
	var errs core.ValidationErrors
	steps := d.Steps[:0]
	for _, s := range d.Steps {
		s.TextNL, s.TextEN, s.Link = strings.TrimSpace(s.TextNL), strings.TrimSpace(s.TextEN), strings.TrimSpace(s.Link)
		if s.TextNL == "" && s.TextEN == "" && s.MediaID == "" && s.Link == "" {
			continue // empty rows of the form
		}
		steps = append(steps, s)
	}
	d.Steps = steps
	if len(d.Steps) > MaxSteps {
		errs = append(errs, core.Invalid("steps", "at most %d steps", MaxSteps))
	}
	for _, s := range d.Steps {
		if len(s.TextNL) > MaxStepText || len(s.TextEN) > MaxStepText || strings.ContainsRune(s.TextNL+s.TextEN, 0) {
			errs = append(errs, core.Invalid("steps", "a step is at most %d bytes", MaxStepText))
			break
		}
		if s.MediaID != "" && !core.ValidID(s.MediaID) {
			errs = append(errs, core.Invalid("steps", "unknown photo or video"))
			break
		}
		if s.Link != "" {
			if err := checkURL(s.Link); err != nil {
				errs = append(errs, core.Invalid("steps", "a step's link %s", err.Error()))
				break
			}
		}
	}
	d.SafetyNL, d.SafetyEN = cleanList(d.SafetyNL), cleanList(d.SafetyEN)
	d.ToolsNL, d.ToolsEN = cleanList(d.ToolsNL), cleanList(d.ToolsEN)
	for f, l := range map[string][]string{"safety": append(d.SafetyNL, d.SafetyEN...), "tools": append(d.ToolsNL, d.ToolsEN...)} {
		if len(l) > 2*MaxListItems {
			errs = append(errs, core.Invalid(f, "at most %d lines per language", MaxListItems))
		}
		for _, s := range l {
			if utf8.RuneCountInString(s) > 300 || hasControl(s) {
				errs = append(errs, core.Invalid(f, "each line is at most 300 characters"))
				break
			}
		}
	}
	return errs
}

// cleanList trims lines and drops empty ones.
func cleanList(in []string) []string {
	var out []string
	for _, s := range in {
		for _, line := range strings.Split(s, "\n") {
			if line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "- ")); line != "" {
				out = append(out, line)
			}
		}
	}
	return out
}

// Lines splits a textarea into cleaned lines (one warning or tool a line).
func Lines(s string) []string { return cleanList([]string{s}) }

// MediaIDs lists the media an item's steps use.
func (it *Item) MediaIDs() []string {
	if it.Instruction == nil {
		return nil
	}
	var out []string
	for _, s := range it.Instruction.Steps {
		if s.MediaID != "" {
			out = append(out, s.MediaID)
		}
	}
	return out
}

// Version is one saved state of an item, kept for its history.
type Version struct {
	ItemID    string
	Version   int
	Status    Status
	SavedBy   string
	SavedAt   time.Time
	Note      string // what happened: "saved", "submitted", "published", "sent back: …"
	Snapshot  string // JSON of the item at that version
	SavedName string // filled by queries
}
