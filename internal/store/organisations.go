package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/tenancy"
)

// CreateOrganisation stores a new organisation. Errors: EInvalid, EConflict
// (slug taken).
func (db *DB) CreateOrganisation(ctx context.Context, o *tenancy.Organisation) error {
	if err := o.Validate(); err != nil {
		return err
	}
	if o.ID == "" {
		o.ID = core.NewID()
	}
	o.CreatedAt = time.Now().UTC()
	_, err := db.write.ExecContext(ctx, `INSERT INTO organisations (id, kind, name, slug, default_lang, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		o.ID, o.Kind, o.Name, o.Slug, o.DefaultLang, T(o.CreatedAt))
	if err != nil {
		return fmt.Errorf("create organisation: %w", db.Err(err))
	}
	return nil
}

// UpdateOrganisation changes name and default language.
func (db *DB) UpdateOrganisation(ctx context.Context, o *tenancy.Organisation) error {
	if err := o.Validate(); err != nil {
		return err
	}
	res, err := db.write.ExecContext(ctx, `UPDATE organisations SET name = $2, default_lang = $3 WHERE id = $1`, o.ID, o.Name, o.DefaultLang)
	if err != nil {
		return db.Err(err)
	}
	return mustAffect(res)
}

const orgCols = `id, kind, name, slug, default_lang, created_at`

func scanOrg(row interface{ Scan(...any) error }) (*tenancy.Organisation, error) {
	var o tenancy.Organisation
	err := row.Scan(&o.ID, &o.Kind, &o.Name, &o.Slug, &o.DefaultLang, Time{&o.CreatedAt})
	return &o, err
}

// Organisation returns one organisation. Errors: ENotFound.
func (db *DB) Organisation(ctx context.Context, id string) (*tenancy.Organisation, error) {
	o, err := scanOrg(db.read.QueryRowContext(ctx, `SELECT `+orgCols+` FROM organisations WHERE id = $1`, id))
	if err != nil {
		return nil, db.Err(err)
	}
	return o, nil
}

// OrganisationBySlug returns one organisation. Errors: ENotFound.
func (db *DB) OrganisationBySlug(ctx context.Context, slug string) (*tenancy.Organisation, error) {
	o, err := scanOrg(db.read.QueryRowContext(ctx, `SELECT `+orgCols+` FROM organisations WHERE slug = $1`, slug))
	if err != nil {
		return nil, db.Err(err)
	}
	return o, nil
}

// Organisations lists every organisation on the platform (for the platform
// operator and the first-run check).
func (db *DB) Organisations(ctx context.Context) ([]*tenancy.Organisation, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+orgCols+` FROM organisations ORDER BY name`)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []*tenancy.Organisation
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// CountOrganisations tells whether the platform is new (first run).
func (db *DB) CountOrganisations(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM organisations`).Scan(&n)
	return n, db.Err(err)
}

// AddPartnership links two organisations both ways. Adding it again is a
// no-op.
func (db *DB) AddPartnership(ctx context.Context, orgID, partnerID string) error {
	if orgID == partnerID {
		return core.Invalid("partner", "an organisation cannot partner with itself")
	}
	now := T(time.Now())
	return db.Tx(ctx, func(tx *sql.Tx) error {
		for _, p := range [][2]string{{orgID, partnerID}, {partnerID, orgID}} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO partnerships (org_id, partner_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, p[0], p[1], now); err != nil {
				return db.Err(err)
			}
		}
		return nil
	})
}

// Partners lists the organisations that orgID has a partnership with.
func (db *DB) Partners(ctx context.Context, orgID string) ([]*tenancy.Organisation, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT o.id, o.kind, o.name, o.slug, o.default_lang, o.created_at
		FROM partnerships p JOIN organisations o ON o.id = p.partner_id
		WHERE p.org_id = $1 ORDER BY o.name`, orgID)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []*tenancy.Organisation
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Setting returns a platform setting, or "" when unset.
func (db *DB) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := db.read.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return v, db.Err(err)
}

// SetSetting stores a platform setting.
func (db *DB) SetSetting(ctx context.Context, key, value string) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return db.Err(err)
}

func mustAffect(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return core.ErrNotFound
	}
	return nil
}

// CreateOrganisationWithAdmin creates an organisation and its first
// administrator (with a password hash) in one transaction, so that a
// failure leaves neither behind. Errors: EInvalid, EConflict.
func (db *DB) CreateOrganisationWithAdmin(ctx context.Context, o *tenancy.Organisation, admin *tenancy.Person, passwordHash string) error {
	if err := o.Validate(); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		o.ID, o.CreatedAt = core.NewID(), time.Now().UTC()
		if _, err := tx.ExecContext(ctx, `INSERT INTO organisations (id, kind, name, slug, default_lang, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			o.ID, o.Kind, o.Name, o.Slug, o.DefaultLang, T(o.CreatedAt)); err != nil {
			return fmt.Errorf("create organisation: %w", db.Err(err))
		}
		if err := db.createPerson(ctx, tx, o.ID, admin); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE people SET password_hash = $3 WHERE org_id = $1 AND id = $2`, o.ID, admin.ID, passwordHash)
		return db.Err(err)
	})
}
