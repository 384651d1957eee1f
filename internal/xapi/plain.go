package xapi

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/store"
)

// A person's learning record in plain words: each statement becomes one
// sentence in the reader's language ("Je hebt 'Draaien op de CNC'
// voltooid"), with the result and the date beside it.

// VerbWords is how a verb reads in a sentence: English in the past tense
// ("completed %s"), Dutch for "je" and for a named person ("hebt %s
// voltooid", "heeft %s voltooid"); %s is the activity.
type VerbWords struct {
	EN, NLSelf, NLOther string
	// Label is the verb on its own, for lists and forms.
	LabelEN, LabelNL string
}

// Verb IRIs of the ADL vocabulary (https://w3id.org/xapi/adl) with the words
// Baken uses for them.
var Verbs = map[string]VerbWords{
	VerbCompleted: {"completed %s", "hebt %s voltooid", "heeft %s voltooid", "completed", "voltooid"},
	VerbPassed:    {"passed %s", "bent geslaagd voor %s", "is geslaagd voor %s", "passed", "geslaagd"},
	VerbFailed:    {"did not pass %s", "bent niet geslaagd voor %s", "is niet geslaagd voor %s", "failed", "niet geslaagd"},
	"http://adlnet.gov/expapi/verbs/mastered": {"mastered %s", "beheerst %s", "beheerst %s", "mastered", "beheerst"},
	VerbAttempted:   {"attempted %s", "hebt %s geprobeerd", "heeft %s geprobeerd", "attempted", "geprobeerd"},
	VerbExperienced: {"went through %s", "hebt %s doorgenomen", "heeft %s doorgenomen", "experienced", "doorgenomen"},
	"http://adlnet.gov/expapi/verbs/attended":    {"attended %s", "was aanwezig bij %s", "was aanwezig bij %s", "attended", "aanwezig geweest"},
	"http://adlnet.gov/expapi/verbs/answered":    {"answered %s", "hebt %s beantwoord", "heeft %s beantwoord", "answered", "beantwoord"},
	"http://adlnet.gov/expapi/verbs/asked":       {"asked %s", "hebt %s gevraagd", "heeft %s gevraagd", "asked", "gevraagd"},
	"http://adlnet.gov/expapi/verbs/commented":   {"commented on %s", "hebt gereageerd op %s", "heeft gereageerd op %s", "commented", "gereageerd"},
	"http://adlnet.gov/expapi/verbs/exited":      {"left %s", "hebt %s verlaten", "heeft %s verlaten", "exited", "verlaten"},
	"http://adlnet.gov/expapi/verbs/imported":    {"imported %s", "hebt %s geïmporteerd", "heeft %s geïmporteerd", "imported", "geïmporteerd"},
	"http://adlnet.gov/expapi/verbs/initialized": {"started %s", "bent begonnen aan %s", "is begonnen aan %s", "initialized", "begonnen"},
	"http://adlnet.gov/expapi/verbs/interacted":  {"worked with %s", "hebt met %s gewerkt", "heeft met %s gewerkt", "interacted", "mee gewerkt"},
	"http://adlnet.gov/expapi/verbs/launched":    {"launched %s", "hebt %s gestart", "heeft %s gestart", "launched", "gestart"},
	"http://adlnet.gov/expapi/verbs/preferred":   {"preferred %s", "hebt de voorkeur gegeven aan %s", "heeft de voorkeur gegeven aan %s", "preferred", "voorkeur"},
	"http://adlnet.gov/expapi/verbs/progressed":  {"made progress in %s", "bent verder gekomen met %s", "is verder gekomen met %s", "progressed", "verder gekomen"},
	"http://adlnet.gov/expapi/verbs/registered":  {"registered for %s", "hebt je ingeschreven voor %s", "heeft zich ingeschreven voor %s", "registered", "ingeschreven"},
	"http://adlnet.gov/expapi/verbs/responded":   {"responded to %s", "hebt gereageerd op %s", "heeft gereageerd op %s", "responded", "gereageerd"},
	"http://adlnet.gov/expapi/verbs/resumed":     {"resumed %s", "bent verdergegaan met %s", "is verdergegaan met %s", "resumed", "hervat"},
	"http://adlnet.gov/expapi/verbs/scored":      {"scored in %s", "hebt gescoord in %s", "heeft gescoord in %s", "scored", "gescoord"},
	"http://adlnet.gov/expapi/verbs/shared":      {"shared %s", "hebt %s gedeeld", "heeft %s gedeeld", "shared", "gedeeld"},
	"http://adlnet.gov/expapi/verbs/suspended":   {"paused %s", "hebt %s onderbroken", "heeft %s onderbroken", "suspended", "onderbroken"},
	"http://adlnet.gov/expapi/verbs/terminated":  {"closed %s", "hebt %s afgesloten", "heeft %s afgesloten", "terminated", "afgesloten"},
	"http://adlnet.gov/expapi/verbs/logged-in":   {"signed in to %s", "bent ingelogd op %s", "is ingelogd op %s", "logged in", "ingelogd"},
	"http://adlnet.gov/expapi/verbs/logged-out":  {"signed out of %s", "bent uitgelogd bij %s", "is uitgelogd bij %s", "logged out", "uitgelogd"},
}

