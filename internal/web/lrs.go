package web

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/i18n"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/xapi"
)

// The organisation's learning record store, as its L&D coordinator and
// admin keep it: credentials for outside sources (a remote lab, a
// simulator, an e-learning platform) and the rules that turn their
// statements into competence evidence. The LRS itself is internal/xapi.

func (s *Server) registerLRS() {
	m := s.mux
	lrs := func(h http.HandlerFunc) http.HandlerFunc { return s.Allowed(core.Principal.CanManageLRS, h) }
	m.HandleFunc("GET /lrs", lrs(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/lrs/credentials", http.StatusSeeOther)
	}))
	m.HandleFunc("GET /lrs/credentials", lrs(s.lrsCredentialsPage))
	m.HandleFunc("POST /lrs/credentials", lrs(s.createLRSCredential))
	m.HandleFunc("POST /lrs/credentials/{key}/revoke", lrs(s.revokeLRSCredential))
	m.HandleFunc("GET /lrs/rules", lrs(s.lrsRulesPage))
	m.HandleFunc("POST /lrs/rules", lrs(s.createLRSRule))
	m.HandleFunc("POST /lrs/rules/{id}/delete", lrs(s.deleteLRSRule))
	m.HandleFunc("GET /record", s.Authed(s.ownRecord))
	m.HandleFunc("GET /people/{id}/record", s.Authed(s.recordPage))
	m.HandleFunc("GET /people/{id}/record.json", s.Authed(s.recordJSON))
	s.AddNav(NavEntry{Href: "/lrs", LabelKey: "lrs.nav", Show: core.Principal.CanManageLRS})
	s.AddPersonSection(PersonSection{Order: 30, Render: recordSection})
}

// lrsTabs is what both LRS pages share: the two tabs.
type lrsTabs struct {
	Page
	Tab string
}

type credRow struct {
	*store.XAPICredential
	AuthorityName, AuthorityAccount string
}

type lrsCredsView struct {
	lrsTabs
	Creds   []credRow
	Scopes  []string
	Checked map[string]bool
	Name    string
	// The credential just made: its secret is shown this once.
	Created    *xapi.CreatedCredential
	Endpoint   string
	AuthHeader string
	Curl       string
}

func (s *Server) lrsCredentialsPage(w http.ResponseWriter, r *http.Request) {
	s.renderLRSCredentials(w, r, http.StatusOK, &lrsCredsView{Checked: map[string]bool{xapi.ScopeStatementsWrite: true, xapi.ScopeStatementsReadMine: true}}, nil)
}

func (s *Server) renderLRSCredentials(w http.ResponseWriter, r *http.Request, status int, v *lrsCredsView, err error) {
	st := From(r)
	v.lrsTabs = lrsTabs{Page: s.NewPage(r, "lrs.credentials.title"), Tab: "credentials"}
	v.Scopes = xapi.AllScopes
	v.Endpoint = baseURL(r) + xapi.Prefix + "/"
	list, lerr := s.db.XAPICredentials(r.Context(), st.Org.ID)
	if lerr != nil {
		s.Fail(w, r, lerr)
		return
	}
	for _, c := range list {
		row := credRow{XAPICredential: c}
		var a map[string]any
		if json.Unmarshal(c.Authority, &a) == nil {
			row.AuthorityName, _ = a["name"].(string)
			if acc, ok := a["account"].(map[string]any); ok {
				hp, _ := acc["homePage"].(string)
				n, _ := acc["name"].(string)
				row.AuthorityAccount = hp + " · " + n
			}
		}
		v.Creds = append(v.Creds, row)
	}
	if err != nil {
		v.Error, v.FieldErrors = s.Message(r, err), s.FieldErrors(r, err)
	}
	s.Render(w, r, status, "lrs_credentials.html", v)
}

