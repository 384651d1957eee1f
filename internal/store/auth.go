package store

import (
	"context"
	"time"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/tenancy"
)

// Session is a signed-in browser. The cookie holds a random token; only its
// hash is stored, so a leaked database does not leak sessions.
type Session struct {
	TokenHash  string
	PersonID   string
	OrgID      string
	CSRF       string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastSeenAt time.Time
	IP         string
	UserAgent  string
}

// CreateSession stores a session.
func (db *DB) CreateSession(ctx context.Context, s *Session) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO sessions (token_hash, person_id, org_id, csrf, created_at, expires_at, last_seen_at, ip, user_agent)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		s.TokenHash, s.PersonID, s.OrgID, s.CSRF, T(s.CreatedAt), T(s.ExpiresAt), T(s.LastSeenAt), s.IP, truncate(s.UserAgent, 300))
	return db.Err(err)
}

// SessionByHash returns an unexpired session. Errors: ENotFound.
func (db *DB) SessionByHash(ctx context.Context, hash string, now time.Time) (*Session, error) {
	var s Session
	err := db.read.QueryRowContext(ctx, `SELECT token_hash, person_id, org_id, csrf, created_at, expires_at, last_seen_at, ip, user_agent
		FROM sessions WHERE token_hash = $1 AND expires_at > $2`, hash, T(now)).
		Scan(&s.TokenHash, &s.PersonID, &s.OrgID, &s.CSRF, Time{&s.CreatedAt}, Time{&s.ExpiresAt}, Time{&s.LastSeenAt}, &s.IP, &s.UserAgent)
	if err != nil {
		return nil, db.Err(err)
	}
	return &s, nil
}

// TouchSession extends a session that is in use.
func (db *DB) TouchSession(ctx context.Context, hash string, now, expires time.Time) error {
	_, err := db.write.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE token_hash = $1`, hash, T(now), T(expires))
	return db.Err(err)
}

// DeleteSession signs a browser out.
func (db *DB) DeleteSession(ctx context.Context, hash string) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hash)
	return db.Err(err)
}

// DeletePersonSessions signs a person out everywhere except keepHash (after
// a password change, or when they leave).
func (db *DB) DeletePersonSessions(ctx context.Context, orgID, personID, keepHash string) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE org_id = $1 AND person_id = $2 AND token_hash <> $3`, orgID, personID, keepHash)
	return db.Err(err)
}

// DeleteExpiredSessions removes sessions past their expiry, and sign-in
// failures older than the throttling window.
func (db *DB) DeleteExpired(ctx context.Context, now time.Time) error {
	if _, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, T(now)); err != nil {
		return db.Err(err)
	}
	_, err := db.write.ExecContext(ctx, `DELETE FROM signin_failures WHERE at <= $1`, T(now.Add(-24*time.Hour)))
	return db.Err(err)
}

// APIToken is a bearer token for the JSON API, scoped to one organisation,
// one person and one role.
type APIToken struct {
	ID         string
	OrgID      string
	PersonID   string
	Name       string
	Role       core.Role
	TokenHash  string
	CreatedAt  time.Time
	LastUsedAt time.Time
	RevokedAt  time.Time
}

// CreateAPIToken stores a token for a person of orgID.
func (db *DB) CreateAPIToken(ctx context.Context, orgID string, t *APIToken) error {
	if !core.ValidRole(t.Role) {
		return core.Invalid("role", "unknown role %q", t.Role)
	}
	t.ID, t.OrgID, t.CreatedAt = core.NewID(), orgID, time.Now().UTC()
	_, err := db.write.ExecContext(ctx, `INSERT INTO api_tokens (id, org_id, person_id, name, role, token_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		t.ID, orgID, t.PersonID, t.Name, string(t.Role), t.TokenHash, T(t.CreatedAt))
	return db.Err(err)
}

// APITokenByHash returns an unrevoked token. Errors: ENotFound.
func (db *DB) APITokenByHash(ctx context.Context, hash string) (*APIToken, error) {
	var t APIToken
	err := db.read.QueryRowContext(ctx, `SELECT id, org_id, person_id, name, role, token_hash, created_at FROM api_tokens
		WHERE token_hash = $1 AND revoked_at IS NULL`, hash).
		Scan(&t.ID, &t.OrgID, &t.PersonID, &t.Name, &t.Role, &t.TokenHash, Time{&t.CreatedAt})
	if err != nil {
		return nil, db.Err(err)
	}
	return &t, nil
}

// RecordSigninFailure counts one failed sign-in against key (an account or
// an address).
func (db *DB) RecordSigninFailure(ctx context.Context, key string, at time.Time) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO signin_failures (id, key, at) VALUES ($1, $2, $3)`, core.NewID(), key, T(at))
	return db.Err(err)
}

// SigninFailures counts failures against key since the given time.
func (db *DB) SigninFailures(ctx context.Context, key string, since time.Time) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM signin_failures WHERE key = $1 AND at > $2`, key, T(since)).Scan(&n)
	return n, db.Err(err)
}

// ClearSigninFailures forgets the failures of key after a good sign-in.
func (db *DB) ClearSigninFailures(ctx context.Context, key string) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM signin_failures WHERE key = $1`, key)
	return db.Err(err)
}