// CommonVerbs are the verbs a rule form offers first, in this order.
var CommonVerbs = []string{VerbCompleted, VerbPassed, "http://adlnet.gov/expapi/verbs/mastered", VerbAttempted, VerbFailed,
	VerbExperienced, "http://adlnet.gov/expapi/verbs/attended", "http://adlnet.gov/expapi/verbs/answered",
	"http://adlnet.gov/expapi/verbs/scored", "http://adlnet.gov/expapi/verbs/progressed"}

// VerbLabel is a verb's name in lang: Baken's word for the ADL verbs, else
// the statement's display in that language, else the IRI's last segment.
func VerbLabel(iri, lang string, display map[string]any) string {
	if w, ok := Verbs[iri]; ok {
		if lang == "nl" {
			return w.LabelNL
		}
		return w.LabelEN
	}
	if d := langPick(display, lang); d != "" {
		return d
	}
	return lastSegment(iri)
}

// Plain is one statement of a learning record in words.
type Plain struct {
	ID      string
	Text    string   // the sentence, without a full stop
	Details []string // score, success, duration
	At      time.Time
	Date    string // At in words in the reader's language
	Source  string // the credential the statement came with, or "Baken"
	Seq     int64
}

// Describe renders a stored statement in lang. who is "" for the reader
// themself ("you", "je"), else the person's name.
func Describe(body []byte, lang, who string, names map[string]map[string]any) Plain {
	var m map[string]any
	d := json.NewDecoder(strings.NewReader(string(body)))
	d.UseNumber()
	_ = d.Decode(&m)
	p := Plain{}
	p.ID, _ = m["id"].(string)
	verb, _ := m["verb"].(map[string]any)
	verbID, _ := verb["id"].(string)
	display, _ := verb["display"].(map[string]any)
	what := quote(objectName(m["object"], lang, names))
	subject := who
	if subject == "" {
		subject = map[bool]string{true: "Je", false: "You"}[lang == "nl"]
	}
	if w, ok := Verbs[verbID]; ok {
		form := w.EN
		if lang == "nl" {
			form = w.NLOther
			if who == "" {
				form = w.NLSelf
			}
		}
		p.Text = subject + " " + fmt.Sprintf(form, what)
	} else {
		label := VerbLabel(verbID, lang, display)
		if lang == "nl" && pickExact(display, "nl") != "" {
			// A Dutch display is most often a past participle ("voltooid").
			p.Text = subject + " " + map[bool]string{true: "hebt", false: "heeft"}[who == ""] + " " + what + " " + label
		} else {
			p.Text = subject + ": " + label + " " + what
		}
	}
	if res, ok := m["result"].(map[string]any); ok {
		p.Details = resultWords(res, lang, verbID)
	}
	if ts, ok := m["timestamp"].(string); ok {
		if t, ok := ParseTimestamp(ts); ok {
			p.At = t
		}
	}
	if p.At.IsZero() {
		if st, ok := m["stored"].(string); ok {
			p.At, _ = ParseTimestamp(st)
		}
	}
	p.Date = DateWords(p.At, lang)
	return p
}

