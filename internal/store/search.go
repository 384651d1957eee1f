package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/search"
)

// Search documents (see internal/search): the store keeps them so that any
// node can load the in-memory index and follow other nodes' writes through
// the change counter in search_seq. *DB implements search.Store.

var _ search.Store = (*DB)(nil)

// nextSearchSeq bumps the change counter inside tx. The row lock it takes
// is held until commit, so change numbers follow commit order on
// PostgreSQL too and a reader never skips a number committed later.
func nextSearchSeq(ctx context.Context, tx *sql.Tx) (int64, error) {
	var seq int64
	err := tx.QueryRowContext(ctx, `UPDATE search_seq SET value = value + 1 WHERE id = 1 RETURNING value`).Scan(&seq)
	if err != nil {
		return 0, fmt.Errorf("search seq: %w", err)
	}
	return seq, nil
}

// SaveSearchDocs inserts or replaces documents of orgID ("" for
// platform-wide documents). Every document's OrgID must equal orgID.
// Errors: EInvalid.
func (db *DB) SaveSearchDocs(ctx context.Context, orgID string, docs []search.StoredDoc) (int64, error) {
	for i := range docs {
		if docs[i].OrgID != orgID {
			return 0, fmt.Errorf("save search docs: document %s of organisation %q stored under %q", docs[i].ID, docs[i].OrgID, orgID)
		}
	}
	var seq int64
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if seq, err = nextSearchSeq(ctx, tx); err != nil {
			return err
		}
		now := T(time.Now())
		// Many rows per statement (ESCO and a catalogue write tens of
		// thousands), but not too many: SQLite looks $N names up in a
		// list, so preparing a statement costs the square of its
		// parameters. One prepared statement serves every full batch.
		const batch = 50
		stmts := map[int]*sql.Stmt{}
		defer func() {
			for _, st := range stmts {
				st.Close()
			}
		}()
		for start := 0; start < len(docs); start += batch {
			part := docs[start:min(start+batch, len(docs))]
			st := stmts[len(part)]
			if st == nil {
				var err error
				if st, err = tx.PrepareContext(ctx, saveSearchDocsSQL(len(part))); err != nil {
					return fmt.Errorf("save search docs: %w", db.Err(err))
				}
				stmts[len(part)] = st
			}
			args := []any{orgID, seq, now}
			for i := range part {
				d := &part[i]
				labels, comps, aud := []byte("[]"), []byte("[]"), []byte("[]")
				var err error
				if len(d.Labels) > 0 {
					if labels, err = json.Marshal(d.Labels); err != nil {
						return err
					}
				}
				if len(d.Competences) > 0 {
					if comps, err = json.Marshal(d.Competences); err != nil {
						return err
					}
				}
				if len(d.Audience) > 0 {
					if aud, err = json.Marshal(d.Audience); err != nil {
						return err
					}
				}
				args = append(args, string(d.Kind), d.ID, string(d.Visibility), d.Lang, d.Type, d.Title, d.Body,
					string(labels), string(comps), d.Minutes, d.SiteID, d.Boost, d.URL, d.Terms, d.TermsVersion, string(aud))
			}
			if _, err := st.ExecContext(ctx, args...); err != nil {
				return fmt.Errorf("save search docs: %w", db.Err(err))
			}
		}
		return nil
	})
	return seq, err
}

