package openlearning

import (
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bakenhq/baken/internal/core"
)

// CourseDetail is what an open course has beyond a learning item's common
// fields (title, body, link, minutes, language, outcomes): who offers it,
// what it costs, whether it ends with a certificate, when it runs.
type CourseDetail struct {
	Provider    string // "TU Delft on edX", "Twentse Technische Universiteit"
	CostCents   int
	Currency    string
	Certificate bool
	Schedule    string // "self-paced", "starts 3 March 2027"
}

// Validate checks an open course's own fields.
func (d *CourseDetail) Validate() error {
	var errs core.ValidationErrors
	d.Provider, d.Schedule = strings.TrimSpace(d.Provider), strings.TrimSpace(d.Schedule)
	d.Currency = strings.ToUpper(strings.TrimSpace(d.Currency))
	if d.Currency == "" {
		d.Currency = "EUR"
	}
	if d.Provider == "" || utf8.RuneCountInString(d.Provider) > 200 {
		errs = append(errs, core.Invalid("provider", "is required and at most 200 characters"))
	}
	if d.CostCents < 0 || d.CostCents > 100_000_00 {
		errs = append(errs, core.Invalid("cost", "must be between 0 and 100000"))
	}
	if len(d.Currency) != 3 {
		errs = append(errs, core.Invalid("currency", "must be a three-letter code such as EUR"))
	}
	if utf8.RuneCountInString(d.Schedule) > 200 {
		errs = append(errs, core.Invalid("schedule", "is at most 200 characters"))
	}
	return errs.Err()
}

// Cost formats the price, "free" for nothing.
func (d *CourseDetail) Cost(lang string) string {
	if d.CostCents == 0 {
		if lang == "nl" {
			return "gratis"
		}
		return "free"
	}
	whole, cents := d.CostCents/100, d.CostCents%100
	sep := "."
	if lang == "nl" {
		sep = ","
	}
	if cents == 0 {
		return d.Currency + " " + itoa(whole)
	}
	c := itoa(cents)
	if cents < 10 {
		c = "0" + c
	}
	return d.Currency + " " + itoa(whole) + sep + c
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

// ValidCourseURL checks an open course's link: http or https only.
func ValidCourseURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// EnrolmentStatus is where a person is with a learning item.
type EnrolmentStatus string

const (
	Assigned  EnrolmentStatus = "assigned" // a team lead asked the person to take it
	Started   EnrolmentStatus = "started"
	Completed EnrolmentStatus = "completed"
	Dropped   EnrolmentStatus = "dropped"
)

// Enrolment is a person's enrolment in a learning item (their own
// organisation's or one a partner shares).
type Enrolment struct {
	ID          string
	OrgID       string
	PersonID    string
	ItemID      string
	ItemOrgID   string
	Status      EnrolmentStatus
	AssignedBy  string
	DueOn       time.Time // date; zero: no due date
	StartedAt   time.Time
	CompletedAt time.Time
	ProofURL    string
	ProofName   string // name of the uploaded certificate, kept as evidence attachment
	Note        string
	CreatedAt   time.Time
	UpdatedAt   time.Time

	// Filled by queries.
	PersonName, AssignedByName string
	ItemTitleNL, ItemTitleEN   string
	ItemType                   string
	ItemMinutes                int
	ItemURL                    string
	Partner                    string // the sharing organisation's name, for partner items
}

// ItemTitle returns the item's title in lang.
func (e *Enrolment) ItemTitle(lang string) string {
	if lang == "nl" && e.ItemTitleNL != "" || e.ItemTitleEN == "" {
		return e.ItemTitleNL
	}
	return e.ItemTitleEN
}

// Overdue reports whether an assigned or started enrolment is past its due
// date on the given day.
func (e *Enrolment) Overdue(today time.Time) bool {
	if e.DueOn.IsZero() || e.Status == Completed || e.Status == Dropped {
		return false
	}
	y, m, d := today.Date()
	return e.DueOn.Before(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// Open reports whether the person still has it to do.
func (e *Enrolment) Open() bool { return e.Status == Assigned || e.Status == Started }

// NeedsProof reports whether completing an item of type typ asks for a
// certificate or a link: external courses happen elsewhere, so Baken
// cannot see them finished.
func NeedsProof(typ string) bool { return typ == "open_course" || typ == "classroom" || typ == "lab" }
