package store

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bakenhq/baken/internal/catalogue"
	"github.com/bakenhq/baken/internal/core"
)

// RecordUsage stores what a person of orgID did with an item of orgID.
// Errors: EInvalid (unknown kind, item, person or place of another
// organisation).
func (db *DB) RecordUsage(ctx context.Context, orgID string, u *catalogue.Usage) error {
	u.Comment = strings.TrimSpace(u.Comment)
	if !u.Kind.Valid() {
		return core.Invalid("kind", "unknown usage")
	}
	if utf8.RuneCountInString(u.Comment) > 1000 || strings.ContainsRune(u.Comment, 0) {
		return core.Invalid("comment", "is at most 1000 characters")
	}
	if err := db.checkIDs(ctx, db.read, orgID, "learning_items", "item_id", map[string]bool{u.ItemID: true}); err != nil {
		return err
	}
	if err := db.checkPeople(ctx, db.read, orgID, u.PersonID); err != nil {
		return err
	}
	if u.PlaceID != "" {
		if err := db.checkIDs(ctx, db.read, orgID, "places", "place_id", map[string]bool{u.PlaceID: true}); err != nil {
			return err
		}
	}
	u.ID, u.OrgID = core.NewID(), orgID
	if u.At.IsZero() {
		u.At = time.Now().UTC()
	}
	_, err := db.write.ExecContext(ctx, `INSERT INTO learning_usage (id, org_id, item_id, person_id, place_id, kind, comment, at) VALUES ($2, $1, $3, $4, $5, $6, $7, $8)`,
		orgID, u.ID, u.ItemID, nullable(u.PersonID), nullable(u.PlaceID), string(u.Kind), u.Comment, T(u.At))
	return db.Err(err)
}

// ItemUsage summarises the use of an item of orgID for its author: counts
// by kind, distinct people, the places it was used at, and the latest
// feedback (at most 50).
func (db *DB) ItemUsage(ctx context.Context, orgID, itemID string) (*catalogue.UsageStats, error) {
	st := &catalogue.UsageStats{Counts: map[catalogue.UsageKind]int{}}
	rows, err := db.read.QueryContext(ctx, `SELECT kind, COUNT(*) FROM learning_usage WHERE org_id = $1 AND item_id = $2 GROUP BY kind`, orgID, itemID)
	if err != nil {
		return nil, db.Err(err)
	}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			rows.Close()
			return nil, err
		}
		st.Counts[catalogue.UsageKind(k)] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(DISTINCT person_id) FROM learning_usage WHERE org_id = $1 AND item_id = $2`, orgID, itemID).Scan(&st.People); err != nil {
		return nil, db.Err(err)
	}
	rows, err = db.read.QueryContext(ctx, `SELECT u.place_id, p.code, p.name_nl, p.name_en, COUNT(*) FROM learning_usage u
 JOIN places p ON p.id = u.place_id AND p.org_id = u.org_id
 WHERE u.org_id = $1 AND u.item_id = $2 GROUP BY u.place_id, p.code, p.name_nl, p.name_en ORDER BY COUNT(*) DESC, p.code`, orgID, itemID)
	if err != nil {
		return nil, db.Err(err)
	}
	for rows.Next() {
		var pc catalogue.PlaceCount
		var nl, en string
		if err := rows.Scan(&pc.PlaceID, &pc.Code, &nl, &en, &pc.Count); err != nil {
			rows.Close()
			return nil, err
		}
		pc.Name = catalogue.Pick("en", nl, en) + " / " + catalogue.Pick("nl", nl, en)
		if nl == "" || en == "" || nl == en {
			pc.Name = catalogue.Pick("en", nl, en)
		}
		st.ByPlace = append(st.ByPlace, pc)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = db.read.QueryContext(ctx, `SELECT u.kind, u.comment, u.at, COALESCE(pe.name, ''), COALESCE(pl.code, '') FROM learning_usage u
 LEFT JOIN people pe ON pe.id = u.person_id AND pe.org_id = u.org_id
 LEFT JOIN places pl ON pl.id = u.place_id AND pl.org_id = u.org_id
 WHERE u.org_id = $1 AND u.item_id = $2 AND u.kind IN ('helped', 'not_helped') ORDER BY u.at DESC, u.id DESC LIMIT 50`, orgID, itemID)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	for rows.Next() {
		var f catalogue.Feedback
		var k string
		if err := rows.Scan(&k, &f.Comment, Time{&f.At}, &f.PersonName, &f.PlaceCode); err != nil {
			return nil, err
		}
		f.Kind = catalogue.UsageKind(k)
		st.Comments = append(st.Comments, f)
	}
	return st, rows.Err()
}
