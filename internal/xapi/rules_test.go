package xapi_test

import (
	"context"
	"testing"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/tenancy"
	"github.com/bakenhq/baken/internal/xapi"
)

// A statement that matches a rule becomes competence evidence for the
// person the actor stands for; other statements, other organisations'
// people and scores under the minimum do not.
func TestRulesFeedCompetences(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l := newLRS(t, db)
		other := newLRS(t, db)
		comp := &competence.Competence{Framework: competence.Own, Layer: competence.New, NameEN: "Cobot teaching", NameNL: "Cobot leren"}
		if err := db.CreateCompetence(ctx, l.orgID, comp); err != nil {
			t.Fatal(err)
		}
		jan := &tenancy.Person{Name: "Jan", Email: "jan@example.com", Active: true, Roles: []core.Role{core.RoleEmployee}}
		if err := db.CreatePerson(ctx, l.orgID, jan); err != nil {
			t.Fatal(err)
		}
		min := 0.8
		if err := xapi.CreateRule(ctx, db, l.orgID, &xapi.Rule{ActivityID: "http://example.com/activities/cobot-teaching",
			Verb: "http://adlnet.gov/expapi/verbs/completed", MinScaled: &min, CompetenceID: comp.ID, Level: 2}); err != nil {
			t.Fatal(err)
		}
		// Bad rules are refused; a competence of another organisation too.
		if err := xapi.CreateRule(ctx, db, l.orgID, &xapi.Rule{Verb: "nope", CompetenceID: comp.ID, Level: 2}); core.ErrorCode(err) != core.EInvalid {
			t.Fatalf("bad rule: %v", err)
		}
		if err := xapi.CreateRule(ctx, db, other.orgID, &xapi.Rule{ActivityID: "http://x.y/a", Verb: "http://x.y/v", CompetenceID: comp.ID, Level: 2}); core.ErrorCode(err) != core.EInvalid {
			t.Fatalf("rule on another organisation's competence: %v", err)
		}
		low := stmt()
		low["result"] = map[string]any{"score": map[string]any{"scaled": 0.5}}
		otherVerb := stmt()
		otherVerb["verb"] = map[string]any{"id": "http://adlnet.gov/expapi/verbs/attempted"}
		l.expect(200, l.do("POST", "/xapi/statements", []any{stmt(), low, otherVerb}))
		// The same statement in another organisation gives Jan nothing.
		other.expect(200, other.do("POST", "/xapi/statements", stmt()))
		evs, err := db.Evidence(ctx, l.orgID, store.EvidenceFilter{PersonID: jan.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 1 || evs[0].Level != 2 || evs[0].Kind != competence.Learning || evs[0].CompetenceID != comp.ID {
			t.Fatalf("evidence %+v", evs)
		}
		// Baken's own statements feed the same rules.
		score := 0.95
		if _, err := xapi.RecordStatement(ctx, db, l.orgID, xapi.Record{PersonID: jan.ID, Verb: "http://adlnet.gov/expapi/verbs/completed",
			ActivityID: "http://example.com/activities/cobot-teaching", Scaled: &score}); err != nil {
			t.Fatal(err)
		}
		evs, _ = db.Evidence(ctx, l.orgID, store.EvidenceFilter{PersonID: jan.ID})
		if len(evs) != 2 {
			t.Fatalf("after RecordStatement: %d pieces of evidence", len(evs))
		}
	})
}
