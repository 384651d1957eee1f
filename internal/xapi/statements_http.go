package xapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/store"
)

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// statements serves /statements.
func (h *Handler) statements(req *request) error {
	// Every answer of the statement resource carries this header; Baken's
	// writes are visible as soon as they are answered.
	req.w.Header().Set("X-Experience-API-Consistent-Through", time.Now().UTC().Format("2006-01-02T15:04:05.000000Z"))
	switch req.method {
	case http.MethodPut:
		return h.putStatement(req)
	case http.MethodPost:
		return h.postStatements(req)
	case http.MethodGet, http.MethodHead:
		return h.getStatements(req)
	}
	return fail(http.StatusMethodNotAllowed, "the statement resource answers GET, HEAD, PUT and POST")
}

// readStatements parses the body of a PUT or POST: JSON, or multipart/mixed
// with the statements first and attachment data after.
func readStatements(req *request) (any, map[string]rawPart, error) {
	ct := req.header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return nil, nil, fail(http.StatusBadRequest, "Content-Type must be application/json or multipart/mixed")
	}
	var body []byte
	var parts map[string]rawPart
	switch mt {
	case "application/json":
		body = req.body
	case "multipart/mixed":
		body, parts, err = parseMultipart(req.body, params["boundary"])
		if err != nil {
			return nil, nil, err
		}
	default:
		return nil, nil, fail(http.StatusBadRequest, "Content-Type must be application/json or multipart/mixed, not %q", mt)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, nil, fail(http.StatusBadRequest, "the request has no statement")
	}
	var v any
	if err := decodeJSON(body, &v); err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			return nil, nil, ve
		}
		return nil, nil, fail(http.StatusBadRequest, "the body is not valid JSON: %v", err)
	}
	return v, parts, nil
}

func (h *Handler) putStatement(req *request) error {
	if !req.cred.canWriteStatements() {
		return fail(http.StatusForbidden, "this credential may not write statements")
	}
	if err := checkParams(req.params, "statementId"); err != nil {
		return err
	}
	id := req.params.Get("statementId")
	if id == "" {
		return fail(http.StatusBadRequest, "PUT needs the statementId parameter")
	}
	if !ValidUUID(id) {
		return fail(http.StatusBadRequest, "statementId must be a UUID")
	}
	v, parts, err := readStatements(req)
	if err != nil {
		return err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return fail(http.StatusBadRequest, "PUT takes one statement object")
	}
	if sid, ok := m["id"]; ok {
		if s, _ := sid.(string); !strings.EqualFold(s, id) {
			return &ValidationError{Field: "id", Rule: "must equal the statementId parameter"}
		}
	} else {
		m["id"] = id
	}
	if _, err := h.ingest(req.ctx, req.cred, req.v, []map[string]any{m}, parts); err != nil {
		return err
	}
	req.w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) postStatements(req *request) error {
	if len(req.params) > 0 {
		return fail(http.StatusBadRequest, "POST to statements takes no parameters (use GET, or the method parameter of 1.0.3)")
	}
	if !req.cred.canWriteStatements() {
		return fail(http.StatusForbidden, "this credential may not write statements")
	}
	v, parts, err := readStatements(req)
	if err != nil {
		return err
	}
	var list []map[string]any
	switch x := v.(type) {
	case map[string]any:
		list = []map[string]any{x}
	case []any:
		for i, e := range x {
			m, ok := e.(map[string]any)
			if !ok {
				return &ValidationError{Field: fmt.Sprintf("[%d]", i), Rule: "must be a statement object"}
			}
			list = append(list, m)
		}
	default:
		return fail(http.StatusBadRequest, "POST takes a statement or an array of statements")
	}
	ids, err := h.ingest(req.ctx, req.cred, req.v, list, parts)
	if err != nil {
		return err
	}
	if ids == nil {
		ids = []string{}
	}
	b, _ := json.Marshal(ids)
	writeJSON(req, http.StatusOK, b)
	return nil
}

// queryParams are the parameters of GET /statements.
var queryParams = []string{"statementId", "voidedStatementId", "agent", "verb", "activity", "registration",
	"related_activities", "related_agents", "since", "until", "limit", "format", "attachments", "ascending", "more"}

// MaxLimit is the most statements one page holds.
const MaxLimit = 500

