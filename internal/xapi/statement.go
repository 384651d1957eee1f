package xapi

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"io"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/store"
)

// Index kinds of store.XAPIKey. An agent key is Direct when it is the
// actor or object (or one of their group members), which the narrow agent
// filter matches; related_agents matches every agent key. An activity key
// is Direct when it is the object.
const (
	KindAgent        = "a" // actor, object, authority, instructor, team, in sub-statements
	KindVerb         = "v"
	KindActivity     = "o" // object, context activities, in sub-statements
	KindRegistration = "r"
	// KindAgentVerb pairs every direct agent with every verb, so that the
	// most common query (a person's statements with a verb) reads one
	// index range instead of checking each of the agent's statements.
	KindAgentVerb = "g"
)

// agentVerbKey is the key of an agent and verb pair.
func agentVerbKey(agent, verb string) string { return agent + "\x00" + verb }

// withCombos recomputes the agent-verb pairs of a key set.
func withCombos(keys []store.XAPIKey) []store.XAPIKey {
	k := newKeySet()
	var agents, verbs []string
	for _, x := range keys {
		switch {
		case x.Kind == KindAgentVerb:
			continue
		case x.Kind == KindAgent && x.Direct:
			agents = append(agents, x.Key)
		case x.Kind == KindVerb:
			verbs = append(verbs, x.Key)
		}
		k.addKey(x)
	}
	for _, a := range agents {
		for _, v := range verbs {
			k.add(KindAgentVerb, agentVerbKey(a, v), true)
		}
	}
	return k.list
}

// decodeJSON decodes one JSON value, keeping numbers as json.Number so that
// they round-trip exactly, and refusing trailing data.
func decodeJSON(b []byte, v any) error {
	if err := decodeInto(b, v); err != errNotTree {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return &ValidationError{Rule: "the body must hold exactly one JSON value"}
	}
	return nil
}

// encodeJSON writes v without HTML escaping (IRIs keep their & and <).
func encodeJSON(v any) []byte { return appendJSON(make([]byte, 0, 1024), v) }

// encodeJSONReflect is encodeJSON through encoding/json, for values that
// are not a decoded JSON tree.
func encodeJSONReflect(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	b := buf.Bytes()
	return b[:len(b)-1] // drop the newline Encode adds
}

// seqClock hands out stored times in microseconds, strictly increasing
// within this process so that statements in a batch keep their order and
// cursors stay stable.
var seqClock struct {
	sync.Mutex
	last int64
}

func nextSeqs(n int) []int64 {
	seqClock.Lock()
	defer seqClock.Unlock()
	now := time.Now().UnixMicro()
	if now <= seqClock.last {
		now = seqClock.last + 1
	}
	out := make([]int64, n)
	for i := range out {
		out[i] = now + int64(i)
	}
	seqClock.last = now + int64(n) - 1
	return out
}

// storedString renders a stored time (µs) exactly, so that a client can
// pass it back as since/until without losing precision.
func storedString(seq int64) string {
	return time.UnixMicro(seq).UTC().Format("2006-01-02T15:04:05.000000Z")
}

// prepared is a validated statement ready to store.
type prepared struct {
	m          map[string]any
	id         string
	verb       string
	refID      string // object StatementRef id
	voiding    bool
	attach     []attachmentRef
	keys       []store.XAPIKey
	activities map[string]map[string]any // id → definition
	// body is the encoded statement without stored (see encode).
	body         []byte
	hasTimestamp bool
}

type attachmentRef struct {
	sha2, contentType, fileURL string
	length                     int64
	signature                  bool
}

// UsageSignature marks the attachment holding a statement's JWS signature.
const UsageSignature = "http://adlnet.gov/expapi/attachments/signature"

// prepare validates m under v and fills what the LRS assigns: id when
// absent, authority (always the credential's), version and (at store time)
// stored and timestamp.
func prepare(v Version, m map[string]any, authority map[string]any) (*prepared, error) {
	if err := ValidateStatement(v, m); err != nil {
		return nil, err
	}
	p := &prepared{m: m}
	if id, ok := m["id"].(string); ok {
		p.id = strings.ToLower(id)
	} else {
		p.id = core.NewID()
	}
	m["id"] = p.id
	if authority != nil {
		m["authority"] = authority
	}
	if _, ok := m["version"]; !ok {
		m["version"] = v.StatementVersion()
	}
	p.verb = m["verb"].(map[string]any)["id"].(string)
	obj := m["object"].(map[string]any)
	if obj["objectType"] == "StatementRef" {
		p.refID = strings.ToLower(obj["id"].(string))
		obj["id"] = p.refID
		p.voiding = p.verb == VerbVoided
	}
	if atts, ok := m["attachments"].([]any); ok {
		for _, a := range atts {
			ao := a.(map[string]any)
			n, _ := ao["length"].(json.Number).Int64()
			r := attachmentRef{sha2: strings.ToLower(ao["sha2"].(string)), contentType: ao["contentType"].(string), length: n}
			r.fileURL, _ = ao["fileUrl"].(string)
			r.signature = ao["usageType"] == UsageSignature
			p.attach = append(p.attach, r)
		}
	}
	p.keys = statementKeys(m)
	p.activities = map[string]map[string]any{}
	collectActivities(m, p.activities)
	return p, nil
}