func (s *Server) createLRSCredential(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	v := &lrsCredsView{Name: strings.TrimSpace(r.PostFormValue("name")), Checked: map[string]bool{}}
	scopes := r.PostForm["scope"]
	for _, sc := range scopes {
		v.Checked[sc] = true
	}
	var err error
	switch {
	case v.Name == "":
		err = &core.Error{Code: core.EInvalid, Field: "name", Message: "give the source a name", Key: "lrs.err.name"}
	case len([]rune(v.Name)) > 200:
		err = &core.Error{Code: core.EInvalid, Field: "name", Message: "the name is at most 200 characters", Key: "lrs.err.name_long"}
	case len(scopes) == 0:
		err = &core.Error{Code: core.EInvalid, Field: "scope", Message: "choose at least one scope", Key: "lrs.err.scope"}
	default:
		if xapi.ValidScopes(scopes) != nil {
			err = &core.Error{Code: core.EInvalid, Field: "scope", Message: "unknown scope", Key: "lrs.err.scope_unknown"}
		}
	}
	if err == nil {
		v.Created, err = xapi.CreateCredential(r.Context(), s.db, st.Org.ID, v.Name, scopes)
	}
	if err != nil {
		s.renderLRSCredentials(w, r, Status(err), v, err)
		return
	}
	s.audit(r, st.Org.ID, st.Principal.PersonID, "lrs.credential_create", v.Created.Key, v.Name+": "+strings.Join(v.Created.Scopes, " "))
	basic := base64.StdEncoding.EncodeToString([]byte(v.Created.Key + ":" + v.Created.Secret))
	v.AuthHeader = "Authorization: Basic " + basic
	v.Curl = "curl -u '" + v.Created.Key + ":" + v.Created.Secret + "' \\\n  -H 'X-Experience-API-Version: 2.0.0' \\\n  '" + baseURL(r) + xapi.Prefix + "/statements?limit=1'"
	v.Name, v.Checked = "", map[string]bool{xapi.ScopeStatementsWrite: true, xapi.ScopeStatementsReadMine: true}
	// The secret is in this response only: keep it out of caches.
	w.Header().Set("Cache-Control", "no-store")
	s.renderLRSCredentials(w, r, http.StatusCreated, v, nil)
}

func (s *Server) revokeLRSCredential(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	key := r.PathValue("key")
	if err := s.db.XAPIRevokeCredential(r.Context(), st.Org.ID, key, time.Now()); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.audit(r, st.Org.ID, st.Principal.PersonID, "lrs.credential_revoke", key, "")
	s.Flash(w, r, "lrs.credentials.revoked")
	http.Redirect(w, r, "/lrs/credentials", http.StatusSeeOther)
}

// Rules.

type ruleRow struct {
	*xapi.Rule
	Competence string
	LevelName  string
	VerbLabel  string
	MinPercent string
}

type verbOption struct{ IRI, Label string }

type ruleForm struct {
	Mode, Activity, Verb, VerbOther, MinScore, CompetenceID, Kind, ValidDays string
	Level                                                                    int
}

type lrsRulesView struct {
	lrsTabs
	Rules       []ruleRow
	Verbs       []verbOption
	Competences []*competence.Competence
	Scale       competence.Scale
	Kinds       []competence.Kind
	F           ruleForm
}

// ruleKinds are the kinds of evidence a statement can give (not a
// person's or a lead's judgement).
var ruleKinds = []competence.Kind{competence.Learning, competence.Quiz, competence.Lab, competence.Project, competence.Certificate}

func (s *Server) lrsRulesPage(w http.ResponseWriter, r *http.Request) {
	s.renderLRSRules(w, r, http.StatusOK, ruleForm{Mode: "id", Verb: xapi.VerbCompleted, Kind: string(competence.Learning), Level: 2}, nil)
}

func (s *Server) renderLRSRules(w http.ResponseWriter, r *http.Request, status int, f ruleForm, err error) {
	st := From(r)
	ctx := r.Context()
	v := &lrsRulesView{lrsTabs: lrsTabs{Page: s.NewPage(r, "lrs.rules.title"), Tab: "rules"}, F: f, Kinds: ruleKinds}
	for _, iri := range xapi.CommonVerbs {
		v.Verbs = append(v.Verbs, verbOption{IRI: iri, Label: xapi.VerbLabel(iri, st.Lang, nil)})
	}
	var lerr error
	if v.Competences, _, lerr = s.db.Competences(ctx, st.Org.ID, competence.Filter{Limit: 1000}); lerr == nil {
		v.Scale, lerr = s.db.Scale(ctx, st.Org.ID)
	}
	var rules []*xapi.Rule
	if lerr == nil {
		rules, lerr = s.db.XAPIRules(ctx, st.Org.ID)
	}
	if lerr != nil {
		s.Fail(w, r, lerr)
		return
	}
	sort.SliceStable(v.Competences, func(i, j int) bool { return v.Competences[i].Name(st.Lang) < v.Competences[j].Name(st.Lang) })
	names := map[string]string{}
	for _, c := range v.Competences {
		names[c.ID] = c.Name(st.Lang)
	}
	for _, ru := range rules {
		row := ruleRow{Rule: ru, Competence: names[ru.CompetenceID], LevelName: v.Scale.Level(ru.Level).Name(st.Lang), VerbLabel: xapi.VerbLabel(ru.Verb, st.Lang, nil)}
		if ru.MinScaled != nil {
			row.MinPercent = strconv.FormatFloat(*ru.MinScaled*100, 'f', -1, 64) + " %"
		}
		v.Rules = append(v.Rules, row)
	}
	if err != nil {
		v.Error, v.FieldErrors = s.Message(r, err), s.FieldErrors(r, err)
	}
	s.Render(w, r, status, "lrs_rules.html", v)
}

func lrsInvalid(field, key, msg string) error {
	return &core.Error{Code: core.EInvalid, Field: field, Message: msg, Key: key}
}

