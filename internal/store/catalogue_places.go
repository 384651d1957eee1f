package store

import (
	"context"
	"database/sql"
	"sort"
	"strconv"
	"time"

	"github.com/bakenhq/baken/internal/catalogue"
	"github.com/bakenhq/baken/internal/core"
)

// Places: machines, workstations and areas at a site, with the
// competences they need and the learning items that belong there.

func (db *DB) checkPlaceRefs(ctx context.Context, q Querier, orgID string, p *catalogue.Place) error {
	if err := db.checkIDs(ctx, q, orgID, "sites", "site_id", map[string]bool{p.SiteID: true}); err != nil {
		return err
	}
	ids := make([]string, 0, len(p.Competences))
	for _, c := range p.Competences {
		ids = append(ids, c.CompetenceID)
	}
	if err := db.checkCompetences(ctx, q, orgID, ids); err != nil {
		return err
	}
	if len(p.ItemIDs) > 0 {
		return db.checkIDs(ctx, q, orgID, "learning_items", "items", uniq(p.ItemIDs))
	}
	return nil
}

func (db *DB) putPlaceLinks(ctx context.Context, tx *sql.Tx, orgID string, p *catalogue.Place) error {
	for _, q := range []string{`DELETE FROM place_competences WHERE org_id = $1 AND place_id = $2`, `DELETE FROM place_items WHERE org_id = $1 AND place_id = $2`} {
		if _, err := tx.ExecContext(ctx, q, orgID, p.ID); err != nil {
			return db.Err(err)
		}
	}
	for _, c := range p.Competences {
		if _, err := tx.ExecContext(ctx, `INSERT INTO place_competences (org_id, place_id, competence_id, level) VALUES ($1, $2, $3, $4)`, orgID, p.ID, c.CompetenceID, c.Level); err != nil {
			return db.Err(err)
		}
	}
	for i, id := range p.ItemIDs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO place_items (org_id, place_id, item_id, position) VALUES ($1, $2, $3, $4)`, orgID, p.ID, id, i); err != nil {
			return db.Err(err)
		}
	}
	return nil
}

var errPlaceCode = &core.Error{Code: core.EConflict, Field: "code", Message: "another place already has this code", Key: "places.err.code_taken"}

// CreatePlace stores a place of orgID. Errors: EInvalid, EConflict (code
// taken).
func (db *DB) CreatePlace(ctx context.Context, orgID string, p *catalogue.Place) error {
	p.OrgID = orgID
	if err := p.Validate(); err != nil {
		return err
	}
	if p.ID == "" {
		p.ID = core.NewID()
	}
	now := time.Now().UTC()
	p.CreatedAt, p.UpdatedAt = now, now
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		if err := db.checkPlaceRefs(ctx, tx, orgID, p); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO places (id, org_id, site_id, code, kind, name_nl, name_en, created_at, updated_at)
 VALUES ($2, $1, $3, $4, $5, $6, $7, $8, $8)`, orgID, p.ID, p.SiteID, p.Code, string(p.Kind), p.NameNL, p.NameEN, T(now)); err != nil {
			return db.Err(err)
		}
		return db.putPlaceLinks(ctx, tx, orgID, p)
	})
	if core.ErrorCode(err) == core.EConflict {
		return errPlaceCode
	}
	return err
}

