package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/project"
)

// Notify stores in-app notifications for people of orgID (people of other
// organisations are silently skipped, so that a forged id notifies nobody).
func (db *DB) Notify(ctx context.Context, orgID string, ns ...*project.Notification) error {
	if len(ns) == 0 {
		return nil
	}
	now := time.Now().UTC()
	return db.Tx(ctx, func(tx *sql.Tx) error {
		for _, n := range ns {
			n.ID, n.OrgID, n.CreatedAt = core.NewID(), orgID, now
			if _, err := tx.ExecContext(ctx, `INSERT INTO notifications (id, org_id, person_id, kind, subject, url, created_at)
				SELECT $1, $2, id, $4, $5, $6, $7 FROM people WHERE org_id = $2 AND id = $3`,
				n.ID, orgID, n.PersonID, string(n.Kind), truncate(n.Subject, 300), truncate(n.URL, 500), T(now)); err != nil {
				return db.Err(err)
			}
		}
		return nil
	})
}

// Notifications lists personID's notifications, unread first, newest first.
func (db *DB) Notifications(ctx context.Context, orgID, personID string, limit int) ([]*project.Notification, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, person_id, kind, subject, url, created_at, read_at, emailed_at FROM notifications
		WHERE org_id = $1 AND person_id = $2 ORDER BY CASE WHEN read_at IS NULL THEN 0 ELSE 1 END, created_at DESC, id DESC LIMIT $3`, orgID, personID, limit)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	return scanNotifications(rows, orgID)
}

func scanNotifications(rows *sql.Rows, orgID string) ([]*project.Notification, error) {
	var out []*project.Notification
	for rows.Next() {
		n := &project.Notification{OrgID: orgID}
		if err := rows.Scan(&n.ID, &n.PersonID, &n.Kind, &n.Subject, &n.URL, Time{&n.CreatedAt}, Time{&n.ReadAt}, Time{&n.EmailedAt}); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// UnreadCount counts personID's unread notifications (the bell).
func (db *DB) UnreadCount(ctx context.Context, orgID, personID string) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE org_id = $1 AND person_id = $2 AND read_at IS NULL`, orgID, personID).Scan(&n)
	return n, db.Err(err)
}

// MarkRead marks one of personID's notifications read, or all when id is "".
func (db *DB) MarkRead(ctx context.Context, orgID, personID, id string, now time.Time) error {
	q := `UPDATE notifications SET read_at = $3 WHERE org_id = $1 AND person_id = $2 AND read_at IS NULL`
	args := []any{orgID, personID, T(now)}
	if id != "" {
		args = append(args, id)
		q += fmt.Sprintf(` AND id = $%d`, len(args))
	}
	_, err := db.write.ExecContext(ctx, q, args...)
	return db.Err(err)
}

// DigestRecipient is one person's part of the daily email digest.
type DigestRecipient struct {
	OrgID    string
	PersonID string
	Name     string
	Email    string
	Lang     string
	Notices  []*project.Notification
}

// ClaimDigest takes, across all organisations (this is platform
// housekeeping, not a tenant read), the unread notifications created
// before now that were never emailed, marks them emailed and returns them
// grouped per person with an email address. Claiming and marking happen
// in one transaction with a conditional update, so that two nodes never
// send the same notice twice.
func (db *DB) ClaimDigest(ctx context.Context, now time.Time) ([]*DigestRecipient, error) {
	var out []*DigestRecipient
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT n.id, n.org_id, n.person_id, n.kind, n.subject, n.url, n.created_at, p.name, p.email,
			CASE WHEN p.language <> '' THEN p.language ELSE o.default_lang END
			FROM notifications n JOIN people p ON p.id = n.person_id AND p.org_id = n.org_id JOIN organisations o ON o.id = n.org_id
			WHERE n.emailed_at IS NULL AND n.read_at IS NULL AND n.created_at <= $1 AND p.active = TRUE AND p.email IS NOT NULL AND p.email <> ''
			ORDER BY n.org_id, n.person_id, n.created_at LIMIT 10000`, T(now))
		if err != nil {
			return db.Err(err)
		}
		var ids []string
		by := map[string]*DigestRecipient{}
		for rows.Next() {
			n := &project.Notification{}
			var name, email, lang string
			if err := rows.Scan(&n.ID, &n.OrgID, &n.PersonID, &n.Kind, &n.Subject, &n.URL, Time{&n.CreatedAt}, &name, &email, &lang); err != nil {
				rows.Close()
				return err
			}
			r := by[n.PersonID]
			if r == nil {
				r = &DigestRecipient{OrgID: n.OrgID, PersonID: n.PersonID, Name: name, Email: email, Lang: lang}
				by[n.PersonID] = r
				out = append(out, r)
			}
			r.Notices = append(r.Notices, n)
			ids = append(ids, n.ID)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for start := 0; start < len(ids); start += 500 {
			chunk := ids[start:min(start+500, len(ids))]
			args := []any{T(now)}
			for _, id := range chunk {
				args = append(args, id)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE notifications SET emailed_at = $1 WHERE emailed_at IS NULL AND id IN (`+In(2, len(chunk))+`)`, args...); err != nil {
				return db.Err(err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UnclaimDigest undoes ClaimDigest for notices whose email could not be
// sent, so that the next run tries again.
func (db *DB) UnclaimDigest(ctx context.Context, ids []string) error {
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		if _, err := db.write.ExecContext(ctx, `UPDATE notifications SET emailed_at = NULL WHERE id IN (`+In(1, len(chunk))+`)`, args...); err != nil {
			return db.Err(err)
		}
	}
	return nil
}
