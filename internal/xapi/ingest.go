package xapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/store"
)

// maxRefDepth bounds how far statement references are followed when a
// statement inherits the filter keys of the statement it targets.
const maxRefDepth = 10

// ingest validates and stores a batch of statements for cred's
// organisation: all of them or none. It returns their ids in order.
// Errors: 400 (a statement breaks a rule; the message names it), 409 (an
// id is stored with different content), 403.
func (h *Handler) ingest(ctx context.Context, cred *Credential, v Version, list []map[string]any, parts map[string]rawPart) ([]string, error) {
	preps := make([]*prepared, len(list))
	ids := make([]string, len(list))
	seen := make(map[string]int, len(list))
	for i, m := range list {
		p, err := prepare(v, m, cred.Authority)
		if err != nil {
			if ve, ok := err.(*ValidationError); ok && len(list) > 1 {
				ve.Field = fmt.Sprintf("[%d].%s", i, ve.Field)
			}
			return nil, err
		}
		if j, dup := seen[p.id]; dup {
			return nil, fail(http.StatusBadRequest, "statements %d and %d of the batch have the same id %s", j, i, p.id)
		}
		seen[p.id] = i
		p.encode()
		preps[i] = p
		ids[i] = p.id
	}
	atts, err := checkAttachments(v, preps, parts)
	if err != nil {
		return nil, err
	}
	var defs map[string][]byte
	if cred.has(ScopeDefine) {
		defs = h.newDefinitions(ctx, cred.OrgID, preps)
	}
	// A unique violation means another node took the same stored time, or
	// stored the same statement id, at the same moment: run the whole
	// transaction again, which then sees the other's statement.
	var fresh []*prepared
	for attempt := 0; ; attempt++ {
		fresh, err = h.write(ctx, cred, preps, ids, atts, defs)
		if attempt < 3 && errors.Is(err, core.ErrConflict) {
			continue
		}
		break
	}
	if err != nil {
		if len(defs) > 0 {
			h.forgetDefinitions(cred.OrgID, defs)
		}
		return nil, err
	}
	if len(fresh) > 0 {
		h.applyRules(ctx, cred.OrgID, fresh)
	}
	return ids, nil
}

// write stores the batch in one transaction and returns the statements
// that were new.
func (h *Handler) write(ctx context.Context, cred *Credential, preps []*prepared, ids []string, atts []store.XAPIAttachment, defs map[string][]byte) ([]*prepared, error) {
	var fresh []*prepared
	err := h.db.XAPIWrite(ctx, cred.OrgID, func(t *store.XAPITx) error {
		fresh = nil
		existing, err := t.Existing(ctx, ids)
		if err != nil {
			return err
		}
		for _, p := range preps {
			old, ok := existing[p.id]
			if !ok {
				fresh = append(fresh, p)
				continue
			}
			var om map[string]any
			if err := decodeJSON(old.Body, &om); err != nil {
				return fmt.Errorf("xapi: stored statement %s: %w", p.id, err)
			}
			if !sameStatement(om, p.m) {
				return fail(http.StatusConflict, "statement %s is already stored with different content", p.id)
			}
		}
		if len(fresh) == 0 {
			return nil
		}
		// Keys of the statements the new ones reference, in this batch or
		// stored: a statement that targets another matches its filters.
		batch := map[string]*prepared{}
		for _, p := range fresh {
			batch[p.id] = p
		}
		refKeys, err := resolveRefKeys(ctx, t, fresh, batch)
		if err != nil {
			return err
		}
		seqs := nextSeqs(len(fresh))
		rows := make([]*store.XAPIStatement, len(fresh))
		var voidTargets []string
		for i, p := range fresh {
			keys := p.keys
			if p.refID != "" {
				keys = mergeKeys(keys, refKeys[p.refID])
			}
			rows[i] = &store.XAPIStatement{ID: p.id, Seq: seqs[i], Verb: p.verb, RefID: p.refID,
				CredentialID: cred.ID, Body: p.finish(seqs[i]), Keys: keys}
			if p.voiding {
				voidTargets = append(voidTargets, p.refID)
			}
		}
		if err := t.Insert(ctx, rows); err != nil {
			return err
		}
		// Statements stored earlier that reference the new ones: voiding
		// statements void them; every referencing statement (and whatever
		// references it) gains their keys.
		if err := propagateBackRefs(ctx, t, rows, &voidTargets); err != nil {
			return err
		}
		if len(voidTargets) > 0 {
			if err := t.Void(ctx, voidTargets, VerbVoided); err != nil {
				return err
			}
		}
		if len(atts) > 0 {
			if err := t.PutAttachments(ctx, atts); err != nil {
				return err
			}
		}
		if len(defs) > 0 {
			if err := t.PutActivities(ctx, defs, time.Now()); err != nil {
				return err
			}
		}
		return nil
	})
	return fresh, err
}

func mergeKeys(a, b []store.XAPIKey) []store.XAPIKey {
	if len(b) == 0 {
		return a
	}
	k := newKeySet()
	for _, l := range [][]store.XAPIKey{a, b} {
		for _, x := range l {
			k.add(x.Kind, x.Key, x.Direct)
		}
	}
	return withCombos(k.list)
}

