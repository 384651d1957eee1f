package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/roadmap"
)

// CreateObjective stores an objective of orgID. Errors: EInvalid.
func (db *DB) CreateObjective(ctx context.Context, orgID string, o *roadmap.Objective) error {
	if err := o.Validate(); err != nil {
		return err
	}
	if err := db.checkOwner(ctx, orgID, o.OwnerID); err != nil {
		return err
	}
	now := time.Now().UTC()
	o.ID, o.OrgID, o.CreatedAt, o.UpdatedAt = core.NewID(), orgID, now, now
	_, err := db.write.ExecContext(ctx, `INSERT INTO objectives (id, org_id, title_nl, title_en, description_nl, description_en, owner_id, horizon, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		o.ID, orgID, o.TitleNL, o.TitleEN, o.DescriptionNL, o.DescriptionEN, nullable(o.OwnerID), Date(o.Horizon), T(now), T(now))
	if err != nil {
		return fmt.Errorf("create objective: %w", db.Err(err))
	}
	return nil
}

// UpdateObjective changes an objective of orgID. Errors: EInvalid, ENotFound.
func (db *DB) UpdateObjective(ctx context.Context, orgID string, o *roadmap.Objective) error {
	if err := o.Validate(); err != nil {
		return err
	}
	if err := db.checkOwner(ctx, orgID, o.OwnerID); err != nil {
		return err
	}
	o.UpdatedAt = time.Now().UTC()
	res, err := db.write.ExecContext(ctx, `UPDATE objectives SET title_nl = $3, title_en = $4, description_nl = $5, description_en = $6,
		owner_id = $7, horizon = $8, updated_at = $9 WHERE org_id = $1 AND id = $2`,
		orgID, o.ID, o.TitleNL, o.TitleEN, o.DescriptionNL, o.DescriptionEN, nullable(o.OwnerID), Date(o.Horizon), T(o.UpdatedAt))
	if err != nil {
		return db.Err(err)
	}
	return mustAffect(res)
}

// DeleteObjective removes an objective of orgID (items keep existing).
// Errors: ENotFound.
func (db *DB) DeleteObjective(ctx context.Context, orgID, id string) error {
	res, err := db.write.ExecContext(ctx, `DELETE FROM objectives WHERE org_id = $1 AND id = $2`, orgID, id)
	if err != nil {
		return db.Err(err)
	}
	return mustAffect(res)
}

func (db *DB) checkOwner(ctx context.Context, orgID, ownerID string) error {
	if ownerID == "" {
		return nil
	}
	return db.checkIDs(ctx, db.read, orgID, "people", "owner_id", map[string]bool{ownerID: true})
}

const objectiveSelect = `SELECT o.id, o.org_id, o.title_nl, o.title_en, o.description_nl, o.description_en, COALESCE(o.owner_id, ''),
	o.horizon, o.created_at, o.updated_at, COALESCE(p.name, '')
	FROM objectives o LEFT JOIN people p ON p.id = o.owner_id AND p.org_id = o.org_id`

func scanObjective(row interface{ Scan(...any) error }) (*roadmap.Objective, error) {
	var o roadmap.Objective
	err := row.Scan(&o.ID, &o.OrgID, &o.TitleNL, &o.TitleEN, &o.DescriptionNL, &o.DescriptionEN, &o.OwnerID,
		Time{&o.Horizon}, Time{&o.CreatedAt}, Time{&o.UpdatedAt}, &o.OwnerName)
	return &o, err
}

// Objective returns an objective of orgID. Errors: ENotFound.
func (db *DB) Objective(ctx context.Context, orgID, id string) (*roadmap.Objective, error) {
	o, err := scanObjective(db.read.QueryRowContext(ctx, objectiveSelect+` WHERE o.org_id = $1 AND o.id = $2`, orgID, id))
	if err != nil {
		return nil, db.Err(err)
	}
	return o, nil
}

// Objectives lists the objectives of orgID by horizon.
func (db *DB) Objectives(ctx context.Context, orgID string) ([]*roadmap.Objective, error) {
	rows, err := db.read.QueryContext(ctx, objectiveSelect+` WHERE o.org_id = $1 ORDER BY o.horizon, o.title_en, o.title_nl`, orgID)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []*roadmap.Objective
	for rows.Next() {
		o, err := scanObjective(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// checkRoadmapRefs makes sure every site, team, objective and competence an
// item names belongs to orgID, so that a forged id is refused as invalid.
func (db *DB) checkRoadmapRefs(ctx context.Context, q Querier, orgID string, it *roadmap.Item) error {
	sites, teams, comps := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, s := range it.SiteIDs {
		sites[s] = true
	}
	for _, t := range it.TeamIDs {
		teams[t] = true
	}
	for _, d := range it.Demand {
		comps[d.CompetenceID] = true
		if d.SiteID != "" {
			sites[d.SiteID] = true
		}
		if d.TeamID != "" {
			teams[d.TeamID] = true
		}
	}
	objs := map[string]bool{}
	for _, o := range it.ObjectiveIDs {
		objs[o] = true
	}
	for _, c := range []struct {
		table, field string
		ids          map[string]bool
	}{{"sites", "site_ids", sites}, {"teams", "team_ids", teams}, {"objectives", "objective_ids", objs}, {"competences", "demand", comps}} {
		if err := db.checkIDs(ctx, q, orgID, c.table, c.field, c.ids); err != nil {
			return err
		}
	}
	return nil
}

// CreateItem stores a roadmap item of orgID as a draft (or published when
// it.Published is set), with its links and demand, and records the
// creation in its history. today is the current date for validation.
// Errors: EInvalid.
func (db *DB) CreateItem(ctx context.Context, orgID string, it *roadmap.Item, byID string, now time.Time) error {
	sc, err := db.Scale(ctx, orgID)
	if err != nil {
		return err
	}
	if err := it.Validate(sc, now); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if err := db.checkRoadmapRefs(ctx, tx, orgID, it); err != nil {
			return err
		}
		it.ID, it.OrgID, it.CreatedAt, it.UpdatedAt = core.NewID(), orgID, now.UTC(), now.UTC()
		if it.Published {
			it.PublishedAt = now.UTC()
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO roadmap_items (id, org_id, title_nl, title_en, why_nl, why_en, kind, target_date, status, published, published_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			it.ID, orgID, it.TitleNL, it.TitleEN, it.WhyNL, it.WhyEN, string(it.Kind), Date(it.TargetDate), string(it.Status), it.Published, NT(it.PublishedAt), T(now), T(now)); err != nil {
			return db.Err(err)
		}
		if err := db.putItemParts(ctx, tx, orgID, it); err != nil {
			return err
		}
		return db.addHistory(ctx, tx, orgID, it.ID, byID, now, roadmap.Diff(nil, it), it.Published)
	})
}

func (db *DB) putItemParts(ctx context.Context, tx *sql.Tx, orgID string, it *roadmap.Item) error {
	for _, t := range []string{"roadmap_item_sites", "roadmap_item_teams", "roadmap_item_objectives", "roadmap_demand"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE org_id = $1 AND item_id = $2`, orgID, it.ID); err != nil {
			return db.Err(err)
		}
	}
	links := []struct {
		q   string
		ids []string
	}{
		{`INSERT INTO roadmap_item_sites (org_id, item_id, site_id) VALUES ($1, $2, $3)`, it.SiteIDs},
		{`INSERT INTO roadmap_item_teams (org_id, item_id, team_id) VALUES ($1, $2, $3)`, it.TeamIDs},
		{`INSERT INTO roadmap_item_objectives (org_id, item_id, objective_id) VALUES ($1, $2, $3)`, it.ObjectiveIDs},
	}
	for _, l := range links {
		for _, id := range l.ids {
			if _, err := tx.ExecContext(ctx, l.q, orgID, it.ID, id); err != nil {
				return db.Err(err)
			}
		}
	}
	for i := range it.Demand {
		d := &it.Demand[i]
		if d.ID == "" {
			d.ID = core.NewID()
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO roadmap_demand (id, org_id, item_id, position, competence_id, level, people, by_date, site_id, team_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			d.ID, orgID, it.ID, i, d.CompetenceID, d.Level, d.People, Date(d.By), nullable(d.SiteID), nullable(d.TeamID)); err != nil {
			return db.Err(err)
		}
	}
	return nil
}