// parseRule reads the rule form; the messages are translated, and
// xapi.CreateRule checks everything once more.
func parseRule(r *http.Request) (ruleForm, *xapi.Rule, error) {
	pf := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := ruleForm{Mode: pf("mode"), Activity: pf("activity"), Verb: pf("verb"), VerbOther: pf("verb_other"), MinScore: pf("min_score"),
		CompetenceID: pf("competence_id"), Kind: pf("kind"), ValidDays: pf("valid_days")}
	f.Level, _ = strconv.Atoi(pf("level"))
	ru := &xapi.Rule{CompetenceID: f.CompetenceID, Level: f.Level, Kind: f.Kind}
	if f.Activity == "" || !xapi.ValidIRI(f.Activity) {
		return f, nil, lrsInvalid("activity", "lrs.err.activity", "give the activity as an IRI (https://…)")
	}
	if strings.HasPrefix(f.Activity, "https://baken.invalid/") {
		// Baken's own statements skip the rules: such a rule would never fire.
		return f, nil, lrsInvalid("activity", "lrs.err.own_activity", "Baken's own activities already give evidence where they happen")
	}
	switch f.Mode {
	case "id":
		ru.ActivityID = f.Activity
	case "type":
		ru.ActivityType = f.Activity
	default:
		return f, nil, lrsInvalid("mode", "lrs.err.mode", "choose activity id or activity type")
	}
	ru.Verb = f.Verb
	if f.Verb == "other" {
		ru.Verb = f.VerbOther
	}
	if !xapi.ValidIRI(ru.Verb) {
		return f, nil, lrsInvalid("verb", "lrs.err.verb", "choose a verb or give its IRI")
	}
	if f.MinScore != "" {
		pct, err := strconv.ParseFloat(strings.TrimSuffix(strings.ReplaceAll(f.MinScore, ",", "."), "%"), 64)
		if err != nil || pct < 0 || pct > 100 {
			return f, nil, lrsInvalid("min_score", "lrs.err.min_score", "the minimum score is a percentage from 0 to 100")
		}
		sc := pct / 100
		ru.MinScaled = &sc
	}
	if !core.ValidID(f.CompetenceID) {
		return f, nil, lrsInvalid("competence_id", "lrs.err.competence", "choose a competence")
	}
	if f.ValidDays != "" {
		d, err := strconv.Atoi(f.ValidDays)
		if err != nil || d < 0 || d > 36500 {
			return f, nil, lrsInvalid("valid_days", "lrs.err.valid_days", "the validity is a number of days (or empty)")
		}
		ru.ValidDays = d
	}
	ok := false
	for _, k := range ruleKinds {
		ok = ok || string(k) == f.Kind
	}
	if !ok {
		return f, nil, lrsInvalid("kind", "lrs.err.kind", "choose a kind of evidence")
	}
	return f, ru, nil
}

func (s *Server) createLRSRule(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	f, ru, err := parseRule(r)
	if err == nil {
		var scale competence.Scale
		if scale, err = s.db.Scale(ctx, st.Org.ID); err == nil && (ru.Level < 1 || ru.Level > scale.Max()) {
			err = lrsInvalid("level", "lrs.err.level", "choose a level of the scale")
		}
	}
	if err == nil {
		if err = xapi.CreateRule(ctx, s.db, st.Org.ID, ru); core.ErrorCode(err) == core.EInvalid {
			if e, ok := err.(*core.Error); ok && e.Field == "competence_id" {
				err = lrsInvalid("competence_id", "lrs.err.competence", e.Message)
			}
		}
	}
	if err != nil {
		s.renderLRSRules(w, r, Status(err), f, err)
		return
	}
	xapi.ForgetRules(s.db, st.Org.ID)
	s.audit(r, st.Org.ID, st.Principal.PersonID, "lrs.rule_create", ru.ID, ru.Verb+" "+ru.ActivityID+ru.ActivityType)
	s.Flash(w, r, "lrs.rules.created")
	http.Redirect(w, r, "/lrs/rules", http.StatusSeeOther)
}

func (s *Server) deleteLRSRule(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	id := r.PathValue("id")
	if !core.ValidID(id) {
		s.NotFound(w, r)
		return
	}
	if err := s.db.XAPIDeleteRule(r.Context(), st.Org.ID, id); err != nil {
		s.Fail(w, r, err)
		return
	}
	xapi.ForgetRules(s.db, st.Org.ID)
	s.audit(r, st.Org.ID, st.Principal.PersonID, "lrs.rule_delete", id, "")
	s.Flash(w, r, "lrs.rules.deleted")
	http.Redirect(w, r, "/lrs/rules", http.StatusSeeOther)
}

// KindLabel names an evidence kind in the page's language.
func (p lrsTabs) KindLabel(k string) string { return i18n.T(p.Lang, "kind."+k) }