// UpdatePlace changes a place of orgID. Errors: EInvalid, ENotFound,
// EConflict (code taken).
func (db *DB) UpdatePlace(ctx context.Context, orgID string, p *catalogue.Place) error {
	p.OrgID = orgID
	if err := p.Validate(); err != nil {
		return err
	}
	p.UpdatedAt = time.Now().UTC()
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		if err := db.checkPlaceRefs(ctx, tx, orgID, p); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE places SET site_id = $3, code = $4, kind = $5, name_nl = $6, name_en = $7, updated_at = $8
 WHERE org_id = $1 AND id = $2`, orgID, p.ID, p.SiteID, p.Code, string(p.Kind), p.NameNL, p.NameEN, T(p.UpdatedAt))
		if err != nil {
			return db.Err(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return core.ErrNotFound
		}
		return db.putPlaceLinks(ctx, tx, orgID, p)
	})
	if core.ErrorCode(err) == core.EConflict {
		return errPlaceCode
	}
	return err
}

// DeletePlace removes a place of orgID. Errors: ENotFound.
func (db *DB) DeletePlace(ctx context.Context, orgID, id string) error {
	res, err := db.write.ExecContext(ctx, `DELETE FROM places WHERE org_id = $1 AND id = $2`, orgID, id)
	if err != nil {
		return db.Err(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return core.ErrNotFound
	}
	return nil
}

const placeCols = `p.id, p.org_id, p.site_id, p.code, p.kind, p.name_nl, p.name_en, p.created_at, p.updated_at, COALESCE(s.name, '')`
const placeFrom = ` FROM places p LEFT JOIN sites s ON s.id = p.site_id AND s.org_id = p.org_id`

func scanPlace(row interface{ Scan(...any) error }) (*catalogue.Place, error) {
	var p catalogue.Place
	var kind string
	if err := row.Scan(&p.ID, &p.OrgID, &p.SiteID, &p.Code, &kind, &p.NameNL, &p.NameEN, Time{&p.CreatedAt}, Time{&p.UpdatedAt}, &p.SiteName); err != nil {
		return nil, err
	}
	p.Kind = catalogue.PlaceKind(kind)
	return &p, nil
}

// Place returns a place of orgID with its competences and items. Errors:
// ENotFound.
func (db *DB) Place(ctx context.Context, orgID, id string) (*catalogue.Place, error) {
	p, err := scanPlace(db.read.QueryRowContext(ctx, `SELECT `+placeCols+placeFrom+` WHERE p.org_id = $1 AND p.id = $2`, orgID, id))
	if err != nil {
		return nil, db.Err(err)
	}
	return p, db.fillPlaces(ctx, orgID, []*catalogue.Place{p})
}

// PlaceByCode returns the place of orgID with that code (as on its
// label). Errors: ENotFound.
func (db *DB) PlaceByCode(ctx context.Context, orgID, code string) (*catalogue.Place, error) {
	p, err := scanPlace(db.read.QueryRowContext(ctx, `SELECT `+placeCols+placeFrom+` WHERE p.org_id = $1 AND p.code = $2`, orgID, catalogue.NormaliseCode(code)))
	if err != nil {
		return nil, db.Err(err)
	}
	return p, db.fillPlaces(ctx, orgID, []*catalogue.Place{p})
}

// PlaceFilter selects places.
type PlaceFilter struct {
	SiteID string
	ItemID string   // places an item belongs to
	IDs    []string // these places only
}

// Places lists places of orgID by site and code, with competences and
// items.
func (db *DB) Places(ctx context.Context, orgID string, f PlaceFilter) ([]*catalogue.Place, error) {
	q := `SELECT ` + placeCols + placeFrom + ` WHERE p.org_id = $1`
	args := []any{orgID}
	if f.SiteID != "" {
		args = append(args, f.SiteID)
		q += ` AND p.site_id = $2`
	}
	if f.ItemID != "" {
		args = append(args, f.ItemID)
		q += ` AND p.id IN (SELECT place_id FROM place_items WHERE org_id = $1 AND item_id = ` + "$" + strconv.Itoa(len(args)) + `)`
	}
	if len(f.IDs) > 0 {
		q += ` AND p.id IN (` + In(len(args)+1, len(f.IDs)) + `)`
		for _, id := range f.IDs {
			args = append(args, id)
		}
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY s.name, p.code`, args...)
	if err != nil {
		return nil, db.Err(err)
	}
	var out []*catalogue.Place
	for rows.Next() {
		p, err := scanPlace(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, db.fillPlaces(ctx, orgID, out)
}

func (db *DB) fillPlaces(ctx context.Context, orgID string, places []*catalogue.Place) error {
	if len(places) == 0 {
		return nil
	}
	byID := map[string]*catalogue.Place{}
	args := []any{orgID}
	for _, p := range places {
		byID[p.ID] = p
		p.Competences, p.ItemIDs = nil, nil
		args = append(args, p.ID)
	}
	in := In(2, len(places))
	rows, err := db.read.QueryContext(ctx, `SELECT pc.place_id, pc.competence_id, pc.level, c.name_nl, c.name_en FROM place_competences pc
 JOIN competences c ON c.id = pc.competence_id AND c.org_id = pc.org_id
 WHERE pc.org_id = $1 AND pc.place_id IN (`+in+`) ORDER BY pc.place_id, c.name_en, c.id`, args...)
	if err != nil {
		return db.Err(err)
	}
	for rows.Next() {
		var pid string
		var o catalogue.Outcome
		if err := rows.Scan(&pid, &o.CompetenceID, &o.Level, &o.NameNL, &o.NameEN); err != nil {
			rows.Close()
			return err
		}
		byID[pid].Competences = append(byID[pid].Competences, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = db.read.QueryContext(ctx, `SELECT place_id, item_id FROM place_items WHERE org_id = $1 AND place_id IN (`+in+`) ORDER BY place_id, position`, args...)
	if err != nil {
		return db.Err(err)
	}
	defer rows.Close()
	for rows.Next() {
		var pid, iid string
		if err := rows.Scan(&pid, &iid); err != nil {
			return err
		}
		byID[pid].ItemIDs = append(byID[pid].ItemIDs, iid)
	}
	return rows.Err()
}

// AddItemToPlace binds an item of orgID to a place of orgID (at the end of
// its list); binding it again changes nothing. Errors: ENotFound.
func (db *DB) AddItemToPlace(ctx context.Context, orgID, placeID, itemID string) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if err := db.checkIDs(ctx, tx, orgID, "places", "place_id", map[string]bool{placeID: true}); err != nil {
			return core.ErrNotFound
		}
		if err := db.checkIDs(ctx, tx, orgID, "learning_items", "item_id", map[string]bool{itemID: true}); err != nil {
			return core.ErrNotFound
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO place_items (org_id, place_id, item_id, position)
 SELECT $1, $2, $3, COALESCE(MAX(position), -1) + 1 FROM place_items WHERE org_id = $1 AND place_id = $2
 ON CONFLICT (place_id, item_id) DO NOTHING`, orgID, placeID, itemID)
		return db.Err(err)
	})
}

// RemoveItemFromPlace unbinds an item from a place of orgID.
func (db *DB) RemoveItemFromPlace(ctx context.Context, orgID, placeID, itemID string) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM place_items WHERE org_id = $1 AND place_id = $2 AND item_id = $3`, orgID, placeID, itemID)
	return db.Err(err)
}

// PlaceView reads what the place page shows for the place of orgID with
// code: the place with its competences and the ids of all its items, its
// published items in order (id, type, language, titles and minutes only:
// the page shows no more), and the active people of its site who hold one
// of its competences at catalogue.HelpLevel or more (levels whose evidence
// has expired by now are left out, without the write that re-deriving
// them would take). It only reads, in three queries at most, so that
// scanning a label stays fast: on PostgreSQL every round trip counts.
// Errors: ENotFound.
func (db *DB) PlaceView(ctx context.Context, orgID, code string, lang string, now time.Time) (*catalogue.PlaceView, error) {
	// The place and its competences in one query: one row per competence,
	// or one row with NULLs when it has none.
	rows, err := db.read.QueryContext(ctx, `SELECT `+placeCols+`, pc.competence_id, pc.level, c.name_nl, c.name_en`+placeFrom+`
 LEFT JOIN place_competences pc ON pc.place_id = p.id AND pc.org_id = p.org_id
 LEFT JOIN competences c ON c.id = pc.competence_id AND c.org_id = pc.org_id
 WHERE p.org_id = $1 AND p.code = $2 ORDER BY c.name_en, c.id`, orgID, catalogue.NormaliseCode(code))
	if err != nil {
		return nil, db.Err(err)
	}
	var p *catalogue.Place
	for rows.Next() {
		var pl catalogue.Place
		var kind string
		var cid, cnl, cen sql.NullString
		var lvl sql.NullInt64
		if err := rows.Scan(&pl.ID, &pl.OrgID, &pl.SiteID, &pl.Code, &kind, &pl.NameNL, &pl.NameEN, Time{&pl.CreatedAt}, Time{&pl.UpdatedAt}, &pl.SiteName,
			&cid, &lvl, &cnl, &cen); err != nil {
			rows.Close()
			return nil, err
		}
		if p == nil {
			pl.Kind = catalogue.PlaceKind(kind)
			p = &pl
		}
		if cid.Valid && cnl.Valid {
			p.Competences = append(p.Competences, catalogue.Outcome{CompetenceID: cid.String, Level: int(lvl.Int64), NameNL: cnl.String, NameEN: cen.String})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, db.Err(err)
	}
	if p == nil {
		return nil, core.ErrNotFound
	}
	v := &catalogue.PlaceView{Place: p}
	// Every item bound to the place (for ItemIDs), the published ones with
	// what the page shows: no bodies, steps or people.
	rows, err = db.read.QueryContext(ctx, `SELECT i.id, i.type, i.status, i.lang, i.title_nl, i.title_en, i.minutes
 FROM place_items pi JOIN learning_items i ON i.id = pi.item_id AND i.org_id = pi.org_id
 WHERE pi.org_id = $1 AND pi.place_id = $2 ORDER BY pi.position`, orgID, p.ID)
	if err != nil {
		return nil, db.Err(err)
	}
	for rows.Next() {
		it := &catalogue.Item{OrgID: orgID}
		var typ, status string
		if err := rows.Scan(&it.ID, &typ, &status, &it.Lang, &it.TitleNL, &it.TitleEN, &it.Minutes); err != nil {
			rows.Close()
			return nil, err
		}
		p.ItemIDs = append(p.ItemIDs, it.ID)
		it.Type, it.Status = catalogue.Type(typ), catalogue.Status(status)
		if it.Status == catalogue.Published {
			v.Items = append(v.Items, it)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, db.Err(err)
	}
	if len(p.Competences) == 0 {
		return v, nil
	}
	// The place's competences are known already; asking for their levels
	// by id keeps the plan simple on both engines (a join through
	// place_competences and competences made PostgreSQL's planner, with
	// fresh statistics, walk every level of every competence per person).
	names := map[string]catalogue.Outcome{}
	args := []any{orgID, catalogue.HelpLevel, p.SiteID, T(now)}
	for _, c := range p.Competences {
		names[c.CompetenceID] = c
		args = append(args, c.CompetenceID)
	}
	rows, err = db.read.QueryContext(ctx, `SELECT pe.id, pe.name, COALESCE(t.name, ''), l.level, l.validated, l.competence_id
 FROM current_levels l
 JOIN people pe ON pe.id = l.person_id AND pe.org_id = l.org_id
 LEFT JOIN teams t ON t.id = pe.team_id AND t.org_id = pe.org_id
 WHERE l.org_id = $1 AND l.competence_id IN (`+In(5, len(p.Competences))+`) AND l.level >= $2
 AND pe.active = TRUE AND pe.site_id = $3 AND (l.next_change IS NULL OR l.next_change > $4)`, args...)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	best := map[string]*catalogue.Helper{}
	for rows.Next() {
		var h catalogue.Helper
		var compID string
		if err := rows.Scan(&h.PersonID, &h.Name, &h.TeamName, &h.Level, &h.Validated, &compID); err != nil {
			return nil, err
		}
		h.Skill = names[compID].Name(lang)
		if b, ok := best[h.PersonID]; !ok || h.Level > b.Level || h.Level == b.Level && h.Validated && !b.Validated {
			best[h.PersonID] = &h
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, h := range best {
		v.Helpers = append(v.Helpers, *h)
	}
	// Validated experts first, then the highest level, then by name.
	sort.Slice(v.Helpers, func(i, j int) bool {
		a, b := v.Helpers[i], v.Helpers[j]
		if a.Validated != b.Validated {
			return a.Validated
		}
		if a.Level != b.Level {
			return a.Level > b.Level
		}
		return a.Name < b.Name
	})
	return v, nil
}
