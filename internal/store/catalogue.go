package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/catalogue"
	"github.com/bakenhq/baken/internal/core"
)

// Learning items: one table for every type, the type-specific fields as
// JSON in detail, outcomes and audience in child tables, and every saved
// state in learning_item_versions (the version history).

const itemCols = `i.id, i.org_id, i.type, i.status, i.visibility, i.lang, i.title_nl, i.title_en, i.body_nl, i.body_en,
 i.minutes, i.url, i.detail, COALESCE(i.author_id, ''), COALESCE(i.reviewer_id, ''), i.version, i.created_at, i.updated_at, i.published_at,
 COALESCE(a.name, ''), COALESCE(r.name, '')`

const itemFrom = ` FROM learning_items i
 LEFT JOIN people a ON a.id = i.author_id AND a.org_id = i.org_id
 LEFT JOIN people r ON r.id = i.reviewer_id AND r.org_id = i.org_id`

func scanItem(row interface{ Scan(...any) error }) (*catalogue.Item, error) {
	var it catalogue.Item
	var typ, status, vis, detail string
	err := row.Scan(&it.ID, &it.OrgID, &typ, &status, &vis, &it.Lang, &it.TitleNL, &it.TitleEN, &it.BodyNL, &it.BodyEN,
		&it.Minutes, &it.URL, &detail, &it.AuthorID, &it.ReviewerID, &it.Version, Time{&it.CreatedAt}, Time{&it.UpdatedAt}, Time{&it.PublishedAt},
		&it.AuthorName, &it.ReviewerName)
	if err != nil {
		return nil, err
	}
	it.Type, it.Status, it.Visibility = catalogue.Type(typ), catalogue.Status(status), catalogue.Visibility(vis)
	if it.Type == catalogue.Instruction {
		it.Instruction = &catalogue.InstructionDetail{}
		if detail != "" && detail != "{}" {
			if err := json.Unmarshal([]byte(detail), it.Instruction); err != nil {
				return nil, fmt.Errorf("item %s detail: %w", it.ID, err)
			}
		}
	}
	return &it, nil
}

func itemDetail(it *catalogue.Item) (string, error) {
	if it.Instruction == nil {
		return "{}", nil
	}
	b, err := json.Marshal(it.Instruction)
	return string(b), err
}

// checkItemRefs verifies that everything an item points at belongs to
// orgID: competences, role profiles, teams and media.
func (db *DB) checkItemRefs(ctx context.Context, q Querier, orgID string, it *catalogue.Item) error {
	if err := db.checkCompetences(ctx, q, orgID, it.CompetenceIDs()); err != nil {
		return core.Invalid("outcomes", "a competence does not exist in this organisation")
	}
	for _, c := range []struct {
		table, field string
		ids          []string
	}{{"role_profiles", "roles", it.RoleIDs}, {"teams", "teams", it.TeamIDs}, {"learning_media", "steps", it.MediaIDs()}} {
		if len(c.ids) == 0 {
			continue
		}
		if err := db.checkIDs(ctx, q, orgID, c.table, c.field, uniq(c.ids)); err != nil {
			return err
		}
	}
	return nil
}