func (db *DB) addHistory(ctx context.Context, tx *sql.Tx, orgID, itemID, byID string, at time.Time, fields []string, public bool) error {
	if len(fields) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO roadmap_history (id, org_id, item_id, at, by_id, fields, public) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		core.NewID(), orgID, itemID, T(at), nullable(byID), strings.Join(fields, ","), public)
	return db.Err(err)
}

// UpdateItem changes a roadmap item of orgID (its texts, date, status,
// links and demand; publication goes through PublishItem) and records
// which fields changed. A change to a published item is public history.
// Errors: EInvalid, ENotFound.
func (db *DB) UpdateItem(ctx context.Context, orgID string, it *roadmap.Item, byID string, now time.Time) error {
	sc, err := db.Scale(ctx, orgID)
	if err != nil {
		return err
	}
	if err := it.Validate(sc, now); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		old, err := db.items(ctx, tx, orgID, false, it.ID)
		if err != nil {
			return err
		}
		if len(old) == 0 {
			return core.ErrNotFound
		}
		if err := db.checkRoadmapRefs(ctx, tx, orgID, it); err != nil {
			return err
		}
		fields := roadmap.Diff(old[0], it)
		it.OrgID, it.CreatedAt, it.Published, it.PublishedAt, it.UpdatedAt = orgID, old[0].CreatedAt, old[0].Published, old[0].PublishedAt, now.UTC()
		if _, err := tx.ExecContext(ctx, `UPDATE roadmap_items SET title_nl = $3, title_en = $4, why_nl = $5, why_en = $6, kind = $7,
			target_date = $8, status = $9, updated_at = $10 WHERE org_id = $1 AND id = $2`,
			orgID, it.ID, it.TitleNL, it.TitleEN, it.WhyNL, it.WhyEN, string(it.Kind), Date(it.TargetDate), string(it.Status), T(now)); err != nil {
			return db.Err(err)
		}
		if err := db.putItemParts(ctx, tx, orgID, it); err != nil {
			return err
		}
		return db.addHistory(ctx, tx, orgID, it.ID, byID, now, fields, it.Published)
	})
}

