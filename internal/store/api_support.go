package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/bakenhq/baken/internal/core"
)

// Store methods the JSON API needs beyond the core ones: deleting unused
// sites and teams, and API token bookkeeping.

// DeleteSite removes a site of orgID that no team and no person (active
// or not) refers to. Errors: ENotFound, EConflict (still in use).
func (db *DB) DeleteSite(ctx context.Context, orgID, id string) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		var teams, people int
		err := tx.QueryRowContext(ctx, `SELECT
			(SELECT COUNT(*) FROM teams WHERE org_id = $1 AND site_id = $2),
			(SELECT COUNT(*) FROM people WHERE org_id = $1 AND site_id = $2)`, orgID, id).Scan(&teams, &people)
		if err != nil {
			return db.Err(err)
		}
		if teams > 0 || people > 0 {
			return &core.Error{Code: core.EConflict, Message: fmt.Sprintf("the site is still in use (teams: %d, people: %d)", teams, people), Key: "error.site_in_use"}
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM sites WHERE org_id = $1 AND id = $2`, orgID, id)
		if err != nil {
			return inUse(db.Err(err), "site")
		}
		return mustAffect(res)
	})
}

// DeleteTeam removes a team of orgID that no person (active or not)
// belongs to. Errors: ENotFound, EConflict (still in use).
func (db *DB) DeleteTeam(ctx context.Context, orgID, id string) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		var people int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM people WHERE org_id = $1 AND team_id = $2`, orgID, id).Scan(&people); err != nil {
			return db.Err(err)
		}
		if people > 0 {
			return &core.Error{Code: core.EConflict, Message: fmt.Sprintf("the team is still in use (people: %d)", people), Key: "error.team_in_use"}
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM teams WHERE org_id = $1 AND id = $2`, orgID, id)
		if err != nil {
			return inUse(db.Err(err), "team")
		}
		return mustAffect(res)
	})
}

// inUse turns a foreign-key refusal on delete (which mapErr reports as
// EInvalid, the wording for inserts) into a conflict: a later table still
// refers to the record.
func inUse(err error, what string) error {
	if core.ErrorCode(err) == core.EInvalid {
		return &core.Error{Code: core.EConflict, Message: "the " + what + " is still referred to by other records"}
	}
	return err
}

// TouchAPIToken records when a token of orgID was last used.
func (db *DB) TouchAPIToken(ctx context.Context, orgID, id string, at time.Time) error {
	_, err := db.write.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $3 WHERE org_id = $1 AND id = $2`, orgID, id, T(at))
	return db.Err(err)
}

// RevokePersonAPITokens revokes every unrevoked token of a person of orgID
// (when they leave) and reports how many there were.
func (db *DB) RevokePersonAPITokens(ctx context.Context, orgID, personID string, at time.Time) (int, error) {
	res, err := db.write.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $3 WHERE org_id = $1 AND person_id = $2 AND revoked_at IS NULL`, orgID, personID, T(at))
	if err != nil {
		return 0, db.Err(err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// DeactivatePerson marks a person of orgID as left on the day of at, ends
// their sessions and revokes their API tokens, all in one transaction, so
// that no one who left keeps a way in. Errors: ENotFound.
func (db *DB) DeactivatePerson(ctx context.Context, orgID, personID string, at time.Time) error {
	at = at.UTC()
	return db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE people SET active = $3, left_on = $4, updated_at = $5 WHERE org_id = $1 AND id = $2`,
			orgID, personID, false, Date(at), T(at))
		if err != nil {
			return db.Err(err)
		}
		if err := mustAffect(res); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE org_id = $1 AND person_id = $2`, orgID, personID); err != nil {
			return db.Err(err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $3 WHERE org_id = $1 AND person_id = $2 AND revoked_at IS NULL`, orgID, personID, T(at))
		return db.Err(err)
	})
}
