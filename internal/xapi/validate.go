package xapi

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"
)

// ValidationError says which field of a statement breaks which rule. The
// LRS answers it with 400 Bad Request and this text.
type ValidationError struct {
	Field string // JSON path, e.g. "context.instructor.mbox"
	Rule  string
}

func (e *ValidationError) Error() string {
	if e.Field == "" {
		return e.Rule
	}
	return e.Field + ": " + e.Rule
}

func verr(field, format string, args ...any) *ValidationError {
	return &ValidationError{Field: field, Rule: fmt.Sprintf(format, args...)}
}

// VerbVoided is the reserved verb that voids a statement.
const VerbVoided = "http://adlnet.gov/expapi/verbs/voided"

var (
	sha1Re = regexp.MustCompile(`^[0-9a-fA-F]{40}$`)
	sha2Re = regexp.MustCompile(`^[0-9a-fA-F]{56}$|^[0-9a-fA-F]{64}$|^[0-9a-fA-F]{96}$|^[0-9a-fA-F]{128}$`)
	mimeRe = regexp.MustCompile(`^[A-Za-z0-9!#$&^_.+\-]+/[A-Za-z0-9!#$&^_.+\-]+(\s*;.*)?$`)
	// RFC 5646 well-formed language tags (grandfathered tags are listed
	// apart below).
	langtagRe = regexp.MustCompile(`^(?i)(` +
		`([a-z]{2,3}(-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})` + // language
		`(-[a-z]{4})?` + // script
		`(-([a-z]{2}|[0-9]{3}))?` + // region
		`(-([a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*` + // variants
		`(-[0-9a-wyz](-[a-z0-9]{2,8})+)*` + // extensions
		`(-x(-[a-z0-9]{1,8})+)?` + // private use
		`|x(-[a-z0-9]{1,8})+)$`)
	durationRe = regexp.MustCompile(`^P(?:(\d+(?:[.,]\d+)?)Y)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$|^P\d+(?:[.,]\d+)?W$`)
	// ISO 8601 extended (date, then T or a space as RFC 3339 allows) and
	// basic forms. The offset "-00:00" (unknown local offset) is refused
	// apart.
	timestampExtRe   = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$`)
	timestampBasicRe = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(?:(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?:\d{2})?)?$`)
)

var grandfathered = map[string]bool{
	"en-gb-oed": true, "i-ami": true, "i-bnn": true, "i-default": true, "i-enochian": true, "i-hak": true,
	"i-klingon": true, "i-lux": true, "i-mingo": true, "i-navajo": true, "i-pwn": true, "i-tao": true,
	"i-tay": true, "i-tsu": true, "sgn-be-fr": true, "sgn-be-nl": true, "sgn-ch-de": true,
	"art-lojban": true, "cel-gaulish": true, "no-bok": true, "no-nyn": true, "zh-guoyu": true,
	"zh-hakka": true, "zh-min": true, "zh-min-nan": true, "zh-xiang": true,
}

// ValidLangTag reports whether s is a well-formed RFC 5646 language tag.
func ValidLangTag(s string) bool {
	if v, ok := langTags.Load(s); ok {
		return v.(bool)
	}
	ok := langtagRe.MatchString(s) || grandfathered[strings.ToLower(s)]
	// Statements use a handful of tags over and over: remember the
	// answers, up to a bound so that a client cannot fill memory.
	if langTagCount.Add(1) <= 4096 {
		langTags.Store(s, ok)
	}
	return ok
}

var (
	langTags     sync.Map // tag → bool
	langTagCount atomic.Int64
)

// ValidIRI is the best-effort IRI check the specification allows: a scheme,
// something after it, and no white space or control characters.
func ValidIRI(s string) bool {
	i := schemeEnd(s)
	if i < 0 || !utf8.ValidString(s) {
		return false
	}
	if i == len(s)-1 {
		return false
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == '<' || r == '>' || r == '"' || r == '{' || r == '}' || r == '|' || r == '\\' || r == '^' || r == '`' {
			return false
		}
	}
	return true
}

