package store

import (
	"context"
	"time"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/roadmap"
)

// AddPlan stores a development plan line of orgID. Errors: EInvalid.
func (db *DB) AddPlan(ctx context.Context, orgID string, p *roadmap.Plan, now time.Time) error {
	sc, err := db.Scale(ctx, orgID)
	if err != nil {
		return err
	}
	if err := p.Validate(sc, now); err != nil {
		return err
	}
	if err := db.checkIDs(ctx, db.read, orgID, "people", "person_id", map[string]bool{p.PersonID: true}); err != nil {
		return err
	}
	if err := db.checkIDs(ctx, db.read, orgID, "competences", "competence_id", map[string]bool{p.CompetenceID: true}); err != nil {
		return err
	}
	if p.ItemID != "" {
		if err := db.checkIDs(ctx, db.read, orgID, "roadmap_items", "item_id", map[string]bool{p.ItemID: true}); err != nil {
			return err
		}
	}
	p.ID, p.OrgID, p.CreatedAt = core.NewID(), orgID, now.UTC()
	_, err = db.write.ExecContext(ctx, `INSERT INTO development_plans (id, org_id, person_id, competence_id, target_level, target_date, item_id, note, done, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		p.ID, orgID, p.PersonID, p.CompetenceID, p.TargetLevel, Date(p.TargetDate), nullable(p.ItemID), p.Note, p.Done, nullable(p.CreatedBy), T(now))
	return db.Err(err)
}

// SetPlanDone marks a plan line of orgID done or open. Errors: ENotFound.
func (db *DB) SetPlanDone(ctx context.Context, orgID, id string, done bool) error {
	res, err := db.write.ExecContext(ctx, `UPDATE development_plans SET done = $3 WHERE org_id = $1 AND id = $2`, orgID, id, done)
	if err != nil {
		return db.Err(err)
	}
	return mustAffect(res)
}

// DeletePlan removes a plan line of orgID. Errors: ENotFound.
func (db *DB) DeletePlan(ctx context.Context, orgID, id string) error {
	res, err := db.write.ExecContext(ctx, `DELETE FROM development_plans WHERE org_id = $1 AND id = $2`, orgID, id)
	if err != nil {
		return db.Err(err)
	}
	return mustAffect(res)
}

// Plan returns one plan line of orgID. Errors: ENotFound.
func (db *DB) Plan(ctx context.Context, orgID, id string) (*roadmap.Plan, error) {
	ps, err := db.plans(ctx, orgID, `d.id = $2`, "en", id)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, core.ErrNotFound
	}
	return ps[0], nil
}

// PlanFilter selects development plan lines: one person's, or a team's.
type PlanFilter struct {
	PersonID string
	TeamID   string
	Lang     string // for competence names
}

// Plans lists development plan lines of orgID by target date.
func (db *DB) Plans(ctx context.Context, orgID string, f PlanFilter) ([]*roadmap.Plan, error) {
	switch {
	case f.PersonID != "":
		return db.plans(ctx, orgID, `d.person_id = $2`, f.Lang, f.PersonID)
	case f.TeamID != "":
		return db.plans(ctx, orgID, `p.team_id = $2`, f.Lang, f.TeamID)
	}
	return db.plans(ctx, orgID, `TRUE`, f.Lang)
}

func (db *DB) plans(ctx context.Context, orgID, cond, lang string, args ...any) ([]*roadmap.Plan, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT d.id, d.org_id, d.person_id, d.competence_id, d.target_level, d.target_date, COALESCE(d.item_id, ''),
		d.note, d.done, COALESCE(d.created_by, ''), d.created_at, p.name, c.name_nl, c.name_en
		FROM development_plans d
		JOIN people p ON p.id = d.person_id AND p.org_id = d.org_id
		JOIN competences c ON c.id = d.competence_id AND c.org_id = d.org_id
		WHERE d.org_id = $1 AND `+cond+` ORDER BY d.done, d.target_date, p.name`, append([]any{orgID}, args...)...)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []*roadmap.Plan
	for rows.Next() {
		var p roadmap.Plan
		var nl, en string
		if err := rows.Scan(&p.ID, &p.OrgID, &p.PersonID, &p.CompetenceID, &p.TargetLevel, Time{&p.TargetDate}, &p.ItemID,
			&p.Note, &p.Done, &p.CreatedBy, Time{&p.CreatedAt}, &p.PersonName, &nl, &en); err != nil {
			return nil, err
		}
		p.CompetenceName = en
		if lang == "nl" && nl != "" || en == "" {
			p.CompetenceName = nl
		}
		out = append(out, &p)
	}
	return out, rows.Err()
}
