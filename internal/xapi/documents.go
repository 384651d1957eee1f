package xapi

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/store"
)

type docKind int

const (
	docState docKind = iota
	docActivityProfile
	docAgentProfile
)

func (k docKind) name() string {
	return [...]string{"state", "activity_profile", "agent_profile"}[k]
}

func (k docKind) idParam() string {
	if k == docState {
		return "stateId"
	}
	return "profileId"
}

func (k docKind) scope() string {
	if k == docState {
		return ScopeState
	}
	return ScopeProfile
}

// etagOf is the quoted SHA-1 of a document (Communication 3.1).
func etagOf(content []byte) string {
	h := sha1.Sum(content)
	return `"` + hex.EncodeToString(h[:]) + `"`
}

func isJSONType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/json"
}

// docRequest parses the parameters of a document request.
func docRequest(req *request, kind docKind) (store.XAPIDocKey, bool, time.Time, error) {
	k := store.XAPIDocKey{Kind: kind.name()}
	var since time.Time
	allowed := []string{kind.idParam()}
	switch kind {
	case docState:
		allowed = append(allowed, "activityId", "agent", "registration")
	case docActivityProfile:
		allowed = append(allowed, "activityId")
	case docAgentProfile:
		allowed = append(allowed, "agent")
	}
	_, single := req.params[kind.idParam()]
	if req.method == http.MethodGet || req.method == http.MethodHead {
		// since filters the list of ids; a GET of one document may carry
		// it too and the LRS ignores it there (Communication 2.3: "no
		// requirement that the LRS reacts to since with a stateId"), but
		// it must still be a timestamp.
		allowed = append(allowed, "since")
	}
	if err := checkParams(req.params, allowed...); err != nil {
		return k, false, since, err
	}
	if kind != docAgentProfile {
		a, ok := req.params["activityId"]
		if !ok || !ValidIRI(a[0]) {
			return k, false, since, fail(http.StatusBadRequest, "activityId is required and must be an IRI")
		}
		k.ActivityID = a[0]
	}
	if kind != docActivityProfile {
		a, ok := req.params["agent"]
		if !ok {
			return k, false, since, fail(http.StatusBadRequest, "agent is required")
		}
		// xAPI 2.0 keeps documents for identified Groups too (4.1.6.2,
		// 4.1.6.5); 1.0.3 only for Agents.
		key, err := parseAgentParam(a[0], req.v == V200)
		if err != nil {
			return k, false, since, err
		}
		k.AgentKey = key
	}
	if r, ok := req.params["registration"]; ok {
		if !ValidUUID(r[0]) {
			return k, false, since, fail(http.StatusBadRequest, "registration must be a UUID")
		}
		k.Registration = strings.ToLower(r[0])
	}
	if s, ok := req.params["since"]; ok {
		t, ok := ParseTimestamp(s[0])
		if !ok {
			return k, false, since, fail(http.StatusBadRequest, "since must be an ISO 8601 timestamp")
		}
		since = t
	}
	if single {
		k.DocID = req.params.Get(kind.idParam())
	}
	return k, single, since, nil
}

