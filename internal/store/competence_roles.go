package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
)

// checkCompetences verifies that every id is an active competence of orgID.
func (db *DB) checkCompetences(ctx context.Context, q Querier, orgID string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	args := []any{orgID}
	for _, id := range ids {
		args = append(args, id)
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM competences WHERE org_id = $1 AND id IN (`+In(2, len(ids))+`)`, args...).Scan(&n); err != nil {
		return db.Err(err)
	}
	if n != len(uniq(ids)) {
		return core.Invalid("competences", "a competence does not exist in this organisation")
	}
	return nil
}

func uniq(ids []string) map[string]bool {
	m := map[string]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// CreateRoleProfile stores a role profile of orgID with its requirements.
// Errors: EInvalid.
func (db *DB) CreateRoleProfile(ctx context.Context, orgID string, r *competence.RoleProfile) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if r.ID == "" {
			r.ID = core.NewID()
		}
		now := time.Now().UTC()
		r.OrgID, r.CreatedAt, r.UpdatedAt = orgID, now, now
		if err := db.checkProfile(ctx, tx, orgID, r); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO role_profiles (id, org_id, name_nl, name_en, description_nl, description_en, occupation_uri, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, r.ID, orgID, r.NameNL, r.NameEN, r.DescriptionNL, r.DescriptionEN, r.OccupationURI, T(now), T(now)); err != nil {
			return db.Err(err)
		}
		return db.insertRequirements(ctx, tx, orgID, r)
	})
}

func (db *DB) checkProfile(ctx context.Context, tx *sql.Tx, orgID string, r *competence.RoleProfile) error {
	scale, err := db.scale(ctx, tx, orgID)
	if err != nil {
		return err
	}
	if err := r.Validate(scale); err != nil {
		return err
	}
	ids := make([]string, len(r.Requirements))
	for i, q := range r.Requirements {
		ids[i] = q.CompetenceID
	}
	return db.checkCompetences(ctx, tx, orgID, ids)
}

func (db *DB) insertRequirements(ctx context.Context, tx *sql.Tx, orgID string, r *competence.RoleProfile) error {
	rows := make([][]any, len(r.Requirements))
	for i, q := range r.Requirements {
		rows[i] = []any{orgID, r.ID, q.CompetenceID, q.Level, q.Essential}
	}
	if err := batchInsert(ctx, tx, `INSERT INTO role_requirements (org_id, profile_id, competence_id, level, essential)`, 5, rows, ``, nil); err != nil {
		return db.Err(err)
	}
	return nil
}

// UpdateRoleProfile replaces a role profile's texts and requirements.
// Errors: EInvalid, ENotFound.
func (db *DB) UpdateRoleProfile(ctx context.Context, orgID string, r *competence.RoleProfile) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if err := db.checkProfile(ctx, tx, orgID, r); err != nil {
			return err
		}
		r.UpdatedAt = time.Now().UTC()
		res, err := tx.ExecContext(ctx, `UPDATE role_profiles SET name_nl = $3, name_en = $4, description_nl = $5, description_en = $6, updated_at = $7
			WHERE org_id = $1 AND id = $2`, orgID, r.ID, r.NameNL, r.NameEN, r.DescriptionNL, r.DescriptionEN, T(r.UpdatedAt))
		if err != nil {
			return db.Err(err)
		}
		if err := mustAffect(res); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM role_requirements WHERE org_id = $1 AND profile_id = $2`, orgID, r.ID); err != nil {
			return db.Err(err)
		}
		return db.insertRequirements(ctx, tx, orgID, r)
	})
}

// DeleteRoleProfile removes a role profile; people simply stop holding it.
// Errors: ENotFound.
func (db *DB) DeleteRoleProfile(ctx context.Context, orgID, id string) error {
	res, err := db.write.ExecContext(ctx, `DELETE FROM role_profiles WHERE org_id = $1 AND id = $2`, orgID, id)
	if err != nil {
		return db.Err(err)
	}
	return mustAffect(res)
}

// RoleProfile returns a role profile of orgID with its requirements and
// their competences. Errors: ENotFound.
func (db *DB) RoleProfile(ctx context.Context, orgID, id string) (*competence.RoleProfile, error) {
	ps, err := db.roleProfiles(ctx, orgID, `AND r.id = $2`, id)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, core.ErrNotFound
	}
	return ps[0], nil
}

// RoleProfiles lists orgID's role profiles with requirements and holder counts.
func (db *DB) RoleProfiles(ctx context.Context, orgID string) ([]*competence.RoleProfile, error) {
	return db.roleProfiles(ctx, orgID, ``)
}

// PersonRoleProfiles lists the role profiles a person of orgID holds.
func (db *DB) PersonRoleProfiles(ctx context.Context, orgID, personID string) ([]*competence.RoleProfile, error) {
	return db.roleProfiles(ctx, orgID, `AND r.id IN (SELECT profile_id FROM person_role_profiles WHERE org_id = $1 AND person_id = $2)`, personID)
}

