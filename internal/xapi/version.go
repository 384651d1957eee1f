// Package xapi is Baken's Learning Record Store: the xAPI 2.0 (IEEE
// 9274.1.1) and 1.0.3 resources under /xapi/, statement validation, the
// rules for voiding, querying and documents, and LRS credentials.
//
// It is a delivery package with its own headers, auth and error rules; it
// stores through internal/store and imports no other delivery package.
package xapi

import (
	"regexp"
	"strings"
)

// Version is the xAPI version a request is answered under.
type Version int

const (
	// V103 are the rules of xAPI 1.0.3, used for every 1.0.x request.
	V103 Version = 1
	// V200 are the rules of xAPI 2.0 (IEEE 9274.1.1).
	V200 Version = 2
)

// String is the value of the X-Experience-API-Version response header.
func (v Version) String() string {
	if v == V103 {
		return "1.0.3"
	}
	return "2.0.0"
}

// StatementVersion is the "version" property given to a statement that
// arrives without one.
func (v Version) StatementVersion() string {
	if v == V103 {
		return "1.0.0"
	}
	return "2.0.0"
}

var versionHeaderRe = regexp.MustCompile(`^(1\.0|2\.0)(\.[0-9]+)?$`)

// ParseVersionHeader reads X-Experience-API-Version. "1.0" counts as 1.0.0;
// every 1.0.x is answered by 1.0.3 rules and every 2.0.x by 2.0 rules.
// Anything else, including an empty header, is not accepted.
func ParseVersionHeader(h string) (Version, bool) {
	h = strings.TrimSpace(h)
	m := versionHeaderRe.FindStringSubmatch(h)
	if m == nil {
		return 0, false
	}
	if m[1] == "1.0" {
		return V103, true
	}
	return V200, true
}

var (
	stmtVersion103Re = regexp.MustCompile(`^1\.0(\.[0-9]+)?$`)
	stmtVersion200Re = regexp.MustCompile(`^(1\.0|2\.0)(\.[0-9]+)?$`)
)

// validStatementVersion reports whether a statement's "version" property is
// acceptable under v: 1.0.x under 1.0.3; 1.0.x or 2.0.x under 2.0.
func validStatementVersion(v Version, s string) bool {
	if v == V103 {
		return stmtVersion103Re.MatchString(s)
	}
	return stmtVersion200Re.MatchString(s)
}
