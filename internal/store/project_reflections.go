package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/project"
)

// Reflections are private: every read here is scoped to the organisation
// AND to the author (or, for shared ones, to the author's team lead), so
// that no caller can list someone else's private reflections by mistake.
// They are never indexed for search.

const reflectionSelect = `SELECT r.id, r.org_id, r.person_id, r.context, r.context_id, r.context_title, r.did, r.learned, r.differently, r.next_need,
	r.shared_with_lead, r.created_at, r.updated_at, p.name
	FROM reflections r JOIN people p ON p.id = r.person_id AND p.org_id = r.org_id`

func scanReflection(row interface{ Scan(...any) error }) (*project.Reflection, error) {
	r := &project.Reflection{}
	err := row.Scan(&r.ID, &r.OrgID, &r.PersonID, &r.Context, &r.ContextID, &r.ContextTitle, &r.Did, &r.Learned, &r.Differently, &r.Next,
		&r.SharedWithLead, Time{&r.CreatedAt}, Time{&r.UpdatedAt}, &r.PersonName)
	return r, err
}

// SaveReflection creates a reflection (ID empty) or updates one of its
// author's. A new answer to "what do I need next" is kept as a pending
// next step. Errors: EInvalid, ENotFound (not the author's).
func (db *DB) SaveReflection(ctx context.Context, orgID string, r *project.Reflection) error {
	if err := r.Validate(); err != nil {
		return err
	}
	now := time.Now().UTC()
	r.OrgID, r.UpdatedAt = orgID, now
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if err := db.checkRefs(ctx, tx, orgID, map[string]string{"person_id": r.PersonID}); err != nil {
			return err
		}
		oldNext := ""
		if r.ID == "" {
			r.ID, r.CreatedAt = core.NewID(), now
			if _, err := tx.ExecContext(ctx, `INSERT INTO reflections (id, org_id, person_id, context, context_id, context_title, did, learned, differently, next_need, shared_with_lead, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
				r.ID, orgID, r.PersonID, string(r.Context), r.ContextID, r.ContextTitle, r.Did, r.Learned, r.Differently, r.Next, r.SharedWithLead, T(now), T(now)); err != nil {
				return db.Err(err)
			}
		} else {
			if err := tx.QueryRowContext(ctx, `SELECT next_need FROM reflections WHERE org_id = $1 AND id = $2 AND person_id = $3`, orgID, r.ID, r.PersonID).Scan(&oldNext); err != nil {
				return db.Err(err)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE reflections SET did = $4, learned = $5, differently = $6, next_need = $7, shared_with_lead = $8, context_title = $9, updated_at = $10
				WHERE org_id = $1 AND id = $2 AND person_id = $3`, orgID, r.ID, r.PersonID, r.Did, r.Learned, r.Differently, r.Next, r.SharedWithLead, r.ContextTitle, T(now)); err != nil {
				return db.Err(err)
			}
		}
		if r.Next != "" && r.Next != oldNext {
			text := r.Next
			if len([]rune(text)) > 1000 {
				text = string([]rune(text)[:1000])
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO next_steps (id, org_id, person_id, reflection_id, text, status, created_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6)`,
				core.NewID(), orgID, r.PersonID, r.ID, text, T(now)); err != nil {
				return db.Err(err)
			}
		}
		return nil
	})
}

// OwnReflection returns one of personID's reflections. Errors: ENotFound
// (also when it is someone else's).
func (db *DB) OwnReflection(ctx context.Context, orgID, personID, id string) (*project.Reflection, error) {
	r, err := scanReflection(db.read.QueryRowContext(ctx, reflectionSelect+` WHERE r.org_id = $1 AND r.person_id = $2 AND r.id = $3`, orgID, personID, id))
	return r, db.Err(err)
}

// OwnReflections lists personID's own reflections, newest first.
func (db *DB) OwnReflections(ctx context.Context, orgID, personID string) ([]*project.Reflection, error) {
	return db.reflections(ctx, reflectionSelect+` WHERE r.org_id = $1 AND r.person_id = $2 ORDER BY r.created_at DESC LIMIT 500`, orgID, personID)
}

// SharedReflections lists the reflections people shared with leadID as
// their team lead, newest first.
func (db *DB) SharedReflections(ctx context.Context, orgID, leadID string) ([]*project.Reflection, error) {
	return db.reflections(ctx, reflectionSelect+` JOIN teams t ON t.id = p.team_id AND t.org_id = p.org_id
		WHERE r.org_id = $1 AND t.lead_id = $2 AND r.shared_with_lead = TRUE AND r.person_id <> $2 ORDER BY r.created_at DESC LIMIT 500`, orgID, leadID)
}

func (db *DB) reflections(ctx context.Context, q string, args ...any) ([]*project.Reflection, error) {
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []*project.Reflection
	for rows.Next() {
		r, err := scanReflection(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// DeleteReflection deletes one of personID's reflections. Errors: ENotFound.
func (db *DB) DeleteReflection(ctx context.Context, orgID, personID, id string) error {
	res, err := db.write.ExecContext(ctx, `DELETE FROM reflections WHERE org_id = $1 AND person_id = $2 AND id = $3`, orgID, personID, id)
	if err != nil {
		return db.Err(err)
	}
	return mustAffect(res)
}

// NextSteps lists personID's next steps, pending first.
func (db *DB) NextSteps(ctx context.Context, orgID, personID string) ([]*project.NextStep, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, person_id, COALESCE(reflection_id, ''), text, status, plan_item_id, created_at FROM next_steps
		WHERE org_id = $1 AND person_id = $2 ORDER BY CASE status WHEN 'pending' THEN 0 WHEN 'planned' THEN 1 ELSE 2 END, created_at DESC LIMIT 200`, orgID, personID)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []*project.NextStep
	for rows.Next() {
		s := &project.NextStep{OrgID: orgID}
		if err := rows.Scan(&s.ID, &s.PersonID, &s.ReflectionID, &s.Text, &s.Status, &s.PlanItemID, Time{&s.CreatedAt}); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SetNextStep sets the status of one of personID's next steps (and the
// development-plan item it became). Errors: ENotFound, EInvalid.
func (db *DB) SetNextStep(ctx context.Context, orgID, personID, id string, status project.NextStepStatus, planItemID string) error {
	switch status {
	case project.StepPending, project.StepPlanned, project.StepDone:
	default:
		return core.Invalid("status", "must be pending, planned or done")
	}
	res, err := db.write.ExecContext(ctx, `UPDATE next_steps SET status = $4, plan_item_id = $5 WHERE org_id = $1 AND person_id = $2 AND id = $3`,
		orgID, personID, id, string(status), planItemID)
	if err != nil {
		return db.Err(err)
	}
	return mustAffect(res)
}

// SharedNextSteps lists the pending next steps of reflections that people
// shared with leadID as their team lead (private ones never appear).
func (db *DB) SharedNextSteps(ctx context.Context, orgID, leadID string) ([]*project.NextStep, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT s.id, s.person_id, COALESCE(s.reflection_id, ''), s.text, s.status, s.plan_item_id, s.created_at
		FROM next_steps s
		JOIN reflections r ON r.id = s.reflection_id AND r.org_id = s.org_id AND r.shared_with_lead = TRUE
		JOIN people p ON p.id = s.person_id AND p.org_id = s.org_id
		JOIN teams t ON t.id = p.team_id AND t.org_id = p.org_id
		WHERE s.org_id = $1 AND t.lead_id = $2 AND s.person_id <> $2 AND s.status = 'pending'
		ORDER BY s.created_at DESC LIMIT 200`, orgID, leadID)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []*project.NextStep
	for rows.Next() {
		s := &project.NextStep{OrgID: orgID}
		if err := rows.Scan(&s.ID, &s.PersonID, &s.ReflectionID, &s.Text, &s.Status, &s.PlanItemID, Time{&s.CreatedAt}); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SharedNextStep returns one pending next step shared with leadID.
// Errors: ENotFound (also for private ones and other teams').
func (db *DB) SharedNextStep(ctx context.Context, orgID, leadID, id string) (*project.NextStep, error) {
	steps, err := db.SharedNextSteps(ctx, orgID, leadID)
	if err != nil {
		return nil, err
	}
	for _, s := range steps {
		if s.ID == id {
			return s, nil
		}
	}
	return nil, core.ErrNotFound
}
