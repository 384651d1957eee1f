package xapi_test

import (
	"context"
	"testing"
	"time"

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
		// Baken's own statements do not pass through the rules: Baken made
		// its own evidence where the learning happened.
		score := 0.95
		if _, err := xapi.RecordStatement(ctx, db, l.orgID, xapi.Record{PersonID: jan.ID, Verb: "http://adlnet.gov/expapi/verbs/completed",
			ActivityID: "http://example.com/activities/cobot-teaching", Scaled: &score}); err != nil {
			t.Fatal(err)
		}
		evs, _ = db.Evidence(ctx, l.orgID, store.EvidenceFilter{PersonID: jan.ID})
		if len(evs) != 1 {
			t.Fatalf("after RecordStatement: %d pieces of evidence, want still 1", len(evs))
		}
	})
}

// Voiding a statement withdraws the evidence a rule made of it, and the
// current level falls back to what the remaining evidence says; a
// statement voided before it arrives gives no evidence at all.
func TestVoidingWithdrawsEvidence(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l := newLRS(t, db)
		comp := &competence.Competence{Framework: competence.Own, Layer: competence.New, NameEN: "Cobot teaching", NameNL: "Cobot leren"}
		if err := db.CreateCompetence(ctx, l.orgID, comp); err != nil {
			t.Fatal(err)
		}
		jan := &tenancy.Person{Name: "Jan", Email: "jan@example.com", Active: true, Roles: []core.Role{core.RoleEmployee}}
		if err := db.CreatePerson(ctx, l.orgID, jan); err != nil {
			t.Fatal(err)
		}
		for _, lvl := range []int{1, 3} {
			min := 0.5
			if lvl == 3 {
				min = 0.9
			}
			if err := xapi.CreateRule(ctx, db, l.orgID, &xapi.Rule{ActivityID: "http://example.com/activities/cobot-teaching",
				Verb: "http://adlnet.gov/expapi/verbs/completed", MinScaled: &min, CompetenceID: comp.ID, Level: lvl}); err != nil {
				t.Fatal(err)
			}
		}
		level := func() int {
			t.Helper()
			cur, err := db.CurrentLevels(ctx, l.orgID, store.LevelFilter{PersonIDs: []string{jan.ID}}, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cur {
				if c.CompetenceID == comp.ID {
					return c.Level
				}
			}
			return 0
		}
		weak, strong := stmt(), stmt()
		weak["result"] = map[string]any{"score": map[string]any{"scaled": 0.6}}
		l.expect(200, l.do("POST", "/xapi/statements", []any{weak, strong}))
		if got := level(); got != 3 {
			t.Fatalf("level %d after two statements, want 3", got)
		}
		void := func(target string) map[string]any {
			return map[string]any{"actor": map[string]any{"mbox": "mailto:admin@example.com"},
				"verb":   map[string]any{"id": "http://adlnet.gov/expapi/verbs/voided"},
				"object": map[string]any{"objectType": "StatementRef", "id": target}}
		}
		l.expect(200, l.do("POST", "/xapi/statements", void(strong["id"].(string))))
		evs, _ := db.Evidence(ctx, l.orgID, store.EvidenceFilter{PersonID: jan.ID})
		if len(evs) != 1 || evs[0].Level != 1 {
			t.Fatalf("after voiding the strong statement: %+v", evs)
		}
		if got := level(); got != 1 {
			t.Fatalf("level %d after voiding, want 1", got)
		}
		// The evidence packs agree with the evidence table.
		if _, err := db.RebuildEvidencePacks(ctx, l.orgID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RebuildCurrentLevels(ctx, l.orgID, time.Now()); err != nil {
			t.Fatal(err)
		}
		if got := level(); got != 1 {
			t.Fatalf("level %d after rebuilding from the table, want 1", got)
		}
		l.expect(200, l.do("POST", "/xapi/statements", void(weak["id"].(string))))
		if got := level(); got != 0 {
			t.Fatalf("level %d after voiding both, want 0", got)
		}
		// The voiding statement first, then its target: no evidence.
		late := stmt()
		l.expect(200, l.do("POST", "/xapi/statements", void(late["id"].(string))))
		l.expect(200, l.do("POST", "/xapi/statements", late))
		if evs, _ := db.Evidence(ctx, l.orgID, store.EvidenceFilter{PersonID: jan.ID}); len(evs) != 0 {
			t.Fatalf("evidence from a statement voided before it came: %+v", evs)
		}
	})
}