func quote(s string) string {
	if s == "" {
		return "…"
	}
	return "‘" + s + "’"
}

// objectName is what the statement is about: an activity's name (from the
// statement, else from names, the stored definitions), an agent's name, or
// the activity id's last segment.
func objectName(o any, lang string, names map[string]map[string]any) string {
	obj, _ := o.(map[string]any)
	switch obj["objectType"] {
	case "Agent", "Group":
		if n, ok := obj["name"].(string); ok {
			return n
		}
		return strings.TrimPrefix(AgentKey(obj), "mbox|mailto:")
	case "StatementRef":
		return map[bool]string{true: "een eerdere uitspraak", false: "an earlier statement"}[lang == "nl"]
	case "SubStatement":
		return objectName(obj["object"], lang, names)
	}
	id, _ := obj["id"].(string)
	def, _ := obj["definition"].(map[string]any)
	if n := langPick(mapOf(def["name"]), lang); n != "" {
		return n
	}
	if n := langPick(names[id], lang); n != "" {
		return n
	}
	return lastSegment(id)
}

func mapOf(v any) map[string]any { m, _ := v.(map[string]any); return m }

// pickLang takes the entry of a language map for lang ("nl", "nl-NL",
// "nl-BE"…), else English, else the first by tag.
func langPick(m map[string]any, lang string) string {
	if len(m) == 0 {
		return ""
	}
	if s := pickExact(m, lang); s != "" {
		return s
	}
	if s := pickExact(m, "en"); s != "" {
		return s
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if s, ok := m[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

func pickExact(m map[string]any, lang string) string {
	if s, ok := m[lang].(string); ok && s != "" {
		return s
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if strings.HasPrefix(strings.ToLower(k), lang+"-") {
			if s, ok := m[k].(string); ok && s != "" {
				return s
			}
		}
	}
	return ""
}

func lastSegment(iri string) string {
	s := strings.TrimRight(iri, "/")
	if i := strings.LastIndexAny(s, "/#:"); i >= 0 && i < len(s)-1 {
		s = s[i+1:]
	}
	return strings.ReplaceAll(s, "-", " ")
}

// resultWords: the score (as a percentage when scaled, else raw of max),
// success unless the verb already says it, and the duration.
func resultWords(res map[string]any, lang, verb string) []string {
	nl := lang == "nl"
	var out []string
	if sc, ok := res["score"].(map[string]any); ok {
		if f, ok := num(sc["scaled"]); ok {
			out = append(out, "score "+strconv.Itoa(int(math.Round(f*100)))+" %")
		} else if raw, ok := num(sc["raw"]); ok {
			s := "score " + trimFloat(raw)
			if mx, ok := num(sc["max"]); ok {
				s += map[bool]string{true: " van ", false: " of "}[nl] + trimFloat(mx)
			}
			out = append(out, s)
		}
	}
	if ok, has := res["success"].(bool); has && verb != VerbPassed && verb != VerbFailed {
		switch {
		case ok && nl:
			out = append(out, "geslaagd")
		case ok:
			out = append(out, "passed")
		case nl:
			out = append(out, "niet geslaagd")
		default:
			out = append(out, "not passed")
		}
	}
	if d, ok := res["duration"].(string); ok {
		if w := DurationWords(d, lang); w != "" {
			out = append(out, w)
		}
	}
	return out
}

func num(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case float64:
		return n, true
	}
	return 0, false
}

func trimFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

var isoDur = regexp.MustCompile(`^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$`)

// DurationWords renders an ISO 8601 duration as "1 h 5 min" or "40 s";
// "" when it does not parse.
func DurationWords(iso, lang string) string {
	g := isoDur.FindStringSubmatch(iso)
	if g == nil {
		return ""
	}
	f := func(i int) float64 { v, _ := strconv.ParseFloat(g[i], 64); return v }
	secs := f(1)*365*86400 + f(2)*30*86400 + f(3)*7*86400 + f(4)*86400 + f(5)*3600 + f(6)*60 + f(7)
	d := time.Duration(secs * float64(time.Second)).Round(time.Second)
	days := int(d / (24 * time.Hour))
	h := int(d/time.Hour) % 24
	mn := int(d/time.Minute) % 60
	s := int(d/time.Second) % 60
	var parts []string
	if days > 0 {
		parts = append(parts, strconv.Itoa(days)+map[bool]string{true: " d", false: " d"}[lang == "nl"])
	}
	if h > 0 {
		parts = append(parts, strconv.Itoa(h)+map[bool]string{true: " u", false: " h"}[lang == "nl"])
	}
	if mn > 0 {
		parts = append(parts, strconv.Itoa(mn)+" min")
	}
	if s > 0 && days == 0 && h == 0 {
		parts = append(parts, strconv.Itoa(s)+" s")
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, " ")
}

var months = map[string][12]string{
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	"nl": {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
}

// DateWords is a date as people write it: "3 maart 2026", "3 March 2026".
func DateWords(t time.Time, lang string) string {
	if t.IsZero() {
		return ""
	}
	t = t.Local()
	ms, ok := months[lang]
	if !ok {
		ms = months["en"]
	}
	return fmt.Sprintf("%d %s %d", t.Day(), ms[t.Month()-1], t.Year())
}

// PersonRecord pages through a person's learning record (as
// PersonStatements, newest first): at most limit statements stored before
// the cursor before (0: from the newest), and the cursor of the next page
// (0 when there is none).
func PersonRecord(ctx context.Context, db *store.DB, orgID, personID, email string, before int64, limit int) ([]*store.XAPIStatement, int64, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	keys := []string{AgentKey(PersonAgent(personID, ""))}
	if email != "" {
		keys = append(keys, AgentKey(map[string]any{"mbox": "mailto:" + email}))
	}
	var all []*store.XAPIStatement
	for _, k := range keys {
		rows, err := db.XAPIStatements(ctx, orgID, store.XAPIQuery{
			Filters: []store.XAPIKey{{Kind: KindAgent, Key: k, Direct: true}}, After: before, Limit: limit + 1})
		if err != nil {
			return nil, 0, err
		}
		all = append(all, rows...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Seq > all[j].Seq })
	out := make([]*store.XAPIStatement, 0, min(limit, len(all)))
	seen := map[string]bool{}
	more := false
	for _, s := range all {
		if seen[s.ID] {
			continue
		}
		if len(out) == limit {
			more = true
			break
		}
		seen[s.ID] = true
		out = append(out, s)
	}
	var next int64
	if more {
		next = out[len(out)-1].Seq
	}
	return out, next, nil
}

// ActivityNames returns the stored names (language maps) of the activities
// the statements are about whose statements carry no name themselves.
func ActivityNames(ctx context.Context, db *store.DB, orgID string, list []*store.XAPIStatement) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, s := range list {
		var m map[string]any
		if json.Unmarshal(s.Body, &m) != nil {
			continue
		}
		obj, _ := m["object"].(map[string]any)
		id, _ := obj["id"].(string)
		def, _ := obj["definition"].(map[string]any)
		if id == "" || def["name"] != nil || out[id] != nil {
			continue
		}
		if t, ok := obj["objectType"]; ok && t != "Activity" {
			continue
		}
		out[id] = map[string]any{}
		if b, err := db.XAPIActivity(ctx, orgID, id); err == nil {
			var d map[string]any
			if json.Unmarshal(b, &d) == nil {
				if n, ok := d["name"].(map[string]any); ok {
					out[id] = n
				}
			}
		}
	}
	return out
}
