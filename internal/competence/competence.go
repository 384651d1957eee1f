// Package competence holds Baken's competence model: frameworks (ESCO,
// DigComp, an organisation's own), the competences an organisation keeps in
// its catalogue, proficiency scales, role profiles, evidence, review
// campaigns, and the one place where a person's current level is derived
// from evidence (current.go). It imports only the standard library and
// internal/core.
package competence

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bakenhq/baken/internal/core"
)

// Framework names where a competence comes from.
type Framework string

const (
	// ESCO is the European Skills, Competences, Qualifications and
	// Occupations classification, held once for the whole platform.
	ESCO Framework = "esco"
	// DigComp is the European digital competence framework (3.0).
	DigComp Framework = "digcomp"
	// Own is a competence an organisation defined itself.
	Own Framework = "own"
)

// Valid reports whether f is a known framework.
func (f Framework) Valid() bool { return f == ESCO || f == DigComp || f == Own }

// ESCOAttribution is the statement the ESCO terms of use require wherever
// ESCO data is shown, by UI language.
var ESCOAttribution = map[string]string{
	"en": "This service uses the ESCO classification of the European Commission.",
	"nl": "Deze dienst maakt gebruik van de ESCO-classificatie van de Europese Commissie.",
}

// Layer says whether a competence belongs to the fundamental skills a
// factory has always needed or to the new layer (automation,
// digitalisation, Industry 4.0).
type Layer string

const (
	Fundamental Layer = "fundamental"
	New         Layer = "new"
)

// Valid reports whether l is a known layer.
func (l Layer) Valid() bool { return l == Fundamental || l == New }

// Competence is one entry of an organisation's catalogue: its own, or one
// it picked from ESCO or DigComp. A picked competence keeps a copy of the
// framework's names so that the organisation may adapt them; Modified is
// true once its names or descriptions differ from the framework's, and the
// UI then marks it "modified" as the ESCO terms of use require.
type Competence struct {
	ID            string
	OrgID         string
	Framework     Framework
	SourceRef     string // ESCO skill URI or DigComp competence code; "" for own
	NameNL        string
	NameEN        string
	DescriptionNL string
	DescriptionEN string
	Category      string
	Layer         Layer
	Modified      bool
	Active        bool
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Name returns the name in lang, falling back to the other language.
func (c *Competence) Name(lang string) string { return pick(lang, c.NameNL, c.NameEN) }

// Description returns the description in lang, falling back to the other.
func (c *Competence) Description(lang string) string {
	return pick(lang, c.DescriptionNL, c.DescriptionEN)
}

func pick(lang, nl, en string) string {
	if lang == "nl" && nl != "" || en == "" {
		return nl
	}
	return en
}

// Validate checks and normalises a competence before it is stored.
// Errors: EInvalid.
func (c *Competence) Validate() error {
	var errs core.ValidationErrors
	c.NameNL = strings.TrimSpace(c.NameNL)
	c.NameEN = strings.TrimSpace(c.NameEN)
	c.DescriptionNL = strings.TrimSpace(c.DescriptionNL)
	c.DescriptionEN = strings.TrimSpace(c.DescriptionEN)
	c.Category = strings.TrimSpace(c.Category)
	c.SourceRef = strings.TrimSpace(c.SourceRef)
	if c.Framework == "" {
		c.Framework = Own
	}
	if c.Layer == "" {
		c.Layer = Fundamental
	}
	if !c.Framework.Valid() {
		errs = append(errs, core.Invalid("framework", "must be esco, digcomp or own"))
	}
	if c.Framework == Own && c.SourceRef != "" && !strings.HasPrefix(c.SourceRef, "http://data.europa.eu/esco/skill/") {
		errs = append(errs, core.Invalid("source_ref", "an own competence may only link to an ESCO skill URI"))
	}
	if c.Framework != Own && c.SourceRef == "" {
		errs = append(errs, core.Invalid("source_ref", "is required for a competence taken from a framework"))
	}
	if c.NameNL == "" && c.NameEN == "" {
		errs = append(errs, core.Invalid("name", "is required in Dutch or English"))
	}
	for field, v := range map[string]string{"name_nl": c.NameNL, "name_en": c.NameEN, "category": c.Category} {
		if utf8.RuneCountInString(v) > 300 {
			errs = append(errs, core.Invalid(field, "is at most 300 characters"))
		}
	}
	for field, v := range map[string]string{"description_nl": c.DescriptionNL, "description_en": c.DescriptionEN} {
		if utf8.RuneCountInString(v) > 5000 {
			errs = append(errs, core.Invalid(field, "is at most 5000 characters"))
		}
	}
	if !c.Layer.Valid() {
		errs = append(errs, core.Invalid("layer", "must be fundamental or new"))
	}
	return errs.Err()
}

// ESCOLinked reports whether the competence derives from an ESCO skill:
// either picked from ESCO or an own competence linked to one.
func (c *Competence) ESCOLinked() bool {
	return strings.HasPrefix(c.SourceRef, "http://data.europa.eu/esco/")
}

// DiffersFrom reports whether the competence's texts differ from the
// framework source's, which is what makes it "modified". An empty Dutch
// text taken over from a source that had none is not a change.
func (c *Competence) DiffersFrom(nameNL, nameEN, descNL, descEN string) bool {
	return c.NameNL != strings.TrimSpace(nameNL) || c.NameEN != strings.TrimSpace(nameEN) ||
		c.DescriptionNL != strings.TrimSpace(descNL) || c.DescriptionEN != strings.TrimSpace(descEN)
}

// Filter narrows a catalogue listing. Zero values mean "any".
type Filter struct {
	Query     string // matches names in both languages
	Layer     Layer
	Category  string
	Framework Framework
	IDs       []string
	Limit     int // default 100, at most 1000
	Offset    int
}

// Normalise clamps the paging values.
func (f *Filter) Normalise() {
	f.Query = strings.TrimSpace(f.Query)
	if f.Limit <= 0 {
		f.Limit = 100
	}
	if f.Limit > 1000 {
		f.Limit = 1000
	}
	if f.Offset < 0 {
		f.Offset = 0
	}
}
