package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"
)

// Migrations live in migrations/<engine>/NNNN_name.sql, the same file names
// for both engines (a test holds them to that). Numbers are reserved by
// area so that work on different areas never collides:
//
//	0001–0099 core (tenancy, people, auth, audit)
//	0100–0199 competences, evidence, matrix, campaigns
//	0200–0299 roadmap, gaps, development plans
//	0300–0399 learning catalogue, places, search
//	0400–0499 open courses, paths, enrolment
//	0500–0599 xAPI learning record store
//	0600–0699 projects, reflection, lessons learned
//
//go:embed migrations
var migrationFS embed.FS

// ErrSchemaTooNew is returned when the database has migrations this binary
// does not know: an older binary must not write to a newer schema.
var ErrSchemaTooNew = fmt.Errorf("store: the database schema is newer than this version of Baken; run the newer version or restore a backup")

type migration struct {
	name string
	sql  string
}

func (db *DB) migrations() ([]migration, error) {
	dir := "migrations/" + string(db.engine)
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		b, err := migrationFS.ReadFile(dir + "/" + e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{name: strings.TrimSuffix(e.Name(), ".sql"), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].name < ms[j].name })
	return ms, nil
}

// Migrate applies every migration the database lacks, each in its own
// transaction, and refuses a schema newer than this binary. On PostgreSQL
// an advisory lock lets several nodes start at once.
func (db *DB) Migrate(ctx context.Context) (applied []string, err error) {
	ms, err := db.migrations()
	if err != nil {
		return nil, err
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if db.engine == Postgres {
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(7426011)`); err != nil {
			return nil, fmt.Errorf("store: migration lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(7426011)`)
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("store: migrations table: %w", err)
	}
	done, err := appliedMigrations(ctx, conn)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, m := range ms {
		known[m.name] = true
	}
	for name := range done {
		if !known[name] {
			return nil, fmt.Errorf("%w (unknown migration %s)", ErrSchemaTooNew, name)
		}
	}
	for _, m := range ms {
		if done[m.name] {
			continue
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return applied, err
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			tx.Rollback()
			return applied, fmt.Errorf("store: migration %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)`, m.name, T(time.Now())); err != nil {
			tx.Rollback()
			return applied, fmt.Errorf("store: migration %s: %w", m.name, err)
		}
		if err := tx.Commit(); err != nil {
			return applied, fmt.Errorf("store: migration %s: %w", m.name, err)
		}
		applied = append(applied, m.name)
	}
	return applied, nil
}

// Pending lists migrations not yet applied, without applying them.
func (db *DB) Pending(ctx context.Context) ([]string, error) {
	ms, err := db.migrations()
	if err != nil {
		return nil, err
	}
	conn, err := db.read.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	done, err := appliedMigrations(ctx, conn)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range ms {
		if !done[m.name] {
			out = append(out, m.name)
		}
	}
	return out, nil
}

func appliedMigrations(ctx context.Context, conn *sql.Conn) (map[string]bool, error) {
	done := map[string]bool{}
	rows, err := conn.QueryContext(ctx, `SELECT name FROM schema_migrations`)
	if err != nil {
		// A database that has never been migrated has no table yet.
		if strings.Contains(err.Error(), "schema_migrations") {
			return done, nil
		}
		return nil, fmt.Errorf("store: read migrations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		done[n] = true
	}
	return done, rows.Err()
}
