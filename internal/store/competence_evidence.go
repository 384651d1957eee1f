package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
)

// Evidence is append-only: a correction is new evidence, so the table is
// the full history of who said what, when. Every insert re-derives the
// person's current level in that competence (competence.Acc, the one place
// the rules live) and stores it in current_levels in the same transaction.

// AddEvidence records evidence for a person of orgID and updates their
// current level. RecordedAt defaults to now. Errors: EInvalid (person or
// competence not orgID's, level off the scale), ETooLarge (attachment).
func (db *DB) AddEvidence(ctx context.Context, orgID string, e *competence.Evidence) error {
	return db.AddEvidenceBatch(ctx, orgID, []*competence.Evidence{e})
}

// AddEvidenceBatch records many pieces of evidence in one transaction (all
// or nothing) and re-derives each affected current level once.
func (db *DB) AddEvidenceBatch(ctx context.Context, orgID string, evs []*competence.Evidence) error {
	if len(evs) == 0 {
		return nil
	}
	return db.evidenceTx(ctx, func(tx Querier) error {
		scale, err := db.scale(ctx, tx, orgID)
		if err != nil {
			return err
		}
		now := time.Now().UTC()
		people, comps := map[string]bool{}, map[string]bool{}
		type pair struct{ p, c string }
		pairs := map[pair]bool{}
		rows := make([][]any, 0, len(evs))
		for _, e := range evs {
			if e.RecordedAt.IsZero() {
				e.RecordedAt = now
			}
			if err := e.Validate(scale); err != nil {
				return err
			}
			if e.ID == "" {
				e.ID = core.NewID()
			}
			e.OrgID = orgID
			people[e.PersonID], comps[e.CompetenceID] = true, true
			pairs[pair{e.PersonID, e.CompetenceID}] = true
			rows = append(rows, []any{e.ID, orgID, e.PersonID, e.CompetenceID, e.Level, string(e.Kind), nullable(e.RecordedBy),
				T(e.RecordedAt), NT(e.ValidUntil), e.Note, nullable(e.CampaignID), e.Attachment != nil})
		}
		if err := db.checkIDs(ctx, tx, orgID, "people", "person_id", people); err != nil {
			return err
		}
		if err := db.checkIDs(ctx, tx, orgID, "competences", "competence_id", comps); err != nil {
			return err
		}
		if err := batchInsert(ctx, tx, `INSERT INTO evidence (id, org_id, person_id, competence_id, level, kind, recorded_by, recorded_at, valid_until, note, campaign_id, has_attachment)`,
			12, rows, ``, nil); err != nil {
			return fmt.Errorf("add evidence: %w", db.Err(err))
		}
		for _, e := range evs {
			if a := e.Attachment; a != nil {
				if _, err := tx.ExecContext(ctx, `INSERT INTO evidence_attachments (evidence_id, org_id, name, content_type, size, data) VALUES ($1, $2, $3, $4, $5, $6)`,
					e.ID, orgID, a.Name, a.ContentType, len(a.Data), a.Data); err != nil {
					return db.Err(err)
				}
			}
		}
		// The packs now hold every piece of evidence of the people
		// concerned (and, on PostgreSQL, are locked until commit): each
		// affected level is derived from them.
		packs, err := db.addToPacks(ctx, tx, orgID, evs)
		if err != nil {
			return err
		}
		for p := range pairs {
			if err := db.storeDerived(ctx, tx, orgID, packs[p.p], p.p, p.c, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// checkIDs verifies in chunks that every id is a row of table in orgID.
func (db *DB) checkIDs(ctx context.Context, q Querier, orgID, table, field string, ids map[string]bool) error {
	list := make([]string, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	for start := 0; start < len(list); start += 500 {
		chunk := list[start:min(start+500, len(list))]
		args := []any{orgID}
		for _, id := range chunk {
			args = append(args, id)
		}
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE org_id = $1 AND id IN (`+In(2, len(chunk))+`)`, args...).Scan(&n); err != nil {
			return db.Err(err)
		}
		if n != len(chunk) {
			return core.Invalid(field, "does not exist in this organisation")
		}
	}
	return nil
}

// rederive derives one person's current level in one competence from
// their evidence pack and stores it.
func (db *DB) rederive(ctx context.Context, q Querier, orgID, personID, competenceID string, now time.Time) error {
	pack, err := db.lockPack(ctx, q, orgID, personID)
	if err != nil {
		return err
	}
	return db.storeDerived(ctx, q, orgID, pack, personID, competenceID, now)
}

// storeDerived derives one level from a person's pack and stores it in
// current_levels and in the person's level pack.
func (db *DB) storeDerived(ctx context.Context, q Querier, orgID, pack, personID, competenceID string, now time.Time) error {
	c, err := derivePair(pack, personID, competenceID, now)
	if err != nil {
		return err
	}
	if err := db.putCurrent(ctx, q, orgID, c); err != nil {
		return err
	}
	return db.patchPack(ctx, q, orgID, c)
}

func (db *DB) putCurrent(ctx context.Context, q Querier, orgID string, c competence.Current) error {
	_, err := q.ExecContext(ctx, `INSERT INTO current_levels (org_id, person_id, competence_id, level, validated, self_level, evidence_id, kind, evidence_at, valid_until, next_change)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (org_id, person_id, competence_id) DO UPDATE SET level = excluded.level, validated = excluded.validated,
		self_level = excluded.self_level, evidence_id = excluded.evidence_id, kind = excluded.kind, evidence_at = excluded.evidence_at,
		valid_until = excluded.valid_until, next_change = excluded.next_change`,
		orgID, c.PersonID, c.CompetenceID, c.Level, c.Validated, c.SelfLevel, c.EvidenceID, string(c.Kind), NT(c.At), NT(c.ValidUntil), NT(c.NextChange))
	return db.Err(err)
}

// RefreshExpired re-derives the current levels of orgID whose evidence has
// expired since they were stored (next_change has passed). It is cheap
// when nothing expired (one indexed lookup) and readers call it first.
func (db *DB) RefreshExpired(ctx context.Context, orgID string, now time.Time) (int, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM current_levels WHERE org_id = $1 AND next_change IS NOT NULL AND next_change <= $2`, orgID, T(now)).Scan(&n); err != nil {
		return 0, db.Err(err)
	}
	if n == 0 {
		return 0, nil
	}
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		// In person order: each person's evidence pack is locked (on
		// PostgreSQL) in the same order as AddEvidenceBatch locks them, so
		// the two cannot deadlock.
		rows, err := tx.QueryContext(ctx, `SELECT person_id, competence_id FROM current_levels WHERE org_id = $1 AND next_change IS NOT NULL AND next_change <= $2
			ORDER BY person_id, competence_id`, orgID, T(now))
		if err != nil {
			return db.Err(err)
		}
		var pairs [][2]string
		for rows.Next() {
			var p [2]string
			if err := rows.Scan(&p[0], &p[1]); err != nil {
				rows.Close()
				return err
			}
			pairs = append(pairs, p)
		}
		rows.Close()
		for _, p := range pairs {
			if err := db.rederive(ctx, tx, orgID, p[0], p[1], now); err != nil {
				return err
			}
		}
		n = len(pairs)
		return rows.Err()
	})
	return n, err
}

// DeriveCurrentLevels derives every current level of orgID from all its
// evidence, without using the maintained levels: every piece of evidence
// goes through the rules again (after a change of rules, or to check the
// maintained table). The evidence is read from the per-person packs (see
// competence_evpacks.go), split over two read connections by person.
func (db *DB) DeriveCurrentLevels(ctx context.Context, orgID string, now time.Time) ([]competence.Current, error) {
	var mid string
	err := db.read.QueryRowContext(ctx, `SELECT person_id FROM evidence_packs WHERE org_id = $1 ORDER BY person_id
		LIMIT 1 OFFSET (SELECT COUNT(*) FROM evidence_packs WHERE org_id = $1) / 2`, orgID).Scan(&mid)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, db.Err(err)
	}
	// Two ranges of people, one per core. Each half is read and its
	// levels counted first, so that the result is allocated once at its
	// size: growing a slice of 250,000 levels cost more than the rules.
	bounds := [][2]string{{"", mid}, {mid, ""}}
	type half struct {
		people, packs []string
		n             int
		err           error
	}
	halves := make([]half, len(bounds))
	var wg sync.WaitGroup
	for i, b := range bounds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := &halves[i]
			h.people, h.packs, h.err = db.readPacks(ctx, orgID, b[0], b[1])
			for _, v := range h.packs {
				n, err := countPairs(v)
				if err != nil {
					h.err = err
					return
				}
				h.n += n
			}
		}()
	}
	wg.Wait()
	total := 0
	for _, h := range halves {
		if h.err != nil {
			return nil, h.err
		}
		total += h.n
	}
	out := make([]competence.Current, total)
	off := 0
	for i := range halves {
		h := &halves[i]
		part := out[off : off : off+h.n]
		off += h.n
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := &deriver{acc: competence.NewAcc(now), out: part}
			for j, v := range h.packs {
				if err := derivePack(d, h.people[j], v); err != nil {
					h.err = err
					return
				}
			}
			if got := len(d.result()); got != h.n {
				h.err = fmt.Errorf("derive: %d levels from packs, counted %d", got, h.n)
			}
		}()
	}
	wg.Wait()
	for _, h := range halves {
		if h.err != nil {
			return nil, h.err
		}
	}
	return out, nil
}