// schemeEnd returns the index of the colon ending s's IRI scheme
// (iriSchemeRe, by hand: every statement has a dozen IRIs), or -1.
func schemeEnd(s string) int {
	if s == "" || !isLetter(s[0]) {
		return -1
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ':':
			return i
		case isLetter(c) || ('0' <= c && c <= '9') || c == '+' || c == '.' || c == '-':
		default:
			return -1
		}
	}
	return -1
}

func isLetter(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }

func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

// ValidUUID reports whether s is a UUID in standard string form
// (uuidRe, by hand).
func ValidUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if s[i] != '-' {
				return false
			}
		} else if !isHex(s[i]) {
			return false
		}
	}
	return true
}

// validMailto is mailtoRe by hand: "mailto:", then one @ with something
// but @ and white space (\s: tab, newline, form feed, return, space) on
// either side.
func validMailto(s string) bool {
	rest, ok := strings.CutPrefix(s, "mailto:")
	if !ok {
		return false
	}
	at := strings.IndexByte(rest, '@')
	if at <= 0 || at == len(rest)-1 || strings.IndexByte(rest[at+1:], '@') >= 0 {
		return false
	}
	return !strings.ContainsAny(rest, "\t\n\f\r ")
}

// ParseTimestamp parses an ISO 8601 timestamp as xAPI uses it: extended or
// basic form, RFC 3339's space separator, an offset (UTC when absent) but
// never "-00:00", "-0000" or "-00".
func ParseTimestamp(s string) (time.Time, bool) {
	m := timestampExtRe.FindStringSubmatch(s)
	if m == nil {
		m = timestampBasicRe.FindStringSubmatch(s)
		if m == nil {
			return time.Time{}, false
		}
	}
	num := func(x string) int { n, _ := strconv.Atoi(x); return n }
	year, mon, day, hour, min := num(m[1]), num(m[2]), num(m[3]), num(m[4]), num(m[5])
	sec := 0
	if m[6] != "" {
		sec = num(m[6])
	}
	nsec := 0
	if m[7] != "" {
		frac := m[7]
		if len(frac) > 9 {
			frac = frac[:9]
		}
		for len(frac) < 9 {
			frac += "0"
		}
		nsec = num(frac)
	}
	if mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 24 || min > 59 || sec > 60 {
		return time.Time{}, false
	}
	if hour == 24 && (min != 0 || sec != 0 || nsec != 0) {
		return time.Time{}, false
	}
	loc := time.UTC
	if z := m[8]; z != "" && z != "Z" && z != "z" {
		digits := strings.ReplaceAll(z[1:], ":", "")
		if strings.Trim(digits, "0") == "" && z[0] == '-' {
			return time.Time{}, false // -00:00 means "offset unknown"
		}
		oh := num(digits[:2])
		om := 0
		if len(digits) == 4 {
			om = num(digits[2:])
		}
		if oh > 23 || om > 59 {
			return time.Time{}, false
		}
		off := oh*3600 + om*60
		if z[0] == '-' {
			off = -off
		}
		loc = time.FixedZone("", off)
	}
	t := time.Date(year, time.Month(mon), day, hour, min, sec, nsec, loc)
	if t.Day() != day && hour != 24 { // 31 February and the like
		return time.Time{}, false
	}
	return t.UTC(), true
}

// ValidDuration reports whether s is an ISO 8601 duration.
func ValidDuration(s string) bool {
	if !durationRe.MatchString(s) || s == "P" || strings.HasSuffix(s, "T") {
		return false
	}
	return true
}

// validator walks a decoded statement (maps, slices, json.Number) and
// returns the first broken rule. It also normalises the statement in place
// where the specification tells the LRS to (context activities become
// arrays).
type validator struct {
	v Version
}

