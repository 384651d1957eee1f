package xapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/store"
)

// Prefix is where the LRS is mounted.
const Prefix = "/xapi"

// MaxBody limits a request body (statements with attachments included).
const MaxBody = 64 << 20

// Handler serves the xAPI resources under /xapi/.
type Handler struct {
	db    *store.DB
	log   *slog.Logger
	creds *credCache
	// defs remembers the last activity definitions written, so that a
	// stream of statements about the same activity does not rewrite it.
	defs sync.Map // orgID+"\x00"+activityID → string (definition JSON)
}

// NewHandler returns the LRS: every xAPI resource under /xapi/, with HTTP
// Basic authentication by LRS credentials (see CreateCredential).
func NewHandler(db *store.DB, logger *slog.Logger) http.Handler {
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Handler{db: db, log: logger, creds: &credCache{db: db, m: map[string]cachedCred{}}}
}

// request is one xAPI call after the alternate syntax is unwrapped.
type request struct {
	ctx      context.Context
	w        http.ResponseWriter
	r        *http.Request
	method   string
	resource string
	params   url.Values
	header   http.Header
	body     []byte
	v        Version
	cred     *Credential
}

// httpError is an error with the status the LRS answers.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

func fail(status int, format string, args ...any) error {
	if len(args) == 0 {
		return &httpError{status, format}
	}
	return &httpError{status, sprintf(format, args...)}
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Access-Control-Expose-Headers", "ETag, Last-Modified, X-Experience-API-Version, X-Experience-API-Consistent-Through, Content-Type")
	if r.Method == http.MethodOptions {
		w.Header().Set("Access-Control-Allow-Methods", "GET, HEAD, PUT, POST, DELETE, OPTIONS")
		w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match, Accept-Language")
		w.Header().Set("X-Experience-API-Version", V200.String())
		w.WriteHeader(http.StatusNoContent)
		return
	}
	req := &request{ctx: r.Context(), w: w, r: r, method: r.Method, header: r.Header.Clone()}
	req.resource = strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, Prefix), "/")
	if req.resource == "/statements" {
		// Every answer of the statement resource carries it, whatever the
		// status, also when the request fails before it reaches the
		// resource (version, credentials).
		consistentThrough(w, 0)
	}
	err := h.serve(req)
	if err != nil {
		h.writeError(req, err)
	}
}

func (h *Handler) serve(req *request) error {
	r := req.r
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		req.v = V200
		return fail(http.StatusBadRequest, "the query string is malformed")
	}
	req.params = q
	// The body is read whole: statements must be validated before anything
	// is stored, and documents are stored as one value.
	body, err := io.ReadAll(http.MaxBytesReader(req.w, r.Body, MaxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return fail(http.StatusRequestEntityTooLarge, "the request is larger than %d bytes", MaxBody)
		}
		return fail(http.StatusBadRequest, "could not read the request body")
	}
	req.body = body
	if _, alt := q["method"]; alt {
		if err := h.unwrapAlternate(req); err != nil {
			return err
		}
	}
	if req.resource == "/about" {
		// The About resource is open and answers every version.
		req.v = V200
		if v, ok := ParseVersionHeader(req.header.Get("X-Experience-API-Version")); ok {
			req.v = v
		}
		req.w.Header().Set("X-Experience-API-Version", req.v.String())
		return h.about(req)
	}
	hv := req.header.Get("X-Experience-API-Version")
	v, ok := ParseVersionHeader(hv)
	if !ok {
		req.v = V200
		if hv == "" {
			return fail(http.StatusBadRequest, "the X-Experience-API-Version header is required (1.0.0–1.0.3 or 2.0.0)")
		}
		return fail(http.StatusBadRequest, "X-Experience-API-Version %q is not supported (1.0.0–1.0.3 or 2.0.0)", hv)
	}
	req.v = v
	req.w.Header().Set("X-Experience-API-Version", v.String())
	if req.alt() && v == V200 {
		return fail(http.StatusBadRequest, "the alternate request syntax (method parameter) is not part of xAPI 2.0")
	}
	if err := h.authenticate(req); err != nil {
		return err
	}
	switch req.resource {
	case "/statements":
		return h.statements(req)
	case "/activities/state":
		return h.documents(req, docState)
	case "/activities/profile":
		return h.documents(req, docActivityProfile)
	case "/agents/profile":
		return h.documents(req, docAgentProfile)
	case "/activities":
		return h.activities(req)
	case "/agents":
		return h.agents(req)
	}
	return fail(http.StatusNotFound, "no xAPI resource at %s", req.r.URL.Path)
}