func (db *DB) roleProfiles(ctx context.Context, orgID, cond string, args ...any) ([]*competence.RoleProfile, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT r.id, r.org_id, r.name_nl, r.name_en, r.description_nl, r.description_en, r.occupation_uri, r.created_at, r.updated_at,
		(SELECT COUNT(*) FROM person_role_profiles h WHERE h.org_id = r.org_id AND h.profile_id = r.id)
		FROM role_profiles r WHERE r.org_id = $1 `+cond+` ORDER BY COALESCE(NULLIF(r.name_nl, ''), r.name_en), r.id`, append([]any{orgID}, args...)...)
	if err != nil {
		return nil, db.Err(err)
	}
	var out []*competence.RoleProfile
	byID := map[string]*competence.RoleProfile{}
	for rows.Next() {
		var r competence.RoleProfile
		if err := rows.Scan(&r.ID, &r.OrgID, &r.NameNL, &r.NameEN, &r.DescriptionNL, &r.DescriptionEN, &r.OccupationURI, Time{&r.CreatedAt}, Time{&r.UpdatedAt}, &r.HolderCount); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, &r)
		byID[r.ID] = &r
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	reqArgs := []any{orgID}
	for _, r := range out {
		reqArgs = append(reqArgs, r.ID)
	}
	rq, err := db.read.QueryContext(ctx, `SELECT q.profile_id, q.level, q.essential, `+competenceCols+`
		FROM role_requirements q JOIN competences c ON c.id = q.competence_id AND c.org_id = q.org_id
		WHERE q.org_id = $1 AND q.profile_id IN (`+In(2, len(out))+`)
		ORDER BY q.essential DESC, c.category, COALESCE(NULLIF(c.name_nl, ''), c.name_en)`, reqArgs...)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rq.Close()
	for rq.Next() {
		var pid string
		var q competence.Requirement
		var c competence.Competence
		if err := rq.Scan(&pid, &q.Level, &q.Essential, &c.ID, &c.OrgID, &c.Framework, &c.SourceRef, &c.NameNL, &c.NameEN, &c.DescriptionNL, &c.DescriptionEN,
			&c.Category, &c.Layer, &c.Modified, &c.Active, Time{&c.CreatedAt}, Time{&c.UpdatedAt}); err != nil {
			return nil, err
		}
		q.CompetenceID, q.Competence = c.ID, &c
		byID[pid].Requirements = append(byID[pid].Requirements, q)
	}
	return out, rq.Err()
}

// SetPersonRoleProfiles replaces the role profiles a person of orgID holds.
// Errors: EInvalid (a profile or the person is not orgID's).
func (db *DB) SetPersonRoleProfiles(ctx context.Context, orgID, personID string, profileIDs []string) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if err := db.checkRefs(ctx, tx, orgID, map[string]string{"person_id": personID}); err != nil {
			return err
		}
		for _, id := range profileIDs {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM role_profiles WHERE org_id = $1 AND id = $2`, orgID, id).Scan(&n); err != nil {
				return db.Err(err)
			}
			if n == 0 {
				return core.Invalid("role_profiles", "a role profile does not exist in this organisation")
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM person_role_profiles WHERE org_id = $1 AND person_id = $2`, orgID, personID); err != nil {
			return db.Err(err)
		}
		for id := range uniq(profileIDs) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO person_role_profiles (org_id, person_id, profile_id) VALUES ($1, $2, $3)`, orgID, personID, id); err != nil {
				return db.Err(err)
			}
		}
		return nil
	})
}

// RoleProfileFromOccupation makes a role profile of orgID from an ESCO
// occupation: the chosen skills (the UI pre-selects the essential ones)
// are picked into the catalogue and required at level, essential as ESCO
// marks them. Errors: ENotFound (occupation), EInvalid.
func (db *DB) RoleProfileFromOccupation(ctx context.Context, orgID, occupationURI string, skillURIs []string, level int, nameNL, nameEN string) (*competence.RoleProfile, error) {
	occ, err := db.ESCOOccupation(ctx, occupationURI)
	if err != nil {
		return nil, err
	}
	essential := map[string]bool{}
	known := map[string]bool{}
	for _, s := range occ.Skills {
		known[s.Skill.URI] = true
		essential[s.Skill.URI] = s.Essential
	}
	if nameEN == "" && nameNL == "" {
		nameEN, nameNL = occ.LabelEN, occ.LabelNL
	}
	r := &competence.RoleProfile{NameNL: nameNL, NameEN: nameEN, DescriptionNL: occ.DescriptionNL, DescriptionEN: occ.DescriptionEN, OccupationURI: occupationURI}
	for _, uri := range skillURIs {
		if !known[uri] {
			return nil, core.Invalid("skills", "%s is not a skill of this occupation", uri)
		}
		c, err := db.PickESCOSkill(ctx, orgID, uri, "", "")
		if err != nil {
			return nil, fmt.Errorf("pick %s: %w", uri, err)
		}
		r.Requirements = append(r.Requirements, competence.Requirement{CompetenceID: c.ID, Level: level, Essential: essential[uri]})
	}
	if err := db.CreateRoleProfile(ctx, orgID, r); err != nil {
		return nil, err
	}
	return r, nil
}
