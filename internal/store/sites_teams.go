package store

import (
	"context"
	"fmt"
	"time"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/tenancy"
)

// CreateSite stores a site of orgID. Errors: EInvalid, EConflict (name).
func (db *DB) CreateSite(ctx context.Context, orgID string, s *tenancy.Site) error {
	if err := s.Validate(); err != nil {
		return err
	}
	s.ID, s.OrgID, s.CreatedAt = core.NewID(), orgID, time.Now().UTC()
	_, err := db.write.ExecContext(ctx, `INSERT INTO sites (id, org_id, name, address, created_at) VALUES ($1, $2, $3, $4, $5)`,
		s.ID, orgID, s.Name, s.Address, T(s.CreatedAt))
	if err != nil {
		return fmt.Errorf("create site: %w", db.Err(err))
	}
	return nil
}

// UpdateSite changes a site of orgID. Errors: EInvalid, ENotFound, EConflict.
func (db *DB) UpdateSite(ctx context.Context, orgID string, s *tenancy.Site) error {
	if err := s.Validate(); err != nil {
		return err
	}
	res, err := db.write.ExecContext(ctx, `UPDATE sites SET name = $3, address = $4 WHERE org_id = $1 AND id = $2`, orgID, s.ID, s.Name, s.Address)
	if err != nil {
		return db.Err(err)
	}
	return mustAffect(res)
}

// Site returns a site of orgID. Errors: ENotFound.
func (db *DB) Site(ctx context.Context, orgID, id string) (*tenancy.Site, error) {
	var s tenancy.Site
	err := db.read.QueryRowContext(ctx, `SELECT id, org_id, name, address, created_at FROM sites WHERE org_id = $1 AND id = $2`, orgID, id).
		Scan(&s.ID, &s.OrgID, &s.Name, &s.Address, Time{&s.CreatedAt})
	if err != nil {
		return nil, db.Err(err)
	}
	return &s, nil
}

// Sites lists the sites of orgID by name.
func (db *DB) Sites(ctx context.Context, orgID string) ([]*tenancy.Site, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, org_id, name, address, created_at FROM sites WHERE org_id = $1 ORDER BY name`, orgID)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []*tenancy.Site
	for rows.Next() {
		var s tenancy.Site
		if err := rows.Scan(&s.ID, &s.OrgID, &s.Name, &s.Address, Time{&s.CreatedAt}); err != nil {
			return nil, err
		}
		out = append(out, &s)
	}
	return out, rows.Err()
}

// checkRefs makes sure that referenced site, team and lead ids belong to
// orgID, so that a forged id from another organisation is refused as
// invalid rather than linked.
func (db *DB) checkRefs(ctx context.Context, q Querier, orgID string, refs map[string]string) error {
	for field, id := range refs {
		if id == "" {
			continue
		}
		var table string
		switch field {
		case "site_id":
			table = "sites"
		case "team_id":
			table = "teams"
		case "lead_id", "person_id":
			table = "people"
		default:
			panic("checkRefs: unknown field " + field)
		}
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE org_id = $1 AND id = $2`, orgID, id).Scan(&n); err != nil {
			return db.Err(err)
		}
		if n == 0 {
			return core.Invalid(field, "does not exist in this organisation")
		}
	}
	return nil
}

// CreateTeam stores a team of orgID. Errors: EInvalid, EConflict.
func (db *DB) CreateTeam(ctx context.Context, orgID string, t *tenancy.Team) error {
	if err := t.Validate(); err != nil {
		return err
	}
	if err := db.checkRefs(ctx, db.read, orgID, map[string]string{"site_id": t.SiteID, "lead_id": t.LeadID}); err != nil {
		return err
	}
	t.ID, t.OrgID, t.CreatedAt = core.NewID(), orgID, time.Now().UTC()
	_, err := db.write.ExecContext(ctx, `INSERT INTO teams (id, org_id, site_id, name, lead_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		t.ID, orgID, nullable(t.SiteID), t.Name, nullable(t.LeadID), T(t.CreatedAt))
	if err != nil {
		return fmt.Errorf("create team: %w", db.Err(err))
	}
	return nil
}

// UpdateTeam changes a team of orgID. Errors: EInvalid, ENotFound, EConflict.
func (db *DB) UpdateTeam(ctx context.Context, orgID string, t *tenancy.Team) error {
	if err := t.Validate(); err != nil {
		return err
	}
	if err := db.checkRefs(ctx, db.read, orgID, map[string]string{"site_id": t.SiteID, "lead_id": t.LeadID}); err != nil {
		return err
	}
	res, err := db.write.ExecContext(ctx, `UPDATE teams SET name = $3, site_id = $4, lead_id = $5 WHERE org_id = $1 AND id = $2`,
		orgID, t.ID, t.Name, nullable(t.SiteID), nullable(t.LeadID))
	if err != nil {
		return db.Err(err)
	}
	return mustAffect(res)
}

const teamSelect = `SELECT t.id, t.org_id, COALESCE(t.site_id, ''), t.name, COALESCE(t.lead_id, ''), t.created_at,
	COALESCE(s.name, ''), COALESCE(l.name, ''),
	(SELECT COUNT(*) FROM people p WHERE p.org_id = t.org_id AND p.team_id = t.id AND p.active = TRUE)
	FROM teams t
	LEFT JOIN sites s ON s.id = t.site_id AND s.org_id = t.org_id
	LEFT JOIN people l ON l.id = t.lead_id AND l.org_id = t.org_id`

func scanTeam(row interface{ Scan(...any) error }) (*tenancy.Team, error) {
	var t tenancy.Team
	err := row.Scan(&t.ID, &t.OrgID, &t.SiteID, &t.Name, &t.LeadID, Time{&t.CreatedAt}, &t.SiteName, &t.LeadName, &t.MemberCount)
	return &t, err
}

// Team returns a team of orgID. Errors: ENotFound.
func (db *DB) Team(ctx context.Context, orgID, id string) (*tenancy.Team, error) {
	t, err := scanTeam(db.read.QueryRowContext(ctx, teamSelect+` WHERE t.org_id = $1 AND t.id = $2`, orgID, id))
	if err != nil {
		return nil, db.Err(err)
	}
	return t, nil
}

// Teams lists the teams of orgID; siteID narrows it to one site when set.
func (db *DB) Teams(ctx context.Context, orgID, siteID string) ([]*tenancy.Team, error) {
	rows, err := db.read.QueryContext(ctx, teamSelect+` WHERE t.org_id = $1 AND ($2 = '' OR t.site_id = $2) ORDER BY t.name`, orgID, siteID)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []*tenancy.Team
	for rows.Next() {
		t, err := scanTeam(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// TeamsLedBy lists the teams whose lead is personID.
func (db *DB) TeamsLedBy(ctx context.Context, orgID, personID string) ([]*tenancy.Team, error) {
	rows, err := db.read.QueryContext(ctx, teamSelect+` WHERE t.org_id = $1 AND t.lead_id = $2 ORDER BY t.name`, orgID, personID)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []*tenancy.Team
	for rows.Next() {
		t, err := scanTeam(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
