package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

var (
	shapeStatementsBulk = newShape(xapiInsertStatements, "", [2]string{}, 8, 256, 32, 8, 1)
	shapeKeysBulk       = newShape(xapiInsertKeys, " ON CONFLICT DO NOTHING", [2]string{"INSERT OR IGNORE INTO xapi_keys (org, key_hash, seq, direct)", ""}, 4, 1024, 128, 16, 1)
)

func init() { xapiShapes = append(xapiShapes, shapeStatementsBulk, shapeKeysBulk) }

type xapiKeyRow struct {
	hash, seq int64
	direct    bool
}

// sortKeyRows puts rows in the order of the index: (key_hash, seq).
func sortKeyRows(rows []xapiKeyRow) {
	slices.SortFunc(rows, func(a, b xapiKeyRow) int {
		if c := cmp.Compare(a.hash, b.hash); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
}

// XAPIBulkLoad stores statements new to orgID's LRS much faster than
// XAPIWrite: an archive moved from another LRS, or a benchmark's data.
// next returns the statements batch by batch (ids new, seqs increasing
// across batches, bodies and keys complete, as internal/xapi prepares
// them) and an empty batch at the end. Each batch of statements is
// committed on its own; their filter keys are written last, sorted, so
// that each index page is written once instead of once per statement that
// touches it. Queries by filter find the statements only once the load
// has returned, and a load that fails halfway leaves the statements it
// committed without their keys: load into an LRS nobody uses yet.
// It returns the number of statements stored.
func (db *DB) XAPIBulkLoad(ctx context.Context, orgID string, next func() ([]*XAPIStatement, error)) (int, error) {
	if err := db.xapiPrepare(ctx); err != nil {
		return 0, err
	}
	org, err := db.xapiOrg(ctx, orgID, true)
	if err != nil {
		return 0, err
	}
	var keys []xapiKeyRow
	n := 0
	for {
		batch, err := next()
		if err != nil {
			return n, err
		}
		if len(batch) == 0 {
			break
		}
		if db.engine == Postgres {
			rows := make([][]any, len(batch))
			for i := range batch {
				rows[i] = statementArgs(make([]any, 0, 8), orgID, batch[i:i+1])
			}
			err = db.copyFrom(ctx, "xapi_statements", []string{"org_id", "id", "seq", "verb", "ref_id", "voided", "credential_id", "body"}, rows)
		} else {
			args := statementArgs(make([]any, 0, len(batch)*8), orgID, batch)
			err = db.Tx(ctx, func(tx *sql.Tx) error {
				return multiInsert(ctx, db, tx, shapeStatementsBulk, args)
			})
		}
		if err != nil {
			return n, fmt.Errorf("xapi bulk load: %w", db.Err(err))
		}
		for _, s := range batch {
			for _, k := range s.Keys {
				keys = append(keys, xapiKeyRow{k.hash(), s.Seq, k.Direct})
			}
		}
		n += len(batch)
	}
	sortKeyRows(keys)
	const perTx = 100_000
	if db.engine == Postgres {
		rows := make([][]any, 0, perTx)
		for i := 0; i < len(keys); i += perTx {
			rows = rows[:0]
			for _, k := range keys[i:min(i+perTx, len(keys))] {
				rows = append(rows, []any{org, k.hash, k.seq, k.direct})
			}
			if err := db.copyFrom(ctx, "xapi_keys", []string{"org", "key_hash", "seq", "direct"}, rows); err != nil {
				return n, fmt.Errorf("xapi bulk load keys: %w", db.Err(err))
			}
		}
		return n, nil
	}
	args := make([]any, 0, perTx*4)
	for i := 0; i < len(keys); i += perTx {
		args = args[:0]
		for _, k := range keys[i:min(i+perTx, len(keys))] {
			args = append(args, org, k.hash, k.seq, k.direct)
		}
		if err := db.Tx(ctx, func(tx *sql.Tx) error {
			return multiInsert(ctx, db, tx, shapeKeysBulk, args)
		}); err != nil {
			return n, fmt.Errorf("xapi bulk load keys: %w", db.Err(err))
		}
	}
	return n, nil
}

// copyFrom loads rows into table with PostgreSQL's COPY, in a transaction
// of its own.
func (db *DB) copyFrom(ctx context.Context, table string, cols []string, rows [][]any) error {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		_, err := dc.(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
		return err
	})
}
