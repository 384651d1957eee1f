package xapi

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

// Rule turns arriving statements into competence evidence, as an L&D
// coordinator keeps them: a statement whose object is ActivityID (or whose
// activity definition has ActivityType), with Verb and, when MinScaled is
// set, at least that scaled score, is evidence of CompetenceID at Level, of
// Kind, valid for ValidDays (0: no expiry).
type Rule = store.XAPIRule

// ValidateRule checks a rule. Errors: EInvalid.
func ValidateRule(r *Rule) error {
	var errs core.ValidationErrors
	if (r.ActivityID == "") == (r.ActivityType == "") {
		errs = append(errs, core.Invalid("activity", "give either an activity id or an activity type"))
	}
	if r.ActivityID != "" && !ValidIRI(r.ActivityID) {
		errs = append(errs, core.Invalid("activity_id", "must be an IRI"))
	}
	if r.ActivityType != "" && !ValidIRI(r.ActivityType) {
		errs = append(errs, core.Invalid("activity_type", "must be an IRI"))
	}
	if !ValidIRI(r.Verb) {
		errs = append(errs, core.Invalid("verb", "must be an IRI"))
	}
	if r.MinScaled != nil && (*r.MinScaled < -1 || *r.MinScaled > 1) {
		errs = append(errs, core.Invalid("min_scaled", "must be between -1 and 1"))
	}
	if !core.ValidID(r.CompetenceID) {
		errs = append(errs, core.Invalid("competence_id", "is not a valid id"))
	}
	if r.Level < 1 {
		errs = append(errs, core.Invalid("level", "must be at least 1"))
	}
	if k := competence.Kind(r.Kind); !k.Valid() || k == competence.SelfAssessment || k.Judgement() {
		errs = append(errs, core.Invalid("kind", "must be a kind of evidence a record can give (learning, quiz, lab, project, certificate)"))
	}
	if r.ValidDays < 0 {
		errs = append(errs, core.Invalid("valid_days", "must not be negative"))
	}
	return errs.Err()
}

// CreateRule validates and stores a rule for orgID. Errors: EInvalid.
func CreateRule(ctx context.Context, db *store.DB, orgID string, r *Rule) error {
	if r.Kind == "" {
		r.Kind = string(competence.Learning)
	}
	if err := ValidateRule(r); err != nil {
		return err
	}
	if r.ID == "" {
		r.ID = core.NewID()
	}
	err := db.XAPICreateRule(ctx, orgID, r)
	if errors.Is(err, core.ErrNotFound) {
		return core.Invalid("competence_id", "is not a competence of this organisation")
	}
	return err
}

// ruleMatches reports whether statement m satisfies r.
func ruleMatches(r *Rule, m map[string]any) bool {
	verb, _ := m["verb"].(map[string]any)
	if verb["id"] != r.Verb {
		return false
	}
	obj, _ := m["object"].(map[string]any)
	if t, ok := obj["objectType"]; ok && t != "Activity" {
		return false
	}
	if r.ActivityID != "" && obj["id"] != r.ActivityID {
		return false
	}
	if r.ActivityType != "" {
		def, _ := obj["definition"].(map[string]any)
		if def["type"] != r.ActivityType {
			return false
		}
	}
	if r.MinScaled != nil {
		res, _ := m["result"].(map[string]any)
		score, _ := res["score"].(map[string]any)
		n, ok := score["scaled"].(json.Number)
		if !ok {
			return false
		}
		f, err := n.Float64()
		if err != nil || f < *r.MinScaled {
			return false
		}
	}
	return true
}

// personOf finds the Baken person of orgID a statement's actor stands for:
// Baken's own account agents, or an mbox equal to a person's e-mail.
func personOf(ctx context.Context, db *store.DB, orgID string, actor map[string]any) string {
	if acc, ok := actor["account"].(map[string]any); ok {
		if acc["homePage"] == PersonHomePage {
			id, _ := acc["name"].(string)
			if core.ValidID(id) {
				return id
			}
		}
		return ""
	}
	if mbox, ok := actor["mbox"].(string); ok {
		org, id, err := db.PersonIDByEmail(ctx, strings.TrimPrefix(mbox, "mailto:"))
		if err == nil && org == orgID {
			return id
		}
	}
	return ""
}

type cachedRules struct {
	rules   []*Rule
	expires time.Time
}

var ruleCache sync.Map // *store.DB+orgID → cachedRules

const rulesTTL = 30 * time.Second

type ruleKey struct {
	db    *store.DB
	orgID string
}

