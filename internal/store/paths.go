package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/bakenhq/baken/internal/catalogue"
	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/openlearning"
)

// CreatePath stores a learning path of orgID: the path as a learning item
// of type path (it must be of that type), its target and its steps. Steps
// may be any items orgID may use, partners' shared items included. The
// path's duration is the sum of its steps'; its outcomes are the target's
// requirements (a role profile's, or a roadmap item's demand) or, without a
// target, those of its own steps. Errors: EInvalid.
func (db *DB) CreatePath(ctx context.Context, orgID string, it *catalogue.Item, p *openlearning.Path, byID string) error {
	if it.Type != catalogue.Path {
		return core.Invalid("type", "must be path")
	}
	if err := p.Validate(); err != nil {
		return err
	}
	it.Minutes, it.Outcomes = 0, nil
	levels := map[string]int{}
	var order []string
	addOutcome := func(id string, level int) {
		if _, ok := levels[id]; !ok {
			order = append(order, id)
		}
		levels[id] = max(levels[id], level)
	}
	for i, s := range p.Steps {
		var minutes int
		var itemOrg string
		err := db.read.QueryRowContext(ctx, `SELECT i.minutes, i.org_id FROM learning_items i WHERE i.id = $2 AND `+visibleItem, orgID, s.ItemID).Scan(&minutes, &itemOrg)
		if err == sql.ErrNoRows {
			return core.Invalid("steps", "step %d is not a published item you may use", i+1)
		}
		if err != nil {
			return db.Err(err)
		}
		it.Minutes += minutes
		if p.TargetKind == "" && itemOrg == orgID {
			outs, err := db.mappedOutcomes(ctx, orgID, itemOrg, s.ItemID)
			if err != nil {
				return err
			}
			for _, o := range outs {
				addOutcome(o.CompetenceID, o.Level)
			}
		}
	}
	switch p.TargetKind {
	case "role":
		rp, err := db.RoleProfile(ctx, orgID, p.TargetID)
		if err != nil {
			return core.Invalid("target", "choose a role profile or roadmap item")
		}
		for _, r := range rp.Requirements {
			if r.Essential {
				addOutcome(r.CompetenceID, r.Level)
			}
		}
	case "roadmap":
		ri, err := db.Item(ctx, orgID, p.TargetID, true)
		if err != nil {
			return core.Invalid("target", "choose a role profile or roadmap item")
		}
		for _, d := range ri.Demand {
			addOutcome(d.CompetenceID, d.Level)
		}
	}
	for _, id := range order {
		it.Outcomes = append(it.Outcomes, catalogue.Outcome{CompetenceID: id, Level: levels[id]})
	}
	if err := db.CreateLearningItem(ctx, orgID, it, byID); err != nil {
		return err
	}
	p.ItemID, p.OrgID = it.ID, orgID
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO learning_paths (item_id, org_id, target_kind, target_id, requires_validation) VALUES ($1, $2, $3, $4, $5)`,
			it.ID, orgID, p.TargetKind, p.TargetID, p.RequiresValidation); err != nil {
			return db.Err(err)
		}
		for i, s := range p.Steps {
			if _, err := tx.ExecContext(ctx, `INSERT INTO learning_path_steps (org_id, path_id, position, item_id) VALUES ($1, $2, $3, $4)`, orgID, it.ID, i+1, s.ItemID); err != nil {
				return db.Err(err)
			}
		}
		return nil
	})
}

// LearningPath returns a path viewerOrgID may use, with each step's status for
// personID. Errors: ENotFound.
func (db *DB) LearningPath(ctx context.Context, viewerOrgID, pathID, personID string) (*openlearning.Path, error) {
	var p openlearning.Path
	err := db.read.QueryRowContext(ctx, `SELECT lp.item_id, lp.org_id, lp.target_kind, lp.target_id, lp.requires_validation
		FROM learning_paths lp JOIN learning_items i ON i.id = lp.item_id
		WHERE lp.item_id = $2 AND (i.org_id = $1 OR (`+visibleItem+`))`, viewerOrgID, pathID).
		Scan(&p.ItemID, &p.OrgID, &p.TargetKind, &p.TargetID, &p.RequiresValidation)
	if err != nil {
		return nil, db.Err(err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT s.position, s.item_id, i.title_nl, i.title_en, i.type, i.minutes,
		CASE WHEN i.org_id = $1 THEN '' ELSE o.name END, COALESCE(e.status, '')
		FROM learning_path_steps s
		JOIN learning_items i ON i.id = s.item_id
		JOIN organisations o ON o.id = i.org_id
		LEFT JOIN enrolments e ON e.org_id = $1 AND e.person_id = $3 AND e.item_id = s.item_id
		WHERE s.path_id = $2 ORDER BY s.position`, viewerOrgID, pathID, personID)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s openlearning.PathStep
		if err := rows.Scan(&s.Position, &s.ItemID, &s.TitleNL, &s.TitleEN, &s.Type, &s.Minutes, &s.Partner, &s.Status); err != nil {
			return nil, err
		}
		p.Steps = append(p.Steps, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if p.OrgID == viewerOrgID {
		switch p.TargetKind {
		case "role":
			_ = db.read.QueryRowContext(ctx, `SELECT COALESCE(NULLIF(name_nl, ''), name_en) FROM role_profiles WHERE org_id = $1 AND id = $2`, viewerOrgID, p.TargetID).Scan(&p.TargetName)
		case "roadmap":
			_ = db.read.QueryRowContext(ctx, `SELECT COALESCE(NULLIF(title_nl, ''), title_en) FROM roadmap_items WHERE org_id = $1 AND id = $2`, viewerOrgID, p.TargetID).Scan(&p.TargetName)
		}
	}
	return &p, nil
}

