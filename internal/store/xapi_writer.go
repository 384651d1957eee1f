package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// XAPIWrite runs fn in a write transaction for orgID's LRS: all that fn
// wrote is stored, or, when fn returns an error, none of it. It returns
// once what fn wrote is committed.
//
// On SQLite, which has one writer, the writes of concurrent callers are
// committed together (group commit): one goroutine runs each caller's fn
// in turn inside one transaction and commits them all at once, which
// writes each shared page once instead of once per caller. fn sees the
// writes of the callers before it in the group, as it would after their
// commit. A caller's fn that fails before writing anything (the usual
// failure: a rule it checks) leaves the others alone; one that fails after
// a write rolls the group back, and the others run again, without it, in
// a new transaction. fn must therefore do its checks first and may run
// more than once. Its queries run with a context that is never cancelled
// (interrupting SQLite mid-write rolls back the whole transaction); a
// caller whose context ends before its turn gets ctx.Err().
//
// On PostgreSQL every caller gets its own transaction: the server runs
// them side by side and groups their commits itself.
func (db *DB) XAPIWrite(ctx context.Context, orgID string, fn func(t *XAPITx) error) error {
	if err := db.xapiPrepare(ctx); err != nil {
		return err
	}
	org, err := db.xapiOrg(ctx, orgID, true)
	if err != nil {
		return err
	}
	if db.engine != SQLite {
		return db.Tx(ctx, func(tx *sql.Tx) error {
			return fn(&XAPITx{tx: tx, db: db, orgID: orgID, org: org})
		})
	}
	j := &xapiJob{ctx: ctx, orgID: orgID, org: org, fn: fn, done: make(chan struct{})}
	xapiWriterOf(db).submit(db, j)
	<-j.done
	if j.panic != nil {
		panic(j.panic)
	}
	return j.err
}

// xapiGroupMax bounds how many callers share one transaction, so that the
// first of them does not wait for ever behind a stream of others.
const xapiGroupMax = 32

type xapiJob struct {
	ctx   context.Context
	orgID string
	org   int64
	fn    func(t *XAPITx) error
	err   error
	panic any
	done  chan struct{}
}

// xapiWriter queues the jobs of one database. A goroutine runs while there
// are jobs and ends when the queue is empty.
type xapiWriter struct {
	mu      sync.Mutex
	queue   []*xapiJob
	running bool
}

var xapiWriters sync.Map // *DB → *xapiWriter

func xapiWriterOf(db *DB) *xapiWriter {
	w, _ := xapiWriters.LoadOrStore(db, &xapiWriter{})
	return w.(*xapiWriter)
}

func (w *xapiWriter) submit(db *DB, j *xapiJob) {
	w.mu.Lock()
	w.queue = append(w.queue, j)
	if !w.running {
		w.running = true
		go w.run(db)
	}
	w.mu.Unlock()
}

// run commits groups of queued jobs until none is left: the jobs that
// arrive while one group commits form the next.
func (w *xapiWriter) run(db *DB) {
	for {
		w.mu.Lock()
		n := min(len(w.queue), xapiGroupMax)
		if n == 0 {
			w.running = false
			w.mu.Unlock()
			return
		}
		group := make([]*xapiJob, n)
		copy(group, w.queue)
		w.queue = append(w.queue[:0], w.queue[n:]...)
		w.mu.Unlock()
		db.xapiCommitGroup(group)
		for _, j := range group {
			close(j.done)
		}
	}
}

// xapiCommitGroup runs the jobs in one transaction and commits. A job
// that fails after writing rolls the transaction back; the jobs that had
// succeeded then run again without it. A failed commit fails every job
// that had succeeded.
func (db *DB) xapiCommitGroup(group []*xapiJob) {
	ctx := context.Background()
	for len(group) > 0 {
		tx, err := db.write.BeginTx(ctx, nil)
		if err != nil {
			for _, j := range group {
				j.err = fmt.Errorf("store: begin: %w", mapErr(db.engine, err))
			}
			return
		}
		var ok []*xapiJob
		var again []*xapiJob // jobs to run again after a rollback
		for i, j := range group {
			if err := j.ctx.Err(); err != nil {
				j.err = err
				continue
			}
			t := &XAPITx{tx: tx, db: db, orgID: j.orgID, org: j.org, group: true}
			j.panic, j.err = runJob(t, j.fn)
			if j.err == nil && j.panic == nil {
				ok = append(ok, j)
				continue
			}
			// A panic may have left the transaction mid-statement: treat
			// it as a failure after a write.
			if t.wrote || j.panic != nil {
				again = append(ok, group[i+1:]...)
				break
			}
		}
		if again != nil {
			_ = tx.Rollback()
			for _, j := range again {
				j.err, j.panic = nil, nil
			}
			group = again
			continue
		}
		if len(ok) == 0 {
			_ = tx.Rollback()
			return
		}
		if err := tx.Commit(); err != nil {
			err = fmt.Errorf("store: commit: %w", mapErr(db.engine, err))
			for _, j := range ok {
				j.err = err
			}
		}
		return
	}
}

func runJob(t *XAPITx, fn func(t *XAPITx) error) (p any, err error) {
	defer func() {
		if r := recover(); r != nil {
			p = r
		}
	}()
	return nil, fn(t)
}
