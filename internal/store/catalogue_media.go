package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/bakenhq/baken/internal/catalogue"
	"github.com/bakenhq/baken/internal/core"
)

// Media: photos and videos of instructions, kept in the database so that
// every node serves them and a backup holds them.

// SaveMedia checks an upload (catalogue.CheckMedia) and stores it for
// orgID. Errors: EInvalid, ETooLarge.
func (db *DB) SaveMedia(ctx context.Context, orgID string, m *catalogue.Media) error {
	if err := catalogue.CheckMedia(m); err != nil {
		return err
	}
	if m.CreatedBy != "" {
		if err := db.checkPeople(ctx, db.read, orgID, m.CreatedBy); err != nil {
			return err
		}
	}
	m.ID, m.OrgID, m.CreatedAt = core.NewID(), orgID, time.Now().UTC()
	sum := sha256.Sum256(m.Data)
	m.SHA256 = hex.EncodeToString(sum[:])
	_, err := db.write.ExecContext(ctx, `INSERT INTO learning_media (id, org_id, content_type, size, width, height, name, sha256, created_by, created_at, data)
 VALUES ($2, $1, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, orgID, m.ID, m.ContentType, m.Size, m.Width, m.Height, m.Name, m.SHA256, nullable(m.CreatedBy), T(m.CreatedAt), m.Data)
	return db.Err(err)
}

// Media returns an uploaded file with its data to a reader of
// viewerOrgID: media of their own organisation, or media that a published
// item visible to them (public, or partner-visible from a partner) shows.
// Errors: ENotFound.
func (db *DB) Media(ctx context.Context, viewerOrgID, id string) (*catalogue.Media, error) {
	var m catalogue.Media
	err := db.read.QueryRowContext(ctx, `SELECT m.id, m.org_id, m.content_type, m.size, m.width, m.height, m.name, m.sha256, COALESCE(m.created_by, ''), m.created_at, m.data
 FROM learning_media m WHERE m.id = $2 AND (m.org_id = $1 OR EXISTS (
   SELECT 1 FROM learning_items i WHERE i.org_id = m.org_id AND i.status = 'published' AND i.detail LIKE '%' || m.id || '%'
   AND (i.visibility = 'public' OR (i.visibility = 'partners' AND i.org_id IN (SELECT partner_id FROM partnerships WHERE org_id = $1)))))`,
		viewerOrgID, id).Scan(&m.ID, &m.OrgID, &m.ContentType, &m.Size, &m.Width, &m.Height, &m.Name, &m.SHA256, &m.CreatedBy, Time{&m.CreatedAt}, &m.Data)
	if err != nil {
		return nil, db.Err(err)
	}
	return &m, nil
}

// MediaInfo returns type and size (not the data) of media of orgID by id,
// for pages that show them. Unknown ids are left out.
func (db *DB) MediaInfo(ctx context.Context, orgID string, ids []string) (map[string]*catalogue.Media, error) {
	out := map[string]*catalogue.Media{}
	if len(ids) == 0 {
		return out, nil
	}
	args := []any{orgID}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, org_id, content_type, size, width, height, name, sha256 FROM learning_media
 WHERE org_id = $1 AND id IN (`+In(2, len(ids))+`)`, args...)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	for rows.Next() {
		var m catalogue.Media
		if err := rows.Scan(&m.ID, &m.OrgID, &m.ContentType, &m.Size, &m.Width, &m.Height, &m.Name, &m.SHA256); err != nil {
			return nil, err
		}
		out[m.ID] = &m
	}
	return out, rows.Err()
}
