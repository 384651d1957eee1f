package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
)

const competenceCols = `c.id, c.org_id, c.framework, c.source_ref, c.name_nl, c.name_en, c.description_nl, c.description_en,
	c.category, c.layer, c.modified, c.active, c.created_at, c.updated_at`

func scanCompetence(row interface{ Scan(...any) error }) (*competence.Competence, error) {
	var c competence.Competence
	err := row.Scan(&c.ID, &c.OrgID, &c.Framework, &c.SourceRef, &c.NameNL, &c.NameEN, &c.DescriptionNL, &c.DescriptionEN,
		&c.Category, &c.Layer, &c.Modified, &c.Active, Time{&c.CreatedAt}, Time{&c.UpdatedAt})
	return &c, err
}

// CreateCompetence adds a competence to orgID's catalogue. For a competence
// taken from a framework prefer PickESCOSkill or PickDigComp, which copy the
// framework's texts. Errors: EInvalid, EConflict (already in the catalogue).
func (db *DB) CreateCompetence(ctx context.Context, orgID string, c *competence.Competence) error {
	return db.Tx(ctx, func(tx *sql.Tx) error { return db.createCompetence(ctx, tx, orgID, c) })
}

func (db *DB) createCompetence(ctx context.Context, tx *sql.Tx, orgID string, c *competence.Competence) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if c.ID == "" {
		c.ID = core.NewID()
	}
	now := time.Now().UTC()
	c.OrgID, c.CreatedAt, c.UpdatedAt, c.Active = orgID, now, now, true
	_, err := tx.ExecContext(ctx, `INSERT INTO competences (id, org_id, framework, source_ref, name_nl, name_en, description_nl, description_en,
		category, layer, modified, active, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		c.ID, orgID, string(c.Framework), c.SourceRef, c.NameNL, c.NameEN, c.DescriptionNL, c.DescriptionEN,
		c.Category, string(c.Layer), c.Modified, c.Active, T(now), T(now))
	if err != nil {
		return fmt.Errorf("create competence: %w", db.Err(err))
	}
	return nil
}

// PickESCOSkill adds an ESCO skill to orgID's catalogue with the skill's
// texts, or returns the competence already made from it. layer "" chooses
// "new" for skills in ESCO's digital or green collections, else
// "fundamental". Errors: ENotFound (no such skill), EInvalid.
func (db *DB) PickESCOSkill(ctx context.Context, orgID, uri string, layer competence.Layer, category string) (*competence.Competence, error) {
	if c, err := db.competenceBySource(ctx, orgID, competence.ESCO, uri); err == nil {
		return c, nil
	}
	s, err := db.ESCOSkill(ctx, uri)
	if err != nil {
		return nil, err
	}
	if layer == "" {
		layer = competence.Fundamental
		for _, t := range s.Tags {
			if t == "digital" || t == "green" {
				layer = competence.New
			}
		}
	}
	if category == "" && len(s.Broader) > 0 {
		category = s.Broader[0].LabelEN
	}
	c := &competence.Competence{Framework: competence.ESCO, SourceRef: uri, NameNL: s.LabelNL, NameEN: s.LabelEN,
		DescriptionNL: s.DescriptionNL, DescriptionEN: s.DescriptionEN, Category: category, Layer: layer}
	if err := db.CreateCompetence(ctx, orgID, c); err != nil {
		if core.ErrorCode(err) == core.EConflict { // picked concurrently
			return db.competenceBySource(ctx, orgID, competence.ESCO, uri)
		}
		return nil, err
	}
	return c, nil
}

// PickDigComp adds a DigComp competence (by code, e.g. "1.1") to orgID's
// catalogue, or returns the one already made from it. Errors: ENotFound.
func (db *DB) PickDigComp(ctx context.Context, orgID, code string) (*competence.Competence, error) {
	if c, err := db.competenceBySource(ctx, orgID, competence.DigComp, code); err == nil {
		return c, nil
	}
	var it competence.FrameworkItem
	var area string
	err := db.read.QueryRowContext(ctx, `SELECT i.name_en, i.name_nl, i.description_en, i.description_nl, COALESCE(a.name_en, '')
		FROM framework_items i LEFT JOIN framework_items a ON a.framework = i.framework AND a.code = i.parent_code
		WHERE i.framework = 'digcomp' AND i.code = $1 AND i.kind = 'competence'`, code).
		Scan(&it.NameEN, &it.NameNL, &it.DescriptionEN, &it.DescriptionNL, &area)
	if err != nil {
		return nil, db.Err(err)
	}
	c := &competence.Competence{Framework: competence.DigComp, SourceRef: code, NameNL: it.NameNL, NameEN: it.NameEN,
		DescriptionNL: it.DescriptionNL, DescriptionEN: it.DescriptionEN, Category: "DigComp: " + area, Layer: competence.New}
	if err := db.CreateCompetence(ctx, orgID, c); err != nil {
		if core.ErrorCode(err) == core.EConflict {
			return db.competenceBySource(ctx, orgID, competence.DigComp, code)
		}
		return nil, err
	}
	return c, nil
}

func (db *DB) competenceBySource(ctx context.Context, orgID string, fw competence.Framework, ref string) (*competence.Competence, error) {
	c, err := scanCompetence(db.read.QueryRowContext(ctx, `SELECT `+competenceCols+` FROM competences c WHERE c.org_id = $1 AND c.framework = $2 AND c.source_ref = $3`, orgID, string(fw), ref))
	if err != nil {
		return nil, db.Err(err)
	}
	return c, nil
}

// sourceTexts returns the framework's own texts for a picked competence.
func (db *DB) sourceTexts(ctx context.Context, q Querier, c *competence.Competence) (nameNL, nameEN, descNL, descEN string, err error) {
	switch c.Framework {
	case competence.ESCO:
		err = q.QueryRowContext(ctx, `SELECT label_nl, label_en, description_nl, description_en FROM esco_skills WHERE uri = $1`, c.SourceRef).Scan(&nameNL, &nameEN, &descNL, &descEN)
	case competence.DigComp:
		err = q.QueryRowContext(ctx, `SELECT name_nl, name_en, description_nl, description_en FROM framework_items WHERE framework = 'digcomp' AND code = $1`, c.SourceRef).Scan(&nameNL, &nameEN, &descNL, &descEN)
	}
	return nameNL, nameEN, descNL, descEN, db.Err(err)
}

// UpdateCompetence changes a competence of orgID. A competence taken from a
// framework is marked modified when its texts now differ from the
// framework's (and unmarked when they are put back). Framework and source
// cannot change. Errors: EInvalid, ENotFound.
func (db *DB) UpdateCompetence(ctx context.Context, orgID string, c *competence.Competence) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		old, err := scanCompetence(tx.QueryRowContext(ctx, `SELECT `+competenceCols+` FROM competences c WHERE c.org_id = $1 AND c.id = $2`, orgID, c.ID))
		if err != nil {
			return db.Err(err)
		}
		c.Framework, c.OrgID, c.CreatedAt = old.Framework, orgID, old.CreatedAt
		if old.Framework != competence.Own {
			c.SourceRef = old.SourceRef
		}
		if err := c.Validate(); err != nil {
			return err
		}
		c.Modified = false
		if c.Framework != competence.Own {
			nl, en, dnl, den, err := db.sourceTexts(ctx, tx, c)
			if err != nil && core.ErrorCode(err) != core.ENotFound {
				return err
			}
			// A source that vanished from a newer release counts as changed.
			c.Modified = err != nil || c.DiffersFrom(nl, en, dnl, den)
		}
		c.UpdatedAt = time.Now().UTC()
		res, err := tx.ExecContext(ctx, `UPDATE competences SET source_ref = $3, name_nl = $4, name_en = $5, description_nl = $6, description_en = $7,
			category = $8, layer = $9, modified = $10, active = $11, updated_at = $12 WHERE org_id = $1 AND id = $2`,
			orgID, c.ID, c.SourceRef, c.NameNL, c.NameEN, c.DescriptionNL, c.DescriptionEN, c.Category, string(c.Layer), c.Modified, c.Active, T(c.UpdatedAt))
		if err != nil {
			return db.Err(err)
		}
		return mustAffect(res)
	})
}

// Competence returns one competence of orgID. Errors: ENotFound.
func (db *DB) Competence(ctx context.Context, orgID, id string) (*competence.Competence, error) {
	c, err := scanCompetence(db.read.QueryRowContext(ctx, `SELECT `+competenceCols+` FROM competences c WHERE c.org_id = $1 AND c.id = $2`, orgID, id))
	if err != nil {
		return nil, db.Err(err)
	}
	return c, nil
}

// Competences lists orgID's active catalogue, by name, with the total count.
func (db *DB) Competences(ctx context.Context, orgID string, f competence.Filter) ([]*competence.Competence, int, error) {
	f.Normalise()
	where := []string{`c.org_id = $1`, `c.active = TRUE`}
	args := []any{orgID}
	if f.Query != "" {
		args = append(args, "%"+likeEscape(strings.ToLower(f.Query))+"%")
		where = append(where, fmt.Sprintf(`(LOWER(c.name_nl) LIKE $%d OR LOWER(c.name_en) LIKE $%d OR LOWER(c.category) LIKE $%d)`, len(args), len(args), len(args)))
	}
	if f.Layer != "" {
		args = append(args, string(f.Layer))
		where = append(where, fmt.Sprintf(`c.layer = $%d`, len(args)))
	}
	if f.Category != "" {
		args = append(args, f.Category)
		where = append(where, fmt.Sprintf(`c.category = $%d`, len(args)))
	}
	if f.Framework != "" {
		args = append(args, string(f.Framework))
		where = append(where, fmt.Sprintf(`c.framework = $%d`, len(args)))
	}
	if len(f.IDs) > 0 {
		where = append(where, `c.id IN (`+In(len(args)+1, len(f.IDs))+`)`)
		for _, id := range f.IDs {
			args = append(args, id)
		}
	}
	cond := ` WHERE ` + strings.Join(where, ` AND `)
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM competences c`+cond, args...).Scan(&total); err != nil {
		return nil, 0, db.Err(err)
	}
	args = append(args, f.Limit, f.Offset)
	rows, err := db.read.QueryContext(ctx, `SELECT `+competenceCols+` FROM competences c`+cond+
		fmt.Sprintf(` ORDER BY c.category, COALESCE(NULLIF(c.name_nl, ''), c.name_en), c.id LIMIT $%d OFFSET $%d`, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, db.Err(err)
	}
	defer rows.Close()
	var out []*competence.Competence
	for rows.Next() {
		c, err := scanCompetence(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, c)
	}
	return out, total, rows.Err()
}

