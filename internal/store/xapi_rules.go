package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// XAPIRule turns matching statements into competence evidence; the rules
// themselves live in internal/xapi.
type XAPIRule struct {
	ID           string
	OrgID        string
	ActivityID   string
	ActivityType string
	Verb         string
	MinScaled    *float64
	CompetenceID string
	Level        int
	Kind         string
	ValidDays    int
	CreatedAt    time.Time
}

// XAPICreateRule stores a rule of orgID. Errors: EInvalid (competence not
// orgID's).
func (db *DB) XAPICreateRule(ctx context.Context, orgID string, r *XAPIRule) error {
	r.OrgID = orgID
	if r.CreatedAt.IsZero() {
		r.CreatedAt = time.Now().UTC()
	}
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM competences WHERE org_id = $1 AND id = $2`, orgID, r.CompetenceID).Scan(&n); err != nil {
		return db.Err(err)
	}
	if n == 0 {
		return fmt.Errorf("xapi rule: %w", db.Err(sql.ErrNoRows))
	}
	var min any
	if r.MinScaled != nil {
		min = *r.MinScaled
	}
	_, err := db.write.ExecContext(ctx, `INSERT INTO xapi_rules (id, org_id, activity_id, activity_type, verb, min_scaled, competence_id, level, kind, valid_days, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		r.ID, orgID, r.ActivityID, r.ActivityType, r.Verb, min, r.CompetenceID, r.Level, r.Kind, r.ValidDays, T(r.CreatedAt))
	if err != nil {
		return fmt.Errorf("xapi rule: %w", db.Err(err))
	}
	return nil
}

// XAPIRules lists orgID's rules, oldest first.
func (db *DB) XAPIRules(ctx context.Context, orgID string) ([]*XAPIRule, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, org_id, activity_id, activity_type, verb, min_scaled, competence_id, level, kind, valid_days, created_at
FROM xapi_rules WHERE org_id = $1 ORDER BY created_at, id`, orgID)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []*XAPIRule
	for rows.Next() {
		r := &XAPIRule{}
		var min sql.NullFloat64
		if err := rows.Scan(&r.ID, &r.OrgID, &r.ActivityID, &r.ActivityType, &r.Verb, &min, &r.CompetenceID, &r.Level, &r.Kind, &r.ValidDays, Time{&r.CreatedAt}); err != nil {
			return nil, err
		}
		if min.Valid {
			r.MinScaled = &min.Float64
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// XAPIDeleteRule deletes one of orgID's rules. Errors: ENotFound.
func (db *DB) XAPIDeleteRule(ctx context.Context, orgID, id string) error {
	res, err := db.write.ExecContext(ctx, `DELETE FROM xapi_rules WHERE org_id = $1 AND id = $2`, orgID, id)
	if err != nil {
		return db.Err(err)
	}
	return mustAffect(res)
}