// CreateLearningItem stores a new item of orgID as version 1, written by
// byID. Errors: EInvalid.
func (db *DB) CreateLearningItem(ctx context.Context, orgID string, it *catalogue.Item, byID string) error {
	it.OrgID = orgID
	if err := it.Validate(); err != nil {
		return err
	}
	if it.ID == "" {
		it.ID = core.NewID()
	}
	now := time.Now().UTC()
	it.CreatedAt, it.UpdatedAt, it.Version = now, now, 1
	if it.AuthorID == "" {
		it.AuthorID = byID
	}
	if it.Status == catalogue.Published && it.PublishedAt.IsZero() {
		it.PublishedAt = now
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if err := db.checkItemRefs(ctx, tx, orgID, it); err != nil {
			return err
		}
		if err := db.checkPeople(ctx, tx, orgID, it.AuthorID, it.ReviewerID, byID); err != nil {
			return err
		}
		detail, err := itemDetail(it)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO learning_items (id, org_id, type, status, visibility, lang, title_nl, title_en, body_nl, body_en,
 minutes, url, detail, author_id, reviewer_id, version, created_at, updated_at, published_at)
 VALUES ($2, $1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, $18)`,
			orgID, it.ID, string(it.Type), string(it.Status), string(it.Visibility), it.Lang, it.TitleNL, it.TitleEN, it.BodyNL, it.BodyEN,
			it.Minutes, it.URL, detail, nullable(it.AuthorID), nullable(it.ReviewerID), it.Version, T(now), NT(it.PublishedAt))
		if err != nil {
			return db.Err(err)
		}
		if err := db.putItemLinks(ctx, tx, orgID, it); err != nil {
			return err
		}
		return db.addItemVersion(ctx, tx, orgID, it, byID, "created")
	})
}

func (db *DB) checkPeople(ctx context.Context, q Querier, orgID string, ids ...string) error {
	set := map[string]bool{}
	for _, id := range ids {
		if id != "" {
			set[id] = true
		}
	}
	if len(set) == 0 {
		return nil
	}
	return db.checkIDs(ctx, q, orgID, "people", "person_id", set)
}

func (db *DB) putItemLinks(ctx context.Context, tx *sql.Tx, orgID string, it *catalogue.Item) error {
	for _, q := range []string{`DELETE FROM learning_item_outcomes WHERE org_id = $1 AND item_id = $2`, `DELETE FROM learning_item_audience WHERE org_id = $1 AND item_id = $2`} {
		if _, err := tx.ExecContext(ctx, q, orgID, it.ID); err != nil {
			return db.Err(err)
		}
	}
	for _, o := range it.Outcomes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO learning_item_outcomes (org_id, item_id, competence_id, level) VALUES ($1, $2, $3, $4)`, orgID, it.ID, o.CompetenceID, o.Level); err != nil {
			return db.Err(err)
		}
	}
	for kind, ids := range map[string][]string{"role": it.RoleIDs, "team": it.TeamIDs} {
		for id := range uniq(ids) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO learning_item_audience (org_id, item_id, kind, ref_id) VALUES ($1, $2, $3, $4)`, orgID, it.ID, kind, id); err != nil {
				return db.Err(err)
			}
		}
	}
	return nil
}

func (db *DB) addItemVersion(ctx context.Context, tx *sql.Tx, orgID string, it *catalogue.Item, byID, note string) error {
	snap, err := json.Marshal(it)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO learning_item_versions (org_id, item_id, version, status, saved_by, saved_at, note, snapshot)
 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, orgID, it.ID, it.Version, string(it.Status), nullable(byID), T(it.UpdatedAt), note, string(snap))
	return db.Err(err)
}

// UpdateLearningItem saves new content of an item of orgID as the next
// version, with the status the caller decided (catalogue.Transition).
// it.Version must be the version the editor started from: a stale save
// returns EConflict instead of overwriting a colleague's work. Errors:
// EInvalid, ENotFound, EConflict.
func (db *DB) UpdateLearningItem(ctx context.Context, orgID string, it *catalogue.Item, byID, note string) error {
	it.OrgID = orgID
	if err := it.Validate(); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM learning_items WHERE org_id = $1 AND id = $2`, orgID, it.ID).Scan(&exists); err != nil {
			return db.Err(err)
		}
		if err := db.checkItemRefs(ctx, tx, orgID, it); err != nil {
			return err
		}
		if err := db.checkPeople(ctx, tx, orgID, it.ReviewerID, byID); err != nil {
			return err
		}
		detail, err := itemDetail(it)
		if err != nil {
			return err
		}
		from := it.Version
		it.Version++
		it.UpdatedAt = time.Now().UTC()
		if it.Status == catalogue.Published && it.PublishedAt.IsZero() {
			it.PublishedAt = it.UpdatedAt
		}
		res, err := tx.ExecContext(ctx, `UPDATE learning_items SET type = $3, status = $4, visibility = $5, lang = $6, title_nl = $7, title_en = $8,
 body_nl = $9, body_en = $10, minutes = $11, url = $12, detail = $13, reviewer_id = $14, version = $15, updated_at = $16, published_at = $17
 WHERE org_id = $1 AND id = $2 AND version = $18`,
			orgID, it.ID, string(it.Type), string(it.Status), string(it.Visibility), it.Lang, it.TitleNL, it.TitleEN, it.BodyNL, it.BodyEN,
			it.Minutes, it.URL, detail, nullable(it.ReviewerID), it.Version, T(it.UpdatedAt), NT(it.PublishedAt), from)
		if err != nil {
			return db.Err(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var cur int
			if err := tx.QueryRowContext(ctx, `SELECT version FROM learning_items WHERE org_id = $1 AND id = $2`, orgID, it.ID).Scan(&cur); err != nil {
				return db.Err(err)
			}
			it.Version = from
			return &core.Error{Code: core.EConflict, Message: "someone saved this item meanwhile; reload it and apply your changes again", Key: "catalogue.err.stale"}
		}
		if err := db.putItemLinks(ctx, tx, orgID, it); err != nil {
			return err
		}
		return db.addItemVersion(ctx, tx, orgID, it, byID, note)
	})
}

