package xapi

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/store"
)

// PersonHomePage is the account home page of the agents that stand for
// Baken's people in its own statements: account name is the person's id.
const PersonHomePage = "https://baken.invalid/people"

// Common verbs Baken records for its own activities (ADL vocabulary).
const (
	VerbCompleted   = "http://adlnet.gov/expapi/verbs/completed"
	VerbExperienced = "http://adlnet.gov/expapi/verbs/experienced"
	VerbPassed      = "http://adlnet.gov/expapi/verbs/passed"
	VerbFailed      = "http://adlnet.gov/expapi/verbs/failed"
	VerbAttempted   = "http://adlnet.gov/expapi/verbs/attempted"
)

// Record is one learning event inside Baken (an instruction done, an item
// completed, a path finished) to be written to the organisation's LRS.
type Record struct {
	PersonID     string            // required
	PersonName   string            // optional
	Verb         string            // IRI, required
	VerbDisplay  map[string]string // language → word, optional
	ActivityID   string            // IRI, required
	ActivityName map[string]string // language → name, optional
	ActivityType string            // IRI, optional
	Scaled       *float64          // score -1…1, optional
	Completion   *bool
	Success      *bool
	Duration     time.Duration
	Registration string    // UUID, optional
	At           time.Time // when it happened; now when zero
}

// PersonAgent is the xAPI agent of a Baken person.
func PersonAgent(personID, name string) map[string]any {
	a := map[string]any{"objectType": "Agent", "account": map[string]any{"homePage": PersonHomePage, "name": personID}}
	if name != "" {
		a["name"] = name
	}
	return a
}

// bakenAuthority asserts the statements Baken records itself.
var bakenAuthority = map[string]any{"objectType": "Agent", "name": "Baken",
	"account": map[string]any{"homePage": DefaultAuthorityHomePage, "name": bakenAuthorityName}}

// bakenAuthorityName is the account name of Baken's own authority; LRS
// keys start with "lrs_", so no credential can take it.
const bakenAuthorityName = "baken"

// RecordStatement writes rec as an xAPI 2.0 statement into orgID's LRS,
// with Baken as authority, so that one record holds all of a person's
// learning. It returns the statement id. Errors: EInvalid when rec breaks
// an xAPI rule.
func RecordStatement(ctx context.Context, db *store.DB, orgID string, rec Record) (string, error) {
	m, err := rec.statement()
	if err != nil {
		return "", err
	}
	h := NewHandler(db, nil).(*Handler)
	cred := &Credential{ID: "baken", OrgID: orgID, Name: "Baken", Scopes: map[string]bool{ScopeAll: true}, Authority: bakenAuthority}
	ids, err := h.ingest(ctx, cred, V200, []map[string]any{m}, nil)
	if err != nil {
		if ve, ok := err.(*ValidationError); ok {
			return "", core.Invalid(ve.Field, "%s", ve.Rule)
		}
		return "", err
	}
	return ids[0], nil
}

func langMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (rec Record) statement() (map[string]any, error) {
	if rec.PersonID == "" || rec.Verb == "" || rec.ActivityID == "" {
		return nil, core.Invalid("record", "person, verb and activity are required")
	}
	verb := map[string]any{"id": rec.Verb}
	if len(rec.VerbDisplay) > 0 {
		verb["display"] = langMap(rec.VerbDisplay)
	}
	act := map[string]any{"objectType": "Activity", "id": rec.ActivityID}
	def := map[string]any{}
	if len(rec.ActivityName) > 0 {
		def["name"] = langMap(rec.ActivityName)
	}
	if rec.ActivityType != "" {
		def["type"] = rec.ActivityType
	}
	if len(def) > 0 {
		act["definition"] = def
	}
	at := rec.At
	if at.IsZero() {
		at = time.Now()
	}
	m := map[string]any{
		"actor":     PersonAgent(rec.PersonID, rec.PersonName),
		"verb":      verb,
		"object":    act,
		"timestamp": at.UTC().Format("2006-01-02T15:04:05.000Z"),
	}
	result := map[string]any{}
	if rec.Scaled != nil {
		result["score"] = map[string]any{"scaled": json.Number(strconv.FormatFloat(*rec.Scaled, 'f', -1, 64))}
	}
	if rec.Completion != nil {
		result["completion"] = *rec.Completion
	}
	if rec.Success != nil {
		result["success"] = *rec.Success
	}
	if rec.Duration > 0 {
		result["duration"] = isoDuration(rec.Duration)
	}
	if len(result) > 0 {
		m["result"] = result
	}
	if rec.Registration != "" {
		m["context"] = map[string]any{"registration": rec.Registration, "platform": "Baken"}
	} else {
		m["context"] = map[string]any{"platform": "Baken"}
	}
	return m, nil
}

// isoDuration renders d as an ISO 8601 duration (hours, minutes, seconds
// to the hundredth, as xAPI compares them).
func isoDuration(d time.Duration) string {
	var b strings.Builder
	b.WriteString("PT")
	h := int64(d / time.Hour)
	d -= time.Duration(h) * time.Hour
	mn := int64(d / time.Minute)
	d -= time.Duration(mn) * time.Minute
	if h > 0 {
		fmt.Fprintf(&b, "%dH", h)
	}
	if mn > 0 {
		fmt.Fprintf(&b, "%dM", mn)
	}
	if d > 0 || (h == 0 && mn == 0) {
		s := strconv.FormatFloat(float64(d.Round(10*time.Millisecond))/float64(time.Second), 'f', -1, 64)
		fmt.Fprintf(&b, "%sS", s)
	}
	return b.String()
}

// PersonStatements returns a person's learning record: the statements of
// orgID whose actor or object is the person, as Baken's account agent or
// by e-mail (when email is not ""), newest first, at most limit (≤ 0:
// 1,000), voided ones left out. It is what a person downloads as xAPI JSON.
func PersonStatements(ctx context.Context, db *store.DB, orgID, personID, email string, limit int) ([]json.RawMessage, error) {
	rows, _, err := PersonRecord(ctx, db, orgID, personID, email, 0, limit)
	if err != nil {
		return nil, err
	}
	out := make([]json.RawMessage, len(rows))
	for i, s := range rows {
		out[i] = json.RawMessage(s.Body)
	}
	return out, nil
}

// ActivityBase prefixes the ids of the activities Baken records itself, so
// that an activity keeps its id whatever address the server is reached at
// (".invalid" never resolves, as for PersonHomePage).
const ActivityBase = "https://baken.invalid/activities/"

// ActivityIRI is the id of one of Baken's own activities: kind is "items"
// (instructions, courses, paths, labs…) or "projects".
func ActivityIRI(kind, id string) string { return ActivityBase + kind + "/" + id }

// Activity types of Baken's own statements: the ADL vocabulary where it
// has one, Baken's own IRIs for what it lacks.
const (
	TypeLesson      = "http://adlnet.gov/expapi/activities/lesson"
	TypeCourse      = "http://adlnet.gov/expapi/activities/course"
	TypeMedia       = "http://adlnet.gov/expapi/activities/media"
	TypeLab         = "https://baken.invalid/activity-types/remote-lab"
	TypeLearnPath   = "https://baken.invalid/activity-types/learning-path"
	TypeProjectWork = "https://baken.invalid/activity-types/project-work"
)

// VerbDisplay is the display of one of the Verbs, in English and Dutch;
// nil for other verbs.
func VerbDisplay(iri string) map[string]string {
	w, ok := Verbs[iri]
	if !ok {
		return nil
	}
	return map[string]string{"en-US": w.LabelEN, "nl-NL": w.LabelNL}
}
