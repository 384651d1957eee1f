// Package store is Baken's one storage layer over database/sql. The same
// queries, written with $N placeholders, run on embedded SQLite
// (modernc.org/sqlite, pure Go) and on PostgreSQL (pgx). The differences
// between the engines live in dialect.go and in the per-engine migration
// files, nowhere else.
//
// Every method that touches tenant data takes the organisation id right
// after ctx, and its query filters on org_id.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// Engine names a database engine.
type Engine string

const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DB is an open Baken database. It is safe for concurrent use.
type DB struct {
	engine Engine
	// write takes every write. On SQLite it holds one connection, because
	// SQLite admits one writer at a time and a queue in Go is cheaper than
	// busy retries; on PostgreSQL write and read are the same pool.
	write *sql.DB
	read  *sql.DB
	path  string // SQLite file, for backups
}

// Options configure Open.
type Options struct {
	// DatabaseURL selects PostgreSQL when set (postgres://…).
	DatabaseURL string
	// DataDir holds baken.db when DatabaseURL is empty.
	DataDir string
	// SQLitePath overrides DataDir/baken.db (tests use a temporary file).
	SQLitePath string
}

// Open connects to the database the options name. It does not migrate.
func Open(ctx context.Context, opt Options) (*DB, error) {
	if opt.DatabaseURL != "" {
		return openPostgres(ctx, opt.DatabaseURL)
	}
	path := opt.SQLitePath
	if path == "" {
		if opt.DataDir == "" {
			opt.DataDir = "baken-data"
		}
		if err := os.MkdirAll(opt.DataDir, 0o750); err != nil {
			return nil, fmt.Errorf("store: data folder: %w", err)
		}
		path = filepath.Join(opt.DataDir, "baken.db")
	}
	return openSQLite(ctx, path)
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	// busy_timeout comes first so that the other pragmas wait instead of
	// failing while another process holds the file.
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-32000)&_pragma=mmap_size(1073741824)&_time_format=sqlite"
	// The writer keeps statement journals of multi-row inserts in memory
	// (in a temporary file they doubled the writes of an xAPI batch) and
	// checkpoints the WAL every 10,000 pages rather than 1,000, so that a
	// stream of small commits is not interrupted by copying pages back.
	write, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=temp_store(MEMORY)&_pragma=wal_autocheckpoint(10000)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	read, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	read.SetMaxOpenConns(4)
	read.SetMaxIdleConns(4)
	read.SetConnMaxIdleTime(5 * time.Minute)
	db := &DB{engine: SQLite, write: write, read: read, path: path}
	if err := write.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: sqlite %s: %w", path, err)
	}
	return db, nil
}

func openPostgres(ctx context.Context, url string) (*DB, error) {
	pool, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("store: open postgres: %w", err)
	}
	pool.SetMaxOpenConns(20)
	pool.SetMaxIdleConns(10)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: postgres: %w", err)
	}
	return &DB{engine: Postgres, write: pool, read: pool}, nil
}

// Close closes the pools.
func (db *DB) Close() error {
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Engine reports which engine this is.
func (db *DB) Engine() Engine { return db.engine }

// Path is the SQLite file, or "" on PostgreSQL.
func (db *DB) Path() string { return db.path }

// Stats returns the pool statistics of the write and read pools.
func (db *DB) Stats() (write, read sql.DBStats) { return db.write.Stats(), db.read.Stats() }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.read.PingContext(ctx) }

// Querier is what both *sql.DB and *sql.Tx offer; store helpers take it so
// that they run inside or outside a transaction alike.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// R is the pool for reads outside a transaction.
func (db *DB) R() Querier { return db.read }

// W is the pool for single-statement writes outside a transaction.
func (db *DB) W() Querier { return db.write }

// Tx runs fn in a write transaction and commits when fn returns nil. Any
// error, or a panic, rolls everything back: imports rely on that to be
// all-or-nothing.
func (db *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", mapErr(db.engine, err))
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", mapErr(db.engine, err))
	}
	return nil
}

// Err maps a driver error to Baken's sentinels: a unique violation becomes
// core.ErrConflict, sql.ErrNoRows becomes core.ErrNotFound, on both engines.
func (db *DB) Err(err error) error { return mapErr(db.engine, err) }

// In returns "$n,$n+1,…" for k values, for IN lists built at run time.
func In(start, k int) string {
	var b strings.Builder
	for i := 0; i < k; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "$%d", start+i)
	}
	return b.String()
}
