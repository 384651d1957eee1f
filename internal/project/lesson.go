package project

import (
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/core"
)

// LessonStatus is where a lesson is in its review cycle.
type LessonStatus string

const (
	LessonDraft     LessonStatus = "draft"
	LessonInReview  LessonStatus = "in_review"
	LessonPublished LessonStatus = "published"
)

// Visibility says who may read a published lesson.
type Visibility string

const (
	VisTeam      Visibility = "team"         // the author's team (and its lead)
	VisOrg       Visibility = "organisation" // everyone in the organisation
	VisCommunity Visibility = "community"    // every organisation on the platform (opt-in)
)

// Visibilities lists them from narrow to wide.
var Visibilities = []Visibility{VisTeam, VisOrg, VisCommunity}

// Valid reports whether v is known.
func (v Visibility) Valid() bool { return v == VisTeam || v == VisOrg || v == VisCommunity }

// Lesson is a lesson learned: a structured article in nl or en Markdown.
// Every saved change is a new version; the lesson shows the latest.
type Lesson struct {
	ID        string
	OrgID     string
	AuthorID  string
	TeamID    string // the author's team when written; VisTeam means this team
	ProjectID string // optional
	Lang      string // "nl" or "en"
	Title     string
	Situation string // the situation
	Happened  string // what happened
	Cause     string // the cause
	Learned   string // what we learned
	NextTime  string // what to do next time
	Status    LessonStatus
	// Visibility once published. VisCommunity is the opt-in to the
	// community space; NamePeople and NameOrg say whether readers in other
	// organisations see who wrote it and where.
	Visibility  Visibility
	NamePeople  bool
	NameOrg     bool
	ReviewerID  string
	ReviewNote  string
	ReviewedAt  time.Time
	PublishedAt time.Time
	Version     int
	Helped      int // "this helped me" count
	Competences []string
	Places      []Place
	CreatedAt   time.Time
	UpdatedAt   time.Time

	// Filled by queries.
	AuthorName   string
	OrgName      string
	ReviewerName string
	ProjectTitle string
}

// Place links a lesson to a place (machine, workstation, area) of the
// catalogue. SiteID is copied from the place so that "new lessons where
// you work" needs no join into the catalogue.
type Place struct {
	PlaceID string
	SiteID  string
	Name    string // filled by queries when known
}

// Limits for lessons.
const (
	MaxLessonField = 20000
	MaxComment     = 2000
)

// Validate checks a lesson's content. Errors: EInvalid.
func (l *Lesson) Validate() error {
	var errs core.ValidationErrors
	for _, s := range []*string{&l.Title, &l.Situation, &l.Happened, &l.Cause, &l.Learned, &l.NextTime} {
		*s = strings.TrimSpace(*s)
	}
	if l.Lang != "nl" && l.Lang != "en" {
		errs = append(errs, core.Invalid("lang", "must be nl or en"))
	}
	if l.Title == "" || tooLong(l.Title, MaxTitle) {
		errs = append(errs, core.Invalid("title", "is required and at most %d characters", MaxTitle))
	}
	if l.Learned == "" {
		errs = append(errs, core.Invalid("learned", "say what we learned"))
	}
	for f, s := range map[string]string{"situation": l.Situation, "happened": l.Happened, "cause": l.Cause, "learned": l.Learned, "next_time": l.NextTime} {
		if tooLong(s, MaxLessonField) {
			errs = append(errs, core.Invalid(f, "is at most %d characters", MaxLessonField))
		}
		if strings.ContainsRune(s, 0) {
			errs = append(errs, core.Invalid(f, "contains a NUL character"))
		}
	}
	if l.Visibility == "" {
		l.Visibility = VisOrg
	}
	if !l.Visibility.Valid() {
		errs = append(errs, core.Invalid("visibility", "must be team, organisation or community"))
	}
	if l.ProjectID != "" && !core.ValidID(l.ProjectID) {
		errs = append(errs, core.Invalid("project_id", "is not a valid id"))
	}
	if len(l.Competences) > 30 || len(l.Places) > 30 {
		errs = append(errs, core.Invalid("competences", "at most 30 competences and 30 places"))
	}
	for _, c := range l.Competences {
		if !core.ValidID(c) {
			errs = append(errs, core.Invalid("competences", "is not a valid id"))
			break
		}
	}
	for _, p := range l.Places {
		if !core.ValidID(p.PlaceID) || p.SiteID != "" && !core.ValidID(p.SiteID) {
			errs = append(errs, core.Invalid("places", "is not a valid id"))
			break
		}
	}
	return errs.Err()
}

// Text returns the lesson's words in one string, for search.
func (l *Lesson) Text() string {
	return strings.Join([]string{l.Situation, l.Happened, l.Cause, l.Learned, l.NextTime}, "\n\n")
}

// Anonymised returns what a reader in viewerOrgID may see: readers in
// other organisations see the author and the organisation only when the
// author chose to name them.
func (l *Lesson) Anonymised(viewerOrgID string) *Lesson {
	c := *l
	if viewerOrgID == l.OrgID {
		return &c
	}
	if !l.NamePeople {
		c.AuthorID, c.AuthorName, c.ReviewerID, c.ReviewerName = "", "", "", ""
	}
	if !l.NameOrg {
		c.OrgName = ""
	}
	// Internal links mean nothing outside the organisation.
	c.TeamID, c.ProjectID, c.ProjectTitle, c.ReviewNote = "", "", "", ""
	c.Places = nil
	return &c
}