// LearningItem returns an item of orgID with its outcomes and audience,
// whatever its status. Errors: ENotFound (also for other organisations'
// items).
func (db *DB) LearningItem(ctx context.Context, orgID, id string) (*catalogue.Item, error) {
	it, err := scanItem(db.read.QueryRowContext(ctx, `SELECT `+itemCols+itemFrom+` WHERE i.org_id = $1 AND i.id = $2`, orgID, id))
	if err != nil {
		return nil, db.Err(err)
	}
	if err := db.fillItems(ctx, orgID, []*catalogue.Item{it}); err != nil {
		return nil, err
	}
	return it, nil
}

// SharedLearningItem returns a published item that viewerOrgID may read
// although another organisation owns it: public, or partner-visible and
// owned by a partner. Errors: ENotFound.
func (db *DB) SharedLearningItem(ctx context.Context, viewerOrgID, id string) (*catalogue.Item, error) {
	it, err := scanItem(db.read.QueryRowContext(ctx, `SELECT `+itemCols+itemFrom+` WHERE i.id = $2 AND i.status = 'published'
 AND (i.visibility = 'public' OR (i.visibility = 'partners' AND i.org_id IN (SELECT partner_id FROM partnerships WHERE org_id = $1)))`, viewerOrgID, id))
	if err != nil {
		return nil, db.Err(err)
	}
	if err := db.fillItems(ctx, it.OrgID, []*catalogue.Item{it}); err != nil {
		return nil, err
	}
	return it, nil
}