// PublishItem publishes a draft (or withdraws a published item back to
// draft) and records it in the public history. Errors: ENotFound.
func (db *DB) PublishItem(ctx context.Context, orgID, id string, publish bool, byID string, now time.Time) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		var was bool
		if err := tx.QueryRowContext(ctx, `SELECT published FROM roadmap_items WHERE org_id = $1 AND id = $2`, orgID, id).Scan(&was); err != nil {
			return db.Err(err)
		}
		if was == publish {
			return nil
		}
		var at any
		if publish {
			at = T(now)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE roadmap_items SET published = $3, published_at = $4, updated_at = $5 WHERE org_id = $1 AND id = $2`,
			orgID, id, publish, at, T(now)); err != nil {
			return db.Err(err)
		}
		f := "published"
		if !publish {
			f = "unpublished"
		}
		return db.addHistory(ctx, tx, orgID, id, byID, now, []string{f}, true)
	})
}

// DeleteItem removes a roadmap item of orgID with its demand and history.
// Errors: ENotFound.
func (db *DB) DeleteItem(ctx context.Context, orgID, id string) error {
	res, err := db.write.ExecContext(ctx, `DELETE FROM roadmap_items WHERE org_id = $1 AND id = $2`, orgID, id)
	if err != nil {
		return db.Err(err)
	}
	return mustAffect(res)
}

// Item returns a roadmap item of orgID with its links and demand. Drafts
// are returned only when drafts is true. Errors: ENotFound.
func (db *DB) Item(ctx context.Context, orgID, id string, drafts bool) (*roadmap.Item, error) {
	its, err := db.items(ctx, db.read, orgID, !drafts, id)
	if err != nil {
		return nil, err
	}
	if len(its) == 0 {
		return nil, core.ErrNotFound
	}
	return its[0], nil
}

// Items lists the roadmap items of orgID by target date with their links
// and demand; publishedOnly leaves the drafts out.
func (db *DB) Items(ctx context.Context, orgID string, publishedOnly bool) ([]*roadmap.Item, error) {
	return db.items(ctx, db.read, orgID, publishedOnly, "")
}

func (db *DB) items(ctx context.Context, q Querier, orgID string, publishedOnly bool, id string) ([]*roadmap.Item, error) {
	cond, args := `org_id = $1`, []any{orgID}
	if publishedOnly {
		cond += ` AND published = TRUE`
	}
	if id != "" {
		cond += ` AND id = $2`
		args = append(args, id)
	}
	rows, err := q.QueryContext(ctx, `SELECT id, org_id, title_nl, title_en, why_nl, why_en, kind, target_date, status, published, published_at, created_at, updated_at
		FROM roadmap_items WHERE `+cond+` ORDER BY target_date, id`, args...)
	if err != nil {
		return nil, db.Err(err)
	}
	var out []*roadmap.Item
	byID := map[string]*roadmap.Item{}
	for rows.Next() {
		var it roadmap.Item
		if err := rows.Scan(&it.ID, &it.OrgID, &it.TitleNL, &it.TitleEN, &it.WhyNL, &it.WhyEN, &it.Kind, Time{&it.TargetDate}, &it.Status,
			&it.Published, Time{&it.PublishedAt}, Time{&it.CreatedAt}, Time{&it.UpdatedAt}); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, &it)
		byID[it.ID] = &it
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	// Links and demand of all these items, one query each, scoped to the org.
	icond := `org_id = $1`
	if id != "" {
		icond += ` AND item_id = $2`
	}
	for _, l := range []struct {
		q   string
		dst func(*roadmap.Item) *[]string
	}{
		{`SELECT item_id, site_id FROM roadmap_item_sites WHERE ` + icond + ` ORDER BY site_id`, func(i *roadmap.Item) *[]string { return &i.SiteIDs }},
		{`SELECT item_id, team_id FROM roadmap_item_teams WHERE ` + icond + ` ORDER BY team_id`, func(i *roadmap.Item) *[]string { return &i.TeamIDs }},
		{`SELECT item_id, objective_id FROM roadmap_item_objectives WHERE ` + icond + ` ORDER BY objective_id`, func(i *roadmap.Item) *[]string { return &i.ObjectiveIDs }},
	} {
		rows, err := q.QueryContext(ctx, l.q, args...)
		if err != nil {
			return nil, db.Err(err)
		}
		for rows.Next() {
			var item, ref string
			if err := rows.Scan(&item, &ref); err != nil {
				rows.Close()
				return nil, err
			}
			if it := byID[item]; it != nil {
				*l.dst(it) = append(*l.dst(it), ref)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	rows, err = q.QueryContext(ctx, `SELECT item_id, id, competence_id, level, people, by_date, COALESCE(site_id, ''), COALESCE(team_id, '')
		FROM roadmap_demand WHERE `+icond+` ORDER BY item_id, position`, args...)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	for rows.Next() {
		var item string
		var d roadmap.Demand
		if err := rows.Scan(&item, &d.ID, &d.CompetenceID, &d.Level, &d.People, Time{&d.By}, &d.SiteID, &d.TeamID); err != nil {
			return nil, err
		}
		if it := byID[item]; it != nil {
			it.Demand = append(it.Demand, d)
		}
	}
	return out, rows.Err()
}

// ItemHistory lists the changes of one item of orgID, newest first;
// publicOnly leaves out changes made while it was a draft.
func (db *DB) ItemHistory(ctx context.Context, orgID, itemID string, publicOnly bool) ([]roadmap.HistoryEntry, error) {
	return db.history(ctx, orgID, `h.item_id = $2`, []any{itemID}, publicOnly, "en")
}

// RoadmapChanges lists the changes to orgID's roadmap since a moment,
// newest first, at most 50; publicOnly (for staff) shows only changes to
// published items. lang picks the item names.
func (db *DB) RoadmapChanges(ctx context.Context, orgID string, since time.Time, publicOnly bool, lang string) ([]roadmap.HistoryEntry, error) {
	return db.history(ctx, orgID, `h.at > $2`, []any{T(since)}, publicOnly, lang)
}

func (db *DB) history(ctx context.Context, orgID, cond string, args []any, publicOnly bool, lang string) ([]roadmap.HistoryEntry, error) {
	q := `SELECT h.id, h.item_id, h.at, COALESCE(h.by_id, ''), h.fields, h.public, COALESCE(p.name, ''), i.title_nl, i.title_en
		FROM roadmap_history h JOIN roadmap_items i ON i.id = h.item_id AND i.org_id = h.org_id
		LEFT JOIN people p ON p.id = h.by_id AND p.org_id = h.org_id
		WHERE h.org_id = $1 AND ` + cond
	if publicOnly {
		q += ` AND h.public = TRUE AND i.published = TRUE`
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY h.at DESC, h.id DESC LIMIT 50`, append([]any{orgID}, args...)...)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []roadmap.HistoryEntry
	for rows.Next() {
		var h roadmap.HistoryEntry
		var fields, nl, en string
		if err := rows.Scan(&h.ID, &h.ItemID, Time{&h.At}, &h.ByID, &fields, &h.Public, &h.ByName, &nl, &en); err != nil {
			return nil, err
		}
		h.Fields = strings.Split(fields, ",")
		h.ItemName = (&roadmap.Item{TitleNL: nl, TitleEN: en}).Title(lang)
		out = append(out, h)
	}
	return out, rows.Err()
}

// BeaconSeen returns when a person of orgID last looked at the beacon
// (zero: never) and records now as the new moment.
func (db *DB) BeaconSeen(ctx context.Context, orgID, personID string, now time.Time) (time.Time, error) {
	var last time.Time
	if err := db.checkIDs(ctx, db.read, orgID, "people", "person_id", map[string]bool{personID: true}); err != nil {
		return last, err
	}
	err := db.read.QueryRowContext(ctx, `SELECT seen_at FROM roadmap_seen WHERE org_id = $1 AND person_id = $2`, orgID, personID).Scan(Time{&last})
	if err != nil && core.ErrorCode(db.Err(err)) != core.ENotFound {
		return last, db.Err(err)
	}
	_, err = db.write.ExecContext(ctx, `INSERT INTO roadmap_seen (org_id, person_id, seen_at) VALUES ($1, $2, $3)
		ON CONFLICT (org_id, person_id) DO UPDATE SET seen_at = excluded.seen_at`, orgID, personID, T(now))
	return last, db.Err(err)
}