// resolveRefKeys returns, for every statement id referenced by fresh, the
// full filter keys of that statement (its own and, recursively, those of
// what it references).
func resolveRefKeys(ctx context.Context, t *store.XAPITx, fresh []*prepared, batch map[string]*prepared) (map[string][]store.XAPIKey, error) {
	type node struct {
		keys []store.XAPIKey
		ref  string
	}
	nodes := map[string]*node{}
	var want []string
	for _, p := range fresh {
		if p.refID != "" {
			want = append(want, p.refID)
		}
	}
	if len(want) == 0 {
		return nil, nil
	}
	for depth := 0; depth < maxRefDepth && len(want) > 0; depth++ {
		var load []string
		for _, id := range want {
			if _, ok := nodes[id]; ok {
				continue
			}
			if p, ok := batch[id]; ok {
				nodes[id] = &node{keys: p.keys, ref: p.refID}
			} else {
				load = append(load, id)
			}
		}
		if len(load) > 0 {
			got, err := t.Existing(ctx, load)
			if err != nil {
				return nil, err
			}
			for id, s := range got {
				var m map[string]any
				if err := decodeJSON(s.Body, &m); err != nil {
					return nil, err
				}
				nodes[id] = &node{keys: statementKeys(m), ref: s.RefID}
			}
		}
		var next []string
		for _, id := range want {
			if n, ok := nodes[id]; ok && n.ref != "" {
				if _, done := nodes[n.ref]; !done {
					next = append(next, n.ref)
				}
			}
		}
		want = next
	}
	var full func(id string, depth int) []store.XAPIKey
	full = func(id string, depth int) []store.XAPIKey {
		n, ok := nodes[id]
		if !ok || depth > maxRefDepth {
			return nil
		}
		if n.ref == "" {
			return n.keys
		}
		return mergeKeys(n.keys, full(n.ref, depth+1))
	}
	out := map[string][]store.XAPIKey{}
	for _, p := range fresh {
		if p.refID != "" {
			out[p.refID] = full(p.refID, 0)
		}
	}
	return out, nil
}

// propagateBackRefs handles statements stored before the ones in rows that
// reference them: they inherit the new statements' keys, and voiding ones
// void their (now present) targets.
func propagateBackRefs(ctx context.Context, t *store.XAPITx, rows []*store.XAPIStatement, voidTargets *[]string) error {
	keysOf := map[string][]store.XAPIKey{}
	var ids []string
	for _, r := range rows {
		keysOf[r.ID] = r.Keys
		ids = append(ids, r.ID)
	}
	for depth := 0; depth < maxRefDepth && len(ids) > 0; depth++ {
		refs, err := t.Referencing(ctx, ids)
		if err != nil {
			return err
		}
		ids = ids[:0:0]
		var load []string
		var todo []*store.XAPIStatement
		for _, s := range refs {
			if _, isNew := keysOf[s.ID]; isNew && depth == 0 {
				// referenced within the same batch: keys already merged
				continue
			}
			if s.Verb == VerbVoided && depth == 0 {
				*voidTargets = append(*voidTargets, s.RefID)
			}
			todo = append(todo, s)
			load = append(load, s.ID)
		}
		if len(todo) == 0 {
			break
		}
		// The referencing statements' own keys, to pair their agents with
		// the inherited verbs and the other way round.
		own, err := t.Existing(ctx, load)
		if err != nil {
			return err
		}
		for _, s := range todo {
			var mine []store.XAPIKey
			if o, ok := own[s.ID]; ok {
				var m map[string]any
				if err := decodeJSON(o.Body, &m); err != nil {
					return err
				}
				mine = statementKeys(m)
			}
			full := mergeKeys(mine, keysOf[s.RefID])
			if err := t.AddKeys(ctx, s, full); err != nil {
				return err
			}
			keysOf[s.ID] = full
			ids = append(ids, s.ID)
		}
	}
	return nil
}

// newDefinitions returns the activity definitions of the batch that differ
// from what this process last wrote, each merged with the stored one so that
// the Activities resource keeps everything statements said about an activity
// (Communication 2.5: two statements with a name in different languages
// give both).
func (h *Handler) newDefinitions(ctx context.Context, orgID string, preps []*prepared) map[string][]byte {
	batch := map[string]map[string]any{}
	for _, p := range preps {
		for id, def := range p.activities {
			if def != nil {
				batch[id] = mergeDefinition(batch[id], def)
			}
		}
	}
	out := map[string][]byte{}
	for id, def := range batch {
		b := encodeJSON(def)
		if prev, ok := h.defs.Load(orgID + "\x00" + id); ok && prev.(string) == string(b) {
			continue
		}
		h.defs.Store(orgID+"\x00"+id, string(b))
		if stored, err := h.db.XAPIActivity(ctx, orgID, id); err == nil {
			var old map[string]any
			if decodeJSON(stored, &old) == nil && old != nil {
				merged := encodeJSON(mergeDefinition(old, def))
				if string(merged) == string(stored) {
					continue
				}
				b = merged
			}
		}
		out[id] = b
	}
	return out
}

func (h *Handler) forgetDefinitions(orgID string, defs map[string][]byte) {
	for id := range defs {
		h.defs.Delete(orgID + "\x00" + id)
	}
}
