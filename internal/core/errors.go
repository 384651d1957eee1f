// Package core holds the types every Baken package shares: the error
// vocabulary, identifiers and roles. It imports only the standard library.
package core

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to exactly one HTTP status in the delivery packages.
const (
	EInvalid      = "invalid"      // bad input: 400/422
	ENotFound     = "not_found"    // missing, or belongs to another organisation: 404
	EConflict     = "conflict"     // duplicate or stale: 409
	EForbidden    = "forbidden"    // signed in, but not allowed: 403
	EUnauthorized = "unauthorized" // not signed in: 401
	ETooMany      = "too_many"     // throttled: 429
	ETooLarge     = "too_large"    // request or upload over its limit: 413
	EInternal     = "internal"     // a bug or an outage: 500, details only in logs
)

// Error is an error a user may see. Message is plain English for logs and
// the API; Key and Args let the web UI show it translated.
type Error struct {
	Code    string
	Field   string // the input field at fault, if any
	Message string
	Key     string // i18n key, optional
	Args    []any
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

// Errorf returns an *Error with the given code.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EInvalid error about one field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Sentinels for the common cases; match them with errors.Is or ErrorCode.
var (
	ErrNotFound = &Error{Code: ENotFound, Message: "not found"}
	ErrConflict = &Error{Code: EConflict, Message: "already exists"}
)

// Is makes errors.Is(err, ErrNotFound) true for any not-found *Error.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && (t == ErrNotFound || t == ErrConflict) && t.Code == e.Code
}

// ErrorCode returns the code of the first *Error in err's chain, EInternal
// for any other error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the user-facing message of err; internal errors get
// a generic text so that driver details never reach a user.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Error()
	}
	return "internal error"
}

// ValidationErrors collects several field errors; it is itself an EInvalid error.
type ValidationErrors []*Error

func (v ValidationErrors) Error() string {
	if len(v) == 0 {
		return "invalid"
	}
	s := v[0].Error()
	for _, e := range v[1:] {
		s += "; " + e.Error()
	}
	return s
}

// Err returns nil when v is empty, else an *Error with code EInvalid that
// carries all messages.
func (v ValidationErrors) Err() error {
	if len(v) == 0 {
		return nil
	}
	if len(v) == 1 {
		return v[0]
	}
	return &Error{Code: EInvalid, Message: v.Error()}
}