// saveSearchDocsSQL is the upsert of n documents; $1 is the organisation,
// $2 the change number, $3 the time, then 16 values per document.
func saveSearchDocsSQL(n int) string {
	rows := make([]string, n)
	for i := range rows {
		ph := make([]string, 16)
		for j := range ph {
			ph[j] = fmt.Sprintf("$%d", 4+i*16+j)
		}
		rows[i] = "($1, " + strings.Join(ph, ", ") + ", $2, FALSE, $3)"
	}
	return `INSERT INTO search_docs (org_id, kind, id, visibility, lang, type, title, body, labels, competences, minutes, site_id, boost, url, terms, terms_version, audience, seq, deleted, updated_at)
VALUES ` + strings.Join(rows, ",\n") + `
ON CONFLICT (org_id, kind, id) DO UPDATE SET visibility = excluded.visibility, lang = excluded.lang, type = excluded.type,
 title = excluded.title, body = excluded.body, labels = excluded.labels, competences = excluded.competences,
 minutes = excluded.minutes, site_id = excluded.site_id, boost = excluded.boost, url = excluded.url,
 terms = excluded.terms, terms_version = excluded.terms_version, audience = excluded.audience, seq = excluded.seq, deleted = FALSE,
 updated_at = excluded.updated_at`
}

// DeleteSearchDocs marks documents of orgID deleted; their rows stay as
// tombstones so that other nodes' Refresh sees the deletion.
func (db *DB) DeleteSearchDocs(ctx context.Context, orgID string, kind search.Kind, ids []string) (int64, error) {
	var seq int64
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if seq, err = nextSearchSeq(ctx, tx); err != nil {
			return err
		}
		const batch = 500
		for start := 0; start < len(ids); start += batch {
			part := ids[start:min(start+batch, len(ids))]
			args := []any{orgID, string(kind), seq, T(time.Now())}
			for _, id := range part {
				args = append(args, id)
			}
			_, err := tx.ExecContext(ctx, `UPDATE search_docs SET deleted = TRUE, body = '', terms = '', labels = '[]', seq = $3, updated_at = $4
WHERE org_id = $1 AND kind = $2 AND id IN (`+In(5, len(part))+`)`, args...)
			if err != nil {
				return fmt.Errorf("delete search docs: %w", db.Err(err))
			}
		}
		return nil
	})
	return seq, err
}

// SearchDocsSince streams every search document changed after seq, in
// change order, across all organisations: it feeds the in-memory index,
// which holds every organisation's documents and scopes each query itself
// (like Organisations, this is a platform-level read). With seq 0 the
// tombstones of deleted documents are left out.
func (db *DB) SearchDocsSince(ctx context.Context, seq int64, fn func(*search.StoredDoc) error) error {
	q := `SELECT org_id, kind, id, visibility, lang, type, title, body, labels, competences, minutes, site_id, boost, url, terms, terms_version, seq, deleted, audience
FROM search_docs WHERE seq > $1`
	if seq == 0 {
		q += ` AND deleted = FALSE`
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY seq, org_id, kind, id`, seq)
	if err != nil {
		return fmt.Errorf("search docs: %w", db.Err(err))
	}
	defer rows.Close()
	for rows.Next() {
		var d search.StoredDoc
		var kind, vis, labels, comps, aud string
		if err := rows.Scan(&d.OrgID, &kind, &d.ID, &vis, &d.Lang, &d.Type, &d.Title, &d.Body, &labels, &comps,
			&d.Minutes, &d.SiteID, &d.Boost, &d.URL, &d.Terms, &d.TermsVersion, &d.Seq, &d.Deleted, &aud); err != nil {
			return fmt.Errorf("search docs: %w", err)
		}
		d.Kind, d.Visibility = search.Kind(kind), search.Visibility(vis)
		if labels != "" && labels != "[]" {
			if err := json.Unmarshal([]byte(labels), &d.Labels); err != nil {
				return fmt.Errorf("search docs: labels of %s: %w", d.ID, err)
			}
		}
		if comps != "" && comps != "[]" {
			if err := json.Unmarshal([]byte(comps), &d.Competences); err != nil {
				return fmt.Errorf("search docs: competences of %s: %w", d.ID, err)
			}
		}
		if aud != "" && aud != "[]" {
			if err := json.Unmarshal([]byte(aud), &d.Audience); err != nil {
				return fmt.Errorf("search docs: audience of %s: %w", d.ID, err)
			}
		}
		if err := fn(&d); err != nil {
			return err
		}
	}
	return rows.Err()
}
