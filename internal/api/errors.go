package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/core"
)

// Codes the API adds to core's: they describe the HTTP request itself
// rather than the domain.
const (
	codeBadRequest       = "bad_request"            // unparseable body or query: 400
	codeUnsupportedMedia = "unsupported_media_type" // body not application/json: 415
	codeMethodNotAllowed = "method_not_allowed"     // 405
)

// statusOf maps every error code to its one HTTP status. Unknown codes
// are internal errors.
var statusOf = map[string]int{
	codeBadRequest:       http.StatusBadRequest,
	core.EUnauthorized:   http.StatusUnauthorized,
	core.EForbidden:      http.StatusForbidden,
	core.ENotFound:       http.StatusNotFound,
	codeMethodNotAllowed: http.StatusMethodNotAllowed,
	core.EConflict:       http.StatusConflict,
	core.ETooLarge:       http.StatusRequestEntityTooLarge,
	codeUnsupportedMedia: http.StatusUnsupportedMediaType,
	core.EInvalid:        http.StatusUnprocessableEntity,
	core.ETooMany:        http.StatusTooManyRequests,
	core.EInternal:       http.StatusInternalServerError,
}

// errorBody is the one shape of every error response.
type errorBody struct {
	Error errorJSON `json:"error"`
}

type errorJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// writeError answers with the status of err's code and {"error":{…}}.
// Internal errors are logged with their cause and shown as a generic
// message, so driver details never reach a client.
func (s *server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = &core.Error{Code: core.ETooLarge, Message: fmt.Sprintf("the request body is over the limit of %d bytes", mbe.Limit)}
	}
	code := core.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		code, status = core.EInternal, http.StatusInternalServerError
	}
	body := errorJSON{Code: code, Message: "internal error"}
	if status == http.StatusInternalServerError {
		// The app sets the request id on the response before calling us.
		s.log.ErrorContext(r.Context(), "api: internal error", "request_id", w.Header().Get("X-Request-Id"),
			"method", r.Method, "path", r.URL.Path, "err", err)
	} else {
		var e *core.Error
		if errors.As(err, &e) {
			body.Message, body.Field = e.Message, e.Field
		}
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="baken"`)
	}
	_ = writeJSON(w, status, errorBody{Error: body})
}

// writeJSON writes v as the response. It returns nil: once the header is
// out there is nothing better to do with a write error.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
	return nil
}

// checkBody refuses a body that is not JSON (415) or declares itself over
// MaxBody (413), and caps what will be read of the rest.
func checkBody(w http.ResponseWriter, r *http.Request) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		return &core.Error{Code: codeUnsupportedMedia, Message: "the request body must be JSON (Content-Type: application/json)"}
	}
	if r.ContentLength > MaxBody {
		return &core.Error{Code: core.ETooLarge, Message: fmt.Sprintf("the request body is over the limit of %d bytes", MaxBody)}
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	return nil
}

// decode reads exactly one JSON object into v. Unknown fields, wrong
// types, trailing data and an empty body are 400 with the field named
// where there is one; a body over the limit is 413.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return &core.Error{Code: codeBadRequest, Message: "the request body must hold exactly one JSON object"}
	}
	return rejectNUL(v)
}

// rejectNUL refuses text holding a NUL character ("\u0000" in JSON):
// PostgreSQL cannot store it, and no name or number needs it. v is a
// pointer to an input struct whose fields are Opt values.
func rejectNUL(v any) error {
	rv := reflect.ValueOf(v).Elem()
	for i := 0; i < rv.NumField(); i++ {
		f := rv.Field(i)
		if f.Kind() != reflect.Struct || !f.FieldByName("Set").IsValid() {
			continue
		}
		val := f.FieldByName("V")
		var texts []string
		switch {
		case val.Kind() == reflect.String:
			texts = []string{val.String()}
		case val.Kind() == reflect.Slice && val.Type().Elem().Kind() == reflect.String:
			for j := 0; j < val.Len(); j++ {
				texts = append(texts, val.Index(j).String())
			}
		}
		for _, t := range texts {
			if strings.ContainsRune(t, 0) {
				name, _, _ := strings.Cut(rv.Type().Field(i).Tag.Get("json"), ",")
				return &core.Error{Code: codeBadRequest, Field: name, Message: "must not contain NUL characters"}
			}
		}
	}
	return nil
}

// checkQuery refuses query values holding a NUL character (see rejectNUL).
func checkQuery(r *http.Request) error {
	for k, vs := range r.URL.Query() {
		for _, v := range vs {
			if strings.ContainsRune(v, 0) {
				return &core.Error{Code: codeBadRequest, Field: k, Message: "must not contain NUL characters"}
			}
		}
	}
	return nil
}

func decodeError(err error) error {
	var (
		mbe *http.MaxBytesError
		se  *json.SyntaxError
		te  *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &mbe):
		return err
	case errors.Is(err, io.EOF):
		return &core.Error{Code: codeBadRequest, Message: "the request body is empty; send a JSON object"}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &core.Error{Code: codeBadRequest, Message: "the request body is not valid JSON: it ends too early"}
	case errors.As(err, &se):
		return &core.Error{Code: codeBadRequest, Message: fmt.Sprintf("the request body is not valid JSON (at byte %d): %v", se.Offset, se)}
	case errors.As(err, &te):
		if te.Field == "" {
			return &core.Error{Code: codeBadRequest, Message: "the request body must be a JSON object, not " + te.Value}
		}
		return &core.Error{Code: codeBadRequest, Field: te.Field, Message: fmt.Sprintf("must be %s, not %s", jsonKind(te.Type.Kind().String()), te.Value)}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return &core.Error{Code: codeBadRequest, Field: name, Message: "is not a known field"}
	}
	var ce *core.Error
	if errors.As(err, &ce) {
		return err
	}
	return &core.Error{Code: codeBadRequest, Message: "the request body is not valid JSON"}
}

// jsonKind names a Go kind the way a JSON client thinks of it.
func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "struct", "map":
		return "an object"
	case "int", "int64", "float64":
		return "a number"
	}
	return "of another type"
}

// Opt is a field of a create or PATCH body: Set tells whether the client
// sent it at all. null is taken as the zero value, which clears an
// optional field.
type Opt[T any] struct {
	Set bool
	V   T
}

// UnmarshalJSON implements json.Unmarshaler.
func (o *Opt[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	var zero T
	o.V = zero
	if string(b) == "null" {
		return nil
	}
	return json.Unmarshal(b, &o.V)
}

// paging reads limit (1–500, default 50) and offset (≥ 0) from the query.
func paging(r *http.Request) (limit, offset int, err error) {
	q := r.URL.Query()
	limit = 50
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return 0, 0, &core.Error{Code: codeBadRequest, Field: "limit", Message: "must be a whole number from 1 to 500"}
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, &core.Error{Code: codeBadRequest, Field: "offset", Message: "must be a whole number of 0 or more"}
		}
		offset = n
	}
	return limit, offset, nil
}

// queryID reads an optional id filter from the query.
func queryID(r *http.Request, name string) (string, error) {
	v := r.URL.Query().Get(name)
	if v != "" && !core.ValidID(v) {
		return "", &core.Error{Code: codeBadRequest, Field: name, Message: "is not a valid id"}
	}
	return v, nil
}

// pathID returns the {id} of the path. A malformed id cannot name any
// record, so it is simply not found.
func pathID(r *http.Request) (string, error) {
	id := r.PathValue("id")
	if !core.ValidID(id) {
		return "", core.ErrNotFound
	}
	return id, nil
}

// notFound names the kind of record that was not found, keeping every
// other error as it is.
func notFound(err error, what string) error {
	if core.ErrorCode(err) == core.ENotFound {
		return &core.Error{Code: core.ENotFound, Message: "no such " + what + " in this organisation"}
	}
	return err
}

// ts is how times are shown: UTC, to the microsecond the store keeps, so
// that a record reads the same right after it is written as later.
func ts(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// list is the envelope of every list response.
type list[T any] struct {
	Data   []T `json:"data"`
	Total  int `json:"total"`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

// pageOf cuts one page out of a full list (sites and teams: an
// organisation has tens of them, so they are filtered in memory).
func pageOf[T any](all []T, limit, offset int) list[T] {
	out := list[T]{Data: []T{}, Total: len(all), Limit: limit, Offset: offset}
	if offset < len(all) {
		end := min(offset+limit, len(all))
		out.Data = all[offset:end]
	}
	return out
}