// Audit records a security event. orgID may be "" for platform events.
func (db *DB) Audit(ctx context.Context, e tenancy.AuditEntry) error {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	_, err := db.write.ExecContext(ctx, `INSERT INTO audit_log (id, org_id, at, actor_id, action, target, ip, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		core.NewID(), nullable(e.OrgID), T(e.At), nullable(e.ActorID), e.Action, truncate(e.Target, 300), e.IP, truncate(e.Detail, 1000))
	return db.Err(err)
}

// AuditLog lists the newest security events of orgID.
func (db *DB) AuditLog(ctx context.Context, orgID string, limit, offset int) ([]tenancy.AuditEntry, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := db.read.QueryContext(ctx, `SELECT a.id, COALESCE(a.org_id, ''), a.at, COALESCE(a.actor_id, ''), COALESCE(p.name, ''), a.action, a.target, a.ip, a.detail
		FROM audit_log a LEFT JOIN people p ON p.id = a.actor_id AND p.org_id = a.org_id
		WHERE a.org_id = $1 ORDER BY a.at DESC, a.id DESC LIMIT $2 OFFSET $3`, orgID, limit, offset)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []tenancy.AuditEntry
	for rows.Next() {
		var e tenancy.AuditEntry
		if err := rows.Scan(&e.ID, &e.OrgID, Time{&e.At}, &e.ActorID, &e.Actor, &e.Action, &e.Target, &e.IP, &e.Detail); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// APITokens lists the unrevoked tokens of a person of orgID.
func (db *DB) APITokens(ctx context.Context, orgID, personID string) ([]*APIToken, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, org_id, person_id, name, role, created_at, last_used_at FROM api_tokens
		WHERE org_id = $1 AND person_id = $2 AND revoked_at IS NULL ORDER BY created_at DESC`, orgID, personID)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []*APIToken
	for rows.Next() {
		var t APIToken
		if err := rows.Scan(&t.ID, &t.OrgID, &t.PersonID, &t.Name, &t.Role, Time{&t.CreatedAt}, Time{&t.LastUsedAt}); err != nil {
			return nil, err
		}
		out = append(out, &t)
	}
	return out, rows.Err()
}

// RevokeAPIToken revokes a token of a person of orgID. Errors: ENotFound.
func (db *DB) RevokeAPIToken(ctx context.Context, orgID, personID, id string) error {
	res, err := db.write.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $4 WHERE org_id = $1 AND person_id = $2 AND id = $3 AND revoked_at IS NULL`,
		orgID, personID, id, T(time.Now()))
	if err != nil {
		return db.Err(err)
	}
	return mustAffect(res)
}

// SessionContext returns a live session with its person (roles included)
// and organisation: what every signed-in request needs, in two round
// trips instead of four. Errors: ENotFound (no such live session, or its
// person is gone).
func (db *DB) SessionContext(ctx context.Context, hash string, now time.Time) (*Session, *tenancy.Person, *tenancy.Organisation, error) {
	var s Session
	var o tenancy.Organisation
	var p tenancy.Person
	err := db.read.QueryRowContext(ctx, `SELECT se.token_hash, se.person_id, se.org_id, se.csrf, se.created_at, se.expires_at, se.last_seen_at, se.ip, se.user_agent,
	o.id, o.kind, o.name, o.slug, o.default_lang, o.created_at,
	p.id, p.org_id, p.name, COALESCE(p.email, ''), COALESCE(p.employee_number, ''), p.job_title,
	COALESCE(p.team_id, ''), COALESCE(p.site_id, ''), p.start_date, p.language, p.active, p.left_on, p.platform_admin,
	p.created_at, p.updated_at, COALESCE(t.name, ''), COALESCE(si.name, ''), p.password_hash <> '', p.pin_hash <> ''
	FROM sessions se
	JOIN organisations o ON o.id = se.org_id
	JOIN people p ON p.org_id = se.org_id AND p.id = se.person_id
	LEFT JOIN teams t ON t.id = p.team_id AND t.org_id = p.org_id
	LEFT JOIN sites si ON si.id = p.site_id AND si.org_id = p.org_id
	WHERE se.token_hash = $1 AND se.expires_at > $2`, hash, T(now)).Scan(
		&s.TokenHash, &s.PersonID, &s.OrgID, &s.CSRF, Time{&s.CreatedAt}, Time{&s.ExpiresAt}, Time{&s.LastSeenAt}, &s.IP, &s.UserAgent,
		&o.ID, &o.Kind, &o.Name, &o.Slug, &o.DefaultLang, Time{&o.CreatedAt},
		&p.ID, &p.OrgID, &p.Name, &p.Email, &p.EmployeeNumber, &p.JobTitle, &p.TeamID, &p.SiteID,
		Time{&p.StartDate}, &p.Language, &p.Active, Time{&p.LeftOn}, &p.PlatformAdmin,
		Time{&p.CreatedAt}, Time{&p.UpdatedAt}, &p.TeamName, &p.SiteName, &p.HasPassword, &p.HasPIN)
	if err != nil {
		return nil, nil, nil, db.Err(err)
	}
	if p.Roles, err = db.roles(ctx, p.OrgID, p.ID); err != nil {
		return nil, nil, nil, err
	}
	return &s, &p, &o, nil
}
