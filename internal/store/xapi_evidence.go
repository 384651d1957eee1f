package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/competence"
)

// XAPILinkEvidence notes that rules turned statement statementID of orgID
// into the evidence evidenceIDs. Call it before the evidence is added.
func (db *DB) XAPILinkEvidence(ctx context.Context, orgID, statementID string, evidenceIDs []string) error {
	if len(evidenceIDs) == 0 {
		return nil
	}
	rows := make([][]any, len(evidenceIDs))
	for i, id := range evidenceIDs {
		rows[i] = []any{orgID, statementID, id}
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if err := batchInsert(ctx, tx, `INSERT INTO xapi_rule_evidence (org_id, statement_id, evidence_id)`, 3, rows, ` ON CONFLICT DO NOTHING`, nil); err != nil {
			return fmt.Errorf("link rule evidence: %w", db.Err(err))
		}
		return nil
	})
}

// XAPIWithdrawEvidence removes the evidence that rules made from the
// statements of orgID (they were voided) and re-derives the current level
// of every person and competence it touched, in one transaction. It
// returns how many pieces of evidence were withdrawn.
func (db *DB) XAPIWithdrawEvidence(ctx context.Context, orgID string, statementIDs []string) (int, error) {
	if len(statementIDs) == 0 {
		return 0, nil
	}
	n := 0
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		n = 0
		var removed []string
		type pair struct{ p, c string }
		pairs := map[pair]bool{}
		for start := 0; start < len(statementIDs); start += 500 {
			chunk := statementIDs[start:min(start+500, len(statementIDs))]
			args := []any{orgID}
			for _, id := range chunk {
				args = append(args, id)
			}
			in := In(2, len(chunk))
			rows, err := tx.QueryContext(ctx, `SELECT e.id, e.person_id, e.competence_id FROM xapi_rule_evidence l
				JOIN evidence e ON e.org_id = l.org_id AND e.id = l.evidence_id
				WHERE l.org_id = $1 AND l.statement_id IN (`+in+`)`, args...)
			if err != nil {
				return db.Err(err)
			}
			var ids []any
			for rows.Next() {
				var id, p, c string
				if err := rows.Scan(&id, &p, &c); err != nil {
					rows.Close()
					return err
				}
				ids = append(ids, id)
				removed = append(removed, id)
				pairs[pair{p, c}] = true
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			if len(ids) > 0 {
				res, err := tx.ExecContext(ctx, `DELETE FROM evidence WHERE org_id = $1 AND id IN (`+In(2, len(ids))+`)`, append([]any{orgID}, ids...)...)
				if err != nil {
					return db.Err(err)
				}
				k, _ := res.RowsAffected()
				n += int(k)
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM xapi_rule_evidence WHERE org_id = $1 AND statement_id IN (`+in+`)`, args...); err != nil {
				return db.Err(err)
			}
		}
		// The evidence packs hold a copy of every piece of evidence: take the
		// withdrawn ones out, then derive each affected level from the pack.
		gone := map[string]bool{}
		for _, id := range removed {
			gone[id] = true
		}
		people := map[string][]string{}
		for p := range pairs {
			people[p.p] = append(people[p.p], p.c)
		}
		// Lock packs in person id order, as every evidence writer does, so
		// that two transactions touching the same people cannot deadlock.
		order := make([]string, 0, len(people))
		for person := range people {
			order = append(order, person)
		}
		sort.Strings(order)
		now := time.Now().UTC()
		for _, person := range order {
			comps := people[person]
			pack, err := db.lockPack(ctx, tx, orgID, person)
			if err != nil {
				return err
			}
			entries, err := splitPack(pack)
			if err != nil {
				return err
			}
			kept := entries[:0]
			var e competence.Evidence
			for _, en := range entries {
				if _, err := decodeEntry(en, &e); err != nil {
					return err
				}
				if !gone[e.ID] {
					kept = append(kept, en)
				}
			}
			pack = strings.Join(kept, "")
			if _, err := tx.ExecContext(ctx, `UPDATE evidence_packs SET packed = $3 WHERE org_id = $1 AND person_id = $2`, orgID, person, pack); err != nil {
				return db.Err(err)
			}
			for _, c := range comps {
				if err := db.storeDerived(ctx, tx, orgID, pack, person, c, now); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return n, err
}
