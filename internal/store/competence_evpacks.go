package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/competence"
)

// evidence_packs (migration 0103) holds, per person, a copy of all their
// evidence in one fixed-layout string, in the order the rules apply it
// (competence, recorded_at, id). The evidence table stays the source of
// truth; the pack is rewritten in the same transaction as every evidence
// insert, and RebuildEvidencePacks rebuilds it from the table. It exists
// because the SQLite driver's cost is per row and column: a derivation
// over every person reads 10,000 packs instead of 500,000 evidence rows.
//
// Entry: competence_id(36) recorded_at(27, TimeLayout) id(36) level(1
// digit) kind(1 code, see kindCode) valid_until(27) or "-" when it does
// not expire. The first 99 bytes sort in rule order.

const (
	evKeyLen  = 36 + 27 + 36
	evMinLen  = evKeyLen + 3
	evFullLen = evKeyLen + 2 + 27
)

// kindCode is the storage code of each kind in a pack; the migration's
// backfill spells the same table as a CASE expression.
var kindCode = map[competence.Kind]byte{
	competence.SelfAssessment: 's', competence.Validation: 'v', competence.Assessment: 'a', competence.Learning: 'l',
	competence.Quiz: 'q', competence.Lab: 'b', competence.Project: 'p', competence.Certificate: 'c',
}

var kindOfCode = func() (k [256]competence.Kind) {
	for kind, c := range kindCode {
		k[c] = kind
	}
	return
}()

// evEntry encodes one piece of evidence for a pack.
func evEntry(e *competence.Evidence) (string, error) {
	code, ok := kindCode[e.Kind]
	if !ok || len(e.CompetenceID) != 36 || len(e.ID) != 36 || e.Level < 0 || e.Level > 9 {
		return "", fmt.Errorf("evidence pack: cannot encode %s/%s/%q level %d", e.ID, e.CompetenceID, e.Kind, e.Level)
	}
	var b strings.Builder
	b.Grow(evFullLen)
	b.WriteString(e.CompetenceID)
	b.WriteString(T(e.RecordedAt))
	b.WriteString(e.ID)
	b.WriteByte(byte('0' + e.Level))
	b.WriteByte(code)
	if e.ValidUntil.IsZero() {
		b.WriteByte('-')
	} else {
		b.WriteString(T(e.ValidUntil))
	}
	return b.String(), nil
}

// splitPack cuts a pack into its entries (substrings, not copies).
func splitPack(v string) ([]string, error) {
	out := make([]string, 0, len(v)/evMinLen)
	for len(v) > 0 {
		n := evMinLen
		if len(v) > evKeyLen+2 && v[evKeyLen+2] != '-' {
			n = evFullLen
		}
		if len(v) < n {
			return nil, fmt.Errorf("evidence pack: short entry %q", v)
		}
		out = append(out, v[:n])
		v = v[n:]
	}
	return out, nil
}

// decodeEntry reads one entry cut by splitPack into e and returns its
// competence.
func decodeEntry(v string, e *competence.Evidence) (string, error) {
	var ok bool
	if e.RecordedAt, ok = parseFixed(v[36:63]); !ok {
		return "", fmt.Errorf("evidence pack: bad recorded_at in %q", v)
	}
	e.ID = v[63:99]
	if l := v[99]; l >= '0' && l <= '9' {
		e.Level = int(l - '0')
	} else {
		return "", fmt.Errorf("evidence pack: bad level in %q", v)
	}
	if e.Kind = kindOfCode[v[100]]; e.Kind == "" {
		return "", fmt.Errorf("evidence pack: bad kind in %q", v)
	}
	e.ValidUntil = time.Time{}
	if len(v) == evFullLen {
		if e.ValidUntil, ok = parseFixed(v[101:]); !ok {
			return "", fmt.Errorf("evidence pack: bad valid_until in %q", v)
		}
	}
	return v[:36], nil
}

// derivePack feeds a person's pack through the rules into d (one pass:
// the pack is in rule order).
func derivePack(d *deriver, person, v string) error {
	var e competence.Evidence
	for len(v) > 0 {
		n := evMinLen
		if len(v) > evKeyLen+2 && v[evKeyLen+2] != '-' {
			n = evFullLen
		}
		if len(v) < n {
			return fmt.Errorf("evidence pack: short entry %q", v)
		}
		comp, err := decodeEntry(v[:n], &e)
		if err != nil {
			return err
		}
		d.add(person, comp, &e)
		v = v[n:]
	}
	return nil
}

// countPairs counts the competences in a pack (its levels).
func countPairs(v string) (int, error) {
	n, prev := 0, ""
	for len(v) > 0 {
		l := evMinLen
		if len(v) > evKeyLen+2 && v[evKeyLen+2] != '-' {
			l = evFullLen
		}
		if len(v) < l {
			return 0, fmt.Errorf("evidence pack: short entry %q", v)
		}
		if v[:36] != prev {
			n, prev = n+1, v[:36]
		}
		v = v[l:]
	}
	return n, nil
}