// CompetenceCategories lists the categories in use in orgID's catalogue.
func (db *DB) CompetenceCategories(ctx context.Context, orgID string) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT category FROM competences WHERE org_id = $1 AND active = TRUE AND category <> '' ORDER BY category`, orgID)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Scale returns orgID's proficiency scale, the default I-L-U-O scale until
// the organisation edits it.
func (db *DB) Scale(ctx context.Context, orgID string) (competence.Scale, error) {
	return db.scale(ctx, db.read, orgID)
}

func (db *DB) scale(ctx context.Context, q Querier, orgID string) (competence.Scale, error) {
	rows, err := q.QueryContext(ctx, `SELECT level, name_nl, name_en, description_nl, description_en FROM proficiency_levels WHERE org_id = $1 ORDER BY level`, orgID)
	if err != nil {
		return competence.Scale{}, db.Err(err)
	}
	defer rows.Close()
	var s competence.Scale
	for rows.Next() {
		var l competence.Level
		if err := rows.Scan(&l.Level, &l.NameNL, &l.NameEN, &l.DescriptionNL, &l.DescriptionEN); err != nil {
			return competence.Scale{}, err
		}
		s.Levels = append(s.Levels, l)
	}
	if err := rows.Err(); err != nil {
		return competence.Scale{}, err
	}
	if len(s.Levels) == 0 {
		return competence.DefaultScale(), nil
	}
	return s, nil
}

// SetScale replaces orgID's proficiency scale. A scale may not drop a level
// that evidence or a role profile uses. Errors: EInvalid, EConflict.
func (db *DB) SetScale(ctx context.Context, orgID string, s competence.Scale) error {
	if err := s.Validate(); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		var maxUsed int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(level), 0) FROM (
			SELECT MAX(level) AS level FROM evidence WHERE org_id = $1
			UNION ALL SELECT MAX(level) FROM role_requirements WHERE org_id = $1) m`, orgID).Scan(&maxUsed); err != nil {
			return db.Err(err)
		}
		if maxUsed > s.Max() {
			return &core.Error{Code: core.EConflict, Field: "levels", Message: fmt.Sprintf("level %d is in use by evidence or role profiles", maxUsed), Key: "competence.scale_in_use", Args: []any{maxUsed}}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM proficiency_levels WHERE org_id = $1`, orgID); err != nil {
			return db.Err(err)
		}
		for _, l := range s.Levels {
			if _, err := tx.ExecContext(ctx, `INSERT INTO proficiency_levels (org_id, level, name_nl, name_en, description_nl, description_en) VALUES ($1, $2, $3, $4, $5, $6)`,
				orgID, l.Level, l.NameNL, l.NameEN, l.DescriptionNL, l.DescriptionEN); err != nil {
				return db.Err(err)
			}
		}
		return nil
	})
}
