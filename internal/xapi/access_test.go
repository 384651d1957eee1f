package xapi_test

import (
	"context"
	"testing"

	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/xapi"
)

func TestAuthentication(t *testing.T) {
	l := newLRS(t, storetest.SQLite(t))
	l.expect(401, l.with(l.key, "wrong", "").do("GET", "/xapi/statements", nil))
	l.expect(401, l.with("lrs_nosuchkey", l.secret, "").do("GET", "/xapi/statements", nil))
	anon := l.with("", "", "")
	anon.key = ""
	r := anon.expect(401, anon.do("GET", "/xapi/statements", nil))
	if r.header.Get("WWW-Authenticate") == "" {
		t.Error("401 without a Basic challenge")
	}
	// A revoked credential stops working (the cache lives 30 s, so use a
	// fresh handler: a fresh LRS over the same database).
	if err := l.db.XAPIRevokeCredential(context.Background(), l.orgID, l.key, timeNow()); err != nil {
		t.Fatal(err)
	}
	l2 := newLRS(t, l.db)
	l2.key, l2.secret = l.key, l.secret
	l2.expect(401, l2.do("GET", "/xapi/statements", nil))
}

// Two organisations on one platform: nothing of one is visible to the
// other, for statements, documents and activities.
func TestOrganisationIsolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a, b := newLRS(t, db), newLRS(t, db)
		s := stmt()
		id := s["id"].(string)
		a.expect(204, a.do("PUT", "/xapi/statements?statementId="+id, s))
		b.expect(404, b.do("GET", "/xapi/statements?statementId="+id, nil))
		var res result
		b.expect(200, b.do("GET", "/xapi/statements", nil)).json(t, &res)
		if len(res.Statements) != 0 {
			t.Fatalf("org B sees %d statements of org A", len(res.Statements))
		}
		b.expect(200, b.do("GET", "/xapi/statements?"+q("agent", `{"mbox":"mailto:jan@example.com"}`), nil)).json(t, &res)
		if len(res.Statements) != 0 {
			t.Fatal("org B's agent query sees org A")
		}
		// The same statement id may exist in both organisations.
		s2 := stmt()
		s2["id"] = id
		s2["object"] = map[string]any{"id": "http://example.com/activities/other"}
		b.expect(204, b.do("PUT", "/xapi/statements?statementId="+id, s2))
		// Documents
		params := "/xapi/activities/state?" + q("activityId", "http://example.com/a", "agent", `{"mbox":"mailto:jan@example.com"}`, "stateId", "s1")
		a.expect(204, a.do("PUT", params, `{"x":1}`))
		b.expect(404, b.do("GET", params, nil))
		prof := "/xapi/activities/profile?" + q("activityId", "http://example.com/a", "profileId", "p")
		a.expect(204, a.do("PUT", prof, `{"x":1}`))
		b.expect(404, b.do("GET", prof, nil))
		// Activity definitions
		var act map[string]any
		b.expect(200, b.do("GET", "/xapi/activities?"+q("activityId", "http://example.com/activities/cobot-teaching"), nil)).json(t, &act)
		if _, ok := act["definition"]; ok {
			t.Fatal("org B sees org A's activity definition")
		}
		a.expect(200, a.do("GET", "/xapi/activities?"+q("activityId", "http://example.com/activities/cobot-teaching"), nil)).json(t, &act)
		if _, ok := act["definition"]; !ok {
			t.Fatal("org A lost its activity definition")
		}
	})
}

func TestNarrowScopes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		l := newLRS(t, db)
		ctx := context.Background()
		mk := func(scopes ...string) *lrs {
			c, err := xapi.CreateCredential(ctx, db, l.orgID, "narrow", scopes)
			if err != nil {
				t.Fatal(err)
			}
			return l.with(c.Key, c.Secret, "")
		}
		writer := mk(xapi.ScopeStatementsWrite)
		mine := mk(xapi.ScopeStatementsWrite, xapi.ScopeStatementsReadMine)
		reader := mk(xapi.ScopeStatementsRead)
		allRead := mk(xapi.ScopeAllRead)
		state := mk(xapi.ScopeState)

		s1, s2 := stmt(), stmt()
		writer.expect(200, writer.do("POST", "/xapi/statements", s1))
		mine.expect(200, mine.do("POST", "/xapi/statements", s2))
		writer.expect(403, writer.do("GET", "/xapi/statements", nil))
		reader.expect(403, reader.do("POST", "/xapi/statements", stmt()))
		allRead.expect(403, allRead.do("POST", "/xapi/statements", stmt()))

		var res result
		mine.expect(200, mine.do("GET", "/xapi/statements", nil)).json(t, &res)
		if len(res.Statements) != 1 || res.Statements[0]["id"] != s2["id"] {
			t.Fatalf("read/mine sees %d statements", len(res.Statements))
		}
		mine.expect(404, mine.do("GET", "/xapi/statements?statementId="+s1["id"].(string), nil))
		reader.expect(200, reader.do("GET", "/xapi/statements", nil)).json(t, &res)
		if len(res.Statements) != 2 {
			t.Fatalf("statements/read sees %d", len(res.Statements))
		}
		// The authority is the credential's.
		auth := res.Statements[0]["authority"].(map[string]any)
		if auth["account"].(map[string]any)["name"] != mine.key {
			t.Fatalf("authority %v", auth)
		}
		// A more link made for one credential does not work for another.
		reader.expect(200, reader.do("GET", "/xapi/statements?limit=1", nil)).json(t, &res)
		if res.More == "" {
			t.Fatal("no more link")
		}
		mine.expect(400, mine.do("GET", res.More, nil))

		doc := "/xapi/activities/state?" + q("activityId", "http://example.com/a", "agent", `{"mbox":"mailto:jan@example.com"}`, "stateId", "s1")
		state.expect(204, state.do("PUT", doc, `{"x":1}`))
		state.expect(200, state.do("GET", doc, nil))
		reader.expect(403, reader.do("GET", doc, nil))
		allRead.expect(200, allRead.do("GET", doc, nil))
		allRead.expect(403, allRead.do("PUT", doc, `{"x":2}`))
		prof := "/xapi/agents/profile?" + q("agent", `{"mbox":"mailto:jan@example.com"}`, "profileId", "p")
		state.expect(403, state.do("PUT", prof, `{"x":1}`, "If-None-Match", "*"))
	})
}
