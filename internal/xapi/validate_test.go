package xapi

import (
	"encoding/json"
	"strings"
	"testing"
)

const validStatement = `{
  "id": "0192f1a2-3b4c-7d5e-8f60-718293a4b5c6",
  "actor": {"objectType": "Agent", "name": "Jan", "mbox": "mailto:jan@example.com"},
  "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}},
  "object": {"objectType": "Activity", "id": "http://example.com/a", "definition": {
     "name": {"en-US": "A"}, "type": "http://adlnet.gov/expapi/activities/assessment",
     "interactionType": "choice", "correctResponsesPattern": ["a"],
     "choices": [{"id": "a", "description": {"en-US": "A"}}, {"id": "b"}],
     "extensions": {"http://example.com/ext": null}}},
  "result": {"score": {"scaled": 0.5, "raw": 5, "min": 0, "max": 10}, "success": true, "completion": true,
     "response": "a", "duration": "PT1H2M3.5S", "extensions": {"http://example.com/r": {"any": [1, null]}}},
  "context": {"registration": "0192f1a2-3b4c-7d5e-8f60-718293a4b5c7",
     "instructor": {"mbox_sha1sum": "cd9b00a5611f94eaa7b1661edab976068e364975"},
     "team": {"objectType": "Group", "name": "T", "member": [{"openid": "http://openid.example.org/1"}]},
     "contextActivities": {"parent": {"id": "http://example.com/p"}, "grouping": [{"id": "http://example.com/g"}]},
     "revision": "1", "platform": "Baken", "language": "nl-NL",
     "statement": {"objectType": "StatementRef", "id": "0192f1a2-3b4c-7d5e-8f60-718293a4b5c8"}},
  "timestamp": "2026-11-27T07:30:42.123+01:00",
  "version": "1.0.3"
}`