// fillItems loads outcomes (with competence names) and audience of items
// of orgID.
func (db *DB) fillItems(ctx context.Context, orgID string, items []*catalogue.Item) error {
	if len(items) == 0 {
		return nil
	}
	byID := map[string]*catalogue.Item{}
	args := []any{orgID}
	for _, it := range items {
		byID[it.ID] = it
		it.Outcomes, it.RoleIDs, it.TeamIDs = nil, nil, nil
		args = append(args, it.ID)
	}
	in := In(2, len(items))
	rows, err := db.read.QueryContext(ctx, `SELECT o.item_id, o.competence_id, o.level, c.name_nl, c.name_en FROM learning_item_outcomes o
 JOIN competences c ON c.id = o.competence_id AND c.org_id = o.org_id
 WHERE o.org_id = $1 AND o.item_id IN (`+in+`) ORDER BY o.item_id, c.name_en, c.id`, args...)
	if err != nil {
		return db.Err(err)
	}
	for rows.Next() {
		var itemID string
		var o catalogue.Outcome
		if err := rows.Scan(&itemID, &o.CompetenceID, &o.Level, &o.NameNL, &o.NameEN); err != nil {
			rows.Close()
			return err
		}
		byID[itemID].Outcomes = append(byID[itemID].Outcomes, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = db.read.QueryContext(ctx, `SELECT item_id, kind, ref_id FROM learning_item_audience WHERE org_id = $1 AND item_id IN (`+in+`) ORDER BY item_id, kind, ref_id`, args...)
	if err != nil {
		return db.Err(err)
	}
	defer rows.Close()
	for rows.Next() {
		var itemID, kind, ref string
		if err := rows.Scan(&itemID, &kind, &ref); err != nil {
			return err
		}
		if kind == "role" {
			byID[itemID].RoleIDs = append(byID[itemID].RoleIDs, ref)
		} else {
			byID[itemID].TeamIDs = append(byID[itemID].TeamIDs, ref)
		}
	}
	return rows.Err()
}

// ItemFilter selects items of an organisation.
type ItemFilter struct {
	Status   []catalogue.Status // none: all but archived
	Type     catalogue.Type
	AuthorID string
	IDs      []string
	Limit    int // default 200, at most 1000
}

// LearningItems lists items of orgID, newest change first, with outcomes
// and audience.
func (db *DB) LearningItems(ctx context.Context, orgID string, f ItemFilter) ([]*catalogue.Item, error) {
	where := []string{`i.org_id = $1`}
	args := []any{orgID}
	if len(f.Status) > 0 {
		where = append(where, `i.status IN (`+In(len(args)+1, len(f.Status))+`)`)
		for _, s := range f.Status {
			args = append(args, string(s))
		}
	} else {
		where = append(where, `i.status <> 'archived'`)
	}
	if f.Type != "" {
		args = append(args, string(f.Type))
		where = append(where, fmt.Sprintf(`i.type = $%d`, len(args)))
	}
	if f.AuthorID != "" {
		args = append(args, f.AuthorID)
		where = append(where, fmt.Sprintf(`i.author_id = $%d`, len(args)))
	}
	if len(f.IDs) > 0 {
		where = append(where, `i.id IN (`+In(len(args)+1, len(f.IDs))+`)`)
		for _, id := range f.IDs {
			args = append(args, id)
		}
	}
	if f.Limit <= 0 {
		f.Limit = 200
	}
	f.Limit = min(f.Limit, 1000)
	rows, err := db.read.QueryContext(ctx, `SELECT `+itemCols+itemFrom+` WHERE `+strings.Join(where, ` AND `)+
		fmt.Sprintf(` ORDER BY i.updated_at DESC, i.id LIMIT %d`, f.Limit), args...)
	if err != nil {
		return nil, db.Err(err)
	}
	var out []*catalogue.Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, db.fillItems(ctx, orgID, out)
}

// LearningItemVersions lists the saved states of an item of orgID, newest
// first. Errors: ENotFound.
func (db *DB) LearningItemVersions(ctx context.Context, orgID, itemID string) ([]catalogue.Version, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT v.item_id, v.version, v.status, COALESCE(v.saved_by, ''), v.saved_at, v.note, v.snapshot, COALESCE(p.name, '')
 FROM learning_item_versions v LEFT JOIN people p ON p.id = v.saved_by AND p.org_id = v.org_id
 WHERE v.org_id = $1 AND v.item_id = $2 ORDER BY v.version DESC`, orgID, itemID)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []catalogue.Version
	for rows.Next() {
		var v catalogue.Version
		var st string
		if err := rows.Scan(&v.ItemID, &v.Version, &st, &v.SavedBy, Time{&v.SavedAt}, &v.Note, &v.Snapshot, &v.SavedName); err != nil {
			return nil, err
		}
		v.Status = catalogue.Status(st)
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, core.ErrNotFound
	}
	return out, nil
}
