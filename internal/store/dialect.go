package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/core"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// This file is the whole list of places where SQLite and PostgreSQL differ
// at run time (the rest is in the per-engine migrations): error codes and
// the text form of timestamps.

// TimeLayout is how timestamps are bound: fixed width, UTC, microseconds.
// SQLite compares timestamps as text, so every stored value must have the
// same width and zone or range queries silently miss rows; PostgreSQL
// parses the same text into timestamptz.
const TimeLayout = "2006-01-02T15:04:05.000000Z"

// T binds a time.Time for either engine.
func T(t time.Time) string { return t.UTC().Format(TimeLayout) }

// NT binds an optional time: the zero time becomes NULL.
func NT(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return T(t)
}

// Time scans a timestamp from either engine (text on SQLite, timestamptz
// on PostgreSQL) into a UTC time.Time; NULL becomes the zero time.
type Time struct{ T *time.Time }

// Scan implements sql.Scanner.
func (s Time) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*s.T = time.Time{}
	case time.Time:
		*s.T = v.UTC()
	case string:
		return s.parse(v)
	case []byte:
		return s.parse(string(v))
	default:
		return fmt.Errorf("store: cannot scan %T into a time", v)
	}
	return nil
}

func (s Time) parse(v string) error {
	for _, layout := range []string{TimeLayout, time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			*s.T = t.UTC()
			return nil
		}
	}
	return fmt.Errorf("store: cannot parse time %q", v)
}

// Date binds a calendar date (no time of day) as YYYY-MM-DD text on both
// engines; columns holding dates are TEXT on SQLite and DATE on PostgreSQL.
func Date(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format("2006-01-02")
}

func mapErr(engine Engine, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return core.ErrNotFound
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %s", core.ErrConflict, constraintName(se.Error()))
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return core.Errorf(core.EInvalid, "refers to a record that does not exist")
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return fmt.Errorf("%w: %s", core.ErrConflict, pe.ConstraintName)
		case "23503":
			return core.Errorf(core.EInvalid, "refers to a record that does not exist")
		}
	}
	return err
}

func constraintName(msg string) string {
	if i := strings.LastIndex(msg, "failed: "); i >= 0 {
		return msg[i+len("failed: "):]
	}
	return msg
}