// encode renders the statement without stored (and without timestamp
// when the client gave none), which the writer adds in finish: the JSON
// encoding, the costliest step of storing, then runs in the request and
// not in the single writer.
func (p *prepared) encode() {
	delete(p.m, "stored")
	_, p.hasTimestamp = p.m["timestamp"]
	p.body = encodeJSON(p.m)
}

// finish sets stored, and timestamp when absent, and returns the body:
// the encoded statement with these properties appended.
func (p *prepared) finish(seq int64) []byte {
	if p.body == nil {
		p.encode()
	}
	st := storedString(seq)
	b := make([]byte, 0, len(p.body)+2*len(st)+32)
	b = append(b, p.body[:len(p.body)-1]...) // without its closing brace
	b = append(b, `,"stored":"`...)
	b = append(b, st...)
	b = append(b, '"')
	// p.m keeps neither: a retry of the batch must compare the statement
	// as the client sent it.
	if !p.hasTimestamp {
		b = append(b, `,"timestamp":"`...)
		b = append(b, st...)
		b = append(b, '"')
	}
	return append(b, '}')
}

// AgentKey is the canonical text of an agent's or identified group's
// inverse functional identifier; "" when it has none.
func AgentKey(o map[string]any) string {
	if s, ok := o["mbox"].(string); ok {
		// The domain of an e-mail address is case-insensitive.
		if i := strings.LastIndexByte(s, '@'); i >= 0 {
			s = s[:i] + strings.ToLower(s[i:])
		}
		return "mbox|" + s
	}
	if s, ok := o["mbox_sha1sum"].(string); ok {
		return "sha1|" + strings.ToLower(s)
	}
	if s, ok := o["openid"].(string); ok {
		return "openid|" + s
	}
	if a, ok := o["account"].(map[string]any); ok {
		hp, _ := a["homePage"].(string)
		n, _ := a["name"].(string)
		return "account|" + hp + "|" + n
	}
	return ""
}

// MboxSHA1 is the mbox_sha1sum of a mailto IRI, to match agents given
// either way.
func MboxSHA1(mbox string) string {
	h := sha1.Sum([]byte(mbox))
	return hex.EncodeToString(h[:])
}

// keySet collects a statement's filter keys without duplicates. A
// statement has a dozen or two, so a linear search beats a map.
type keySet struct {
	list []store.XAPIKey
}

func newKeySet() *keySet { return &keySet{list: make([]store.XAPIKey, 0, 16)} }

func (k *keySet) add(kind, key string, direct bool) {
	k.addKey(store.XAPIKey{Kind: kind, Key: key, Direct: direct})
}

// addKey adds x, hashing it unless it carries its hash: the hash is
// computed here, by the request, and not by the single writer.
func (k *keySet) addKey(x store.XAPIKey) {
	if x.Key == "" {
		return
	}
	for i := range k.list {
		if k.list[i].Kind == x.Kind && k.list[i].Key == x.Key {
			k.list[i].Direct = k.list[i].Direct || x.Direct
			return
		}
	}
	if x.Hash == 0 {
		x.Hash = store.XAPIKeyHash(x.Kind, x.Key)
	}
	k.list = append(k.list, x)
}

// agent adds an agent or group and its members.
func (k *keySet) agent(v any, direct bool) {
	o, ok := v.(map[string]any)
	if !ok {
		return
	}
	k.add(KindAgent, AgentKey(o), direct)
	if members, ok := o["member"].([]any); ok {
		for _, m := range members {
			if mo, ok := m.(map[string]any); ok {
				k.add(KindAgent, AgentKey(mo), direct)
			}
		}
	}
}

// statementKeys lists what the statement filters match on.
func statementKeys(m map[string]any) []store.XAPIKey {
	k := newKeySet()
	k.agent(m["actor"], true)
	k.add(KindVerb, m["verb"].(map[string]any)["id"].(string), true)
	obj := m["object"].(map[string]any)
	switch obj["objectType"] {
	case nil, "Activity":
		id, _ := obj["id"].(string)
		k.add(KindActivity, id, true)
	case "Agent", "Group":
		k.agent(obj, true)
	case "SubStatement":
		k.agent(obj["actor"], false)
		so, _ := obj["object"].(map[string]any)
		switch so["objectType"] {
		case nil, "Activity":
			id, _ := so["id"].(string)
			k.add(KindActivity, id, false)
		case "Agent", "Group":
			k.agent(so, false)
		}
		contextKeys(k, obj["context"])
	}
	k.agent(m["authority"], false)
	contextKeys(k, m["context"])
	if c, ok := m["context"].(map[string]any); ok {
		if r, ok := c["registration"].(string); ok {
			k.add(KindRegistration, strings.ToLower(r), true)
		}
	}
	return withCombos(k.list)
}

