package xapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
)

func timeNow() time.Time { return time.Now() }

func TestDocuments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		l := newLRS(t, db)
		agent := `{"objectType":"Agent","mbox":"mailto:jan@example.com"}`
		base := "/xapi/activities/state?" + q("activityId", "http://example.com/a", "agent", agent)
		reg := "&registration=0192f1a2-3b4c-7d5e-8f60-718293a4b5c6"
		one := base + "&stateId=s1"
		l.expect(204, l.do("PUT", one, `{"x":"foo","y":"bar"}`))
		l.expect(204, l.do("POST", one, `{"x":"bash","z":"faz"}`))
		r := l.expect(200, l.do("GET", one, nil))
		var doc map[string]any
		r.json(t, &doc)
		if doc["x"] != "bash" || doc["y"] != "bar" || doc["z"] != "faz" {
			t.Fatalf("merge: %v", doc)
		}
		etag := r.header.Get("ETag")
		if len(etag) != 42 || etag[0] != '"' || r.header.Get("Last-Modified") == "" {
			t.Fatalf("ETag %q, Last-Modified %q", etag, r.header.Get("Last-Modified"))
		}
		h := l.expect(200, l.do("HEAD", one, nil))
		if len(h.body) != 0 || h.header.Get("ETag") != etag {
			t.Fatalf("HEAD: %q %q", h.body, h.header.Get("ETag"))
		}
		// Merging into a non-JSON document is refused, and changes nothing.
		l.expect(204, l.do("PUT", base+"&stateId=txt", []byte("plain"), "Content-Type", "text/plain"))
		l.expect(400, l.do("POST", base+"&stateId=txt", `{"a":1}`))
		if got := l.expect(200, l.do("GET", base+"&stateId=txt", nil)); string(got.body) != "plain" || got.header.Get("Content-Type") != "text/plain" {
			t.Fatalf("text document: %q %q", got.body, got.header.Get("Content-Type"))
		}
		l.expect(204, l.do("PUT", base+reg+"&stateId=s2", `{}`))
		var ids []string
		l.expect(200, l.do("GET", base+reg, nil)).json(t, &ids)
		if len(ids) != 1 || ids[0] != "s2" {
			t.Fatalf("ids with registration: %v", ids)
		}
		l.expect(200, l.do("GET", base, nil)).json(t, &ids)
		if len(ids) != 3 {
			t.Fatalf("ids: %v", ids)
		}
		future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
		l.expect(200, l.do("GET", base+"&since="+future, nil)).json(t, &ids)
		if len(ids) != 0 {
			t.Fatalf("since future: %v", ids)
		}
		l.expect(204, l.do("DELETE", one, nil))
		l.expect(404, l.do("GET", one, nil))
		l.expect(204, l.do("DELETE", base, nil))
		l.expect(200, l.do("GET", base, nil)).json(t, &ids)
		if len(ids) != 0 {
			t.Fatalf("after delete all: %v", ids)
		}
		// Bad parameters.
		l.expect(400, l.do("GET", "/xapi/activities/state?"+q("activityId", "http://example.com/a", "stateId", "s"), nil))
		l.expect(400, l.do("GET", "/xapi/activities/state?"+q("activityId", "notiri", "agent", agent, "stateId", "s"), nil))
		l.expect(400, l.do("GET", one+"&registration=nope", nil))
		l.expect(400, l.do("GET", one+"&StateId=x", nil))

		// Profiles: concurrency.
		prof := "/xapi/activities/profile?" + q("activityId", "http://example.com/a", "profileId", "p1")
		l.expect(204, l.do("PUT", prof, `{"a":1}`, "If-None-Match", "*"))
		l.expect(412, l.do("PUT", prof, `{"a":2}`, "If-None-Match", "*"))
		l.expect(409, l.do("PUT", prof, `{"a":2}`))
		r = l.expect(200, l.do("GET", prof, nil))
		etag = r.header.Get("ETag")
		l.expect(412, l.do("PUT", prof, `{"a":2}`, "If-Match", `"1111111111111111111111111111111111111111"`))
		l.expect(204, l.do("PUT", prof, `{"a":2}`, "If-Match", etag))
		if got := l.expect(200, l.do("GET", prof, nil)); !strings.Contains(string(got.body), `"a":2`) {
			t.Fatalf("profile %s", got.body)
		}
		l.expect(412, l.do("DELETE", prof, nil, "If-Match", etag))
		l.expect(204, l.do("DELETE", prof, nil))
		ap := "/xapi/agents/profile?" + q("agent", agent, "profileId", "p")
		l.expect(204, l.do("POST", ap, `{"a":1}`))
		l.expect(200, l.do("GET", "/xapi/agents/profile?"+q("agent", agent), nil)).json(t, &ids)
		if len(ids) != 1 {
			t.Fatalf("agent profile ids %v", ids)
		}
		// Under 1.0.3 a Group is no agent here (2.0 takes identified
		// Groups: TestConformanceGroupAgentParameter).
		v1 := l.with("", "", "1.0.3")
		v1.expect(400, v1.do("GET", "/xapi/agents/profile?"+q("agent", `{"objectType":"Group","mbox":"mailto:g@example.com"}`), nil))
		// Agents resource: a Person object.
		var person map[string]any
		l.expect(200, l.do("GET", "/xapi/agents?"+q("agent", agent), nil)).json(t, &person)
		if person["objectType"] != "Person" || len(person["mbox"].([]any)) != 1 {
			t.Fatalf("person %v", person)
		}
	})
}
