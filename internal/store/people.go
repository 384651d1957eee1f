package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/tenancy"
)

const personSelect = `SELECT p.id, p.org_id, p.name, COALESCE(p.email, ''), COALESCE(p.employee_number, ''), p.job_title,
	COALESCE(p.team_id, ''), COALESCE(p.site_id, ''), p.start_date, p.language, p.active, p.left_on, p.platform_admin,
	p.created_at, p.updated_at, COALESCE(t.name, ''), COALESCE(s.name, ''), p.password_hash <> '', p.pin_hash <> ''
	FROM people p
	LEFT JOIN teams t ON t.id = p.team_id AND t.org_id = p.org_id
	LEFT JOIN sites s ON s.id = p.site_id AND s.org_id = p.org_id`

func scanPerson(row interface{ Scan(...any) error }) (*tenancy.Person, error) {
	var p tenancy.Person
	err := row.Scan(&p.ID, &p.OrgID, &p.Name, &p.Email, &p.EmployeeNumber, &p.JobTitle, &p.TeamID, &p.SiteID,
		Time{&p.StartDate}, &p.Language, &p.Active, Time{&p.LeftOn}, &p.PlatformAdmin,
		Time{&p.CreatedAt}, Time{&p.UpdatedAt}, &p.TeamName, &p.SiteName, &p.HasPassword, &p.HasPIN)
	return &p, err
}

// CreatePerson stores a new person of orgID with their roles; employee is
// always among them. Errors: EInvalid, EConflict (email or employee number).
func (db *DB) CreatePerson(ctx context.Context, orgID string, p *tenancy.Person) error {
	return db.Tx(ctx, func(tx *sql.Tx) error { return db.createPerson(ctx, tx, orgID, p) })
}

func (db *DB) createPerson(ctx context.Context, tx *sql.Tx, orgID string, p *tenancy.Person) error {
	if err := p.Validate(); err != nil {
		return err
	}
	if err := db.checkRefs(ctx, tx, orgID, map[string]string{"site_id": p.SiteID, "team_id": p.TeamID}); err != nil {
		return err
	}
	if p.ID == "" {
		p.ID = core.NewID()
	}
	now := time.Now().UTC()
	p.OrgID, p.CreatedAt, p.UpdatedAt = orgID, now, now
	if !p.Active && p.LeftOn.IsZero() {
		p.Active = true
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO people (id, org_id, name, email, employee_number, job_title, team_id, site_id,
		start_date, language, active, left_on, platform_admin, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		p.ID, orgID, p.Name, nullable(p.Email), nullable(p.EmployeeNumber), p.JobTitle, nullable(p.TeamID), nullable(p.SiteID),
		Date(p.StartDate), p.Language, p.Active, Date(p.LeftOn), p.PlatformAdmin, T(now), T(now))
	if err != nil {
		return fmt.Errorf("create person: %w", personConflict(db.Err(err)))
	}
	return db.setRoles(ctx, tx, orgID, p.ID, p.Roles)
}

// personConflict says which unique value clashed.
func personConflict(err error) error {
	if core.ErrorCode(err) != core.EConflict {
		return err
	}
	if strings.Contains(err.Error(), "email") {
		return &core.Error{Code: core.EConflict, Field: "email", Message: "is already used by another account", Key: "error.email_taken"}
	}
	return &core.Error{Code: core.EConflict, Field: "employee_number", Message: "is already used by another person", Key: "error.employee_number_taken"}
}

// UpdatePerson changes a person of orgID, roles included. Errors: EInvalid,
// ENotFound, EConflict.
func (db *DB) UpdatePerson(ctx context.Context, orgID string, p *tenancy.Person) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if err := db.checkRefs(ctx, tx, orgID, map[string]string{"site_id": p.SiteID, "team_id": p.TeamID}); err != nil {
			return err
		}
		p.UpdatedAt = time.Now().UTC()
		if p.Active {
			p.LeftOn = time.Time{}
		} else if p.LeftOn.IsZero() {
			p.LeftOn = p.UpdatedAt
		}
		res, err := tx.ExecContext(ctx, `UPDATE people SET name = $3, email = $4, employee_number = $5, job_title = $6,
			team_id = $7, site_id = $8, start_date = $9, language = $10, active = $11, left_on = $12, updated_at = $13
			WHERE org_id = $1 AND id = $2`,
			orgID, p.ID, p.Name, nullable(p.Email), nullable(p.EmployeeNumber), p.JobTitle, nullable(p.TeamID), nullable(p.SiteID),
			Date(p.StartDate), p.Language, p.Active, Date(p.LeftOn), T(p.UpdatedAt))
		if err != nil {
			return personConflict(db.Err(err))
		}
		if err := mustAffect(res); err != nil {
			return err
		}
		if p.Roles != nil {
			return db.setRoles(ctx, tx, orgID, p.ID, p.Roles)
		}
		return nil
	})
}