// lockPack returns a person's pack and, on PostgreSQL, holds a row lock
// on it until the transaction ends: every evidence write for that person
// then runs one after another, so neither this pack nor the person's
// level pack loses an update when several nodes write at once. (SQLite
// has one writer at a time already.) This is one of the places where the
// engines differ.
func (db *DB) lockPack(ctx context.Context, q Querier, orgID, personID string) (string, error) {
	var v string
	query := `SELECT packed FROM evidence_packs WHERE org_id = $1 AND person_id = $2`
	if db.engine == Postgres {
		if _, err := q.ExecContext(ctx, `INSERT INTO evidence_packs (org_id, person_id, packed) VALUES ($1, $2, '') ON CONFLICT (org_id, person_id) DO NOTHING`, orgID, personID); err != nil {
			return "", db.Err(err)
		}
		query += ` FOR UPDATE`
	}
	err := q.QueryRowContext(ctx, query, orgID, personID).Scan(&v)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return v, db.Err(err)
}

// addToPacks puts new evidence into the packs of its people, in rule
// order, and returns each affected person's new pack. People are locked
// in id order so that two batches cannot deadlock.
func (db *DB) addToPacks(ctx context.Context, q Querier, orgID string, evs []*competence.Evidence) (map[string]string, error) {
	byPerson := map[string][]string{}
	for _, e := range evs {
		s, err := evEntry(e)
		if err != nil {
			return nil, err
		}
		byPerson[e.PersonID] = append(byPerson[e.PersonID], s)
	}
	people := make([]string, 0, len(byPerson))
	for p := range byPerson {
		people = append(people, p)
	}
	slices.Sort(people)
	out := make(map[string]string, len(people))
	for _, p := range people {
		old, err := db.lockPack(ctx, q, orgID, p)
		if err != nil {
			return nil, err
		}
		entries, err := splitPack(old)
		if err != nil {
			return nil, err
		}
		entries = append(entries, byPerson[p]...)
		slices.SortStableFunc(entries, func(a, b string) int { return strings.Compare(a[:evKeyLen], b[:evKeyLen]) })
		packed := strings.Join(entries, "")
		if _, err := q.ExecContext(ctx, `INSERT INTO evidence_packs (org_id, person_id, packed) VALUES ($1, $2, $3)
			ON CONFLICT (org_id, person_id) DO UPDATE SET packed = excluded.packed`, orgID, p, packed); err != nil {
			return nil, db.Err(err)
		}
		out[p] = packed
	}
	return out, nil
}

// derivePair derives one person's current level in one competence from
// their pack.
func derivePair(pack, personID, competenceID string, now time.Time) (competence.Current, error) {
	acc := competence.NewAcc(now)
	acc.Reset(personID, competenceID)
	entries, err := splitPack(pack)
	if err != nil {
		return competence.Current{}, err
	}
	var e competence.Evidence
	for _, s := range entries {
		if s[:36] != competenceID {
			continue
		}
		if _, err := decodeEntry(s, &e); err != nil {
			return competence.Current{}, err
		}
		acc.Add(&e)
	}
	return acc.Result(), nil
}

// RebuildEvidencePacks rewrites every evidence pack of orgID from the
// evidence table, the source of truth (to repair, or after restoring
// evidence by hand). Returns the number of packs written.
func (db *DB) RebuildEvidencePacks(ctx context.Context, orgID string) (int, error) {
	n := 0
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT person_id, competence_id, id, level, kind, recorded_at, valid_until FROM evidence
			WHERE org_id = $1 ORDER BY person_id, competence_id, recorded_at, id`, orgID)
		if err != nil {
			return db.Err(err)
		}
		var packs [][]any
		var b strings.Builder
		cur := ""
		flush := func() {
			if cur != "" {
				packs = append(packs, []any{orgID, cur, b.String()})
			}
			b.Reset()
		}
		var e competence.Evidence
		var person string
		for rows.Next() {
			if err := rows.Scan(&person, &e.CompetenceID, &e.ID, &e.Level, &e.Kind, Time{&e.RecordedAt}, Time{&e.ValidUntil}); err != nil {
				rows.Close()
				return err
			}
			if person != cur {
				flush()
				cur = person
			}
			s, err := evEntry(&e)
			if err != nil {
				rows.Close()
				return err
			}
			b.WriteString(s)
		}
		flush()
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM evidence_packs WHERE org_id = $1`, orgID); err != nil {
			return db.Err(err)
		}
		n = len(packs)
		return db.Err(batchInsert(ctx, tx, `INSERT INTO evidence_packs (org_id, person_id, packed)`, 3, packs, ``, nil))
	})
	return n, err
}
