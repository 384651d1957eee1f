package xapi

import (
	"bytes"
	"sort"
	"strconv"
	"strings"
)

// renderStatement turns a stored statement into the requested format and
// lists the hashes of its attachments.
func renderStatement(body []byte, format string, langs []string) ([]byte, []string, error) {
	hasAtt := bytes.Contains(body, []byte(`"attachments"`))
	if format == "exact" && !hasAtt {
		return body, nil, nil
	}
	var m map[string]any
	if err := decodeJSON(body, &m); err != nil {
		return nil, nil, err
	}
	var hashes []string
	collectHashes(m, &hashes)
	switch format {
	case "exact":
		return body, hashes, nil
	case "ids":
		idsFormat(m)
	case "canonical":
		canonicalFormat(m, langs)
	}
	return encodeJSON(m), hashes, nil
}

func collectHashes(m map[string]any, out *[]string) {
	if atts, ok := m["attachments"].([]any); ok {
		for _, a := range atts {
			if ao, ok := a.(map[string]any); ok {
				if h, ok := ao["sha2"].(string); ok {
					*out = append(*out, strings.ToLower(h))
				}
			}
		}
	}
	if obj, ok := m["object"].(map[string]any); ok && obj["objectType"] == "SubStatement" {
		collectHashes(obj, out)
	}
}

// idsAgent keeps only what identifies an agent or group.
func idsAgent(v any) any {
	o, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := map[string]any{}
	if t, ok := o["objectType"]; ok {
		out["objectType"] = t
	}
	ifi := false
	for _, k := range []string{"mbox", "mbox_sha1sum", "openid", "account"} {
		if x, ok := o[k]; ok {
			out[k] = x
			ifi = true
		}
	}
	if !ifi {
		if members, ok := o["member"].([]any); ok {
			ms := make([]any, len(members))
			for i, mm := range members {
				ms[i] = idsAgent(mm)
			}
			out["member"] = ms
		}
	}
	return out
}

// idsActivity keeps only the id: objectType is no identifier, and
// Activity is the default where an activity can stand (Communication
// 2.1.3, format ids; the conformance suite counts one key).
func idsActivity(v any) any {
	o, ok := v.(map[string]any)
	if !ok {
		return v
	}
	return map[string]any{"id": o["id"]}
}

// idsFormat reduces agents, groups, activities and verbs to their ids.
func idsFormat(m map[string]any) {
	for _, k := range []string{"actor", "authority"} {
		if v, ok := m[k]; ok {
			m[k] = idsAgent(v)
		}
	}
	if verb, ok := m["verb"].(map[string]any); ok {
		m["verb"] = map[string]any{"id": verb["id"]}
	}
	if obj, ok := m["object"].(map[string]any); ok {
		switch obj["objectType"] {
		case nil, "Activity":
			m["object"] = idsActivity(obj)
		case "Agent", "Group":
			m["object"] = idsAgent(obj)
		case "SubStatement":
			idsFormat(obj)
		}
	}
	if c, ok := m["context"].(map[string]any); ok {
		for _, k := range []string{"instructor", "team"} {
			if v, ok := c[k]; ok {
				c[k] = idsAgent(v)
			}
		}
		if ca, ok := c["contextActivities"].(map[string]any); ok {
			for k, list := range ca {
				if arr, ok := list.([]any); ok {
					for i, a := range arr {
						arr[i] = idsActivity(a)
					}
					ca[k] = arr
				}
			}
		}
		for _, k := range []struct{ list, member string }{{"contextAgents", "agent"}, {"contextGroups", "group"}} {
			if arr, ok := c[k.list].([]any); ok {
				for _, e := range arr {
					if eo, ok := e.(map[string]any); ok {
						eo[k.member] = idsAgent(eo[k.member])
					}
				}
			}
		}
	}
}

// canonicalFormat keeps one language in every language map of activity
// definitions and verb displays, chosen by Accept-Language.
func canonicalFormat(m map[string]any, langs []string) {
	if verb, ok := m["verb"].(map[string]any); ok {
		if d, ok := verb["display"].(map[string]any); ok {
			verb["display"] = pickLang(d, langs)
		}
	}
	act := func(v any) {
		o, ok := v.(map[string]any)
		if !ok {
			return
		}
		def, ok := o["definition"].(map[string]any)
		if !ok {
			return
		}
		for _, k := range []string{"name", "description"} {
			if lm, ok := def[k].(map[string]any); ok {
				def[k] = pickLang(lm, langs)
			}
		}
		for _, k := range []string{"choices", "scale", "source", "target", "steps"} {
			if arr, ok := def[k].([]any); ok {
				for _, c := range arr {
					if co, ok := c.(map[string]any); ok {
						if lm, ok := co["description"].(map[string]any); ok {
							co["description"] = pickLang(lm, langs)
						}
					}
				}
			}
		}
	}
	if obj, ok := m["object"].(map[string]any); ok {
		switch obj["objectType"] {
		case nil, "Activity":
			act(obj)
		case "SubStatement":
			canonicalFormat(obj, langs)
		}
	}
	if c, ok := m["context"].(map[string]any); ok {
		if ca, ok := c["contextActivities"].(map[string]any); ok {
			for _, list := range ca {
				if arr, ok := list.([]any); ok {
					for _, a := range arr {
						act(a)
					}
				}
			}
		}
	}
}

// acceptLanguages returns the tags of an Accept-Language header, best
// first.
func acceptLanguages(h string) []string {
	type lq struct {
		tag string
		q   float64
		i   int
	}
	var out []lq
	for i, part := range strings.Split(h, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		tag, q := part, 1.0
		if j := strings.Index(part, ";"); j >= 0 {
			tag = strings.TrimSpace(part[:j])
			if k := strings.Index(part[j:], "q="); k >= 0 {
				if f, err := strconv.ParseFloat(strings.TrimSpace(part[j+k+2:]), 64); err == nil {
					q = f
				}
			}
		}
		if q > 0 {
			out = append(out, lq{strings.ToLower(tag), q, i})
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].q > out[b].q })
	tags := make([]string, len(out))
	for i, x := range out {
		tags[i] = x.tag
	}
	return tags
}

// pickLang keeps the entry of a language map that best fits langs.
func pickLang(m map[string]any, langs []string) map[string]any {
	if len(m) <= 1 {
		return m
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, want := range langs {
		if want == "*" {
			return map[string]any{keys[0]: m[keys[0]]}
		}
		for _, k := range keys {
			if strings.EqualFold(k, want) {
				return map[string]any{k: m[k]}
			}
		}
		for _, k := range keys {
			lk := strings.ToLower(k)
			if strings.HasPrefix(lk, want+"-") || strings.HasPrefix(want, lk+"-") {
				return map[string]any{k: m[k]}
			}
		}
	}
	for _, k := range keys {
		if strings.HasPrefix(strings.ToLower(k), "en") {
			return map[string]any{k: m[k]}
		}
	}
	return map[string]any{keys[0]: m[keys[0]]}
}