// PathListing is a path in the list a person browses.
type PathListing struct {
	ItemID, OrgID    string
	TitleNL, TitleEN string
	Minutes, Steps   int
	Partner          string
	Status           string // the viewer's enrolment status
}

// Title returns the title in lang.
func (p *PathListing) Title(lang string) string {
	if lang == "nl" && p.TitleNL != "" || p.TitleEN == "" {
		return p.TitleNL
	}
	return p.TitleEN
}

// Paths lists the published paths orgID may use, with personID's status.
func (db *DB) Paths(ctx context.Context, orgID, personID string) ([]*PathListing, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT i.id, i.org_id, i.title_nl, i.title_en, i.minutes,
		(SELECT COUNT(*) FROM learning_path_steps s WHERE s.path_id = i.id), CASE WHEN i.org_id = $1 THEN '' ELSE o.name END, COALESCE(e.status, '')
		FROM learning_items i
		JOIN learning_paths lp ON lp.item_id = i.id
		JOIN organisations o ON o.id = i.org_id
		LEFT JOIN enrolments e ON e.org_id = $1 AND e.person_id = $2 AND e.item_id = i.id
		WHERE `+visibleItem+` ORDER BY CASE WHEN i.org_id = $1 THEN 0 ELSE 1 END, COALESCE(NULLIF(i.title_nl, ''), i.title_en)`, orgID, personID)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []*PathListing
	for rows.Next() {
		var p PathListing
		if err := rows.Scan(&p.ItemID, &p.OrgID, &p.TitleNL, &p.TitleEN, &p.Minutes, &p.Steps, &p.Partner, &p.Status); err != nil {
			return nil, err
		}
		out = append(out, &p)
	}
	return out, rows.Err()
}

// CompletePath finishes a path for a person of orgID once every step is
// completed: directly (with self-declared evidence, like any item), or, when
// the path requires validation, as pending until the team lead validates.
// Errors: ENotFound, EInvalid (steps left), EConflict (already done).
func (db *DB) CompletePath(ctx context.Context, orgID, personID, pathID string) (openlearning.EnrolmentStatus, error) {
	p, err := db.LearningPath(ctx, orgID, pathID, personID)
	if err != nil {
		return "", err
	}
	if !p.AllDone() {
		return "", &core.Error{Code: core.EInvalid, Field: "steps", Message: "finish every step first", Key: "paths.err.steps_left"}
	}
	if !p.RequiresValidation {
		if _, err := db.CompleteEnrolment(ctx, orgID, personID, pathID, Completion{}); err != nil {
			return "", err
		}
		return openlearning.Completed, nil
	}
	_, itemOrg, err := db.visibleItemType(ctx, db.read, orgID, pathID)
	if err != nil {
		return "", err
	}
	now := T(time.Now())
	res, err := db.write.ExecContext(ctx, `INSERT INTO enrolments (id, org_id, person_id, item_id, item_org_id, status, started_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, 'pending', $6, $6, $6)
		ON CONFLICT (org_id, person_id, item_id) DO UPDATE SET status = 'pending', updated_at = excluded.updated_at
		WHERE enrolments.status IN ('assigned', 'started', 'dropped')`, core.NewID(), orgID, personID, pathID, itemOrg, now)
	if err != nil {
		return "", db.Err(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return "", &core.Error{Code: core.EConflict, Message: "already completed or waiting for validation", Key: "learning.err.done"}
	}
	return openlearning.Pending, nil
}

// ValidatePath confirms a pending path of a person of orgID: the enrolment
// is completed and the path's outcomes become validated evidence recorded by
// the validator. The caller checks that the validator may validate this
// person. Errors: ENotFound (nothing pending).
func (db *DB) ValidatePath(ctx context.Context, orgID, validatorID, personID, pathID string) error {
	_, itemOrg, err := db.visibleItemType(ctx, db.read, orgID, pathID)
	if err != nil {
		return err
	}
	outcomes, err := db.mappedOutcomes(ctx, orgID, itemOrg, pathID)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	res, err := db.write.ExecContext(ctx, `UPDATE enrolments SET status = 'completed', completed_at = $5, validated_by = $4, validated_at = $5, updated_at = $5
		WHERE org_id = $1 AND person_id = $2 AND item_id = $3 AND status = 'pending'`, orgID, personID, pathID, validatorID, T(now))
	if err != nil {
		return db.Err(err)
	}
	if err := mustAffect(res); err != nil {
		return err
	}
	var evs []*competence.Evidence
	for _, o := range outcomes {
		evs = append(evs, &competence.Evidence{PersonID: personID, CompetenceID: o.CompetenceID, Level: o.Level, Kind: competence.Validation,
			RecordedBy: validatorID, RecordedAt: now, Note: "Learning path completed and validated"})
	}
	if len(evs) == 0 {
		return nil
	}
	return db.AddEvidenceBatch(ctx, orgID, evs)
}

// PendingPaths lists the paths of a team's members (or all of orgID's
// people when teamID is "") that wait for validation.
func (db *DB) PendingPaths(ctx context.Context, orgID, teamID string) ([]openlearning.PendingValidation, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT e.person_id, p.name, e.item_id, i.title_nl, i.title_en, e.updated_at
		FROM enrolments e JOIN people p ON p.id = e.person_id AND p.org_id = e.org_id JOIN learning_items i ON i.id = e.item_id
		WHERE e.org_id = $1 AND e.status = 'pending' AND ($2 = '' OR p.team_id = $2) ORDER BY e.updated_at`, orgID, teamID)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []openlearning.PendingValidation
	for rows.Next() {
		var v openlearning.PendingValidation
		if err := rows.Scan(&v.PersonID, &v.PersonName, &v.PathID, &v.TitleNL, &v.TitleEN, Time{&v.Since}); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
