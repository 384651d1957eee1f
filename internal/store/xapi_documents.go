package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/bakenhq/baken/internal/core"
)

// XAPIDocKey names one xAPI document: its kind (state, activity_profile,
// agent_profile) and the parts of its key; parts a kind does not use are "".
type XAPIDocKey struct {
	Kind         string
	ActivityID   string
	AgentKey     string
	Registration string
	DocID        string
}

// XAPIDocument is a stored state or profile document.
type XAPIDocument struct {
	XAPIDocKey
	ContentType string
	Content     []byte
	ETag        string
	Updated     time.Time
}

// XAPIDocument returns one document. Errors: ENotFound.
func (db *DB) XAPIDocument(ctx context.Context, orgID string, k XAPIDocKey) (*XAPIDocument, error) {
	d := &XAPIDocument{XAPIDocKey: k}
	err := db.read.QueryRowContext(ctx, `SELECT content_type, content, etag, updated_at FROM xapi_documents
WHERE org_id = $1 AND kind = $2 AND activity_id = $3 AND agent_key = $4 AND registration = $5 AND doc_id = $6`,
		orgID, k.Kind, k.ActivityID, k.AgentKey, k.Registration, k.DocID).Scan(&d.ContentType, &d.Content, &d.ETag, Time{&d.Updated})
	if err != nil {
		return nil, db.Err(err)
	}
	return d, nil
}

// XAPIDocumentIDs lists the ids of the documents matching k (DocID
// ignored; with anyReg every registration matches), updated after since
// when since is not zero, and the latest update among them.
func (db *DB) XAPIDocumentIDs(ctx context.Context, orgID string, k XAPIDocKey, anyReg bool, since time.Time) ([]string, time.Time, error) {
	q := `SELECT DISTINCT doc_id, updated_at FROM xapi_documents WHERE org_id = $1 AND kind = $2 AND activity_id = $3 AND agent_key = $4`
	args := []any{orgID, k.Kind, k.ActivityID, k.AgentKey}
	if !anyReg {
		q += ` AND registration = $5`
		args = append(args, k.Registration)
	}
	if !since.IsZero() {
		q += fmt.Sprintf(` AND updated_at > $%d`, len(args)+1)
		args = append(args, T(since))
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY doc_id`, args...)
	if err != nil {
		return nil, time.Time{}, db.Err(err)
	}
	defer rows.Close()
	ids := []string{}
	seen := map[string]bool{}
	var latest time.Time
	for rows.Next() {
		var id string
		var t time.Time
		if err := rows.Scan(&id, Time{&t}); err != nil {
			return nil, time.Time{}, err
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
		if t.After(latest) {
			latest = t
		}
	}
	return ids, latest, rows.Err()
}

// XAPIDocumentWrite reads and then writes one document in a single
// transaction, so that concurrency checks and JSON merges see what they
// replace. fn receives the current document (nil when there is none) and
// returns the new one, nil to leave it, or an error to change nothing.
func (db *DB) XAPIDocumentWrite(ctx context.Context, orgID string, k XAPIDocKey, fn func(cur *XAPIDocument) (*XAPIDocument, error)) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		cur := &XAPIDocument{XAPIDocKey: k}
		err := tx.QueryRowContext(ctx, `SELECT content_type, content, etag, updated_at FROM xapi_documents
WHERE org_id = $1 AND kind = $2 AND activity_id = $3 AND agent_key = $4 AND registration = $5 AND doc_id = $6`,
			orgID, k.Kind, k.ActivityID, k.AgentKey, k.Registration, k.DocID).Scan(&cur.ContentType, &cur.Content, &cur.ETag, Time{&cur.Updated})
		if err != nil {
			if err = db.Err(err); !errors.Is(err, core.ErrNotFound) {
				return err
			}
			cur = nil
		}
		next, err := fn(cur)
		if err != nil || next == nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO xapi_documents (org_id, kind, activity_id, agent_key, registration, doc_id, content_type, content, etag, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (org_id, kind, activity_id, agent_key, registration, doc_id) DO UPDATE SET content_type = excluded.content_type, content = excluded.content, etag = excluded.etag, updated_at = excluded.updated_at`,
			orgID, k.Kind, k.ActivityID, k.AgentKey, k.Registration, k.DocID, next.ContentType, next.Content, next.ETag, T(next.Updated))
		if err != nil {
			return fmt.Errorf("xapi document: %w", db.Err(err))
		}
		return nil
	})
}

// XAPIDeleteDocuments deletes the document k names, or with all set every
// document of its context (DocID ignored; Registration "" then matches
// every registration only for kind state when anyReg is true).
func (db *DB) XAPIDeleteDocuments(ctx context.Context, orgID string, k XAPIDocKey, all, anyReg bool) error {
	q := `DELETE FROM xapi_documents WHERE org_id = $1 AND kind = $2 AND activity_id = $3 AND agent_key = $4`
	args := []any{orgID, k.Kind, k.ActivityID, k.AgentKey}
	if !anyReg {
		q += ` AND registration = $5`
		args = append(args, k.Registration)
	}
	if !all {
		q += fmt.Sprintf(` AND doc_id = $%d`, len(args)+1)
		args = append(args, k.DocID)
	}
	_, err := db.write.ExecContext(ctx, q, args...)
	return db.Err(err)
}
