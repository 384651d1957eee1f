// Package search is Baken's one search engine: learning items, competences
// (with ESCO labels and alt labels in both languages), places, people, sites
// and teams, found by one query box in Dutch or English, with stemming,
// prefixes while typing, small typos and facets.
//
// The engine is an inverted index of its own, held in memory and kept in the
// database (tables search_docs and search_seq, the same SQL on SQLite and
// PostgreSQL) so that every node loads the same index and follows the
// others' writes through a change counter. Because the engine runs in Go and
// not in SQL, the search behaves identically on both engines by
// construction.
//
// Tenancy: every document belongs to an organisation ("" for platform-wide
// documents such as ESCO competences) and carries a visibility. Every query
// carries a Scope; a document is returned only when the scope may see it
// (see Scope.visible). The in-memory index is partitioned by organisation,
// so a query never even walks another organisation's private postings.
//
// The package imports the standard library, the Snowball stemmers and
// x/text; persistence is reached through the Store interface, which
// internal/store implements.
package search

import (
	"strings"
	"unicode/utf8"

	"github.com/bakenhq/baken/internal/core"
)

// Kind is the kind of thing a document describes. Later kinds (open
// courses, labs, lessons learned) are simply new Kind values.
type Kind string

const (
	KindLearning   Kind = "learning"   // a learning item (instruction, course, lab, ...)
	KindCompetence Kind = "competence" // a competence, e.g. an ESCO skill
	KindPlace      Kind = "place"      // a machine, workstation or area
	KindPerson     Kind = "person"
	KindSite       Kind = "site"
	KindTeam       Kind = "team"
)

// Visibility says who beyond the owning organisation may find a document.
type Visibility string

const (
	VisOrg      Visibility = "org"      // the owning organisation only
	VisPartners Visibility = "partners" // the owner and its partner organisations
	VisPublic   Visibility = "public"   // every organisation on the platform
)

// Label is another name of a document: a translation of the title, an ESCO
// alt label, a code. Labels rank between the title and the body.
type Label struct {
	Lang string `json:"lang,omitempty"` // "nl", "en" or "" when not bound to a language
	Text string `json:"text"`
	// Title marks the label as the document's title in Lang: results show
	// it to a user who searches in that language.
	Title bool `json:"title,omitempty"`
}

// Doc is one searchable document. Kind and ID identify it within its
// organisation; callers own the ID space of their kind.
type Doc struct {
	Kind       Kind
	ID         string
	OrgID      string // "" = platform-wide (e.g. ESCO competences)
	Visibility Visibility
	Lang       string // language of Title and Body: "nl", "en" or "" (both/unknown)
	Title      string
	Body       string // plain text or Markdown; only words matter
	Labels     []Label
	// Facet values.
	Type        string   // sub-type shown in the type facet (e.g. "instruction"); defaults to Kind
	Competences []string // competence ids the item develops or the place needs
	Minutes     int      // duration in minutes, 0 = not applicable
	SiteID      string
	// Boost is the static score in [0,1] (popularity, curation). Among
	// equally good text matches a higher boost ranks first.
	Boost float64
	URL   string // where the result links to
	// Audience narrows an organisation-visible document to some of the
	// organisation's people: a scope finds it only when it holds one of
	// these keys (Scope.Keys), e.g. "team:ID" for a lesson shared with a
	// team. Empty: everyone the visibility admits. The keys mean nothing
	// to the engine; the area that writes the document and the one that
	// fills the scope agree on them.
	Audience []string
}

// Limits on what a document may hold, so one document cannot bloat the
// index for everyone.
const (
	maxTitle  = 500
	maxBody   = 200_000
	maxLabels = 200
	maxQuery  = 500
	// maxAudience bounds the keys of one document.
	maxAudience = 50
)

