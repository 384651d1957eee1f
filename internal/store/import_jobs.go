package store

import (
	"context"
	"time"

	"github.com/bakenhq/baken/internal/core"
)

// ImportJob is one run of a long import started from the web.
type ImportJob struct {
	ID         string
	OrgID      string
	Kind       string // "esco", "digcomp"
	StartedBy  string // person id
	Status     string // ImportRunning, ImportDone, ImportFailed
	Stage      string // what it is doing now, for people
	Done       int
	Total      int
	Message    string // the outcome: a report, or what went wrong
	StartedAt  time.Time
	UpdatedAt  time.Time
	FinishedAt time.Time
}

// The states of an ImportJob.
const (
	ImportRunning = "running"
	ImportDone    = "done"
	ImportFailed  = "failed"
)

// importJobStale is how long a running job may go without reporting
// progress before it counts as interrupted (its node stopped).
const importJobStale = 2 * time.Minute

// Interrupted reports whether a job said to be running has stopped
// reporting: the node running it went away.
func (j *ImportJob) Interrupted(now time.Time) bool {
	return j.Status == ImportRunning && now.Sub(j.UpdatedAt) > importJobStale
}

// CreateImportJob records the start of an import by a person of orgID.
func (db *DB) CreateImportJob(ctx context.Context, orgID string, j *ImportJob) error {
	now := time.Now().UTC()
	j.ID, j.OrgID, j.Status, j.StartedAt, j.UpdatedAt = core.NewID(), orgID, ImportRunning, now, now
	_, err := db.write.ExecContext(ctx, `INSERT INTO import_jobs (id, org_id, kind, started_by, status, stage, started_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, j.ID, orgID, j.Kind, j.StartedBy, j.Status, j.Stage, T(now), T(now))
	return db.Err(err)
}

// ImportJobProgress records how far a running job is.
func (db *DB) ImportJobProgress(ctx context.Context, orgID, id, stage string, done, total int) error {
	_, err := db.write.ExecContext(ctx, `UPDATE import_jobs SET stage = $1, done = $2, total = $3, updated_at = $4
WHERE org_id = $5 AND id = $6 AND status = $7`, stage, done, total, T(time.Now()), orgID, id, ImportRunning)
	return db.Err(err)
}

// FinishImportJob records a job's outcome: failed when failure is true.
func (db *DB) FinishImportJob(ctx context.Context, orgID, id string, failure bool, message string) error {
	status := ImportDone
	if failure {
		status = ImportFailed
	}
	now := T(time.Now())
	_, err := db.write.ExecContext(ctx, `UPDATE import_jobs SET status = $1, message = $2, updated_at = $3, finished_at = $3
WHERE org_id = $4 AND id = $5`, status, message, now, orgID, id)
	return db.Err(err)
}

const importJobColumns = `id, org_id, kind, started_by, status, stage, done, total, message, started_at, updated_at, finished_at`

func scanImportJob(row interface{ Scan(...any) error }) (*ImportJob, error) {
	var j ImportJob
	err := row.Scan(&j.ID, &j.OrgID, &j.Kind, &j.StartedBy, &j.Status, &j.Stage, &j.Done, &j.Total, &j.Message,
		Time{&j.StartedAt}, Time{&j.UpdatedAt}, Time{&j.FinishedAt})
	return &j, err
}

// ImportJob returns a job of orgID.
func (db *DB) ImportJob(ctx context.Context, orgID, id string) (*ImportJob, error) {
	j, err := scanImportJob(db.read.QueryRowContext(ctx, `SELECT `+importJobColumns+` FROM import_jobs WHERE org_id = $1 AND id = $2`, orgID, id))
	if err != nil {
		return nil, db.Err(err)
	}
	return j, nil
}

// ImportJobs lists orgID's latest jobs, newest first.
func (db *DB) ImportJobs(ctx context.Context, orgID string, limit int) ([]*ImportJob, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+importJobColumns+` FROM import_jobs WHERE org_id = $1 ORDER BY started_at DESC, id DESC LIMIT $2`, orgID, limit)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []*ImportJob
	for rows.Next() {
		j, err := scanImportJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}