// SetPersonLanguage stores the UI language a person chose.
func (db *DB) SetPersonLanguage(ctx context.Context, orgID, personID, lang string) error {
	if !tenancy.ValidLang(lang) {
		return core.Invalid("language", "must be nl or en")
	}
	_, err := db.write.ExecContext(ctx, `UPDATE people SET language = $3 WHERE org_id = $1 AND id = $2`, orgID, personID, lang)
	return db.Err(err)
}

func (db *DB) setRoles(ctx context.Context, tx *sql.Tx, orgID, personID string, roles []core.Role) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM person_roles WHERE org_id = $1 AND person_id = $2`, orgID, personID); err != nil {
		return db.Err(err)
	}
	seen := map[core.Role]bool{core.RoleEmployee: true}
	all := []core.Role{core.RoleEmployee}
	for _, r := range roles {
		if !seen[r] {
			seen[r] = true
			all = append(all, r)
		}
	}
	for _, r := range all {
		if !core.ValidRole(r) {
			return core.Invalid("roles", "unknown role %q", r)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO person_roles (org_id, person_id, role) VALUES ($1, $2, $3)`, orgID, personID, string(r)); err != nil {
			return db.Err(err)
		}
	}
	return nil
}

// Person returns a person of orgID with roles. Errors: ENotFound.
func (db *DB) Person(ctx context.Context, orgID, id string) (*tenancy.Person, error) {
	p, err := scanPerson(db.read.QueryRowContext(ctx, personSelect+` WHERE p.org_id = $1 AND p.id = $2`, orgID, id))
	if err != nil {
		return nil, db.Err(err)
	}
	if p.Roles, err = db.roles(ctx, orgID, p.ID); err != nil {
		return nil, err
	}
	return p, nil
}

func (db *DB) roles(ctx context.Context, orgID, personID string) ([]core.Role, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT role FROM person_roles WHERE org_id = $1 AND person_id = $2`, orgID, personID)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []core.Role
	for rows.Next() {
		var r core.Role
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return sortRoles(out), rows.Err()
}

func sortRoles(rs []core.Role) []core.Role {
	var out []core.Role
	for _, r := range core.Roles {
		for _, x := range rs {
			if x == r {
				out = append(out, r)
			}
		}
	}
	return out
}

// People lists people of orgID matching f, by name, with the total count
// for paging. Roles are filled in.
func (db *DB) People(ctx context.Context, orgID string, f tenancy.PeopleFilter) ([]*tenancy.Person, int, error) {
	f.Normalise()
	where := []string{"p.org_id = $1"}
	args := []any{orgID}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(args))))
	}
	if f.Query != "" {
		add("(LOWER(p.name) LIKE ? OR LOWER(COALESCE(p.email, '')) LIKE ? OR LOWER(COALESCE(p.employee_number, '')) LIKE ? OR LOWER(p.job_title) LIKE ?)",
			"%"+likeEscape(strings.ToLower(f.Query))+"%")
	}
	if f.TeamID != "" {
		add("p.team_id = ?", f.TeamID)
	}
	if f.SiteID != "" {
		add("p.site_id = ?", f.SiteID)
	}
	if f.Role != "" {
		add("EXISTS (SELECT 1 FROM person_roles r WHERE r.org_id = p.org_id AND r.person_id = p.id AND r.role = ?)", string(f.Role))
	}
	if f.Active != nil {
		add("p.active = ?", *f.Active)
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM people p WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, db.Err(err)
	}
	args = append(args, f.Limit, f.Offset)
	rows, err := db.read.QueryContext(ctx, personSelect+` WHERE `+cond+fmt.Sprintf(` ORDER BY p.name, p.id LIMIT $%d OFFSET $%d`, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, db.Err(err)
	}
	defer rows.Close()
	var out []*tenancy.Person
	byID := map[string]*tenancy.Person{}
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, p)
		byID[p.ID] = p
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if len(out) > 0 {
		ids := make([]any, 0, len(out)+1)
		ids = append(ids, orgID)
		for _, p := range out {
			ids = append(ids, p.ID)
		}
		rr, err := db.read.QueryContext(ctx, `SELECT person_id, role FROM person_roles WHERE org_id = $1 AND person_id IN (`+In(2, len(out))+`)`, ids...)
		if err != nil {
			return nil, 0, db.Err(err)
		}
		defer rr.Close()
		for rr.Next() {
			var id string
			var r core.Role
			if err := rr.Scan(&id, &r); err != nil {
				return nil, 0, err
			}
			byID[id].Roles = append(byID[id].Roles, r)
		}
		for _, p := range out {
			p.Roles = sortRoles(p.Roles)
		}
	}
	return out, total, nil
}

func likeEscape(s string) string {
	// Neither engine treats a backslash as LIKE escape by default, so
	// wildcards typed by a user are dropped rather than escaped.
	return strings.NewReplacer("%", "", "_", "").Replace(s)
}

// PersonIDByEmail finds the account for a sign-in email across the
// platform. Errors: ENotFound.
func (db *DB) PersonIDByEmail(ctx context.Context, email string) (orgID, personID string, err error) {
	err = db.read.QueryRowContext(ctx, `SELECT org_id, id FROM people WHERE email = $1`, strings.ToLower(strings.TrimSpace(email))).Scan(&orgID, &personID)
	return orgID, personID, db.Err(err)
}

// PersonIDByEmployeeNumber finds a person of orgID by employee number.
// Errors: ENotFound.
func (db *DB) PersonIDByEmployeeNumber(ctx context.Context, orgID, number string) (string, error) {
	var id string
	err := db.read.QueryRowContext(ctx, `SELECT id FROM people WHERE org_id = $1 AND employee_number = $2`, orgID, strings.TrimSpace(number)).Scan(&id)
	return id, db.Err(err)
}

// Credentials returns the password and PIN hashes of a person, and whether
// they are active.
func (db *DB) Credentials(ctx context.Context, orgID, personID string) (passwordHash, pinHash string, active bool, err error) {
	err = db.read.QueryRowContext(ctx, `SELECT password_hash, pin_hash, active FROM people WHERE org_id = $1 AND id = $2`, orgID, personID).
		Scan(&passwordHash, &pinHash, &active)
	return passwordHash, pinHash, active, db.Err(err)
}

// SetPasswordHash stores a new password hash for a person of orgID.
func (db *DB) SetPasswordHash(ctx context.Context, orgID, personID, hash string) error {
	res, err := db.write.ExecContext(ctx, `UPDATE people SET password_hash = $3, updated_at = $4 WHERE org_id = $1 AND id = $2`, orgID, personID, hash, T(time.Now()))
	if err != nil {
		return db.Err(err)
	}
	return mustAffect(res)
}

// SetPINHash stores a new PIN hash for a person of orgID.
func (db *DB) SetPINHash(ctx context.Context, orgID, personID, hash string) error {
	res, err := db.write.ExecContext(ctx, `UPDATE people SET pin_hash = $3, updated_at = $4 WHERE org_id = $1 AND id = $2`, orgID, personID, hash, T(time.Now()))
	if err != nil {
		return db.Err(err)
	}
	return mustAffect(res)
}

// ImportPeople stores all people of orgID in one transaction: every row
// goes in, or none does. Errors name the row (1-based, in input order).
func (db *DB) ImportPeople(ctx context.Context, orgID string, people []*tenancy.Person) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		for i, p := range people {
			if err := db.createPerson(ctx, tx, orgID, p); err != nil {
				return fmt.Errorf("row %d: %w", i+1, err)
			}
		}
		return nil
	})
}

// CountPeople counts the people of orgID, active only when activeOnly.
func (db *DB) CountPeople(ctx context.Context, orgID string, activeOnly bool) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM people WHERE org_id = $1 AND ($2 = FALSE OR active = TRUE)`, orgID, activeOnly).Scan(&n)
	return n, db.Err(err)
}