// Validate checks a document before it is indexed. Errors: EInvalid.
func (d *Doc) Validate() error {
	var errs core.ValidationErrors
	d.Title = strings.TrimSpace(d.Title)
	if d.Type == "" {
		d.Type = string(d.Kind)
	}
	if d.Visibility == "" {
		d.Visibility = VisOrg
	}
	if d.OrgID == "" {
		// Platform-wide documents are visible to everyone by definition.
		d.Visibility = VisPublic
	}
	if d.Kind == "" || len(d.Kind) > 40 || strings.ContainsAny(string(d.Kind), " \x00") {
		errs = append(errs, core.Invalid("kind", "is required"))
	}
	if d.ID == "" || len(d.ID) > 200 || strings.ContainsRune(d.ID, 0) {
		errs = append(errs, core.Invalid("id", "is required and at most 200 characters"))
	}
	switch d.Visibility {
	case VisOrg, VisPartners, VisPublic:
	default:
		errs = append(errs, core.Invalid("visibility", "must be org, partners or public"))
	}
	switch d.Lang {
	case "", "nl", "en":
	default:
		errs = append(errs, core.Invalid("lang", "must be nl, en or empty"))
	}
	if d.Title == "" || utf8.RuneCountInString(d.Title) > maxTitle {
		errs = append(errs, core.Invalid("title", "is required and at most %d characters", maxTitle))
	}
	if len(d.Body) > maxBody {
		errs = append(errs, core.Invalid("body", "is at most %d bytes for search", maxBody))
	}
	if len(d.Labels) > maxLabels {
		errs = append(errs, core.Invalid("labels", "at most %d", maxLabels))
	}
	if d.Boost < 0 || d.Boost > 1 || d.Boost != d.Boost {
		errs = append(errs, core.Invalid("boost", "must be between 0 and 1"))
	}
	if len(d.Audience) > 0 && (d.OrgID == "" || d.Visibility != VisOrg) {
		errs = append(errs, core.Invalid("audience", "narrows organisation-visible documents only"))
	}
	if len(d.Audience) > maxAudience {
		errs = append(errs, core.Invalid("audience", "at most %d keys", maxAudience))
	}
	for _, k := range d.Audience {
		if k == "" || len(k) > 200 || strings.ContainsAny(k, " \t\n\x00") {
			errs = append(errs, core.Invalid("audience", "keys are 1 to 200 characters without spaces"))
			break
		}
	}
	if d.Minutes < 0 {
		errs = append(errs, core.Invalid("minutes", "must not be negative"))
	}
	return errs.Err()
}

// Scope is who is searching: the organisation and the partners whose
// partner-visible documents it may see. The web layer fills it from the
// signed-in principal and the partnerships table; never from user input.
type Scope struct {
	OrgID         string
	PartnerOrgIDs []string
	// Keys are what the searcher holds for documents with an Audience
	// ("team:ID" for their team, ...). Without a matching key such a
	// document is never found, so a scope that leaves Keys empty sees
	// only what its whole organisation may see.
	Keys []string
}

// Filters narrow a query by facet values. Within one facet the values are
// alternatives (OR); across facets all must hold (AND).
type Filters struct {
	Type       []string
	Competence []string
	Lang       []string
	Duration   []string // duration buckets, see DurationBucket
	Site       []string
}

// Query is what a user asked.
type Query struct {
	Text string
	Lang string // the user's language: picks the title shown; both languages are searched
	// Exact turns off the prefix match of the last word (results while
	// typing leave it false).
	Exact   bool
	Filters Filters
	// Facets asks for facet counts, which need every match and cost more
	// than a top-k; the results-while-typing box leaves it false.
	Facets bool
	Limit  int // default 20, at most 100
	Offset int // at most 1000
}

// Result is one hit.
type Result struct {
	Kind    Kind
	ID      string
	OrgID   string
	Type    string
	Lang    string
	Title   string // in the query's language when the document has it
	Snippet string
	URL     string
	Score   float64
}

// FacetValue is one value of a facet with the number of matches that have
// it (ignoring the filter on this same facet, so that alternatives stay
// visible).
type FacetValue struct {
	Value    string
	Label    string // display name where the index knows one (competences)
	Count    int
	Selected bool
}

// Facet names.
const (
	FacetType       = "type"
	FacetCompetence = "competence"
	FacetLang       = "lang"
	FacetDuration   = "duration"
	FacetSite       = "site"
)

// FacetNames lists the facets in display order.
var FacetNames = []string{FacetType, FacetCompetence, FacetLang, FacetDuration, FacetSite}

// Results is the answer to a query.
type Results struct {
	Hits []Result
	// Total is the number of matches when facets were asked for;
	// otherwise -1 (top-k stops early and does not count).
	Total int
	// More reports that counting stopped at Total (10,000) matches: there
	// are more, and the facet counts are those of the best Total matches.
	// The hits are exact either way.
	More   bool
	Facets map[string][]FacetValue
}

// Duration buckets.
const (
	Dur5   = "le5"   // up to 5 minutes (just-in-time)
	Dur15  = "le15"  // 6–15 minutes
	Dur60  = "le60"  // 16–60 minutes
	Dur240 = "le240" // 1–4 hours
	DurDay = "gt240" // longer
)

// DurationBucket returns the facet value for a duration, "" for none.
func DurationBucket(minutes int) string {
	switch {
	case minutes <= 0:
		return ""
	case minutes <= 5:
		return Dur5
	case minutes <= 15:
		return Dur15
	case minutes <= 60:
		return Dur60
	case minutes <= 240:
		return Dur240
	}
	return DurDay
}