// documents serves the State, Activity Profile and Agent Profile resources.
func (h *Handler) documents(req *request, kind docKind) error {
	write := req.method != http.MethodGet && req.method != http.MethodHead
	if !req.cred.canDocs(kind.scope(), write) {
		return fail(http.StatusForbidden, "this credential may not %s %s documents", map[bool]string{true: "write", false: "read"}[write], kind.scope())
	}
	k, single, since, err := docRequest(req, kind)
	if err != nil {
		return err
	}
	_, hasReg := req.params["registration"]
	org := req.cred.OrgID
	switch req.method {
	case http.MethodGet, http.MethodHead:
		if !single {
			ids, latest, err := h.db.XAPIDocumentIDs(req.ctx, org, k, kind == docState && !hasReg, since)
			if err != nil {
				return err
			}
			if !latest.IsZero() {
				req.w.Header().Set("Last-Modified", httpTime(latest))
			}
			b, _ := json.Marshal(ids)
			writeJSON(req, http.StatusOK, b)
			return nil
		}
		d, err := h.db.XAPIDocument(req.ctx, org, k)
		if errors.Is(err, core.ErrNotFound) {
			return fail(http.StatusNotFound, "no such document")
		}
		if err != nil {
			return err
		}
		hd := req.w.Header()
		hd.Set("Content-Type", d.ContentType)
		hd.Set("ETag", d.ETag)
		hd.Set("Last-Modified", httpTime(d.Updated))
		req.w.WriteHeader(http.StatusOK)
		if req.method == http.MethodGet {
			_, _ = req.w.Write(d.Content)
		}
		return nil
	case http.MethodDelete:
		if !single {
			if kind != docState {
				return fail(http.StatusBadRequest, "profileId is required")
			}
			if err := h.db.XAPIDeleteDocuments(req.ctx, org, k, true, !hasReg); err != nil {
				return err
			}
			req.w.WriteHeader(http.StatusNoContent)
			return nil
		}
		var pre error
		err := h.db.XAPIDocumentWrite(req.ctx, org, k, func(cur *store.XAPIDocument) (*store.XAPIDocument, error) {
			pre = preconditions(req, cur, false)
			return nil, pre
		})
		if err != nil {
			return err
		}
		if err := h.db.XAPIDeleteDocuments(req.ctx, org, k, false, false); err != nil {
			return err
		}
		req.w.WriteHeader(http.StatusNoContent)
		return nil
	case http.MethodPut, http.MethodPost:
		if !single {
			return fail(http.StatusBadRequest, "%s is required", kind.idParam())
		}
		ct := req.header.Get("Content-Type")
		if ct == "" {
			ct = "application/octet-stream"
		}
		content := req.body
		if req.method == http.MethodPost && isJSONType(ct) {
			var o map[string]any
			if decodeJSON(content, &o) != nil || o == nil {
				return fail(http.StatusBadRequest, "a JSON document sent with POST must be a JSON object")
			}
		}
		err := h.db.XAPIDocumentWrite(req.ctx, org, k, func(cur *store.XAPIDocument) (*store.XAPIDocument, error) {
			if err := preconditions(req, cur, req.method == http.MethodPut && kind != docState); err != nil {
				return nil, err
			}
			next := &store.XAPIDocument{XAPIDocKey: k, ContentType: ct, Content: content, Updated: time.Now().UTC()}
			if req.method == http.MethodPost && cur != nil {
				merged, err := mergeJSON(cur, ct, content)
				if err != nil {
					return nil, err
				}
				next.Content, next.ContentType = merged, "application/json"
			}
			next.ETag = etagOf(next.Content)
			return next, nil
		})
		if err != nil {
			return err
		}
		req.w.WriteHeader(http.StatusNoContent)
		return nil
	}
	return fail(http.StatusMethodNotAllowed, "document resources answer GET, HEAD, PUT, POST and DELETE")
}

// preconditions applies If-Match and If-None-Match; with required, a PUT
// over an existing document without either header is a conflict.
func preconditions(req *request, cur *store.XAPIDocument, required bool) error {
	im, nm := req.header.Get("If-Match"), req.header.Get("If-None-Match")
	if im != "" {
		if cur == nil {
			return fail(http.StatusPreconditionFailed, "If-Match: the document does not exist")
		}
		if !etagMatches(im, cur.ETag) {
			return fail(http.StatusPreconditionFailed, "If-Match: the document has changed (its ETag is %s)", cur.ETag)
		}
	}
	if nm != "" {
		if cur != nil && (strings.TrimSpace(nm) == "*" || etagMatches(nm, cur.ETag)) {
			return fail(http.StatusPreconditionFailed, "If-None-Match: the document already exists")
		}
	}
	if required && im == "" && nm == "" && cur != nil {
		return fail(http.StatusConflict, "the document exists: check its current state and send If-Match with its ETag (or If-None-Match: * to create only)")
	}
	return nil
}

func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		t = strings.TrimPrefix(t, "W/")
		if t == "*" || t == etag || `"`+t+`"` == etag {
			return true
		}
	}
	return false
}

// mergeJSON merges a posted JSON object into the stored one, top-level
// properties only (Communication 2.2).
func mergeJSON(cur *store.XAPIDocument, ct string, posted []byte) ([]byte, error) {
	if !isJSONType(ct) || !isJSONType(cur.ContentType) {
		return nil, fail(http.StatusBadRequest, "POST merges JSON objects only: both the stored and the posted document must be application/json")
	}
	var old, add map[string]any
	if decodeJSON(cur.Content, &old) != nil || old == nil {
		return nil, fail(http.StatusBadRequest, "the stored document is not a JSON object, so it cannot be merged")
	}
	if decodeJSON(posted, &add) != nil || add == nil {
		return nil, fail(http.StatusBadRequest, "the posted document is not a JSON object")
	}
	for k, v := range add {
		old[k] = v
	}
	return encodeJSON(old), nil
}