// Version is a saved state of a lesson.
type Version struct {
	LessonID  string
	Version   int
	Title     string
	Situation string
	Happened  string
	Cause     string
	Learned   string
	NextTime  string
	EditedBy  string
	CreatedAt time.Time

	EditorName string
}

// Comment is a reader's comment on a published lesson. Readers from other
// organisations comment on community lessons; their name is shown only to
// their own organisation.
type Comment struct {
	ID          string
	LessonID    string
	AuthorOrgID string
	AuthorID    string
	Body        string
	CreatedAt   time.Time

	AuthorName string
	OrgName    string
}

// Validate checks a comment. Errors: EInvalid.
func (c *Comment) Validate() error {
	c.Body = strings.TrimSpace(c.Body)
	if c.Body == "" || tooLong(c.Body, MaxComment) {
		return core.Invalid("body", "is required and at most %d characters", MaxComment)
	}
	return nil
}

// Image is a picture used in a lesson's Markdown as ![](/lessons/ID/images/IMG).
type Image struct {
	ID          string
	LessonID    string
	ContentType string
	Size        int
	Name        string
	Data        []byte
	CreatedAt   time.Time
}

// MaxImageBytes bounds one lesson image.
const MaxImageBytes = 5 << 20

// SniffImage returns "image/png" or "image/jpeg" by content, or "".
// Other formats (SVG with scripts, GIF) are refused.
func SniffImage(b []byte) string {
	switch {
	case len(b) >= 8 && string(b[:8]) == "\x89PNG\r\n\x1a\n":
		return "image/png"
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return "image/jpeg"
	}
	return ""
}

// Reader is what the rules need to know about someone reading a lesson.
type Reader struct {
	Principal core.Principal
	TeamID    string // the reader's team
}

// CanRead says whether the reader may read l. Drafts and lessons in review
// are for the author and the organisation's reviewers; published ones by
// visibility: team (the author's team, its lead and reviewers),
// organisation, or community (everyone on the platform).
func CanRead(rd Reader, l *Lesson, leadsTeam bool) bool {
	p := rd.Principal
	sameOrg := p.OrgID == l.OrgID
	if l.Status != LessonPublished {
		return sameOrg && (p.PersonID == l.AuthorID || l.Status == LessonInReview && CanReview(p))
	}
	switch l.Visibility {
	case VisCommunity:
		return true
	case VisOrg:
		return sameOrg
	case VisTeam:
		return sameOrg && (p.PersonID == l.AuthorID || l.TeamID != "" && (rd.TeamID == l.TeamID || leadsTeam) || CanReview(p))
	}
	return false
}

// CanReview: experts review and publish lessons (and L&D, and the admin).
func CanReview(p core.Principal) bool {
	return p.HasAny(core.RoleExpert, core.RoleLearning)
}

// CanEdit: the author edits their draft or a lesson sent back; reviewers
// edit anything of their organisation (a new version either way).
func CanEdit(p core.Principal, l *Lesson) bool {
	if p.OrgID != l.OrgID {
		return false
	}
	return p.PersonID == l.AuthorID && l.Status != LessonInReview || CanReview(p)
}

// LessonAction is a step in the review cycle.
type LessonAction string

const (
	Submit   LessonAction = "submit"   // author: draft → in review
	Publish  LessonAction = "publish"  // reviewer: in review → published
	SendBack LessonAction = "sendback" // reviewer: in review → draft, with a note
	Withdraw LessonAction = "withdraw" // author or reviewer: published → draft
)

// Transition returns the status after act, or an error. A reviewer never
// publishes their own lesson: someone else must review it.
// Errors: EForbidden, EConflict (wrong state).
func Transition(p core.Principal, l *Lesson, act LessonAction) (LessonStatus, error) {
	if p.OrgID != l.OrgID {
		return "", core.ErrNotFound
	}
	wrong := &core.Error{Code: core.EConflict, Message: "the lesson is not in a state for this", Key: "lesson.wrong_state"}
	switch act {
	case Submit:
		if p.PersonID != l.AuthorID && !CanReview(p) {
			return "", core.Forbidden("submit this lesson")
		}
		if l.Status != LessonDraft {
			return "", wrong
		}
		return LessonInReview, nil
	case Publish, SendBack:
		if !CanReview(p) {
			return "", core.Forbidden("review lessons")
		}
		if act == Publish && p.PersonID == l.AuthorID {
			return "", &core.Error{Code: core.EForbidden, Message: "someone else must review your lesson", Key: "lesson.own_review"}
		}
		if l.Status != LessonInReview {
			return "", wrong
		}
		if act == Publish {
			return LessonPublished, nil
		}
		return LessonDraft, nil
	case Withdraw:
		if p.PersonID != l.AuthorID && !CanReview(p) {
			return "", core.Forbidden("withdraw this lesson")
		}
		if l.Status != LessonPublished {
			return "", wrong
		}
		return LessonDraft, nil
	}
	return "", core.Invalid("action", "unknown action %q", act)
}
