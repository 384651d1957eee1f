package store

import (
	"context"
	"fmt"
	"os"
)

// Backup writes a consistent copy of the SQLite database to file while the
// server keeps serving: VACUUM INTO reads one snapshot inside a read
// transaction, so concurrent writers neither block nor leak into it.
func (db *DB) Backup(ctx context.Context, file string) (int64, error) {
	if db.engine != SQLite {
		return 0, fmt.Errorf("store: backup is for SQLite; use pg_dump on PostgreSQL")
	}
	// The read pool is query_only; VACUUM INTO writes a new file, not this
	// database, but SQLite counts it as a write, so use the write pool.
	if _, err := db.write.ExecContext(ctx, `VACUUM INTO $1`, file); err != nil {
		return 0, fmt.Errorf("store: backup: %w", err)
	}
	st, err := os.Stat(file)
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}
