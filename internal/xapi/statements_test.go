package xapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
)

func TestVersionHeader(t *testing.T) {
	l := newLRS(t, storetest.SQLite(t))
	for _, c := range []struct {
		ver  string
		want int
		echo string
	}{
		{"1.0", 200, "1.0.3"}, {"1.0.0", 200, "1.0.3"}, {"1.0.3", 200, "1.0.3"}, {"1.0.9", 200, "1.0.3"},
		{"2.0.0", 200, "2.0.0"}, {"-", 400, ""}, {"0.95", 400, ""}, {"1.1.0", 400, ""}, {"3.0.0", 400, ""},
	} {
		r := l.with("", "", c.ver).do("GET", "/xapi/statements", nil)
		if r.status != c.want {
			t.Errorf("version %q: %d, want %d (%s)", c.ver, r.status, c.want, r.body)
		}
		if c.echo != "" && r.header.Get("X-Experience-API-Version") != c.echo {
			t.Errorf("version %q answered as %q", c.ver, r.header.Get("X-Experience-API-Version"))
		}
		if r.header.Get("X-Experience-API-Version") == "" {
			t.Errorf("version %q: no version header in the answer", c.ver)
		}
	}
	// About answers without credentials or version.
	r := l.with("", "", "-")
	r.key = ""
	ab := r.expect(200, r.do("GET", "/xapi/about", nil))
	if !strings.Contains(string(ab.body), `"2.0.0"`) || !strings.Contains(string(ab.body), `"1.0.3"`) {
		t.Fatalf("about: %s", ab.body)
	}
}

func TestStatementLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		l := newLRS(t, db)
		s := stmt()
		id := s["id"].(string)
		l.expect(204, l.do("PUT", "/xapi/statements?statementId="+id, s))
		// Same id, same content: 204 again, nothing changes.
		l.expect(204, l.do("PUT", "/xapi/statements?statementId="+id, s))
		// Same id, other content: 409.
		s2 := stmt()
		s2["id"] = id
		s2["verb"] = map[string]any{"id": "http://adlnet.gov/expapi/verbs/failed"}
		l.expect(409, l.do("PUT", "/xapi/statements?statementId="+id, s2))
		l.expect(409, l.do("POST", "/xapi/statements", []any{stmt(), s2}))

		r := l.expect(200, l.do("GET", "/xapi/statements?statementId="+id, nil))
		var got map[string]any
		r.json(t, &got)
		if got["verb"].(map[string]any)["id"] != "http://adlnet.gov/expapi/verbs/completed" {
			t.Fatalf("statement changed: %v", got["verb"])
		}
		for _, k := range []string{"stored", "timestamp", "authority", "version"} {
			if _, ok := got[k]; !ok {
				t.Errorf("stored statement lacks %s", k)
			}
		}
		if got["version"] != "2.0.0" {
			t.Errorf("version %v", got["version"])
		}
		if r.header.Get("Last-Modified") == "" || r.header.Get("X-Experience-API-Consistent-Through") == "" {
			t.Errorf("headers: %v", r.header)
		}

		// POST a batch; one bad statement rejects the whole batch.
		a, b := stmt(), stmt()
		bad := stmt()
		bad["actor"] = map[string]any{"mbox": "jan@example.com"}
		r = l.expect(400, l.do("POST", "/xapi/statements", []any{a, b, bad}))
		if !strings.Contains(string(r.body), "[2].actor.mbox") {
			t.Fatalf("error does not name the field: %s", r.body)
		}
		l.expect(404, l.do("GET", "/xapi/statements?statementId="+a["id"].(string), nil))
		r = l.expect(200, l.do("POST", "/xapi/statements", []any{a, b}))
		var ids []string
		r.json(t, &ids)
		if len(ids) != 2 || ids[0] != a["id"] || ids[1] != b["id"] {
			t.Fatalf("ids %v", ids)
		}
		// Duplicate ids in one batch.
		l.expect(400, l.do("POST", "/xapi/statements", []any{s, s}))

		// Voiding.
		void := map[string]any{
			"actor":  map[string]any{"mbox": "mailto:admin@example.com"},
			"verb":   map[string]any{"id": "http://adlnet.gov/expapi/verbs/voided"},
			"object": map[string]any{"objectType": "StatementRef", "id": id},
		}
		r = l.expect(200, l.do("POST", "/xapi/statements", void))
		r.json(t, &ids)
		l.expect(404, l.do("GET", "/xapi/statements?statementId="+id, nil))
		l.expect(200, l.do("GET", "/xapi/statements?voidedStatementId="+id, nil))
		l.expect(404, l.do("GET", "/xapi/statements?voidedStatementId="+ids[0], nil))
		// The voiding statement matches the verb filter of what it voided.
		var res result
		l.expect(200, l.do("GET", "/xapi/statements?"+q("verb", "http://adlnet.gov/expapi/verbs/completed"), nil)).json(t, &res)
		seen := map[string]bool{}
		for _, st := range res.Statements {
			seen[st["id"].(string)] = true
		}
		if seen[id] || !seen[ids[0]] || !seen[a["id"].(string)] {
			t.Fatalf("verb query: %v", seen)
		}
	})
}