// readPacks reads the evidence packs of orgID's people in [from, to)
// ("" is open).
func (db *DB) readPacks(ctx context.Context, orgID, from, to string) (people, packs []string, err error) {
	cond := ` WHERE org_id = $1`
	args := []any{orgID}
	if from != "" {
		args = append(args, from)
		cond += fmt.Sprintf(` AND person_id >= $%d`, len(args))
	}
	if to != "" {
		args = append(args, to)
		cond += fmt.Sprintf(` AND person_id < $%d`, len(args))
	}
	rows, err := db.read.QueryContext(ctx, `SELECT person_id, packed FROM evidence_packs`+cond+` ORDER BY person_id`, args...)
	if err != nil {
		return nil, nil, db.Err(err)
	}
	defer rows.Close()
	var person, pack string
	for rows.Next() {
		if err := rows.Scan(&person, &pack); err != nil {
			return nil, nil, err
		}
		people, packs = append(people, person), append(packs, pack)
	}
	return people, packs, rows.Err()
}

// DeriveCurrentLevelsFromEvidence derives every current level of orgID
// straight from the evidence table, the source of truth, in one ordered
// pass (split over two read connections by person). Tests use it to prove
// that the packs and the maintained levels agree with the table.
func (db *DB) DeriveCurrentLevelsFromEvidence(ctx context.Context, orgID string, now time.Time) ([]competence.Current, error) {
	var ids []string
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM people WHERE org_id = $1 ORDER BY id`, orgID)
	if err != nil {
		return nil, db.Err(err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if len(ids) == 0 {
		return nil, rows.Err()
	}
	// Two ranges of people, one per core.
	bounds := [][2]string{{"", ids[len(ids)/2]}, {ids[len(ids)/2], ""}}
	parts := make([][]competence.Current, len(bounds))
	errs := make([]error, len(bounds))
	var wg sync.WaitGroup
	for i, b := range bounds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts[i], errs[i] = db.deriveRange(ctx, orgID, b[0], b[1], now)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return append(parts[0], parts[1]...), nil
}

func (db *DB) deriveRange(ctx context.Context, orgID, from, to string, now time.Time) ([]competence.Current, error) {
	cond := ` WHERE org_id = $1`
	args := []any{orgID}
	if from != "" {
		args = append(args, from)
		cond += fmt.Sprintf(` AND person_id >= $%d`, len(args))
	}
	if to != "" {
		args = append(args, to)
		cond += fmt.Sprintf(` AND person_id < $%d`, len(args))
	}
	const order = ` ORDER BY person_id, competence_id, recorded_at, id`
	if db.engine == SQLite {
		return db.deriveRangePacked(ctx, cond+order, args, now)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT person_id, competence_id, id, level, kind, recorded_at, valid_until FROM evidence`+cond+order, args...)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	d := newDeriver(now)
	var e competence.Evidence
	// Scanning into any skips database/sql's reflection for every column
	// of half a million rows; the values are converted here instead.
	var vPerson, vComp, vID, vLevel, vKind, vAt, vUntil any
	for rows.Next() {
		if err := rows.Scan(&vPerson, &vComp, &vID, &vLevel, &vKind, &vAt, &vUntil); err != nil {
			return nil, err
		}
		e.ID, e.Kind = asString(vID), competence.Kind(asString(vKind))
		e.Level = int(asInt(vLevel))
		if err := (Time{&e.RecordedAt}).Scan(vAt); err != nil {
			return nil, err
		}
		if err := (Time{&e.ValidUntil}).Scan(vUntil); err != nil {
			return nil, err
		}
		d.add(asString(vPerson), asString(vComp), &e)
	}
	return d.result(), rows.Err()
}