// ImportLookup gathers what a people import checks names and duplicates
// against: the organisation's teams and sites, its employee numbers, and
// the emails in use on the platform.
func (db *DB) ImportLookup(ctx context.Context, orgID string) (tenancy.ImportLookup, error) {
	lk := tenancy.ImportLookup{TeamIDs: map[string]string{}, SiteIDs: map[string]string{}, EmployeeNumbers: map[string]bool{}, Emails: map[string]bool{}}
	fill := func(q string, arg []any, fn func(a, b string)) error {
		rows, err := db.read.QueryContext(ctx, q, arg...)
		if err != nil {
			return db.Err(err)
		}
		defer rows.Close()
		for rows.Next() {
			var a, b string
			if err := rows.Scan(&a, &b); err != nil {
				return err
			}
			fn(a, b)
		}
		return rows.Err()
	}
	if err := fill(`SELECT LOWER(name), id FROM teams WHERE org_id = $1`, []any{orgID}, func(a, b string) { lk.TeamIDs[a] = b }); err != nil {
		return lk, err
	}
	if err := fill(`SELECT LOWER(name), id FROM sites WHERE org_id = $1`, []any{orgID}, func(a, b string) { lk.SiteIDs[a] = b }); err != nil {
		return lk, err
	}
	if err := fill(`SELECT employee_number, id FROM people WHERE org_id = $1 AND employee_number IS NOT NULL`, []any{orgID}, func(a, b string) { lk.EmployeeNumbers[a] = true }); err != nil {
		return lk, err
	}
	// Emails are unique across the platform, so the check cannot be scoped
	// to the organisation; only membership is learned, never whose it is.
	err := fill(`SELECT email, id FROM people WHERE email IS NOT NULL`, nil, func(a, b string) { lk.Emails[a] = true })
	return lk, err
}