func rulesOf(ctx context.Context, db *store.DB, orgID string) ([]*Rule, error) {
	k := ruleKey{db, orgID}
	if c, ok := ruleCache.Load(k); ok && time.Now().Before(c.(cachedRules).expires) {
		return c.(cachedRules).rules, nil
	}
	rules, err := db.XAPIRules(ctx, orgID)
	if err != nil {
		return nil, err
	}
	ruleCache.Store(k, cachedRules{rules, time.Now().Add(rulesTTL)})
	return rules, nil
}

// ForgetRules drops the cached rules of orgID, so that a change applies to
// the next statement (the cache otherwise lives 30 seconds).
func ForgetRules(db *store.DB, orgID string) { ruleCache.Delete(ruleKey{db, orgID}) }

// applyRules records evidence for newly stored statements that match
// orgID's rules, and withdraws the evidence of statements the new ones
// void. It runs after the statements are committed: a failure is logged
// and never undoes the statements.
//
// Statements Baken records itself (RecordStatement) never pass through the
// rules: Baken already turned the activity into evidence where it
// happened (an instruction marked done, a path validated, project work
// confirmed), and a rule would count it a second time.
func (h *Handler) applyRules(ctx context.Context, orgID string, fresh []*prepared) {
	var voided []string
	for _, p := range fresh {
		if p.voiding && p.refID != "" {
			voided = append(voided, p.refID)
		}
	}
	if len(voided) > 0 {
		h.withdraw(ctx, orgID, voided)
	}
	rules, err := rulesOf(ctx, h.db, orgID)
	if err != nil {
		h.log.Error("xapi rules", "org", orgID, "err", err)
		return
	}
	if len(rules) == 0 {
		return
	}
	for _, p := range fresh {
		if p.voiding || byBaken(p.m) {
			continue
		}
		var person string
		var evs []*competence.Evidence
		for _, r := range rules {
			if !ruleMatches(r, p.m) {
				continue
			}
			if person == "" {
				actor, _ := p.m["actor"].(map[string]any)
				if person = personOf(ctx, h.db, orgID, actor); person == "" {
					break
				}
			}
			at := time.Now().UTC()
			if ts, ok := p.m["timestamp"].(string); ok {
				if t, ok := ParseTimestamp(ts); ok && t.Before(at) {
					at = t
				}
			}
			e := &competence.Evidence{ID: core.NewID(), PersonID: person, CompetenceID: r.CompetenceID, Level: r.Level,
				Kind: competence.Kind(r.Kind), RecordedAt: at, Note: "xAPI statement " + p.id}
			if r.ValidDays > 0 {
				e.ValidUntil = at.AddDate(0, 0, r.ValidDays)
			}
			evs = append(evs, e)
		}
		if len(evs) == 0 {
			continue
		}
		// A voiding statement may have come before its target; the target
		// is then stored voided and must give nothing.
		if s, err := h.db.XAPIStatementByID(ctx, orgID, p.id); err == nil && s.Voided {
			continue
		}
		ids := make([]string, len(evs))
		for i, e := range evs {
			ids[i] = e.ID
		}
		// The link first: evidence that exists without it could never be
		// withdrawn when the statement is voided.
		if err := h.db.XAPILinkEvidence(ctx, orgID, p.id, ids); err != nil {
			h.log.Warn("xapi rule: evidence not recorded", "org", orgID, "statement", p.id, "err", err)
			continue
		}
		for _, e := range evs {
			if err := h.db.AddEvidence(ctx, orgID, e); err != nil {
				h.log.Warn("xapi rule: evidence not recorded", "org", orgID, "competence", e.CompetenceID, "statement", p.id, "err", err)
			}
		}
	}
}

// withdraw removes the evidence rules made from statements that are now
// voided, and notes it in the audit log.
func (h *Handler) withdraw(ctx context.Context, orgID string, statementIDs []string) {
	n, err := h.db.XAPIWithdrawEvidence(ctx, orgID, statementIDs)
	if err != nil {
		h.log.Error("xapi: evidence of voided statements not withdrawn", "org", orgID, "statements", statementIDs, "err", err)
		return
	}
	if n == 0 {
		return
	}
	if err := h.db.Audit(ctx, tenancy.AuditEntry{OrgID: orgID, Action: "xapi.evidence_withdrawn",
		Target: strings.Join(statementIDs, " "), Detail: strconv.Itoa(n) + " piece(s) of evidence from voided statements"}); err != nil {
		h.log.Warn("audit", "err", err)
	}
}

// byBaken reports whether Baken itself recorded the statement.
func byBaken(m map[string]any) bool {
	a, _ := m["authority"].(map[string]any)
	acc, _ := a["account"].(map[string]any)
	return acc["homePage"] == DefaultAuthorityHomePage && acc["name"] == bakenAuthorityName
}
