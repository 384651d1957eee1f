package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bakenhq/baken/internal/core"
)

// XAPIKey is one filter key of a statement: a kind (agents, verb,
// activities, registration; named by internal/xapi), a value, and whether
// the narrow form of the filter matches it (Direct). In a query, Direct
// asks for the narrow form. Hash, when not zero, is XAPIKeyHash(Kind, Key)
// computed ahead, so that the single writer does not have to.
type XAPIKey struct {
	Kind, Key string
	Direct    bool
	Hash      int64 `json:"-"`
}

// XAPIKeyHash is the 64-bit key under which the index stores kind and key:
// the first eight bytes of their SHA-256. Two different keys share a hash
// with a probability of about 2^-64 per pair.
func XAPIKeyHash(kind, key string) int64 {
	var buf [256]byte
	b := append(append(append(buf[:0], kind...), 0), key...)
	sum := sha256.Sum256(b)
	return int64(binary.BigEndian.Uint64(sum[:8]))
}

func (k XAPIKey) hash() int64 {
	if k.Hash != 0 {
		return k.Hash
	}
	return XAPIKeyHash(k.Kind, k.Key)
}

// XAPIStatement is a stored statement with what the filters need.
type XAPIStatement struct {
	ID           string
	Seq          int64 // stored time in microseconds; the order of the record
	Verb         string
	RefID        string // the StatementRef the object points at, if any
	Voided       bool
	CredentialID string
	Body         []byte
	Keys         []XAPIKey
}

// XAPIAttachment is the raw data of a statement attachment, kept once per
// organisation and hash.
type XAPIAttachment struct {
	SHA2        string
	ContentType string
	Content     []byte
}

// XAPITx is a write transaction of one organisation's learning record
// store. Every query it runs is scoped to that organisation.
type XAPITx struct {
	tx    *sql.Tx
	db    *DB
	orgID string
	org   int64 // xapi_orgs.num of orgID
	// group is set when the transaction is shared by several writers (the
	// SQLite group commit): their statements then run with contexts that
	// are never cancelled, because interrupting SQLite in the middle of a
	// write rolls back the whole transaction, the other writers' work too.
	group bool
	wrote bool // a write ran: a failure from here on needs a rollback
}

func (t *XAPITx) ctx(ctx context.Context) context.Context {
	if t.group {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// writing is ctx for the methods that write.
func (t *XAPITx) writing(ctx context.Context) context.Context {
	t.wrote = true
	return t.ctx(ctx)
}

// xapiOrgs caches the number of each organisation in xapi_orgs.
var xapiOrgs sync.Map // xapiOrgKey → int64

type xapiOrgKey struct {
	db    *DB
	orgID string
}

// xapiOrg returns orgID's number in the filter index. With create it gives
// the organisation one when it has none yet (its own small committed
// write, before the statements' transaction); without, it returns 0 for an
// organisation that has never stored a statement.
func (db *DB) xapiOrg(ctx context.Context, orgID string, create bool) (int64, error) {
	k := xapiOrgKey{db, orgID}
	if n, ok := xapiOrgs.Load(k); ok {
		return n.(int64), nil
	}
	var n int64
	err := db.read.QueryRowContext(ctx, `SELECT num FROM xapi_orgs WHERE org_id = $1`, orgID).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) && create {
		// Numbers are small (1, 2, …) so that index rows stay short; two
		// nodes numbering an organisation at once collide on the unique
		// constraint, and the loser tries again.
		for attempt := 0; ; attempt++ {
			// WHERE TRUE: without it SQLite reads ON CONFLICT as a join condition.
			_, err = db.write.ExecContext(ctx, `INSERT INTO xapi_orgs (org_id, num) SELECT $1, COALESCE(MAX(num), 0) + 1 FROM xapi_orgs WHERE TRUE ON CONFLICT (org_id) DO NOTHING`, orgID)
			if err == nil || attempt == 3 || !errors.Is(mapErr(db.engine, err), core.ErrConflict) {
				break
			}
		}
		if err == nil {
			err = db.write.QueryRowContext(ctx, `SELECT num FROM xapi_orgs WHERE org_id = $1`, orgID).Scan(&n)
		}
	}
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("xapi organisation: %w", db.Err(err))
	}
	xapiOrgs.Store(k, n)
	return n, nil
}