// deriveRangePacked is the SQLite form of the scan. The modernc driver
// spends most of a row's time per column (type, copy, lock), so the row
// comes as one fixed-layout string that is cut, not copied, here:
// person(36) competence(36) recorded_at(27) id(36) level(1 digit: a scale
// has at most 10 levels) valid_until(27 or nothing) kind(rest).
func (db *DB) deriveRangePacked(ctx context.Context, tail string, args []any, now time.Time) ([]competence.Current, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT person_id || competence_id || recorded_at || id || level || COALESCE(valid_until, '') || kind FROM evidence`+tail, args...)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	d := newDeriver(now)
	var e competence.Evidence
	var v string
	for rows.Next() {
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		if len(v) < 136 || v[135] < '0' || v[135] > '9' {
			return nil, fmt.Errorf("derive: unexpected evidence row %q", v)
		}
		var ok bool
		if e.RecordedAt, ok = parseFixed(v[72:99]); !ok {
			return nil, fmt.Errorf("derive: bad recorded_at in %q", v)
		}
		e.ID, e.Level = v[99:135], int(v[135]-'0')
		rest := v[136:]
		e.ValidUntil = time.Time{}
		if len(rest) >= 27 && rest[26] == 'Z' && rest[4] == '-' {
			if e.ValidUntil, ok = parseFixed(rest[:27]); !ok {
				return nil, fmt.Errorf("derive: bad valid_until in %q", v)
			}
			rest = rest[27:]
		}
		e.Kind = competence.Kind(rest)
		d.add(v[0:36], v[36:72], &e)
	}
	return d.result(), rows.Err()
}

// deriver feeds evidence sorted by person, competence and time through
// the rules, one pair at a time.
type deriver struct {
	acc     *competence.Acc
	out     []competence.Current
	cur     [2]string
	started bool
}

func newDeriver(now time.Time) *deriver {
	return &deriver{acc: competence.NewAcc(now), out: make([]competence.Current, 0, 1<<16)}
}

func (d *deriver) add(person, comp string, e *competence.Evidence) {
	if !d.started || person != d.cur[0] || comp != d.cur[1] {
		if d.started {
			d.out = append(d.out, d.acc.Result())
		}
		d.started, d.cur = true, [2]string{person, comp}
		d.acc.Reset(person, comp)
	}
	d.acc.Add(e)
}

func (d *deriver) result() []competence.Current {
	if d.started {
		d.out = append(d.out, d.acc.Result())
		d.started = false
	}
	return d.out
}

// parseFixed parses TimeLayout ("2006-01-02T15:04:05.000000Z") by hand:
// a derivation reads half a million of them and time.Parse (and even
// time.Date) is the hot spot.
func parseFixed(v string) (time.Time, bool) {
	if len(v) != 27 || v[4] != '-' || v[7] != '-' || v[10] != 'T' || v[13] != ':' || v[16] != ':' || v[19] != '.' || v[26] != 'Z' {
		return time.Time{}, false
	}
	bad := false
	num := func(from, to int) int {
		n := 0
		for j := from; j < to; j++ {
			c := v[j] - '0'
			if c > 9 {
				bad = true
			}
			n = n*10 + int(c)
		}
		return n
	}
	y, mo, d, h, mi, s, us := num(0, 4), num(5, 7), num(8, 10), num(11, 13), num(14, 16), num(17, 19), num(20, 26)
	if bad || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59 {
		return time.Time{}, false
	}
	if y < 1 {
		return time.Date(y, time.Month(mo), d, h, mi, s, us*1000, time.UTC), true
	}
	// Days since 1970-01-01 in the proleptic Gregorian calendar (H.
	// Hinnant's days_from_civil); day 31 of a 30-day month rolls over as
	// time.Date would.
	if mo <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (mo + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	days := int64(era)*146097 + int64(doe) - 719468
	return time.Unix(days*86400+int64(h*3600+mi*60+s), int64(us)*1000).UTC(), true
}

func asString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	}
	return ""
}

func asInt(v any) int64 {
	switch v := v.(type) {
	case int64:
		return v
	case int32:
		return int64(v)
	case int:
		return int64(v)
	}
	return 0
}

// RebuildCurrentLevels rebuilds orgID's evidence packs from the evidence
// table, then replaces its maintained current levels and level packs with
// a fresh derivation from all evidence (after a change of rules, or to
// repair). Returns the number of levels stored.
func (db *DB) RebuildCurrentLevels(ctx context.Context, orgID string, now time.Time) (int, error) {
	if _, err := db.RebuildEvidencePacks(ctx, orgID); err != nil {
		return 0, err
	}
	all, err := db.DeriveCurrentLevels(ctx, orgID, now)
	if err != nil {
		return 0, err
	}
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM current_levels WHERE org_id = $1`, orgID); err != nil {
			return db.Err(err)
		}
		rows := make([][]any, len(all))
		for i, c := range all {
			rows[i] = []any{orgID, c.PersonID, c.CompetenceID, c.Level, c.Validated, c.SelfLevel, c.EvidenceID, string(c.Kind), NT(c.At), NT(c.ValidUntil), NT(c.NextChange)}
		}
		if err := batchInsert(ctx, tx, `INSERT INTO current_levels (org_id, person_id, competence_id, level, validated, self_level, evidence_id, kind, evidence_at, valid_until, next_change)`, 11, rows, ``, nil); err != nil {
			return db.Err(err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM level_packs WHERE org_id = $1`, orgID); err != nil {
			return db.Err(err)
		}
		return db.Err(batchInsert(ctx, tx, `INSERT INTO level_packs (org_id, person_id, packed)`, 3, packAll(orgID, all), ``, nil))
	})
	return len(all), err
}

// LevelFilter selects maintained current levels. Empty slices mean "all".
type LevelFilter struct {
	PersonIDs     []string
	CompetenceIDs []string
	TeamID        string
}

// CurrentLevels returns the maintained current levels of orgID, after
// re-deriving any whose evidence expired since they were stored.
func (db *DB) CurrentLevels(ctx context.Context, orgID string, f LevelFilter, now time.Time) ([]competence.Current, error) {
	if _, err := db.RefreshExpired(ctx, orgID, now); err != nil {
		return nil, err
	}
	where := []string{`l.org_id = $1`}
	args := []any{orgID}
	if f.TeamID != "" {
		args = append(args, f.TeamID)
		where = append(where, fmt.Sprintf(`l.person_id IN (SELECT id FROM people WHERE org_id = $1 AND team_id = $%d)`, len(args)))
	}
	if len(f.PersonIDs) > 0 {
		where = append(where, `l.person_id IN (`+In(len(args)+1, len(f.PersonIDs))+`)`)
		for _, id := range f.PersonIDs {
			args = append(args, id)
		}
	}
	if len(f.CompetenceIDs) > 0 {
		where = append(where, `l.competence_id IN (`+In(len(args)+1, len(f.CompetenceIDs))+`)`)
		for _, id := range f.CompetenceIDs {
			args = append(args, id)
		}
	}
	rows, err := db.read.QueryContext(ctx, `SELECT l.person_id, l.competence_id, l.level, l.validated, l.self_level, l.evidence_id, l.kind, l.evidence_at, l.valid_until, l.next_change
		FROM current_levels l WHERE `+strings.Join(where, ` AND `)+` ORDER BY l.person_id, l.competence_id`, args...)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []competence.Current
	for rows.Next() {
		var c competence.Current
		if err := rows.Scan(&c.PersonID, &c.CompetenceID, &c.Level, &c.Validated, &c.SelfLevel, &c.EvidenceID, &c.Kind, Time{&c.At}, Time{&c.ValidUntil}, Time{&c.NextChange}); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// EvidenceFilter selects evidence for a history or timeline.
type EvidenceFilter struct {
	ID           string // one piece of evidence
	PersonID     string
	CompetenceID string
	CampaignID   string
	Limit        int // default 200, at most 2000
}

// Evidence lists evidence of orgID, newest first, with the names of the
// person and of whoever recorded it.
func (db *DB) Evidence(ctx context.Context, orgID string, f EvidenceFilter) ([]*competence.Evidence, error) {
	if f.Limit <= 0 {
		f.Limit = 200
	}
	f.Limit = min(f.Limit, 2000)
	where := []string{`e.org_id = $1`}
	args := []any{orgID}
	for col, v := range map[string]string{"e.id": f.ID, "e.person_id": f.PersonID, "e.competence_id": f.CompetenceID, "e.campaign_id": f.CampaignID} {
		if v != "" {
			args = append(args, v)
			where = append(where, fmt.Sprintf(`%s = $%d`, col, len(args)))
		}
	}
	args = append(args, f.Limit)
	rows, err := db.read.QueryContext(ctx, `SELECT e.id, e.person_id, e.competence_id, e.level, e.kind, COALESCE(e.recorded_by, ''), e.recorded_at, e.valid_until,
		e.note, COALESCE(e.campaign_id, ''), e.has_attachment, COALESCE(a.name, ''), COALESCE(a.content_type, ''), COALESCE(a.size, 0),
		COALESCE(r.name, ''), p.name
		FROM evidence e
		JOIN people p ON p.id = e.person_id AND p.org_id = e.org_id
		LEFT JOIN people r ON r.id = e.recorded_by AND r.org_id = e.org_id
		LEFT JOIN evidence_attachments a ON a.evidence_id = e.id AND a.org_id = e.org_id
		WHERE `+strings.Join(where, ` AND `)+fmt.Sprintf(` ORDER BY e.recorded_at DESC, e.id DESC LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []*competence.Evidence
	for rows.Next() {
		e := &competence.Evidence{OrgID: orgID}
		var has bool
		var a competence.Attachment
		if err := rows.Scan(&e.ID, &e.PersonID, &e.CompetenceID, &e.Level, &e.Kind, &e.RecordedBy, Time{&e.RecordedAt}, Time{&e.ValidUntil},
			&e.Note, &e.CampaignID, &has, &a.Name, &a.ContentType, &a.Size, &e.RecordedByName, &e.PersonName); err != nil {
			return nil, err
		}
		if has {
			e.Attachment = &a
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// EvidenceAttachment returns the file attached to evidence of orgID.
// Errors: ENotFound.
func (db *DB) EvidenceAttachment(ctx context.Context, orgID, evidenceID string) (*competence.Attachment, error) {
	var a competence.Attachment
	err := db.read.QueryRowContext(ctx, `SELECT name, content_type, size, data FROM evidence_attachments WHERE org_id = $1 AND evidence_id = $2`, orgID, evidenceID).
		Scan(&a.Name, &a.ContentType, &a.Size, &a.Data)
	if err != nil {
		return nil, db.Err(err)
	}
	return &a, nil
}