func decode(t testing.TB, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := decodeJSON([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// set changes the statement at a dotted path; value "DELETE" removes it.
func set(m map[string]any, path string, value any) {
	parts := strings.Split(path, ".")
	cur := m
	for _, p := range parts[:len(parts)-1] {
		next, ok := cur[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			cur[p] = next
		}
		cur = next
	}
	if value == "DELETE" {
		delete(cur, parts[len(parts)-1])
		return
	}
	cur[parts[len(parts)-1]] = value
}

func raw(s string) any {
	var v any
	if err := decodeJSON([]byte(s), &v); err != nil {
		panic(err)
	}
	return v
}

func TestValidStatements(t *testing.T) {
	for _, v := range []Version{V103, V200} {
		if err := ValidateStatement(v, decode(t, validStatement)); err != nil {
			t.Fatalf("%v: %v", v, err)
		}
	}
	ok := []struct {
		path  string
		value any
	}{
		{"timestamp", "2008-09-15 15:53:00.601+00:00"},
		{"timestamp", "2008-09-15T15:53:00Z"},
		{"timestamp", "20080915T155300Z"},
		{"actor", raw(`{"objectType":"Group","member":[{"mbox":"mailto:a@b.c"}]}`)},
		{"actor", raw(`{"objectType":"Group","account":{"homePage":"http://x.y","name":"g"}}`)},
		{"object", raw(`{"objectType":"Agent","mbox":"mailto:a@b.c"}`)},
		{"object", raw(`{"objectType":"SubStatement","actor":{"mbox":"mailto:a@b.c"},"verb":{"id":"http://x.y/v"},"object":{"id":"http://x.y/a"}}`)},
		{"authority", raw(`{"objectType":"Group","member":[{"mbox":"mailto:a@b.c"},{"account":{"homePage":"http://x.y","name":"app"}}]}`)},
		{"result.duration", "P1Y2M3DT4H5M6S"},
		{"result.duration", "P3W"},
		{"context.language", "zh-Hant-TW"},
		{"version", "1.0"},
	}
	for _, c := range ok {
		m := decode(t, validStatement)
		set(m, c.path, c.value)
		if c.path == "object" {
			set(m, "context.revision", "DELETE")
			set(m, "context.platform", "DELETE")
		}
		if err := ValidateStatement(V103, m); err != nil {
			t.Errorf("%s = %v: %v", c.path, c.value, err)
		}
	}
}

func TestInvalidStatements(t *testing.T) {
	bad := []struct {
		path  string
		value any
		field string // the error must name this field
	}{
		{"id", "not-a-uuid", "id"},
		{"id", nil, "id"},
		{"actor", "DELETE", "actor"},
		{"actor.mbox", "jan@example.com", "actor.mbox"},
		{"actor.openid", "http://openid.example.org/1", "actor"},
		{"actor.objectType", "agent", "actor.objectType"},
		{"actor.name", json.Number("5"), "actor.name"},
		{"actor.foo", "bar", "actor.foo"},
		{"actor", raw(`{"objectType":"Group"}`), "actor.member"},
		{"actor", raw(`{"objectType":"Group","member":{"mbox":"mailto:a@b.c"}}`), "actor.member"},
		{"actor", raw(`{"objectType":"Group","member":[{"objectType":"Group","mbox":"mailto:a@b.c"}]}`), "actor.member[0].objectType"},
		{"actor", raw(`{"account":{"name":"x"}}`), "actor.account.homePage"},
		{"actor", raw(`{"mbox_sha1sum":"xyz"}`), "actor.mbox_sha1sum"},
		{"verb", "DELETE", "verb"},
		{"verb.id", "different value", "verb.id"},
		{"verb.display", raw(`{"not a tag":"x"}`), "verb.display.not a tag"},
		{"verb.display", raw(`{"en-US":null}`), "verb.display.en-US"},
		{"object", "DELETE", "object"},
		{"object.id", "abc", "object.id"},
		{"object.objectType", "activity", "object.objectType"},
		{"object.definition.interactionType", "Choice", "object.definition.interactionType"},
		{"object.definition.choices", raw(`[{"id":"a"},{"id":"a"}]`), "object.definition.choices[1].id"},
		{"object.definition.moreInfo", "nope", "object.definition.moreInfo"},
		{"object.definition.extensions", raw(`{"notiri":1}`), "object.definition.extensions.notiri"},
		{"result.score.scaled", json.Number("1.5"), "result.score.scaled"},
		{"result.score.scaled", "0.5", "result.score.scaled"},
		{"result.score.raw", json.Number("11"), "result.score.raw"},
		{"result.score.min", json.Number("10"), "result.score.max"},
		{"result.success", "true", "result.success"},
		{"result.duration", "1 hour", "result.duration"},
		{"result.duration", "PT", "result.duration"},
		{"context.registration", "x", "context.registration"},
		{"context.team", raw(`{"mbox":"mailto:a@b.c"}`), "context.team.objectType"},
		{"context.language", "english please", "context.language"},
		{"context.statement", raw(`{"objectType":"StatementRef","id":"x"}`), "context.statement.id"},
		{"context.contextActivities.parent", "x", "context.contextActivities.parent"},
		{"context.contextActivities.foo", raw(`[]`), "context.contextActivities.foo"},
		{"context.contextAgents", raw(`[]`), "context.contextAgents"},
		{"timestamp", "01/011/2015", "timestamp"},
		{"timestamp", "2008-09-15T15:53:00.601-00:00", "timestamp"},
		{"timestamp", "2008-09-15T15:53:00.601-0000", "timestamp"},
		{"timestamp", "2008-09-15T15:53:00.601-00", "timestamp"},
		{"timestamp", "2008-02-30T15:53:00Z", "timestamp"},
		{"stored", "yesterday", "stored"},
		{"version", "2.0.0", "version"},
		{"version", "0.95", "version"},
		{"authority", raw(`{"objectType":"Group","member":[{"mbox":"mailto:a@b.c"}]}`), "authority.member"},
		{"authority", raw(`{"objectType":"Group","mbox":"mailto:g@b.c","member":[{"mbox":"mailto:a@b.c"},{"mbox":"mailto:b@b.c"}]}`), "authority"},
		{"attachments", raw(`[{"usageType":"http://x.y/u","display":{"en":"a"},"contentType":"text/plain","length":"5","sha2":"aa"}]`), "attachments[0].length"},
		{"attachments", raw(`[{"usageType":"http://x.y/u","contentType":"text/plain","length":5,"sha2":"aa"}]`), "attachments[0].display"},
		{"foo", "bar", "foo"},
		{"Actor", raw(`{"mbox":"mailto:a@b.c"}`), "Actor"},
	}
	for _, c := range bad {
		m := decode(t, validStatement)
		set(m, c.path, c.value)
		err := ValidateStatement(V103, m)
		if err == nil {
			t.Errorf("%s = %v: accepted", c.path, c.value)
			continue
		}
		if ve, ok := err.(*ValidationError); !ok || ve.Field != c.field {
			t.Errorf("%s = %v: error %q, want field %s", c.path, c.value, err, c.field)
		}
	}
	// Rules that depend on the version.
	m := decode(t, validStatement)
	set(m, "version", "2.0.0")
	if err := ValidateStatement(V200, m); err != nil {
		t.Errorf("2.0.0 under 2.0: %v", err)
	}
	m = decode(t, validStatement)
	set(m, "context.contextAgents", raw(`[{"objectType":"contextAgent","agent":{"mbox":"mailto:a@b.c"},"relevantTypes":["http://x.y/t"]}]`))
	if err := ValidateStatement(V200, m); err != nil {
		t.Errorf("contextAgents under 2.0: %v", err)
	}
	for _, bad := range []string{
		`[{"objectType":"Should fail","agent":{"mbox":"mailto:a@b.c"}}]`,
		`[{"objectType":"contextAgent","agent":{"key":"Should fail"}}]`,
		`[{"objectType":"contextAgent","agent":{"mbox":"mailto:a@b.c"},"relevantTypes":[]}]`,
		`[{"objectType":"contextAgent","agent":{"mbox":"mailto:a@b.c"},"relevantTypes":["abc"]}]`,
	} {
		m = decode(t, validStatement)
		set(m, "context.contextAgents", raw(bad))
		if ValidateStatement(V200, m) == nil {
			t.Errorf("contextAgents %s accepted", bad)
		}
	}
	m = decode(t, validStatement)
	set(m, "context.contextGroups", raw(`[{"objectType":"contextGroup","group":{"objectType":"Group","member":[{"mbox":"mailto:a@b.c"}]}}]`))
	if err := ValidateStatement(V200, m); err != nil {
		t.Errorf("contextGroups under 2.0: %v", err)
	}
	// Voiding statements must target a StatementRef.
	m = decode(t, validStatement)
	set(m, "verb.id", VerbVoided)
	if ValidateStatement(V200, m) == nil {
		t.Error("voiding an activity accepted")
	}
	// revision and platform only with an Activity object.
	m = decode(t, validStatement)
	set(m, "object", raw(`{"objectType":"Agent","mbox":"mailto:a@b.c"}`))
	if err := ValidateStatement(V200, m); err == nil || !strings.Contains(err.Error(), "revision") {
		t.Errorf("revision with an Agent object: %v", err)
	}
}

func TestStatementComparison(t *testing.T) {
	a := decode(t, validStatement)
	b := decode(t, validStatement)
	set(b, "id", strings.ToUpper(b["id"].(string)))
	set(b, "timestamp", "2026-11-27T06:30:42.123Z")
	set(b, "verb.display", raw(`{"nl":"voltooid"}`))
	set(b, "object.definition", raw(`{"name":{"en":"other"}}`))
	set(b, "authority", raw(`{"mbox":"mailto:x@y.z"}`))
	set(b, "context.contextActivities.parent", raw(`[{"id":"http://example.com/p"}]`))
	if !sameStatement(a, b) {
		t.Fatal("statements that differ only where the specification allows do not match")
	}
	set(b, "result.duration", "PT3723.5S")
	if sameStatement(a, b) {
		t.Fatal("a different duration serialisation matched")
	}
}

// FuzzValidateStatement feeds arbitrary JSON to the validator: it must not
// panic, and what it accepts must be preparable, render to JSON that
// validates again and compare equal to itself.
func FuzzValidateStatement(f *testing.F) {
	f.Add([]byte(validStatement))
	f.Add([]byte(`{"actor":{"mbox":"mailto:a@b.c"},"verb":{"id":"http://x.y/v"},"object":{"id":"http://x.y/a"}}`))
	f.Add([]byte(`{"actor":{"objectType":"Group","member":[]},"verb":{"id":"v"},"object":{"objectType":"SubStatement","actor":{"mbox":"mailto:a@b.c"},"verb":{"id":"http://x.y/v"},"object":{"objectType":"StatementRef","id":"0192f1a2-3b4c-7d5e-8f60-718293a4b5c6"}}}`))
	f.Add([]byte(`{"actor":null,"verb":{"id":"http://x.y/v"},"object":{"id":"http://x.y/a"},"result":{"score":{"scaled":"1"}}}`))
	f.Add([]byte(`[1,2,3]`))
	f.Add([]byte(`{"timestamp":"2008-09-15T15:53:00.601-00:00"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var m map[string]any
		if decodeJSON(data, &m) != nil || m == nil {
			return
		}
		for _, v := range []Version{V103, V200} {
			c := deepCopy(m).(map[string]any)
			if ValidateStatement(v, c) != nil {
				continue
			}
			p, err := prepare(v, c, map[string]any{"mbox": "mailto:lrs@example.com"})
			if err != nil {
				t.Fatalf("validated statement not preparable: %v", err)
			}
			body := p.finish(1_700_000_000_000_000)
			var back map[string]any
			if err := decodeJSON(body, &back); err != nil {
				t.Fatalf("rendered statement is not JSON: %v", err)
			}
			if err := ValidateStatement(v, back); err != nil {
				t.Fatalf("rendered statement no longer valid: %v\n%s", err, body)
			}
			if !sameStatement(back, p.m) {
				t.Fatalf("statement does not equal itself after a round trip:\n%s", body)
			}
		}
	})
}

func TestParseTimestamp(t *testing.T) {
	good := map[string]string{
		"2026-11-27T07:30:42Z":            "2026-11-27T07:30:42Z",
		"2026-11-27T08:30:42+01:00":       "2026-11-27T07:30:42Z",
		"2026-11-27T08:30:42.5+0100":      "2026-11-27T07:30:42.5Z",
		"2026-11-27 07:30:42.123456789Z":  "2026-11-27T07:30:42.123456789Z",
		"2026-11-27T07:30":                "2026-11-27T07:30:00Z",
		"20261127T073042Z":                "2026-11-27T07:30:42Z",
		"2026-11-27T07:30:42.1234567891Z": "2026-11-27T07:30:42.123456789Z",
	}
	for in, want := range good {
		got, ok := ParseTimestamp(in)
		if !ok || got.Format("2006-01-02T15:04:05.999999999Z07:00") != want {
			t.Errorf("%s: %v %v, want %s", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "2026-13-01T00:00:00Z", "2026-11-27", "2026-11-27T25:00:00Z", "2026-11-27T07:30:42+25:00", "yesterday"} {
		if _, ok := ParseTimestamp(in); ok {
			t.Errorf("%q accepted", in)
		}
	}
}
