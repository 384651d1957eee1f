package xapi

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/store"
)

// Scopes an LRS credential can hold (xAPI Communication 4.2).
const (
	ScopeStatementsWrite    = "statements/write"
	ScopeStatementsRead     = "statements/read"
	ScopeStatementsReadMine = "statements/read/mine"
	ScopeState              = "state"
	ScopeDefine             = "define"
	ScopeProfile            = "profile"
	ScopeAllRead            = "all/read"
	ScopeAll                = "all"
)

// AllScopes lists the scopes in the order the UI shows them.
var AllScopes = []string{ScopeStatementsWrite, ScopeStatementsRead, ScopeStatementsReadMine, ScopeState, ScopeDefine, ScopeProfile, ScopeAllRead, ScopeAll}

// DefaultScopes are given when none are asked for, as the specification
// assumes for OAuth: write statements and read one's own.
var DefaultScopes = []string{ScopeStatementsWrite, ScopeStatementsReadMine}

// DefaultAuthorityHomePage is the account home page of the authority
// agents Baken records; ".invalid" is reserved and never resolves.
const DefaultAuthorityHomePage = "https://baken.invalid/lrs"

// Credential is an authenticated LRS client.
type Credential struct {
	ID        string
	OrgID     string
	Name      string
	Scopes    map[string]bool
	Authority map[string]any
}

func (c *Credential) has(scopes ...string) bool {
	if c.Scopes[ScopeAll] {
		return true
	}
	for _, s := range scopes {
		if c.Scopes[s] {
			return true
		}
	}
	return false
}

// canWriteStatements: statements/write or all.
func (c *Credential) canWriteStatements() bool { return c.has(ScopeStatementsWrite) }

// readAll reports whether c reads every statement; readMine whether it
// reads only those it wrote.
func (c *Credential) readAll() bool  { return c.has(ScopeStatementsRead, ScopeAllRead) }
func (c *Credential) readMine() bool { return !c.readAll() && c.has(ScopeStatementsReadMine) }

// canDocs tells whether c may read (write=false) or write documents of the
// scope (state or profile).
func (c *Credential) canDocs(scope string, write bool) bool {
	if c.has(scope) {
		return true
	}
	return !write && c.has(ScopeAllRead)
}

// CreatedCredential is what CreateCredential returns: the secret is shown
// once and never stored.
type CreatedCredential struct {
	Key, Secret string
	Scopes      []string
}

// ValidScopes checks a list of scope names.
func ValidScopes(scopes []string) error {
	for _, s := range scopes {
		ok := false
		for _, a := range AllScopes {
			if s == a {
				ok = true
			}
		}
		if !ok {
			return core.Invalid("scopes", "unknown scope %q (known: %s)", s, strings.Join(AllScopes, ", "))
		}
	}
	return nil
}

// CreateCredential makes an LRS key and secret for orgID with the scopes
// (DefaultScopes when empty). The secret has 256 bits of entropy, so a
// single HMAC-SHA256 under the platform key protects it at rest and checks
// it in microseconds. Errors: EInvalid.
func CreateCredential(ctx context.Context, db *store.DB, orgID, name string, scopes []string) (*CreatedCredential, error) {
	if len(scopes) == 0 {
		scopes = DefaultScopes
	}
	if err := ValidScopes(scopes); err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	if name == "" {
		name = "LRS client"
	}
	if len(name) > 200 {
		return nil, core.Invalid("name", "is at most 200 characters")
	}
	key := "lrs_" + randHex(12)
	var sb [32]byte
	if _, err := rand.Read(sb[:]); err != nil {
		return nil, err
	}
	secret := base64.RawURLEncoding.EncodeToString(sb[:])
	hk, err := hmacKey(ctx, db)
	if err != nil {
		return nil, err
	}
	auth := map[string]any{
		"objectType": "Agent",
		"name":       name,
		"account":    map[string]any{"homePage": DefaultAuthorityHomePage, "name": key},
	}
	c := &store.XAPICredential{
		ID: key, Name: name, SecretHash: secretHash(hk, secret), Scopes: scopes, Authority: encodeJSON(auth),
	}
	if err := db.XAPICreateCredential(ctx, orgID, c); err != nil {
		return nil, err
	}
	return &CreatedCredential{Key: key, Secret: secret, Scopes: scopes}, nil
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func secretHash(key []byte, secret string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(secret))
	return hex.EncodeToString(m.Sum(nil))
}

var hmacKeys sync.Map // *store.DB → []byte

func hmacKey(ctx context.Context, db *store.DB) ([]byte, error) {
	if k, ok := hmacKeys.Load(db); ok {
		return k.([]byte), nil
	}
	k, err := db.XAPIHMACKey(ctx)
	if err != nil {
		return nil, err
	}
	hmacKeys.Store(db, k)
	return k, nil
}

// credCache keeps credentials looked up by key for a short while, so that
// a busy client costs one HMAC per request and no query. A revoked
// credential stops working within credTTL.
type credCache struct {
	db *store.DB
	mu sync.Mutex
	m  map[string]cachedCred
}

type cachedCred struct {
	rec     *store.XAPICredential
	cred    *Credential
	expires time.Time
}

const credTTL = 30 * time.Second

var errBadCredentials = errors.New("xapi: unknown key or wrong secret")

func (cc *credCache) verify(ctx context.Context, key, secret string) (*Credential, error) {
	now := time.Now()
	cc.mu.Lock()
	e, ok := cc.m[key]
	cc.mu.Unlock()
	if !ok || now.After(e.expires) {
		rec, err := cc.db.XAPICredentialByKey(ctx, key)
		if errors.Is(err, core.ErrNotFound) {
			return nil, errBadCredentials
		}
		if err != nil {
			return nil, err
		}
		cred := &Credential{ID: rec.ID, OrgID: rec.OrgID, Name: rec.Name, Scopes: map[string]bool{}}
		for _, s := range rec.Scopes {
			cred.Scopes[s] = true
		}
		if err := json.Unmarshal(rec.Authority, &cred.Authority); err != nil {
			return nil, fmt.Errorf("xapi: credential %s authority: %w", key, err)
		}
		e = cachedCred{rec: rec, cred: cred, expires: now.Add(credTTL)}
		cc.mu.Lock()
		if len(cc.m) > 10000 {
			cc.m = map[string]cachedCred{}
		}
		cc.m[key] = e
		cc.mu.Unlock()
	}
	hk, err := hmacKey(ctx, cc.db)
	if err != nil {
		return nil, err
	}
	if !hmac.Equal([]byte(secretHash(hk, secret)), []byte(e.rec.SecretHash)) || !e.rec.RevokedAt.IsZero() {
		return nil, errBadCredentials
	}
	return e.cred, nil
}