func (req *request) alt() bool {
	return req.r.Method == http.MethodPost && req.r.URL.Query().Has("method")
}

// unwrapAlternate applies the alternate request syntax (Communication 1.3):
// a POST whose method parameter names the real method, with headers,
// parameters and content as form fields.
func (h *Handler) unwrapAlternate(req *request) error {
	r := req.r
	if r.Method != http.MethodPost {
		req.v = V200
		return fail(http.StatusBadRequest, "the alternate request syntax must be sent as POST")
	}
	if len(req.params) != 1 {
		req.v = V200
		return fail(http.StatusBadRequest, "with the alternate request syntax the query string holds only method")
	}
	m := strings.ToUpper(req.params.Get("method"))
	switch m {
	case http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete, http.MethodHead:
	default:
		req.v = V200
		return fail(http.StatusBadRequest, "method %q is not an xAPI method", req.params.Get("method"))
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/x-www-form-urlencoded" && len(req.body) > 0 {
		req.v = V200
		return fail(http.StatusBadRequest, "the alternate request syntax sends form fields (application/x-www-form-urlencoded)")
	}
	form, err := url.ParseQuery(string(req.body))
	if err != nil {
		req.v = V200
		return fail(http.StatusBadRequest, "the form fields are malformed")
	}
	req.method = m
	req.params = url.Values{}
	req.body = nil
	for k, vs := range form {
		switch strings.ToLower(k) {
		case "content":
			req.body = []byte(vs[0])
		case "authorization", "x-experience-api-version":
			// A header the request really carries wins over the form
			// field of the same name: the form stands in for headers a
			// browser cannot set, it does not override them.
			if req.header.Get(k) == "" {
				req.header.Set(k, vs[0])
			}
		case "content-type", "content-length", "if-match", "if-none-match":
			// These describe the content field, not the form itself.
			req.header.Set(k, vs[0])
		default:
			req.params[k] = vs
		}
	}
	if req.body != nil && form.Get("Content-Type") == "" {
		req.header.Set("Content-Type", "application/json")
	}
	if req.body == nil {
		req.header.Del("Content-Type")
	}
	return nil
}

// authenticate checks HTTP Basic credentials.
func (h *Handler) authenticate(req *request) error {
	auth := req.header.Get("Authorization")
	user, pass, ok := parseBasic(auth)
	if !ok || user == "" {
		req.w.Header().Set("WWW-Authenticate", `Basic realm="xAPI"`)
		return fail(http.StatusUnauthorized, "HTTP Basic credentials (LRS key and secret) are required")
	}
	cred, err := h.creds.verify(req.ctx, user, pass)
	if errors.Is(err, errBadCredentials) {
		req.w.Header().Set("WWW-Authenticate", `Basic realm="xAPI"`)
		return fail(http.StatusUnauthorized, "unknown key or wrong secret")
	}
	if err != nil {
		return err
	}
	req.cred = cred
	return nil
}

func parseBasic(h string) (user, pass string, ok bool) {
	r := &http.Request{Header: http.Header{"Authorization": {h}}}
	return r.BasicAuth()
}

