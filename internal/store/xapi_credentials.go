package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// XAPICredential is a key and secret with which a client reaches one
// organisation's learning record store. Only a keyed hash of the secret is
// kept.
type XAPICredential struct {
	ID         string // the key: the Basic user name
	OrgID      string
	Name       string
	SecretHash string
	Scopes     []string
	Authority  []byte // JSON Agent recorded as statements' authority
	CreatedAt  time.Time
	RevokedAt  time.Time
}

// XAPICreateCredential stores a new credential. Errors: EConflict.
func (db *DB) XAPICreateCredential(ctx context.Context, orgID string, c *XAPICredential) error {
	c.OrgID = orgID
	if c.CreatedAt.IsZero() {
		c.CreatedAt = time.Now().UTC()
	}
	_, err := db.write.ExecContext(ctx, `INSERT INTO xapi_credentials (id, org_id, name, secret_hash, scopes, authority, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		c.ID, orgID, c.Name, c.SecretHash, strings.Join(c.Scopes, " "), string(c.Authority), T(c.CreatedAt))
	if err != nil {
		return fmt.Errorf("create lrs credential: %w", db.Err(err))
	}
	return nil
}

const xapiCredCols = `id, org_id, name, secret_hash, scopes, authority, created_at, revoked_at`

func scanXAPICred(row interface{ Scan(...any) error }) (*XAPICredential, error) {
	c := &XAPICredential{}
	var scopes string
	if err := row.Scan(&c.ID, &c.OrgID, &c.Name, &c.SecretHash, &scopes, &c.Authority, Time{&c.CreatedAt}, Time{&c.RevokedAt}); err != nil {
		return nil, err
	}
	c.Scopes = strings.Fields(scopes)
	return c, nil
}

// XAPICredentialByKey finds a credential by its key, in any organisation:
// it is how a request is authenticated, before its organisation is known.
// Errors: ENotFound.
func (db *DB) XAPICredentialByKey(ctx context.Context, key string) (*XAPICredential, error) {
	c, err := scanXAPICred(db.read.QueryRowContext(ctx, `SELECT `+xapiCredCols+` FROM xapi_credentials WHERE id = $1`, key))
	if err != nil {
		return nil, db.Err(err)
	}
	return c, nil
}

// XAPICredentials lists an organisation's credentials, newest first.
func (db *DB) XAPICredentials(ctx context.Context, orgID string) ([]*XAPICredential, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+xapiCredCols+` FROM xapi_credentials WHERE org_id = $1 ORDER BY created_at DESC, id`, orgID)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []*XAPICredential
	for rows.Next() {
		c, err := scanXAPICred(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// XAPIRevokeCredential revokes one of orgID's credentials. Errors: ENotFound.
func (db *DB) XAPIRevokeCredential(ctx context.Context, orgID, id string, at time.Time) error {
	res, err := db.write.ExecContext(ctx, `UPDATE xapi_credentials SET revoked_at = $3 WHERE org_id = $1 AND id = $2 AND revoked_at IS NULL`, orgID, id, T(at))
	if err != nil {
		return db.Err(err)
	}
	return mustAffect(res)
}

// XAPIHMACKey returns the platform's key for hashing LRS secrets, creating
// it on first use. Every node of a PostgreSQL deployment reads the same key.
func (db *DB) XAPIHMACKey(ctx context.Context) ([]byte, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	if _, err := db.write.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('xapi_hmac_key', $1) ON CONFLICT (key) DO NOTHING`, hex.EncodeToString(b[:])); err != nil {
		return nil, fmt.Errorf("lrs hmac key: %w", db.Err(err))
	}
	var v string
	if err := db.write.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'xapi_hmac_key'`).Scan(&v); err != nil {
		return nil, fmt.Errorf("lrs hmac key: %w", db.Err(err))
	}
	return hex.DecodeString(v)
}
