package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/bakenhq/baken/internal/competence"
)

// level_packs holds, per person, all current levels as one fixed-layout
// string (migration 0102): a matrix then reads one row per person, which
// matters because the SQLite driver's cost is per row and column. It is
// rebuilt from current_levels whenever they change, in the same
// transaction.

const packEntry = 36 + 3 + 27 // competence, level, validated, self, valid_until

func appendPack(b *strings.Builder, c competence.Current) {
	b.WriteString(c.CompetenceID)
	b.WriteByte(byte('0' + c.Level))
	if c.Validated {
		b.WriteByte('1')
	} else {
		b.WriteByte('0')
	}
	b.WriteByte(byte('0' + c.SelfLevel))
	if c.ValidUntil.IsZero() {
		b.WriteByte('-')
	} else {
		b.WriteString(T(c.ValidUntil))
	}
}

// unpack reads a person's packed levels.
func unpack(person, v string, fn func(competence.Current)) error {
	return unpackFiltered(person, v, nil, func(_ int, c competence.Current) { fn(c) })
}

// unpackFiltered reads the packed levels of the competences that column
// places (all, at column 0, when column is nil).
func unpackFiltered(person, v string, column func(competenceID string) (int, bool), fn func(int, competence.Current)) error {
	for len(v) > 0 {
		if len(v) < 40 {
			return fmt.Errorf("level pack: short entry %q", v)
		}
		n := 40
		if v[39] != '-' {
			n = 39 + 27
		}
		if len(v) < n {
			return fmt.Errorf("level pack: short date in %q", v)
		}
		j := 0
		if column != nil {
			var ok bool
			if j, ok = column(v[0:36]); !ok {
				v = v[n:]
				continue
			}
		}
		c := competence.Current{PersonID: person, CompetenceID: v[0:36], Level: int(v[36] - '0'), Validated: v[37] == '1', SelfLevel: int(v[38] - '0')}
		if n > 40 {
			t, ok := parseFixed(v[39:n])
			if !ok {
				return fmt.Errorf("level pack: bad date in %q", v)
			}
			c.ValidUntil = t
		}
		v = v[n:]
		fn(j, c)
	}
	return nil
}

// patchPack puts one re-derived level into its person's pack: one row
// read and one written, whatever the number of levels the person has.
func (db *DB) patchPack(ctx context.Context, q Querier, orgID string, c competence.Current) error {
	var old string
	err := q.QueryRowContext(ctx, `SELECT packed FROM level_packs WHERE org_id = $1 AND person_id = $2`, orgID, c.PersonID).Scan(&old)
	if err != nil && err != sql.ErrNoRows {
		return db.Err(err)
	}
	var b strings.Builder
	b.Grow(len(old) + packEntry)
	done := false
	err = unpack(c.PersonID, old, func(x competence.Current) {
		switch {
		case x.CompetenceID == c.CompetenceID:
			return // replaced below, in order
		case !done && x.CompetenceID > c.CompetenceID:
			appendPack(&b, c)
			done = true
		}
		appendPack(&b, x)
	})
	if err != nil {
		return err
	}
	if !done {
		appendPack(&b, c)
	}
	_, err = q.ExecContext(ctx, `INSERT INTO level_packs (org_id, person_id, packed) VALUES ($1, $2, $3)
		ON CONFLICT (org_id, person_id) DO UPDATE SET packed = excluded.packed`, orgID, c.PersonID, b.String())
	return db.Err(err)
}

// packAll builds every person's pack from a full derivation (sorted by
// person), for RebuildCurrentLevels.
func packAll(orgID string, all []competence.Current) [][]any {
	var out [][]any
	var b strings.Builder
	cur := ""
	flush := func() {
		if cur != "" {
			out = append(out, []any{orgID, cur, b.String()})
		}
		b.Reset()
	}
	for _, c := range all {
		if c.PersonID != cur {
			flush()
			cur = c.PersonID
		}
		appendPack(&b, c)
	}
	flush()
	return out
}