func parseBool(params map[string][]string, k string) (bool, error) {
	vs, ok := params[k]
	if !ok {
		return false, nil
	}
	switch vs[0] {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, fail(http.StatusBadRequest, "%s must be true or false", k)
}

// listQuery is a parsed statement query; it is also what a "more" link
// carries, so that later pages run the same query.
type listQuery struct {
	Filters   []store.XAPIKey `json:"f,omitempty"`
	Since     int64           `json:"s,omitempty"`
	Until     int64           `json:"u,omitempty"`
	Limit     int             `json:"l"`
	Format    string          `json:"fm,omitempty"`
	Attach    bool            `json:"at,omitempty"`
	Ascending bool            `json:"as,omitempty"`
	After     int64           `json:"a,omitempty"`
	Cred      string          `json:"c,omitempty"` // the credential the query ran for
}

func (h *Handler) getStatements(req *request) error {
	if !req.cred.readAll() && !req.cred.readMine() {
		return fail(http.StatusForbidden, "this credential may not read statements")
	}
	p := req.params
	if err := checkParams(p, queryParams...); err != nil {
		return err
	}
	format := "exact"
	if f, ok := p["format"]; ok {
		format = f[0]
		if format != "exact" && format != "ids" && format != "canonical" {
			return fail(http.StatusBadRequest, "format must be ids, exact or canonical")
		}
	}
	attach, err := parseBool(p, "attachments")
	if err != nil {
		return err
	}
	_, hasID := p["statementId"]
	_, hasVoided := p["voidedStatementId"]
	if hasID || hasVoided {
		if hasID && hasVoided {
			return fail(http.StatusBadRequest, "statementId and voidedStatementId cannot be used together")
		}
		for k := range p {
			if k != "statementId" && k != "voidedStatementId" && k != "format" && k != "attachments" {
				return fail(http.StatusBadRequest, "parameter %q cannot be used with statementId or voidedStatementId", k)
			}
		}
		return h.getOne(req, hasVoided, format, attach)
	}
	var q listQuery
	if more, ok := p["more"]; ok {
		if len(p) != 1 {
			return fail(http.StatusBadRequest, "more cannot be combined with other parameters")
		}
		b, err := base64.RawURLEncoding.DecodeString(more[0])
		if err != nil || json.Unmarshal(b, &q) != nil || q.Cred != req.cred.ID {
			return fail(http.StatusBadRequest, "more is not a link this LRS gave to this credential")
		}
	} else {
		q, err = parseListQuery(p, format, attach)
		if err != nil {
			return err
		}
		q.Cred = req.cred.ID
	}
	sq := store.XAPIQuery{Filters: q.Filters, Since: q.Since, Until: q.Until, Ascending: q.Ascending,
		Limit: q.Limit + 1, After: q.After}
	if req.cred.readMine() {
		sq.CredentialID = req.cred.ID
	}
	rows, err := h.db.XAPIStatements(req.ctx, req.cred.OrgID, sq)
	if err != nil {
		return err
	}
	more := ""
	if len(rows) > q.Limit {
		rows = rows[:q.Limit]
		last := rows[len(rows)-1]
		next := q
		next.After = last.Seq
		b, _ := json.Marshal(next)
		more = Prefix + "/statements?more=" + base64.RawURLEncoding.EncodeToString(b)
	}
	var buf bytes.Buffer
	buf.WriteString(`{"statements":[`)
	var latest int64
	var hashes []string
	langs := acceptLanguages(req.header.Get("Accept-Language"))
	for i, s := range rows {
		if i > 0 {
			buf.WriteByte(',')
		}
		out, hs, err := renderStatement(s.Body, q.Format, langs)
		if err != nil {
			return err
		}
		buf.Write(out)
		hashes = append(hashes, hs...)
		if s.Seq > latest {
			latest = s.Seq
		}
	}
	buf.WriteString(`],"more":`)
	mb, _ := json.Marshal(more)
	buf.Write(mb)
	buf.WriteByte('}')
	consistentThrough(req.w, latest)
	if latest > 0 {
		req.w.Header().Set("Last-Modified", httpTime(time.UnixMicro(latest)))
	}
	if q.Attach {
		return h.writeMultipart(req, buf.Bytes(), hashes)
	}
	writeJSON(req, http.StatusOK, buf.Bytes())
	return nil
}

func parseListQuery(p map[string][]string, format string, attach bool) (listQuery, error) {
	q := listQuery{Format: format, Attach: attach, Limit: MaxLimit}
	var err error
	if q.Ascending, err = parseBool(p, "ascending"); err != nil {
		return q, err
	}
	relAgents, err := parseBool(p, "related_agents")
	if err != nil {
		return q, err
	}
	relActs, err := parseBool(p, "related_activities")
	if err != nil {
		return q, err
	}
	if l, ok := p["limit"]; ok {
		n, err := strconv.Atoi(l[0])
		if err != nil || n < 0 {
			return q, fail(http.StatusBadRequest, "limit must be a non-negative integer")
		}
		if n > 0 && n < MaxLimit {
			q.Limit = n
		}
	}
	for _, k := range []string{"since", "until"} {
		if v, ok := p[k]; ok {
			t, ok := ParseTimestamp(v[0])
			if !ok {
				return q, fail(http.StatusBadRequest, "%s must be an ISO 8601 timestamp", k)
			}
			us := t.UnixMicro()
			if k == "since" {
				q.Since = us
				if us <= 0 {
					q.Since = 1
				}
			} else {
				q.Until = us
				if us <= 0 {
					q.Until = -1 // nothing was stored before 1970
				}
			}
		}
	}
	// The most selective filter goes first: it drives the query.
	if v, ok := p["registration"]; ok {
		if !ValidUUID(v[0]) {
			return q, fail(http.StatusBadRequest, "registration must be a UUID")
		}
		q.Filters = append(q.Filters, store.XAPIKey{Kind: KindRegistration, Key: strings.ToLower(v[0])})
	}
	if v, ok := p["agent"]; ok {
		key, err := parseAgentParam(v[0], true)
		if err != nil {
			return q, err
		}
		q.Filters = append(q.Filters, store.XAPIKey{Kind: KindAgent, Key: key, Direct: !relAgents})
	}
	if v, ok := p["activity"]; ok {
		if !ValidIRI(v[0]) {
			return q, fail(http.StatusBadRequest, "activity must be an IRI")
		}
		q.Filters = append(q.Filters, store.XAPIKey{Kind: KindActivity, Key: v[0], Direct: !relActs})
	}
	if v, ok := p["verb"]; ok {
		if !ValidIRI(v[0]) {
			return q, fail(http.StatusBadRequest, "verb must be an IRI")
		}
		q.Filters = append(q.Filters, store.XAPIKey{Kind: KindVerb, Key: v[0]})
	}
	// A narrow agent filter with a verb reads the agent-verb pairs: one
	// index range instead of one lookup per statement of the agent.
	if a, v := findFilter(q.Filters, KindAgent), findFilter(q.Filters, KindVerb); a >= 0 && v >= 0 && q.Filters[a].Direct {
		pair := store.XAPIKey{Kind: KindAgentVerb, Key: agentVerbKey(q.Filters[a].Key, q.Filters[v].Key), Direct: true}
		rest := []store.XAPIKey{pair}
		for i, f := range q.Filters {
			if i != a && i != v {
				rest = append(rest, f)
			}
		}
		q.Filters = rest
	}
	return q, nil
}

func findFilter(fs []store.XAPIKey, kind string) int {
	for i, f := range fs {
		if f.Kind == kind {
			return i
		}
	}
	return -1
}

// parseAgentParam reads an agent parameter (JSON) and returns its key. With
// groupOK an identified Group is accepted too.
func parseAgentParam(s string, groupOK bool) (string, error) {
	var v any
	if err := decodeJSON([]byte(s), &v); err != nil {
		return "", fail(http.StatusBadRequest, "agent must be an Agent object in JSON")
	}
	o, ok := v.(map[string]any)
	if !ok {
		return "", fail(http.StatusBadRequest, "agent must be an Agent object in JSON")
	}
	vd := &validator{v: V200}
	var verr *ValidationError
	if o["objectType"] == "Group" && groupOK {
		verr = vd.group(o, "agent")
	} else {
		verr = vd.agent(o, "agent")
	}
	if verr != nil {
		return "", fail(http.StatusBadRequest, "%s", verr.Error())
	}
	key := AgentKey(o)
	if key == "" {
		return "", fail(http.StatusBadRequest, "agent must be identified (mbox, mbox_sha1sum, openid or account)")
	}
	return key, nil
}

func (h *Handler) getOne(req *request, voided bool, format string, attach bool) error {
	id := req.params.Get("statementId")
	if voided {
		id = req.params.Get("voidedStatementId")
	}
	if !ValidUUID(id) {
		return fail(http.StatusBadRequest, "the statement id must be a UUID")
	}
	s, err := h.db.XAPIStatementByID(req.ctx, req.cred.OrgID, strings.ToLower(id))
	if errors.Is(err, core.ErrNotFound) || (err == nil && (s.Voided != voided || (req.cred.readMine() && s.CredentialID != req.cred.ID))) {
		if voided {
			return fail(http.StatusNotFound, "no voided statement %s", id)
		}
		return fail(http.StatusNotFound, "no statement %s", id)
	}
	if err != nil {
		return err
	}
	out, hashes, err := renderStatement(s.Body, format, acceptLanguages(req.header.Get("Accept-Language")))
	if err != nil {
		return err
	}
	consistentThrough(req.w, s.Seq)
	req.w.Header().Set("Last-Modified", httpTime(time.UnixMicro(s.Seq)))
	if attach {
		return h.writeMultipart(req, out, hashes)
	}
	writeJSON(req, http.StatusOK, out)
	return nil
}
