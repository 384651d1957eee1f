package xapi_test

import (
	"context"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/xapi"
)

func TestRecordStatement(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		l := newLRS(t, db)
		other := newLRS(t, db)
		score, done := 0.8, true
		person := core.NewID()
		id, err := xapi.RecordStatement(context.Background(), db, l.orgID, xapi.Record{
			PersonID: person, PersonName: "Jan", Verb: xapi.VerbCompleted,
			VerbDisplay: map[string]string{"en": "completed", "nl": "voltooid"},
			ActivityID:  "https://baken.invalid/instructions/42", ActivityName: map[string]string{"nl": "Lasrobot instellen"},
			Scaled: &score, Completion: &done, Duration: 2*time.Minute + 30*time.Second,
		})
		if err != nil {
			t.Fatal(err)
		}
		var res result
		agent := `{"account":{"homePage":"` + xapi.PersonHomePage + `","name":"` + person + `"}}`
		l.expect(200, l.do("GET", "/xapi/statements?"+q("agent", agent), nil)).json(t, &res)
		if len(res.Statements) != 1 || res.Statements[0]["id"] != id {
			t.Fatalf("recorded statement not found: %+v", res)
		}
		if d := res.Statements[0]["result"].(map[string]any)["duration"]; d != "PT2M30S" {
			t.Errorf("duration %v", d)
		}
		other.expect(404, other.do("GET", "/xapi/statements?statementId="+id, nil))
		// The person's record: Baken's own statement and one sent by mbox.
		byMail := stmt()
		byMail["actor"] = map[string]any{"mbox": "mailto:jan@example.com"}
		l.expect(200, l.do("POST", "/xapi/statements", byMail))
		rec, err := xapi.PersonStatements(context.Background(), db, l.orgID, person, "jan@example.com", 0)
		if err != nil || len(rec) != 2 {
			t.Fatalf("person record: %d statements, %v", len(rec), err)
		}
		if rec, _ := xapi.PersonStatements(context.Background(), db, other.orgID, person, "jan@example.com", 0); len(rec) != 0 {
			t.Fatalf("another organisation sees %d statements of the person", len(rec))
		}
		if _, err := xapi.RecordStatement(context.Background(), db, l.orgID, xapi.Record{PersonID: person, Verb: "not an iri", ActivityID: "https://x.y/a"}); core.ErrorCode(err) != core.EInvalid {
			t.Fatalf("bad verb: %v", err)
		}
	})
}
