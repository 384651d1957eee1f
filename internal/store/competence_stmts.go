package store

import (
	"context"
	"database/sql"
	"sync"
)

// Recording one piece of evidence runs about ten short statements, and on
// SQLite parsing them cost a fifth of the transaction. The evidence
// transaction therefore runs its statements through statements kept
// prepared on the write connection (pgx caches prepared statements by
// itself). A statement can only be prepared outside a transaction (the
// SQLite write pool has one connection, which the transaction holds), so
// a query seen for the first time runs unprepared and is prepared after
// the transaction; the number kept per database is bounded because some
// texts vary with the size of a batch.

const maxPreparedEvidence = 64

type stmtCache struct {
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
	want  map[string]bool
}

var evidenceStmts sync.Map // *DB → *stmtCache

func (db *DB) evidenceCache() *stmtCache {
	if c, ok := evidenceStmts.Load(db); ok {
		return c.(*stmtCache)
	}
	c, _ := evidenceStmts.LoadOrStore(db, &stmtCache{stmts: map[string]*sql.Stmt{}, want: map[string]bool{}})
	return c.(*stmtCache)
}

// preparedTx is a transaction whose queries use the kept statements.
type preparedTx struct {
	tx    *sql.Tx
	cache *stmtCache
}

func (p preparedTx) stmt(ctx context.Context, query string) *sql.Stmt {
	p.cache.mu.Lock()
	st, ok := p.cache.stmts[query]
	if !ok && len(p.cache.stmts)+len(p.cache.want) < maxPreparedEvidence {
		p.cache.want[query] = true
	}
	p.cache.mu.Unlock()
	if !ok {
		return nil
	}
	return p.tx.StmtContext(ctx, st)
}

func (p preparedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return p.tx.ExecContext(ctx, query, args...)
}

func (p preparedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.tx.QueryContext(ctx, query, args...)
}

func (p preparedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.tx.QueryRowContext(ctx, query, args...)
}

// evidenceTx runs fn in a write transaction whose statements are kept
// prepared on SQLite, then prepares the statements it saw first.
func (db *DB) evidenceTx(ctx context.Context, fn func(q Querier) error) error {
	if db.engine != SQLite {
		return db.Tx(ctx, func(tx *sql.Tx) error { return fn(tx) })
	}
	c := db.evidenceCache()
	err := db.Tx(ctx, func(tx *sql.Tx) error { return fn(preparedTx{tx: tx, cache: c}) })
	// Not under the lock: preparing waits for the write connection, which
	// another transaction may hold while it needs the lock.
	c.mu.Lock()
	var want []string
	for query := range c.want {
		want = append(want, query)
	}
	clear(c.want)
	c.mu.Unlock()
	for _, query := range want {
		st, perr := db.write.PrepareContext(ctx, query)
		if perr != nil {
			continue
		}
		c.mu.Lock()
		if _, dup := c.stmts[query]; dup {
			st.Close()
		} else {
			c.stmts[query] = st
		}
		c.mu.Unlock()
	}
	return err
}

var matrixStmts sync.Map // *DB → *stmtCache

// readQuery runs a read query of a matrix through a statement kept
// prepared on SQLite's read pool (parsing the six queries of a team matrix
// was about a twentieth of it); other texts and PostgreSQL query directly.
func (db *DB) readQuery(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if db.engine != SQLite {
		return db.read.QueryContext(ctx, query, args...)
	}
	v, ok := matrixStmts.Load(db)
	if !ok {
		v, _ = matrixStmts.LoadOrStore(db, &stmtCache{stmts: map[string]*sql.Stmt{}})
	}
	c := v.(*stmtCache)
	c.mu.Lock()
	st, ok := c.stmts[query]
	full := len(c.stmts) >= maxPreparedEvidence
	c.mu.Unlock()
	if !ok {
		if full {
			return db.read.QueryContext(ctx, query, args...)
		}
		var err error
		if st, err = db.read.PrepareContext(ctx, query); err != nil {
			return nil, db.Err(err)
		}
		c.mu.Lock()
		if old, dup := c.stmts[query]; dup {
			st.Close()
			st = old
		} else {
			c.stmts[query] = st
		}
		c.mu.Unlock()
	}
	return st.QueryContext(ctx, args...)
}