// checkParams rejects parameters the resource does not know, including
// known names in the wrong case (Communication 3.2.s3.b7, b8).
func checkParams(params url.Values, allowed ...string) error {
	for k := range params {
		ok := false
		for _, a := range allowed {
			if k == a {
				ok = true
				break
			}
		}
		if !ok {
			return fail(http.StatusBadRequest, "parameter %q is not recognised here", k)
		}
	}
	return nil
}

type errorBody struct {
	Error   bool   `json:"error"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	Rule    string `json:"rule,omitempty"`
}

func (h *Handler) writeError(req *request, err error) {
	status := http.StatusInternalServerError
	body := errorBody{Error: true, Message: "internal error"}
	var he *httpError
	var ve *ValidationError
	switch {
	case errors.As(err, &he):
		status, body.Message = he.status, he.msg
	case errors.As(err, &ve):
		status, body.Message, body.Field, body.Rule = http.StatusBadRequest, ve.Error(), ve.Field, ve.Rule
	default:
		switch core.ErrorCode(err) {
		case core.EInvalid:
			status, body.Message = http.StatusBadRequest, core.ErrorMessage(err)
		case core.ENotFound:
			status, body.Message = http.StatusNotFound, core.ErrorMessage(err)
		case core.EConflict:
			status, body.Message = http.StatusConflict, core.ErrorMessage(err)
		case core.EForbidden:
			status, body.Message = http.StatusForbidden, core.ErrorMessage(err)
		default:
			if req.ctx.Err() != nil {
				return
			}
			h.log.Error("xapi request failed", "method", req.method, "path", req.r.URL.Path, "err", err)
		}
	}
	if req.v == 0 {
		req.v = V200
	}
	hd := req.w.Header()
	hd.Set("X-Experience-API-Version", req.v.String())
	hd.Del("ETag")
	hd.Del("Last-Modified")
	if status == http.StatusRequestEntityTooLarge {
		hd.Set("Connection", "close")
	}
	hd.Set("Content-Type", "application/json")
	req.w.WriteHeader(status)
	if req.method != http.MethodHead {
		_ = json.NewEncoder(req.w).Encode(body)
	}
}

func writeJSON(req *request, status int, b []byte) {
	req.w.Header().Set("Content-Type", "application/json")
	req.w.WriteHeader(status)
	if req.method != http.MethodHead {
		_, _ = req.w.Write(b)
	}
}

// about answers GET /about.
func (h *Handler) about(req *request) error {
	if req.method != http.MethodGet && req.method != http.MethodHead {
		return fail(http.StatusMethodNotAllowed, "the About resource answers GET")
	}
	if err := checkParams(req.params); err != nil {
		return err
	}
	// Every version Baken accepts is listed, except that a 1.0.x client is
	// not shown 2.0.0: the 1.0.3 About resource may only list 0.9, 0.95
	// and 1.0.x (Communication 2.8), and its clients pick from the list.
	versions := `["1.0.0","1.0.1","1.0.2","1.0.3","2.0.0"]`
	if req.v == V103 {
		versions = `["1.0.0","1.0.1","1.0.2","1.0.3"]`
	}
	writeJSON(req, http.StatusOK, []byte(`{"version":`+versions+`,"extensions":{"https://baken.invalid/xapi/extensions/lrs":"Baken"}}`))
	return nil
}

// httpTime formats a Last-Modified value.
func httpTime(t time.Time) string { return t.UTC().Format(http.TimeFormat) }

// consistentThrough sets X-Experience-API-Consistent-Through to now, or to
// the newest stored time an answer holds when that is later: the stored
// clock can run a few microseconds ahead of the wall clock under load, and
// a statement committed while the query ran may be newer than the request,
// but the header must never be before a returned statement's stored
// (Communication 2.1.3, XAPI-00152).
func consistentThrough(w http.ResponseWriter, newest int64) {
	t := time.Now()
	if n := time.UnixMicro(newest); n.After(t) {
		t = n
	}
	w.Header().Set("X-Experience-API-Consistent-Through", t.UTC().Format("2006-01-02T15:04:05.000000Z"))
}
