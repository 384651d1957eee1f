// Package auth holds Baken's credential rules: argon2id password and PIN
// hashes, random tokens and their stored hashes, and sign-in throttling
// limits.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/bakenhq/baken/internal/core"
	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: OWASP's second recommended set (19 MiB, t=2, p=1),
// which keeps a sign-in near 20 ms on a small two-core server.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// HashSecret hashes a password or PIN with argon2id in the PHC string form.
func HashSecret(secret string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(secret), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	releaseSoon()
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckSecret reports whether secret matches a hash made by HashSecret.
// An empty or malformed hash never matches.
func CheckSecret(hash, secret string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(secret), salt, t, m, p, uint32(len(want)))
	releaseSoon()
	return subtle.ConstantTimeCompare(got, want) == 1
}

// DummyCheck spends the time of one CheckSecret, so that a sign-in for an
// unknown account takes as long as one for a known account.
func DummyCheck(secret string) {
	dummyOnce.Do(func() { dummyHash, _ = HashSecret("baken-dummy-secret") })
	CheckSecret(dummyHash, secret)
}

var (
	dummyOnce sync.Once
	dummyHash string
)

// ValidatePassword checks the password policy: at least 10 characters,
// at most 200 (NIST SP 800-63B: length over composition rules).
func ValidatePassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	if n < 10 {
		return &core.Error{Code: core.EInvalid, Field: "password", Message: "must be at least 10 characters", Key: "error.password_short"}
	}
	if n > 200 {
		return &core.Error{Code: core.EInvalid, Field: "password", Message: "must be at most 200 characters", Key: "error.password_long"}
	}
	return nil
}

// ValidatePIN checks a shop-floor PIN: 4 to 8 digits.
func ValidatePIN(pin string) error {
	if len(pin) < 4 || len(pin) > 8 {
		return &core.Error{Code: core.EInvalid, Field: "pin", Message: "must be 4 to 8 digits", Key: "error.pin_format"}
	}
	for _, c := range pin {
		if c < '0' || c > '9' {
			return &core.Error{Code: core.EInvalid, Field: "pin", Message: "must be 4 to 8 digits", Key: "error.pin_format"}
		}
	}
	return nil
}

// NewToken returns a random 256-bit token for cookies, API tokens and CSRF,
// URL-safe.
func NewToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("auth: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// TokenHash is how a high-entropy token is stored: a fast hash is enough,
// because a 256-bit random value cannot be guessed.
func TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Throttling limits, applied over a sliding window.
const (
	MaxFailuresPerAccount = 5
	MaxFailuresPerAddress = 30
)
