package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"fmt"
	"strings"
	"sync"
	"time"
)

// XAPIKey is one filter key of a statement: a kind (agents, verb,
// activities, registration; named by internal/xapi), a value, and whether
// the narrow form of the filter matches it (Direct). In a query, Direct
// asks for the narrow form.
type XAPIKey struct {
	Kind, Key string
	Direct    bool
}

// keyHash is the 64-bit key under which the index stores kind and key: the
// first eight bytes of their SHA-256. Two different keys share a hash with
// a probability of about 2^-64 per pair.
func keyHash(kind, key string) int64 {
	h := sha256.New()
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write([]byte(key))
	var sum [32]byte
	return int64(binary.BigEndian.Uint64(h.Sum(sum[:0])))
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
}

// XAPIWrite runs fn in one write transaction for orgID's LRS: all of it is
// stored or none of it is.
func (db *DB) XAPIWrite(ctx context.Context, orgID string, fn func(t *XAPITx) error) error {
	if err := db.xapiPrepare(ctx); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		return fn(&XAPITx{tx: tx, db: db, orgID: orgID})
	})
}

// chunk splits n items into slices of at most size.
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

// xapiStmts caches prepared multi-row INSERTs by (database, text). SQLite
// resolves $N parameters by name, which costs time quadratic in their
// number when a statement is parsed: rows therefore go in groups of a few
// dozen through statements parsed once per connection and reused.
var xapiStmts sync.Map // xapiStmtKey → *sql.Stmt

type xapiStmtKey struct {
	db  *DB
	sql string
}

// prepareShapes prepares the insert statements Insert uses, outside any
// transaction (on SQLite the write pool has one connection, which a
// transaction holds).
func (db *DB) xapiPrepare(ctx context.Context) error {
	if db.engine == SQLite {
		// Multi-row inserts inside a transaction keep a statement journal;
		// in memory it costs nothing, in a temporary file it doubles the
		// writes. The pragma belongs to the connection, so it is set on
		// every write (a no-op once set).
		if _, err := db.write.ExecContext(ctx, `PRAGMA temp_store = MEMORY`); err != nil {
			return fmt.Errorf("xapi temp_store: %w", err)
		}
	}
	for _, sh := range xapiShapes {
		for _, q := range []string{sh.qGroup, sh.qOne} {
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

type xapiShape struct {
	head, tail   string
	width, group int
	qGroup, qOne string
}

func newShape(head, tail string, width, group int) xapiShape {
	return xapiShape{head, tail, width, group, multiValues(head, tail, width, group), multiValues(head, tail, width, 1)}
}

var (
	shapeStatements = newShape(xapiInsertStatements, "", 8, 25)
	shapeIndex      = newShape(xapiInsertIndex, " ON CONFLICT DO NOTHING", 5, 50)
	shapeIndexMerge = newShape(xapiInsertIndex, " ON CONFLICT (org_id, kind, key_hash, seq) DO UPDATE SET direct = (xapi_statement_index.direct OR excluded.direct)", 5, 50)
	xapiShapes      = []xapiShape{shapeStatements, shapeIndex, shapeIndexMerge}
)

func multiValues(head, tail string, width, n int) string {
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
			fmt.Fprintf(&b, "$%d", r*width+c+1)
		}
		b.WriteByte(')')
	}
	b.WriteString(tail)
	return b.String()
}

// multiInsert inserts rows of sh.width values: full groups through the
// prepared multi-row statement, the rest row by row.
func (t *XAPITx) multiInsert(ctx context.Context, sh xapiShape, args []any) error {
	rows := len(args) / sh.width
	for i := 0; i < rows; {
		n, q := sh.group, sh.qGroup
		if rows-i < n {
			n, q = 1, sh.qOne
		}
		st, ok := xapiStmts.Load(xapiStmtKey{t.db, q})
		if !ok {
			return fmt.Errorf("xapi: insert statement not prepared")
		}
		if _, err := t.tx.StmtContext(ctx, st.(*sql.Stmt)).ExecContext(ctx, args[i*sh.width:(i+n)*sh.width]...); err != nil {
			return err
		}
		i += n
	}
	return nil
}

const (
	xapiInsertStatements = `INSERT INTO xapi_statements (org_id, id, seq, verb, ref_id, voided, credential_id, body)`
	xapiInsertIndex      = `INSERT INTO xapi_statement_index (org_id, kind, key_hash, seq, direct)`
)

// Insert stores new statements and their filter keys with multi-row
// inserts. Errors: EConflict when an id is already stored.
func (t *XAPITx) Insert(ctx context.Context, stmts []*XAPIStatement) error {
	args := make([]any, 0, len(stmts)*8)
	for _, s := range stmts {
		var ref any
		if s.RefID != "" {
			ref = s.RefID
		}
		args = append(args, t.orgID, s.ID, s.Seq, s.Verb, ref, s.Voided, s.CredentialID, string(s.Body))
	}
	if err := t.multiInsert(ctx, shapeStatements, args); err != nil {
		return fmt.Errorf("xapi insert: %w", t.db.Err(err))
	}
	args = args[:0]
	for _, s := range stmts {
		for _, k := range s.Keys {
			args = append(args, t.orgID, k.Kind, keyHash(k.Kind, k.Key), s.Seq, k.Direct)
		}
	}
	if err := t.multiInsert(ctx, shapeIndex, args); err != nil {
		return fmt.Errorf("xapi index: %w", t.db.Err(err))
	}
	return nil
}

// AddKeys gives an already stored statement more filter keys (those of a
// statement it references that arrived later).
func (t *XAPITx) AddKeys(ctx context.Context, s *XAPIStatement, keys []XAPIKey) error {
	args := make([]any, 0, len(keys)*5)
	for _, k := range keys {
		args = append(args, t.orgID, k.Kind, keyHash(k.Kind, k.Key), s.Seq, k.Direct)
	}
	if err := t.multiInsert(ctx, shapeIndexMerge, args); err != nil {
		return fmt.Errorf("xapi index: %w", t.db.Err(err))
	}
	return nil
}

// Void marks the statements ids as voided, except voiding statements,
// which cannot be voided.
func (t *XAPITx) Void(ctx context.Context, ids []string, verbVoided string) error {
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
		seqCol = "i.seq"
		d := q.Filters[0]
		fmt.Fprintf(&b, `SELECT s.id, s.seq, s.credential_id, s.body FROM xapi_statement_index i JOIN xapi_statements s ON s.org_id = i.org_id AND s.seq = i.seq WHERE i.org_id = $1 AND i.kind = %s AND i.key_hash = %s`, arg(d.Kind), arg(keyHash(d.Kind, d.Key)))
		if d.Direct {
			b.WriteString(` AND i.direct = TRUE`)
		}
		for _, f := range q.Filters[1:] {
			fmt.Fprintf(&b, ` AND EXISTS (SELECT 1 FROM xapi_statement_index j WHERE j.org_id = $1 AND j.kind = %s AND j.key_hash = %s AND j.seq = i.seq`, arg(f.Kind), arg(keyHash(f.Kind, f.Key)))
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
	rows, err := db.read.QueryContext(ctx, b.String(), args...)
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