func contextKeys(k *keySet, v any) {
	c, ok := v.(map[string]any)
	if !ok {
		return
	}
	k.agent(c["instructor"], false)
	k.agent(c["team"], false)
	// xAPI 2.0 context agents and groups are related agents too.
	for _, l := range []struct{ list, member string }{{"contextAgents", "agent"}, {"contextGroups", "group"}} {
		if arr, ok := c[l.list].([]any); ok {
			for _, e := range arr {
				if eo, ok := e.(map[string]any); ok {
					k.agent(eo[l.member], false)
				}
			}
		}
	}
	if ca, ok := c["contextActivities"].(map[string]any); ok {
		for _, list := range ca {
			arr, _ := list.([]any)
			for _, a := range arr {
				if ao, ok := a.(map[string]any); ok {
					id, _ := ao["id"].(string)
					k.add(KindActivity, id, false)
				}
			}
		}
	}
}

// collectActivities gathers every activity with a definition, for the
// Activities resource.
func collectActivities(m map[string]any, out map[string]map[string]any) {
	add := func(v any) {
		a, ok := v.(map[string]any)
		if !ok {
			return
		}
		if t, ok := a["objectType"]; ok && t != "Activity" {
			return
		}
		id, _ := a["id"].(string)
		if id == "" {
			return
		}
		def, _ := a["definition"].(map[string]any)
		if prev, ok := out[id]; ok && def == nil {
			_ = prev
			return
		}
		out[id] = def
	}
	var walk func(s map[string]any)
	walk = func(s map[string]any) {
		obj, _ := s["object"].(map[string]any)
		if obj["objectType"] == "SubStatement" {
			walk(obj)
		} else {
			add(obj)
		}
		if c, ok := s["context"].(map[string]any); ok {
			if ca, ok := c["contextActivities"].(map[string]any); ok {
				for _, list := range ca {
					arr, _ := list.([]any)
					for _, a := range arr {
						add(a)
					}
				}
			}
		}
	}
	walk(m)
}

// comparable reduces a statement to what the Statement Comparison
// Requirements compare: the properties the LRS assigns (id, authority,
// stored, version), timestamp serialisation, activity definitions, verb
// display, attachments and group member order are ignored.
func comparable(m map[string]any) any {
	c := deepCopy(m).(map[string]any)
	for _, k := range []string{"id", "authority", "stored", "version", "attachments"} {
		delete(c, k)
	}
	if ts, ok := c["timestamp"].(string); ok {
		if t, ok := ParseTimestamp(ts); ok {
			c["timestamp"] = t.UnixMilli()
		}
	}
	normalise(c)
	return c
}

func normalise(v any) {
	switch x := v.(type) {
	case map[string]any:
		if x["objectType"] == "SubStatement" {
			if ts, ok := x["timestamp"].(string); ok {
				if t, ok := ParseTimestamp(ts); ok {
					x["timestamp"] = t.UnixMilli()
				}
			}
			delete(x, "attachments")
		}
		if _, ok := x["definition"]; ok {
			if id, ok := x["id"].(string); ok && id != "" {
				delete(x, "definition")
			}
		}
		if verb, ok := x["verb"].(map[string]any); ok {
			delete(verb, "display")
		}
		if members, ok := x["member"].([]any); ok {
			sort.Slice(members, func(i, j int) bool {
				return string(encodeJSON(members[i])) < string(encodeJSON(members[j]))
			})
		}
		if ca, ok := x["contextActivities"].(map[string]any); ok {
			for k, v := range ca {
				if o, ok := v.(map[string]any); ok {
					ca[k] = []any{o}
				}
			}
		}
		for k, val := range x {
			if k == "extensions" {
				continue
			}
			if s, ok := val.(string); ok && (k == "id" || k == "registration") && ValidUUID(s) {
				x[k] = strings.ToLower(s)
			}
			normalise(val)
		}
	case []any:
		for _, e := range x {
			normalise(e)
		}
	}
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		c := make(map[string]any, len(x))
		for k, e := range x {
			c[k] = deepCopy(e)
		}
		return c
	case []any:
		c := make([]any, len(x))
		for i, e := range x {
			c[i] = deepCopy(e)
		}
		return c
	default:
		return v
	}
}

// sameStatement reports whether two statements match under the Statement
// Comparison Requirements.
func sameStatement(a, b map[string]any) bool {
	ca, cb := comparable(a).(map[string]any), comparable(b).(map[string]any)
	// A timestamp the LRS filled in is an assignment, not content.
	_, ta := ca["timestamp"]
	_, tb := cb["timestamp"]
	if !ta || !tb {
		delete(ca, "timestamp")
		delete(cb, "timestamp")
	}
	return reflect.DeepEqual(ca, cb)
}