func TestStatementQueries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		l := newLRS(t, db)
		reg := core.NewID()
		var all []map[string]any
		for i := 0; i < 7; i++ {
			s := stmt()
			if i%2 == 0 {
				s["actor"] = map[string]any{"mbox": "mailto:piet@example.com"}
			}
			if i == 3 {
				s["context"] = map[string]any{"registration": reg,
					"instructor":        map[string]any{"mbox": "mailto:teacher@example.com"},
					"contextActivities": map[string]any{"parent": map[string]any{"id": "http://example.com/courses/robotics"}}}
			}
			all = append(all, s)
		}
		var batch []any
		for _, s := range all {
			batch = append(batch, s)
		}
		l.expect(200, l.do("POST", "/xapi/statements", batch))
		count := func(query string) int {
			t.Helper()
			var res result
			l.expect(200, l.do("GET", "/xapi/statements?"+query, nil)).json(t, &res)
			return len(res.Statements)
		}
		if n := count(q("agent", `{"mbox":"mailto:piet@example.com"}`)); n != 4 {
			t.Errorf("agent: %d", n)
		}
		if n := count(q("agent", `{"mbox":"mailto:teacher@example.com"}`)); n != 0 {
			t.Errorf("instructor without related_agents: %d", n)
		}
		if n := count(q("agent", `{"mbox":"mailto:teacher@example.com"}`, "related_agents", "true")); n != 1 {
			t.Errorf("instructor with related_agents: %d", n)
		}
		if n := count(q("activity", "http://example.com/courses/robotics")); n != 0 {
			t.Errorf("parent without related_activities: %d", n)
		}
		if n := count(q("activity", "http://example.com/courses/robotics", "related_activities", "true")); n != 1 {
			t.Errorf("parent with related_activities: %d", n)
		}
		if n := count(q("registration", reg)); n != 1 {
			t.Errorf("registration: %d", n)
		}
		if n := count(q("agent", `{"mbox":"mailto:jan@example.com"}`, "verb", "http://adlnet.gov/expapi/verbs/completed")); n != 3 {
			t.Errorf("agent+verb: %d", n)
		}
		// Walk all pages.
		var ids []string
		path := "/xapi/statements?limit=2&ascending=true"
		for path != "" {
			var res result
			l.expect(200, l.do("GET", path, nil)).json(t, &res)
			for _, s := range res.Statements {
				ids = append(ids, s["id"].(string))
			}
			path = res.More
		}
		if len(ids) != 7 {
			t.Fatalf("paged %d statements", len(ids))
		}
		for i, s := range all {
			if ids[i] != s["id"] {
				t.Fatalf("ascending order broken at %d", i)
			}
		}
		// since/until by stored
		var one map[string]any
		l.expect(200, l.do("GET", "/xapi/statements?statementId="+ids[3], nil)).json(t, &one)
		if n := count(q("since", one["stored"].(string))); n != 3 {
			t.Errorf("since: %d", n)
		}
		if n := count(q("until", one["stored"].(string))); n != 4 {
			t.Errorf("until: %d", n)
		}
		// Bad parameters.
		for _, bad := range []string{"agent=notjson", "verb=notaniri", "limit=-1", "format=full", "StatementId=" + ids[0],
			"statementId=" + ids[0] + "&voidedStatementId=" + ids[1], "statementId=" + ids[0] + "&verb=http://x.y/z", "since=yesterday", "foo=bar"} {
			if r := l.do("GET", "/xapi/statements?"+bad, nil); r.status != http.StatusBadRequest {
				t.Errorf("%s: %d", bad, r.status)
			}
		}
		// formats
		var ids2 result
		l.expect(200, l.do("GET", "/xapi/statements?format=ids&limit=1", nil)).json(t, &ids2)
		if _, ok := ids2.Statements[0]["actor"].(map[string]any)["name"]; ok {
			t.Errorf("format=ids kept the actor's name")
		}
		var can result
		l.expect(200, l.do("GET", "/xapi/statements?format=canonical&limit=1", nil, "Accept-Language", "nl-NL")).json(t, &can)
		name := can.Statements[0]["object"].(map[string]any)["definition"].(map[string]any)["name"].(map[string]any)
		if len(name) != 1 || name["nl-NL"] != "Cobot leren" {
			t.Errorf("canonical name %v", name)
		}
	})
}