// chunks splits n items into slices of at most size.
func chunks(n, size int) [][2]int {
	var out [][2]int
	for i := 0; i < n; i += size {
		j := i + size
		if j > n {
			j = n
		}
		out = append(out, [2]int{i, j})
	}
	return out
}

// Existing returns the stored statements among ids (id → statement, body,
// verb and ref only).
func (t *XAPITx) Existing(ctx context.Context, ids []string) (map[string]*XAPIStatement, error) {
	ctx = t.ctx(ctx)
	out := map[string]*XAPIStatement{}
	for _, c := range chunks(len(ids), 500) {
		part := ids[c[0]:c[1]]
		args := make([]any, 0, len(part)+1)
		args = append(args, t.orgID)
		for _, id := range part {
			args = append(args, id)
		}
		rows, err := t.tx.QueryContext(ctx, `SELECT id, seq, verb, COALESCE(ref_id, ''), voided, body FROM xapi_statements WHERE org_id = $1 AND id IN (`+In(2, len(part))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("xapi existing: %w", t.db.Err(err))
		}
		for rows.Next() {
			s := &XAPIStatement{}
			if err := rows.Scan(&s.ID, &s.Seq, &s.Verb, &s.RefID, &s.Voided, &s.Body); err != nil {
				rows.Close()
				return nil, err
			}
			out[s.ID] = s
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Referencing returns the stored statements whose object is a
// StatementRef to one of ids.
func (t *XAPITx) Referencing(ctx context.Context, ids []string) ([]*XAPIStatement, error) {
	ctx = t.ctx(ctx)
	var out []*XAPIStatement
	for _, c := range chunks(len(ids), 500) {
		part := ids[c[0]:c[1]]
		args := make([]any, 0, len(part)+1)
		args = append(args, t.orgID)
		for _, id := range part {
			args = append(args, id)
		}
		rows, err := t.tx.QueryContext(ctx, `SELECT id, seq, verb, ref_id FROM xapi_statements WHERE org_id = $1 AND ref_id IN (`+In(2, len(part))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("xapi referencing: %w", t.db.Err(err))
		}
		for rows.Next() {
			s := &XAPIStatement{}
			if err := rows.Scan(&s.ID, &s.Seq, &s.Verb, &s.RefID); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, s)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// xapiStmts caches prepared multi-row INSERTs by (database, text), parsed
// once per connection and reused: a multi-row INSERT with hundreds of
// parameters costs more to parse than to run.
var xapiStmts sync.Map // xapiStmtKey → *sql.Stmt

type xapiStmtKey struct {
	db  *DB
	sql string
}

// xapiPrepare prepares the insert statements Insert uses, outside any
// transaction (on SQLite the write pool has one connection, which a
// transaction holds).
func (db *DB) xapiPrepare(ctx context.Context) error {
	if _, ok := xapiStmts.Load(xapiStmtKey{db, shapeKeysMerge.texts[db.engine][0]}); ok {
		return nil
	}
	for _, sh := range xapiShapes {
		for _, q := range sh.texts[db.engine] {
			k := xapiStmtKey{db, q}
			if _, ok := xapiStmts.Load(k); ok {
				continue
			}
			st, err := db.write.PrepareContext(ctx, q)
			if err != nil {
				return fmt.Errorf("xapi prepare: %w", err)
			}
			if _, loaded := xapiStmts.LoadOrStore(k, st); loaded {
				st.Close()
			}
		}
	}
	return nil
}

// xapiShape is a multi-row INSERT of rows of width values, prepared for
// each of groups rows (largest first; the last is 1).
type xapiShape struct {
	width  int
	groups []int
	texts  map[Engine][]string // per engine, per group
}

// newShape prepares head VALUES … tail for both engines; sqlite, when not
// empty, is SQLite's own head and tail.
func newShape(head, tail string, sqlite [2]string, width int, groups ...int) *xapiShape {
	sh := &xapiShape{width: width, groups: groups, texts: map[Engine][]string{}}
	for _, e := range []Engine{SQLite, Postgres} {
		h, t := head, tail
		if e == SQLite && sqlite[0] != "" {
			h, t = sqlite[0], sqlite[1]
		}
		for _, n := range groups {
			sh.texts[e] = append(sh.texts[e], multiValues(e, h, t, width, n))
		}
	}
	return sh
}

var (
	shapeStatements = newShape(xapiInsertStatements, "", [2]string{}, 8, 32, 8, 1)
	// SQLite: OR IGNORE rather than ON CONFLICT DO NOTHING. With no
	// constraint left that can abort it, SQLite runs a multi-row insert
	// without a statement journal (a copy of every index page it touches).
	// The rows of new statements cannot be there already.
	shapeKeys      = newShape(xapiInsertKeys, " ON CONFLICT DO NOTHING", [2]string{strings.Replace(xapiInsertKeys, "INSERT", "INSERT OR IGNORE", 1), ""}, 4, 128, 16, 1)
	shapeKeysMerge = newShape(xapiInsertKeys, " ON CONFLICT (org, key_hash, seq) DO UPDATE SET direct = (xapi_keys.direct OR excluded.direct)", [2]string{}, 4, 16, 1)
	xapiShapes     = []*xapiShape{shapeStatements, shapeKeys, shapeKeysMerge}
)

const (
	xapiInsertStatements = `INSERT INTO xapi_statements (org_id, id, seq, verb, ref_id, voided, credential_id, body)`
	xapiInsertKeys       = `INSERT INTO xapi_keys (org, key_hash, seq, direct)`
)

// multiValues writes an INSERT of n rows. SQLite gets anonymous ?
// parameters: it looks a numbered $N up by name, with a linear search for
// every parameter, which made binding a 200-parameter insert cost more
// than running it.
func multiValues(e Engine, head, tail string, width, n int) string {
	var b strings.Builder
	b.WriteString(head)
	b.WriteString(" VALUES ")
	for r := 0; r < n; r++ {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for c := 0; c < width; c++ {
			if c > 0 {
				b.WriteByte(',')
			}
			if e == SQLite {
				b.WriteByte('?')
			} else {
				fmt.Fprintf(&b, "$%d", r*width+c+1)
			}
		}
		b.WriteByte(')')
	}
	b.WriteString(tail)
	return b.String()
}

// multiInsert inserts rows of sh.width values through the largest prepared
// groups that fit.
func multiInsert(ctx context.Context, db *DB, tx *sql.Tx, sh *xapiShape, args []any) error {
	texts := sh.texts[db.engine]
	rows := len(args) / sh.width
	for i := 0; i < rows; {
		g := 0
		for sh.groups[g] > rows-i {
			g++
		}
		n := sh.groups[g]
		st, ok := xapiStmts.Load(xapiStmtKey{db, texts[g]})
		if !ok {
			return fmt.Errorf("xapi: insert statement not prepared")
		}
		if _, err := tx.StmtContext(ctx, st.(*sql.Stmt)).ExecContext(ctx, args[i*sh.width:(i+n)*sh.width]...); err != nil {
			return err
		}
		i += n
	}
	return nil
}

func statementArgs(args []any, orgID string, stmts []*XAPIStatement) []any {
	for _, s := range stmts {
		var ref any
		if s.RefID != "" {
			ref = s.RefID
		}
		args = append(args, orgID, s.ID, s.Seq, s.Verb, ref, s.Voided, s.CredentialID, string(s.Body))
	}
	return args
}

// Insert stores new statements and their filter keys with multi-row
// inserts. Errors: EConflict when an id is already stored.
func (t *XAPITx) Insert(ctx context.Context, stmts []*XAPIStatement) error {
	ctx = t.writing(ctx)
	args := statementArgs(make([]any, 0, len(stmts)*8), t.orgID, stmts)
	if err := multiInsert(ctx, t.db, t.tx, shapeStatements, args); err != nil {
		return fmt.Errorf("xapi insert: %w", t.db.Err(err))
	}
	// The key rows go in in index order: consecutive inserts then land on
	// the same or neighbouring pages, which SQLite finds in its cache.
	var rows []xapiKeyRow
	for _, s := range stmts {
		for _, k := range s.Keys {
			rows = append(rows, xapiKeyRow{k.hash(), s.Seq, k.Direct})
		}
	}
	sortKeyRows(rows)
	args = args[:0]
	for _, k := range rows {
		args = append(args, t.org, k.hash, k.seq, k.direct)
	}
	if err := multiInsert(ctx, t.db, t.tx, shapeKeys, args); err != nil {
		return fmt.Errorf("xapi index: %w", t.db.Err(err))
	}
	return nil
}

// AddKeys gives an already stored statement more filter keys (those of a
// statement it references that arrived later).
func (t *XAPITx) AddKeys(ctx context.Context, s *XAPIStatement, keys []XAPIKey) error {
	args := make([]any, 0, len(keys)*4)
	for _, k := range keys {
		args = append(args, t.org, k.hash(), s.Seq, k.Direct)
	}
	if err := multiInsert(t.writing(ctx), t.db, t.tx, shapeKeysMerge, args); err != nil {
		return fmt.Errorf("xapi index: %w", t.db.Err(err))
	}
	return nil
}

// Void marks the statements ids as voided, except voiding statements,
// which cannot be voided.
func (t *XAPITx) Void(ctx context.Context, ids []string, verbVoided string) error {
	ctx = t.writing(ctx)
	for _, c := range chunks(len(ids), 500) {
		part := ids[c[0]:c[1]]
		args := []any{t.orgID, verbVoided}
		for _, id := range part {
			args = append(args, id)
		}
		if _, err := t.tx.ExecContext(ctx, `UPDATE xapi_statements SET voided = TRUE WHERE org_id = $1 AND verb <> $2 AND id IN (`+In(3, len(part))+`)`, args...); err != nil {
			return fmt.Errorf("xapi void: %w", t.db.Err(err))
		}
	}
	return nil
}

// PutAttachments stores attachment data; data already stored under the
// same hash is kept.
func (t *XAPITx) PutAttachments(ctx context.Context, atts []XAPIAttachment) error {
	ctx = t.writing(ctx)
	for _, a := range atts {
		if _, err := t.tx.ExecContext(ctx, `INSERT INTO xapi_attachments (org_id, sha2, content_type, content) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
			t.orgID, a.SHA2, a.ContentType, a.Content); err != nil {
			return fmt.Errorf("xapi attachment: %w", t.db.Err(err))
		}
	}
	return nil
}

// PutActivities stores the latest definition of each activity (id →
// definition JSON).
func (t *XAPITx) PutActivities(ctx context.Context, defs map[string][]byte, now time.Time) error {
	ctx = t.writing(ctx)
	for id, def := range defs {
		if _, err := t.tx.ExecContext(ctx, `INSERT INTO xapi_activities (org_id, id, definition, updated_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (org_id, id) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at`,
			t.orgID, id, string(def), T(now)); err != nil {
			return fmt.Errorf("xapi activity: %w", t.db.Err(err))
		}
	}
	return nil
}

// XAPIStatementByID returns one statement, voided or not. Errors: ENotFound.
func (db *DB) XAPIStatementByID(ctx context.Context, orgID, id string) (*XAPIStatement, error) {
	s := &XAPIStatement{}
	var ref sql.NullString
	err := db.read.QueryRowContext(ctx, `SELECT id, seq, verb, ref_id, voided, credential_id, body FROM xapi_statements WHERE org_id = $1 AND id = $2`, orgID, id).
		Scan(&s.ID, &s.Seq, &s.Verb, &ref, &s.Voided, &s.CredentialID, &s.Body)
	if err != nil {
		return nil, db.Err(err)
	}
	s.RefID = ref.String
	return s, nil
}

// XAPIQuery selects statements for GET /statements.
type XAPIQuery struct {
	Filters      []XAPIKey // all must match; the first drives the query
	Since        int64     // exclusive, 0 for none
	Until        int64     // inclusive, 0 for none
	Ascending    bool
	Limit        int
	After        int64  // cursor: continue after this seq
	CredentialID string // only statements written with this credential
}

// XAPIStatements runs q over orgID's statements, leaving voided ones out.
func (db *DB) XAPIStatements(ctx context.Context, orgID string, q XAPIQuery) ([]*XAPIStatement, error) {
	args := []any{orgID}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	var b strings.Builder
	seqCol := "s.seq"
	if len(q.Filters) == 0 {
		b.WriteString(`SELECT s.id, s.seq, s.credential_id, s.body FROM xapi_statements s WHERE s.org_id = $1`)
	} else {
		org, err := db.xapiOrg(ctx, orgID, false)
		if err != nil || org == 0 {
			return nil, err // no statement was ever stored
		}
		// The index rows belong to the organisation by its number, the
		// statements by org_id = $1: both say whose they are.
		seqCol = "i.seq"
		o := arg(org)
		d := q.Filters[0]
		fmt.Fprintf(&b, `SELECT s.id, s.seq, s.credential_id, s.body FROM xapi_keys i JOIN xapi_statements s ON s.org_id = $1 AND s.seq = i.seq WHERE i.org = %s AND i.key_hash = %s`, o, arg(d.hash()))
		if d.Direct {
			b.WriteString(` AND i.direct = TRUE`)
		}
		for _, f := range q.Filters[1:] {
			fmt.Fprintf(&b, ` AND EXISTS (SELECT 1 FROM xapi_keys j WHERE j.org = %s AND j.key_hash = %s AND j.seq = i.seq`, o, arg(f.hash()))
			if f.Direct {
				b.WriteString(` AND j.direct = TRUE`)
			}
			b.WriteString(`)`)
		}
	}
	b.WriteString(` AND s.voided = FALSE`)
	if q.Since != 0 {
		fmt.Fprintf(&b, ` AND %s > %s`, seqCol, arg(q.Since))
	}
	if q.Until != 0 {
		fmt.Fprintf(&b, ` AND %s <= %s`, seqCol, arg(q.Until))
	}
	if q.CredentialID != "" {
		fmt.Fprintf(&b, ` AND s.credential_id = %s`, arg(q.CredentialID))
	}
	dir, cmp := "DESC", "<"
	if q.Ascending {
		dir, cmp = "ASC", ">"
	}
	if q.After != 0 {
		fmt.Fprintf(&b, ` AND %s %s %s`, seqCol, cmp, arg(q.After))
	}
	fmt.Fprintf(&b, ` ORDER BY %s %s LIMIT %s`, seqCol, dir, arg(q.Limit))
	rows, err := db.xapiQuery(ctx, b.String(), args...)
	if err != nil {
		return nil, fmt.Errorf("xapi query: %w", db.Err(err))
	}
	defer rows.Close()
	var out []*XAPIStatement
	for rows.Next() {
		s := &XAPIStatement{}
		if err := rows.Scan(&s.ID, &s.Seq, &s.CredentialID, &s.Body); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// XAPIAttachments returns the stored attachment data for the hashes.
func (db *DB) XAPIAttachments(ctx context.Context, orgID string, hashes []string) ([]XAPIAttachment, error) {
	var out []XAPIAttachment
	for _, c := range chunks(len(hashes), 500) {
		part := hashes[c[0]:c[1]]
		args := []any{orgID}
		for _, h := range part {
			args = append(args, h)
		}
		rows, err := db.read.QueryContext(ctx, `SELECT sha2, content_type, content FROM xapi_attachments WHERE org_id = $1 AND sha2 IN (`+In(2, len(part))+`)`, args...)
		if err != nil {
			return nil, db.Err(err)
		}
		for rows.Next() {
			var a XAPIAttachment
			if err := rows.Scan(&a.SHA2, &a.ContentType, &a.Content); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, a)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// XAPIActivity returns the stored definition of an activity. Errors:
// ENotFound.
func (db *DB) XAPIActivity(ctx context.Context, orgID, id string) ([]byte, error) {
	var def []byte
	err := db.read.QueryRowContext(ctx, `SELECT definition FROM xapi_activities WHERE org_id = $1 AND id = $2`, orgID, id).Scan(&def)
	if err != nil {
		return nil, db.Err(err)
	}
	return def, nil
}

// xapiReadStmts keeps the statement queries prepared on SQLite, where
// parsing the query cost as much as running it. Queries take a few
// dozen shapes (filters, since, until, order); the bound only guards
// against surprises. pgx caches prepared statements itself.
var (
	xapiReadStmts sync.Map // xapiStmtKey → *sql.Stmt
	xapiReadCount atomic.Int64
)

func (db *DB) xapiQuery(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if db.engine != SQLite {
		return db.read.QueryContext(ctx, q, args...)
	}
	k := xapiStmtKey{db, q}
	st, ok := xapiReadStmts.Load(k)
	if !ok {
		if xapiReadCount.Add(1) > 512 {
			return db.read.QueryContext(ctx, q, args...)
		}
		s, err := db.read.PrepareContext(ctx, q)
		if err != nil {
			return nil, err
		}
		var loaded bool
		if st, loaded = xapiReadStmts.LoadOrStore(k, s); loaded {
			s.Close()
		}
	}
	return st.(*sql.Stmt).QueryContext(ctx, args...)
}