type object = map[string]any

func keysAllowed(o object, path string, allowed ...string) *ValidationError {
	for k, val := range o {
		ok := false
		for _, a := range allowed {
			if k == a {
				ok = true
				break
			}
		}
		if !ok {
			return verr(join(path, k), "is not a property allowed here")
		}
		if val == nil {
			return verr(join(path, k), "must not be null")
		}
	}
	return nil
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func idx(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

func asObject(v any, path string) (object, *ValidationError) {
	o, ok := v.(map[string]any)
	if !ok {
		return nil, verr(path, "must be a JSON object")
	}
	return o, nil
}

func str(o object, k, path string, required bool) (string, bool, *ValidationError) {
	v, ok := o[k]
	if !ok {
		if required {
			return "", false, verr(join(path, k), "is required")
		}
		return "", false, nil
	}
	s, ok := v.(string)
	if !ok {
		return "", false, verr(join(path, k), "must be a string")
	}
	return s, true, nil
}

func (vd *validator) iri(o object, k, path string, required bool) (string, *ValidationError) {
	s, ok, err := str(o, k, path, required)
	if err != nil || !ok {
		return s, err
	}
	if !ValidIRI(s) {
		return s, verr(join(path, k), "must be an IRI with a scheme")
	}
	return s, nil
}

func (vd *validator) langMap(v any, path string) *ValidationError {
	o, err := asObject(v, path)
	if err != nil {
		return err
	}
	for k, val := range o {
		if !ValidLangTag(k) {
			return verr(join(path, k), "must be an RFC 5646 language tag")
		}
		if _, ok := val.(string); !ok {
			return verr(join(path, k), "must be a string")
		}
	}
	return nil
}

func (vd *validator) extensions(v any, path string) *ValidationError {
	o, err := asObject(v, path)
	if err != nil {
		return err
	}
	for k := range o {
		if !ValidIRI(k) {
			return verr(join(path, k), "extension keys must be IRIs")
		}
	}
	return nil
}

// ValidateStatement checks a decoded statement under the rules of v. It
// reports the first broken rule, naming the field.
func ValidateStatement(v Version, s map[string]any) error {
	vd := &validator{v: v}
	if err := vd.statement(s); err != nil {
		return err
	}
	return nil
}

func (vd *validator) statement(s object) *ValidationError {
	if err := keysAllowed(s, "", "id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority", "version", "attachments"); err != nil {
		return err
	}
	if id, ok, err := str(s, "id", "", false); err != nil {
		return err
	} else if ok && !ValidUUID(id) {
		return verr("id", "must be a UUID")
	}
	if err := vd.core(s, "", false); err != nil {
		return err
	}
	if st, ok, err := str(s, "stored", "", false); err != nil {
		return err
	} else if ok {
		if _, ok := ParseTimestamp(st); !ok {
			return verr("stored", "must be an ISO 8601 timestamp")
		}
	}
	if a, ok := s["authority"]; ok {
		if err := vd.authority(a, "authority"); err != nil {
			return err
		}
	}
	if ver, ok, err := str(s, "version", "", false); err != nil {
		return err
	} else if ok && !validStatementVersion(vd.v, ver) {
		if vd.v == V103 {
			return verr("version", "must be 1.0.x")
		}
		return verr("version", "must be 1.0.x or 2.0.x")
	}
	return nil
}

// core checks what statements and sub-statements share.
func (vd *validator) core(s object, path string, sub bool) *ValidationError {
	actor, ok := s["actor"]
	if !ok {
		return verr(join(path, "actor"), "is required")
	}
	if err := vd.actor(actor, join(path, "actor")); err != nil {
		return err
	}
	verb, ok := s["verb"]
	if !ok {
		return verr(join(path, "verb"), "is required")
	}
	verbID, err := vd.verb(verb, join(path, "verb"))
	if err != nil {
		return err
	}
	obj, ok := s["object"]
	if !ok {
		return verr(join(path, "object"), "is required")
	}
	objType, err := vd.object(obj, join(path, "object"), sub)
	if err != nil {
		return err
	}
	if verbID == VerbVoided && objType != "StatementRef" {
		return verr(join(path, "object"), "a voiding statement's object must be a StatementRef")
	}
	if r, ok := s["result"]; ok {
		if err := vd.result(r, join(path, "result")); err != nil {
			return err
		}
	}
	if c, ok := s["context"]; ok {
		if err := vd.context(c, join(path, "context"), objType); err != nil {
			return err
		}
	}
	if ts, ok, err := str(s, "timestamp", path, false); err != nil {
		return err
	} else if ok {
		if _, ok := ParseTimestamp(ts); !ok {
			return verr(join(path, "timestamp"), "must be an ISO 8601 timestamp with a known offset")
		}
	}
	if a, ok := s["attachments"]; ok {
		if err := vd.attachments(a, join(path, "attachments")); err != nil {
			return err
		}
	}
	return nil
}

// actor is an Agent or a Group.
func (vd *validator) actor(v any, path string) *ValidationError {
	o, err := asObject(v, path)
	if err != nil {
		return err
	}
	ot, _, err := str(o, "objectType", path, false)
	if err != nil {
		return err
	}
	switch ot {
	case "", "Agent":
		return vd.agent(o, path)
	case "Group":
		return vd.group(o, path)
	default:
		return verr(join(path, "objectType"), "must be Agent or Group")
	}
}

// ifis counts and checks the inverse functional identifiers of o.
func (vd *validator) ifis(o object, path string) (int, *ValidationError) {
	n := 0
	if s, ok, err := str(o, "mbox", path, false); err != nil {
		return 0, err
	} else if ok {
		n++
		if !validMailto(s) {
			return 0, verr(join(path, "mbox"), "must be a mailto IRI")
		}
	}
	if s, ok, err := str(o, "mbox_sha1sum", path, false); err != nil {
		return 0, err
	} else if ok {
		n++
		if !sha1Re.MatchString(s) {
			return 0, verr(join(path, "mbox_sha1sum"), "must be a hex SHA-1")
		}
	}
	if s, ok, err := str(o, "openid", path, false); err != nil {
		return 0, err
	} else if ok {
		n++
		if !ValidIRI(s) {
			return 0, verr(join(path, "openid"), "must be a URI")
		}
	}
	if a, ok := o["account"]; ok {
		n++
		ap := join(path, "account")
		ao, err := asObject(a, ap)
		if err != nil {
			return 0, err
		}
		if err := keysAllowed(ao, ap, "homePage", "name"); err != nil {
			return 0, err
		}
		if _, err := vd.iri(ao, "homePage", ap, true); err != nil {
			return 0, err
		}
		if _, _, err := str(ao, "name", ap, true); err != nil {
			return 0, err
		}
	}
	return n, nil
}

func (vd *validator) agent(o object, path string) *ValidationError {
	if err := keysAllowed(o, path, "objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"); err != nil {
		return err
	}
	if ot, ok, err := str(o, "objectType", path, false); err != nil {
		return err
	} else if ok && ot != "Agent" {
		return verr(join(path, "objectType"), "must be Agent")
	}
	if _, _, err := str(o, "name", path, false); err != nil {
		return err
	}
	n, err := vd.ifis(o, path)
	if err != nil {
		return err
	}
	if n != 1 {
		return verr(path, "an Agent must have exactly one of mbox, mbox_sha1sum, openid, account")
	}
	return nil
}

func (vd *validator) group(o object, path string) *ValidationError {
	if err := keysAllowed(o, path, "objectType", "name", "member", "mbox", "mbox_sha1sum", "openid", "account"); err != nil {
		return err
	}
	if ot, _, err := str(o, "objectType", path, true); err != nil {
		return err
	} else if ot != "Group" {
		return verr(join(path, "objectType"), "must be Group")
	}
	if _, _, err := str(o, "name", path, false); err != nil {
		return err
	}
	n, err := vd.ifis(o, path)
	if err != nil {
		return err
	}
	if n > 1 {
		return verr(path, "a Group must not have more than one of mbox, mbox_sha1sum, openid, account")
	}
	m, hasMember := o["member"]
	if n == 0 && !hasMember {
		return verr(join(path, "member"), "an anonymous Group must list its members")
	}
	if hasMember {
		mp := join(path, "member")
		arr, ok := m.([]any)
		if !ok {
			return verr(mp, "must be an array of Agents")
		}
		if n == 0 && len(arr) == 0 {
			return verr(mp, "an anonymous Group must have at least one member")
		}
		for i, a := range arr {
			ao, err := asObject(a, idx(mp, i))
			if err != nil {
				return err
			}
			if err := vd.agent(ao, idx(mp, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

func (vd *validator) authority(v any, path string) *ValidationError {
	if err := vd.actor(v, path); err != nil {
		return err
	}
	o := v.(map[string]any)
	if o["objectType"] == "Group" {
		n, _ := vd.ifis(o, path)
		if n != 0 {
			return verr(path, "a Group authority must be anonymous")
		}
		if m, _ := o["member"].([]any); len(m) != 2 {
			return verr(join(path, "member"), "a Group authority must have exactly two members")
		}
	}
	return nil
}

func (vd *validator) verb(v any, path string) (string, *ValidationError) {
	o, err := asObject(v, path)
	if err != nil {
		return "", err
	}
	if err := keysAllowed(o, path, "id", "display"); err != nil {
		return "", err
	}
	id, err := vd.iri(o, "id", path, true)
	if err != nil {
		return "", err
	}
	if d, ok := o["display"]; ok {
		if err := vd.langMap(d, join(path, "display")); err != nil {
			return "", err
		}
	}
	return id, nil
}

// object checks a statement's object and returns its objectType.
func (vd *validator) object(v any, path string, sub bool) (string, *ValidationError) {
	o, err := asObject(v, path)
	if err != nil {
		return "", err
	}
	ot, _, err := str(o, "objectType", path, false)
	if err != nil {
		return "", err
	}
	switch ot {
	case "", "Activity":
		return "Activity", vd.activity(o, path)
	case "Agent":
		return ot, vd.agent(o, path)
	case "Group":
		return ot, vd.group(o, path)
	case "StatementRef":
		return ot, vd.statementRef(o, path)
	case "SubStatement":
		if sub {
			return ot, verr(join(path, "objectType"), "a SubStatement must not contain a SubStatement")
		}
		if err := keysAllowed(o, path, "objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"); err != nil {
			return ot, err
		}
		return ot, vd.core(o, path, true)
	default:
		return "", verr(join(path, "objectType"), "must be Activity, Agent, Group, StatementRef or SubStatement")
	}
}

func (vd *validator) statementRef(o object, path string) *ValidationError {
	if err := keysAllowed(o, path, "objectType", "id"); err != nil {
		return err
	}
	if ot, _, err := str(o, "objectType", path, true); err != nil {
		return err
	} else if ot != "StatementRef" {
		return verr(join(path, "objectType"), "must be StatementRef")
	}
	id, _, err := str(o, "id", path, true)
	if err != nil {
		return err
	}
	if !ValidUUID(id) {
		return verr(join(path, "id"), "must be a UUID")
	}
	return nil
}

func (vd *validator) activity(o object, path string) *ValidationError {
	if err := keysAllowed(o, path, "objectType", "id", "definition"); err != nil {
		return err
	}
	if ot, ok, err := str(o, "objectType", path, false); err != nil {
		return err
	} else if ok && ot != "Activity" {
		return verr(join(path, "objectType"), "must be Activity")
	}
	if _, err := vd.iri(o, "id", path, true); err != nil {
		return err
	}
	if d, ok := o["definition"]; ok {
		return vd.definition(d, join(path, "definition"))
	}
	return nil
}

var interactionTypes = map[string]bool{
	"true-false": true, "choice": true, "fill-in": true, "long-fill-in": true, "matching": true,
	"performance": true, "sequencing": true, "likert": true, "numeric": true, "other": true,
}

func (vd *validator) definition(v any, path string) *ValidationError {
	o, err := asObject(v, path)
	if err != nil {
		return err
	}
	if err := keysAllowed(o, path, "name", "description", "type", "moreInfo", "extensions",
		"interactionType", "correctResponsesPattern", "choices", "scale", "source", "target", "steps"); err != nil {
		return err
	}
	for _, k := range []string{"name", "description"} {
		if m, ok := o[k]; ok {
			if err := vd.langMap(m, join(path, k)); err != nil {
				return err
			}
		}
	}
	if _, err := vd.iri(o, "type", path, false); err != nil {
		return err
	}
	if _, err := vd.iri(o, "moreInfo", path, false); err != nil {
		return err
	}
	if e, ok := o["extensions"]; ok {
		if err := vd.extensions(e, join(path, "extensions")); err != nil {
			return err
		}
	}
	it, hasIT, err := str(o, "interactionType", path, false)
	if err != nil {
		return err
	}
	if hasIT && !interactionTypes[it] {
		return verr(join(path, "interactionType"), "must be one of the interaction types of the specification")
	}
	if crp, ok := o["correctResponsesPattern"]; ok {
		p := join(path, "correctResponsesPattern")
		if !hasIT {
			return verr(p, "needs an interactionType")
		}
		arr, ok := crp.([]any)
		if !ok {
			return verr(p, "must be an array of strings")
		}
		for i, s := range arr {
			if _, ok := s.(string); !ok {
				return verr(idx(p, i), "must be a string")
			}
		}
	}
	for _, k := range []string{"choices", "scale", "source", "target", "steps"} {
		c, ok := o[k]
		if !ok {
			continue
		}
		p := join(path, k)
		if !hasIT {
			return verr(p, "needs an interactionType")
		}
		arr, ok := c.([]any)
		if !ok {
			return verr(p, "must be an array of interaction components")
		}
		seen := map[string]bool{}
		for i, comp := range arr {
			cp := idx(p, i)
			co, err := asObject(comp, cp)
			if err != nil {
				return err
			}
			if err := keysAllowed(co, cp, "id", "description"); err != nil {
				return err
			}
			id, _, err := str(co, "id", cp, true)
			if err != nil {
				return err
			}
			if id == "" {
				return verr(join(cp, "id"), "must not be empty")
			}
			if seen[id] {
				return verr(join(cp, "id"), "must be unique within %s", k)
			}
			seen[id] = true
			if d, ok := co["description"]; ok {
				if err := vd.langMap(d, join(cp, "description")); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func number(v any, path string) (float64, *ValidationError) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, verr(path, "must be a number")
	}
	f, err := n.Float64()
	if err != nil {
		return 0, verr(path, "must be a number")
	}
	return f, nil
}

func boolean(o object, k, path string) *ValidationError {
	if v, ok := o[k]; ok {
		if _, ok := v.(bool); !ok {
			return verr(join(path, k), "must be true or false")
		}
	}
	return nil
}

func (vd *validator) result(v any, path string) *ValidationError {
	o, err := asObject(v, path)
	if err != nil {
		return err
	}
	if err := keysAllowed(o, path, "score", "success", "completion", "response", "duration", "extensions"); err != nil {
		return err
	}
	if s, ok := o["score"]; ok {
		sp := join(path, "score")
		so, err := asObject(s, sp)
		if err != nil {
			return err
		}
		if err := keysAllowed(so, sp, "scaled", "raw", "min", "max"); err != nil {
			return err
		}
		vals := map[string]float64{}
		for _, k := range []string{"scaled", "raw", "min", "max"} {
			if x, ok := so[k]; ok {
				f, err := number(x, join(sp, k))
				if err != nil {
					return err
				}
				vals[k] = f
			}
		}
		if sc, ok := vals["scaled"]; ok && (sc < -1 || sc > 1) {
			return verr(join(sp, "scaled"), "must be between -1 and 1")
		}
		mn, hasMin := vals["min"]
		mx, hasMax := vals["max"]
		if hasMin && hasMax && mx <= mn {
			return verr(join(sp, "max"), "must be greater than min")
		}
		if raw, ok := vals["raw"]; ok {
			if hasMin && raw < mn {
				return verr(join(sp, "raw"), "must not be less than min")
			}
			if hasMax && raw > mx {
				return verr(join(sp, "raw"), "must not be greater than max")
			}
		}
	}
	if err := boolean(o, "success", path); err != nil {
		return err
	}
	if err := boolean(o, "completion", path); err != nil {
		return err
	}
	if _, _, err := str(o, "response", path, false); err != nil {
		return err
	}
	if d, ok, err := str(o, "duration", path, false); err != nil {
		return err
	} else if ok && !ValidDuration(d) {
		return verr(join(path, "duration"), "must be an ISO 8601 duration")
	}
	if e, ok := o["extensions"]; ok {
		return vd.extensions(e, join(path, "extensions"))
	}
	return nil
}

func (vd *validator) context(v any, path string, objType string) *ValidationError {
	o, err := asObject(v, path)
	if err != nil {
		return err
	}
	allowed := []string{"registration", "instructor", "team", "contextActivities", "revision", "platform", "language", "statement", "extensions"}
	if vd.v == V200 {
		allowed = append(allowed, "contextAgents", "contextGroups")
	}
	if err := keysAllowed(o, path, allowed...); err != nil {
		return err
	}
	if r, ok, err := str(o, "registration", path, false); err != nil {
		return err
	} else if ok && !ValidUUID(r) {
		return verr(join(path, "registration"), "must be a UUID")
	}
	if i, ok := o["instructor"]; ok {
		if err := vd.actor(i, join(path, "instructor")); err != nil {
			return err
		}
	}
	if t, ok := o["team"]; ok {
		tp := join(path, "team")
		to, err := asObject(t, tp)
		if err != nil {
			return err
		}
		if err := vd.group(to, tp); err != nil {
			return err
		}
	}
	if ca, ok := o["contextActivities"]; ok {
		cp := join(path, "contextActivities")
		co, err := asObject(ca, cp)
		if err != nil {
			return err
		}
		if err := keysAllowed(co, cp, "parent", "grouping", "category", "other"); err != nil {
			return err
		}
		for k, val := range co {
			kp := join(cp, k)
			var arr []any
			switch x := val.(type) {
			case map[string]any:
				arr = []any{x}
				co[k] = arr // the LRS returns single activities as arrays
			case []any:
				arr = x
			default:
				return verr(kp, "must be an Activity or an array of Activities")
			}
			for i, a := range arr {
				ao, err := asObject(a, idx(kp, i))
				if err != nil {
					return err
				}
				if err := vd.activity(ao, idx(kp, i)); err != nil {
					return err
				}
			}
		}
	}
	for _, k := range []string{"revision", "platform"} {
		if _, ok, err := str(o, k, path, false); err != nil {
			return err
		} else if ok && objType != "Activity" {
			return verr(join(path, k), "may only be used when the object is an Activity")
		}
	}
	if l, ok, err := str(o, "language", path, false); err != nil {
		return err
	} else if ok && !ValidLangTag(l) {
		return verr(join(path, "language"), "must be an RFC 5646 language tag")
	}
	if s, ok := o["statement"]; ok {
		sp := join(path, "statement")
		so, err := asObject(s, sp)
		if err != nil {
			return err
		}
		if err := vd.statementRef(so, sp); err != nil {
			return err
		}
	}
	if e, ok := o["extensions"]; ok {
		if err := vd.extensions(e, join(path, "extensions")); err != nil {
			return err
		}
	}
	for _, kind := range []struct{ key, objType, member string }{{"contextAgents", "contextAgent", "agent"}, {"contextGroups", "contextGroup", "group"}} {
		ca, ok := o[kind.key]
		if !ok {
			continue
		}
		kp := join(path, kind.key)
		arr, ok := ca.([]any)
		if !ok {
			return verr(kp, "must be an array of %s objects", kind.objType)
		}
		for i, a := range arr {
			ip := idx(kp, i)
			ao, err := asObject(a, ip)
			if err != nil {
				return err
			}
			if err := keysAllowed(ao, ip, "objectType", kind.member, "relevantTypes"); err != nil {
				return err
			}
			if ot, _, err := str(ao, "objectType", ip, true); err != nil {
				return err
			} else if ot != kind.objType {
				return verr(join(ip, "objectType"), "must be %s", kind.objType)
			}
			m, ok := ao[kind.member]
			if !ok {
				return verr(join(ip, kind.member), "is required")
			}
			mo, err := asObject(m, join(ip, kind.member))
			if err != nil {
				return err
			}
			if kind.member == "agent" {
				err = vd.agent(mo, join(ip, kind.member))
			} else {
				err = vd.group(mo, join(ip, kind.member))
			}
			if err != nil {
				return err
			}
			if rt, ok := ao["relevantTypes"]; ok {
				rp := join(ip, "relevantTypes")
				ra, ok := rt.([]any)
				if !ok || len(ra) == 0 {
					return verr(rp, "must be a non-empty array of IRIs")
				}
				for j, t := range ra {
					s, ok := t.(string)
					if !ok || !ValidIRI(s) {
						return verr(idx(rp, j), "must be an IRI")
					}
				}
			}
		}
	}
	return nil
}

func (vd *validator) attachments(v any, path string) *ValidationError {
	arr, ok := v.([]any)
	if !ok {
		return verr(path, "must be an array of Attachments")
	}
	for i, a := range arr {
		ap := idx(path, i)
		o, err := asObject(a, ap)
		if err != nil {
			return err
		}
		if err := keysAllowed(o, ap, "usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"); err != nil {
			return err
		}
		if _, err := vd.iri(o, "usageType", ap, true); err != nil {
			return err
		}
		d, ok := o["display"]
		if !ok {
			return verr(join(ap, "display"), "is required")
		}
		if err := vd.langMap(d, join(ap, "display")); err != nil {
			return err
		}
		if d, ok := o["description"]; ok {
			if err := vd.langMap(d, join(ap, "description")); err != nil {
				return err
			}
		}
		ct, _, err := str(o, "contentType", ap, true)
		if err != nil {
			return err
		}
		if !mimeRe.MatchString(ct) {
			return verr(join(ap, "contentType"), "must be an Internet Media Type")
		}
		l, ok := o["length"]
		if !ok {
			return verr(join(ap, "length"), "is required")
		}
		n, isNum := l.(json.Number)
		if !isNum {
			return verr(join(ap, "length"), "must be an integer")
		}
		if x, err := strconv.ParseInt(n.String(), 10, 64); err != nil || x < 0 {
			return verr(join(ap, "length"), "must be a non-negative integer")
		}
		sha, _, err := str(o, "sha2", ap, true)
		if err != nil {
			return err
		}
		if !sha2Re.MatchString(sha) {
			return verr(join(ap, "sha2"), "must be a hex SHA-2 hash")
		}
		if _, err := vd.iri(o, "fileUrl", ap, false); err != nil {
			return err
		}
	}
	return nil
}