// Statements that target others match the filters of their targets, also
// in combination (agent of one, verb of the other) and when the target
// arrives after the statement that references it.
func TestStatementRefFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		l := newLRS(t, db)
		target := stmt()
		target["actor"] = map[string]any{"mbox": "mailto:ben@example.com"}
		target["verb"] = map[string]any{"id": "http://adlnet.gov/expapi/verbs/passed"}
		ref := stmt()
		ref["actor"] = map[string]any{"mbox": "mailto:andrew@example.com"}
		ref["verb"] = map[string]any{"id": "http://example.com/verbs/confirmed"}
		ref["object"] = map[string]any{"objectType": "StatementRef", "id": target["id"]}
		// The referencing statement first, its target later.
		l.expect(200, l.do("POST", "/xapi/statements", ref))
		l.expect(200, l.do("POST", "/xapi/statements", target))
		ids := func(query string) map[string]bool {
			t.Helper()
			var res result
			l.expect(200, l.do("GET", "/xapi/statements?"+query, nil)).json(t, &res)
			out := map[string]bool{}
			for _, s := range res.Statements {
				out[s["id"].(string)] = true
			}
			return out
		}
		tid, rid := target["id"].(string), ref["id"].(string)
		for _, c := range []struct {
			query       string
			target, ref bool
		}{
			{q("agent", `{"mbox":"mailto:ben@example.com"}`), true, true},
			{q("agent", `{"mbox":"mailto:ben@example.com"}`, "verb", "http://adlnet.gov/expapi/verbs/passed"), true, true},
			{q("agent", `{"mbox":"mailto:andrew@example.com"}`, "verb", "http://adlnet.gov/expapi/verbs/passed"), false, true},
			{q("agent", `{"mbox":"mailto:andrew@example.com"}`, "verb", "http://example.com/verbs/confirmed"), false, true},
			{q("agent", `{"mbox":"mailto:ben@example.com"}`, "verb", "http://example.com/verbs/confirmed"), false, true},
			{q("activity", "http://example.com/activities/cobot-teaching"), true, true},
			{q("agent", `{"mbox":"mailto:andrew@example.com"}`, "verb", "http://adlnet.gov/expapi/verbs/failed"), false, false},
		} {
			got := ids(c.query)
			if got[tid] != c.target || got[rid] != c.ref {
				t.Errorf("%s: target %v ref %v, want %v %v", c.query, got[tid], got[rid], c.target, c.ref)
			}
		}
	})
}
