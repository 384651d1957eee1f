package competence

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bakenhq/baken/internal/core"
)

// Kind says where a piece of evidence comes from.
type Kind string

const (
	SelfAssessment Kind = "self_assessment" // the person's own judgement
	Validation     Kind = "validation"      // the team lead's judgement
	Assessment     Kind = "assessment"      // an assessor's judgement
	Learning       Kind = "learning"        // completed learning (course, module, xAPI)
	Quiz           Kind = "quiz"            // a quiz or test result
	Lab            Kind = "lab"             // a lab result
	Project        Kind = "project"         // project work
	Certificate    Kind = "certificate"     // a certificate, often with an expiry date
)

// Kinds lists every kind in the order the UI shows them.
var Kinds = []Kind{SelfAssessment, Validation, Assessment, Learning, Quiz, Lab, Project, Certificate}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Validated reports whether evidence of this kind counts as validated:
// everything except the person's own self-assessment.
func (k Kind) Validated() bool { return k.Valid() && k != SelfAssessment }

// Judgement reports whether this kind is a person's judgement of the level
// (a team lead's validation or an assessor's assessment). A judgement sets
// the level, also downwards; other validated evidence can only raise it.
func (k Kind) Judgement() bool { return k == Validation || k == Assessment }

// Attachment limits.
const (
	MaxAttachmentBytes = 5 << 20
)

// AttachmentTypes are the content types an attachment may have.
var AttachmentTypes = map[string]bool{
	"application/pdf": true, "image/png": true, "image/jpeg": true, "image/webp": true,
}

// Attachment is a file proving the evidence: a certificate scan, a photo
// of the work.
type Attachment struct {
	Name        string
	ContentType string
	Size        int
	Data        []byte // only when read explicitly
}

// Evidence is one fact about a person's level in a competence. Evidence is
// never changed or deleted: a correction is new evidence, which keeps the
// full history of who said what, when.
type Evidence struct {
	ID           string
	OrgID        string
	PersonID     string
	CompetenceID string
	Level        int
	Kind         Kind
	RecordedBy   string // person id; "" for the system (e.g. an xAPI rule)
	RecordedAt   time.Time
	ValidUntil   time.Time // zero: does not expire
	Note         string
	CampaignID   string // set when recorded in a review campaign
	Attachment   *Attachment

	// Filled by queries.
	RecordedByName string
	PersonName     string
}

// Validate checks evidence against the organisation's scale. Errors: EInvalid.
func (e *Evidence) Validate(scale Scale) error {
	var errs core.ValidationErrors
	e.Note = strings.TrimSpace(e.Note)
	if !core.ValidID(e.PersonID) {
		errs = append(errs, core.Invalid("person_id", "is not a valid id"))
	}
	if !core.ValidID(e.CompetenceID) {
		errs = append(errs, core.Invalid("competence_id", "is not a valid id"))
	}
	if e.RecordedBy != "" && !core.ValidID(e.RecordedBy) {
		errs = append(errs, core.Invalid("recorded_by", "is not a valid id"))
	}
	if e.CampaignID != "" && !core.ValidID(e.CampaignID) {
		errs = append(errs, core.Invalid("campaign_id", "is not a valid id"))
	}
	if !e.Kind.Valid() {
		errs = append(errs, core.Invalid("kind", "unknown kind %q", e.Kind))
	}
	if !scale.Valid(e.Level) {
		errs = append(errs, core.Invalid("level", "must be between 0 and %d", scale.Max()))
	}
	if !e.ValidUntil.IsZero() && !e.RecordedAt.IsZero() && !e.ValidUntil.After(e.RecordedAt) {
		errs = append(errs, core.Invalid("valid_until", "must be after the date it was recorded"))
	}
	if utf8.RuneCountInString(e.Note) > 2000 {
		errs = append(errs, core.Invalid("note", "is at most 2000 characters"))
	}
	if a := e.Attachment; a != nil {
		a.Size = len(a.Data)
		if a.Size > MaxAttachmentBytes {
			errs = append(errs, &core.Error{Code: core.ETooLarge, Field: "attachment", Message: "is larger than 5 MB"})
		}
		if !AttachmentTypes[a.ContentType] {
			errs = append(errs, core.Invalid("attachment", "must be a PDF or an image (PNG, JPEG, WebP)"))
		}
		if a.Name == "" || utf8.RuneCountInString(a.Name) > 200 {
			errs = append(errs, core.Invalid("attachment", "needs a file name of at most 200 characters"))
		}
	}
	return errs.Err()
}
