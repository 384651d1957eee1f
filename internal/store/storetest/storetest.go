// Package storetest opens fresh, migrated databases for tests: SQLite
// always, PostgreSQL when BAKEN_TEST_DATABASE_URL is set. Each call gets
// its own SQLite file or PostgreSQL schema, so parallel runs never collide.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/bakenhq/baken/internal/store"
)

// Strict reports whether skipped prerequisites must fail the test
// (BAKEN_TEST_STRICT=1, as CI sets it).
func Strict() bool { return os.Getenv("BAKEN_TEST_STRICT") == "1" }

// SkipOrFail skips t with reason, or fails it in strict mode.
func SkipOrFail(t testing.TB, reason string) {
	t.Helper()
	if Strict() {
		t.Fatalf("BAKEN_TEST_STRICT=1 but %s", reason)
	}
	t.Skip(reason)
}

// Each runs fn as a subtest once per engine, each with a fresh database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// Options returns store options for a fresh database of the engine: a
// temporary SQLite file, or a new PostgreSQL schema dropped at cleanup.
func Options(t testing.TB, engine store.Engine) store.Options {
	t.Helper()
	if engine == store.SQLite {
		return store.Options{SQLitePath: filepath.Join(t.TempDir(), "baken.db")}
	}
	base := os.Getenv("BAKEN_TEST_DATABASE_URL")
	if base == "" {
		SkipOrFail(t, "PostgreSQL tests need BAKEN_TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("storetest: create schema: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		_, _ = admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("storetest: BAKEN_TEST_DATABASE_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return store.Options{DatabaseURL: u.String()}
}

// Open opens and migrates a fresh database of the engine.
func Open(t testing.TB, engine store.Engine) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), Options(t, engine))
	if err != nil {
		t.Fatalf("storetest: open %s: %v", engine, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("storetest: migrate %s: %v", engine, err)
	}
	return db
}

// SQLite opens a fresh, migrated SQLite database.
func SQLite(t testing.TB) *store.DB { return Open(t, store.SQLite) }

// Postgres opens a fresh, migrated PostgreSQL schema, or skips.
func Postgres(t testing.TB) *store.DB { return Open(t, store.Postgres) }
