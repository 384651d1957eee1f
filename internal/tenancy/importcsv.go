package tenancy

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bakenhq/baken/internal/core"
)

// MaxImportBytes bounds a people import file: 5 MB holds about 50,000 rows.
const MaxImportBytes = 5 << 20

// ImportRow is one data row of a people import, with its line in the file
// and what is wrong with it, if anything.
type ImportRow struct {
	Line   int
	Person *Person
	Team   string
	Site   string
	Errors []string
	// Problems are the same as Errors with catalogue keys, for the UI to
	// show in the reader's language.
	Problems []*core.Error
}

// ImportResult is a parsed people file: every row, valid or not.
type ImportResult struct {
	Rows    []ImportRow
	Invalid int
}

// Valid reports whether every row can be imported.
func (r *ImportResult) Valid() bool { return r.Invalid == 0 && len(r.Rows) > 0 }

// People returns the people of all rows.
func (r *ImportResult) People() []*Person {
	out := make([]*Person, len(r.Rows))
	for i, row := range r.Rows {
		out[i] = row.Person
	}
	return out
}

// ImportLookup resolves names in the file against the organisation.
type ImportLookup struct {
	TeamIDs         map[string]string // lower-case team name → id
	SiteIDs         map[string]string // lower-case site name → id
	EmployeeNumbers map[string]bool   // already in use in the organisation
	Emails          map[string]bool   // already in use on the platform
}

// Column names, English and Dutch, each mapped to its field.
var importColumns = map[string]string{
	"name": "name", "naam": "name",
	"employee_number": "employee_number", "employee number": "employee_number", "personeelsnummer": "employee_number",
	"email": "email", "e-mail": "email",
	"job_title": "job_title", "job title": "job_title", "functie": "job_title",
	"team": "team",
	"site": "site", "locatie": "site", "vestiging": "site",
	"start_date": "start_date", "start date": "start_date", "startdatum": "start_date", "in dienst": "start_date",
	"language": "language", "taal": "language",
	"roles": "roles", "rollen": "roles",
}

// ParsePeopleCSV reads a people file (UTF-8, comma or semicolon separated,
// header row first). A file that cannot be read as a whole (wrong encoding,
// no name column, broken quoting, too large) is an error naming the line;
// row-level problems are collected per row so that the user sees them all.
func ParsePeopleCSV(data []byte, lk ImportLookup) (*ImportResult, error) {
	if len(data) > MaxImportBytes {
		return nil, &core.Error{Code: core.ETooLarge, Message: fmt.Sprintf("the file is larger than %d MB", MaxImportBytes>>20), Key: "import.too_large", Args: []any{MaxImportBytes >> 20}}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:firstInvalidUTF8(data)], []byte("\n"))
		return nil, &core.Error{Code: core.EInvalid, Message: fmt.Sprintf("line %d: the file is not UTF-8; save it as \"CSV UTF-8\"", line), Key: "import.not_utf8", Args: []any{line}}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &core.Error{Code: core.EInvalid, Message: "the file is empty", Key: "import.empty"}
	}
	firstLine, _, _ := bytes.Cut(data, []byte("\n"))
	cr := csv.NewReader(bytes.NewReader(data))
	if bytes.Count(firstLine, []byte(";")) > bytes.Count(firstLine, []byte(",")) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, csvError(err)
	}
	cols := map[string]int{}
	for i, h := range header {
		key := strings.ToLower(strings.TrimSpace(h))
		f, ok := importColumns[key]
		if !ok {
			return nil, &core.Error{Code: core.EInvalid, Message: fmt.Sprintf("line 1: unknown column %q; known columns: name, employee_number, email, job_title, team, site, start_date, language, roles", h), Key: "import.unknown_column", Args: []any{h}}
		}
		if _, dup := cols[f]; dup {
			return nil, &core.Error{Code: core.EInvalid, Message: fmt.Sprintf("line 1: column %q appears twice", h), Key: "import.duplicate_column", Args: []any{h}}
		}
		cols[f] = i
	}
	if _, ok := cols["name"]; !ok {
		return nil, &core.Error{Code: core.EInvalid, Message: "line 1: the header has no name column", Key: "import.no_name"}
	}
	res := &ImportResult{}
	seenNumbers, seenEmails := map[string]int{}, map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		get := func(f string) string {
			if i, ok := cols[f]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		row := ImportRow{Line: line, Team: get("team"), Site: get("site")}
		problem := func(key, format string, args ...any) {
			msg := fmt.Sprintf(format, args...)
			row.Errors = append(row.Errors, msg)
			row.Problems = append(row.Problems, &core.Error{Code: core.EInvalid, Message: msg, Key: key, Args: args})
		}
		p := &Person{Name: get("name"), EmployeeNumber: get("employee_number"), Email: get("email"), JobTitle: get("job_title"), Language: strings.ToLower(get("language")), Active: true}
		if len(rec) != len(header) {
			problem("import.row_fields", "has %d fields, the header has %d", len(rec), len(header))
		}
		if row.Team != "" {
			if id, ok := lk.TeamIDs[strings.ToLower(row.Team)]; ok {
				p.TeamID = id
			} else {
				problem("import.row_team", "team %q does not exist", row.Team)
			}
		}
		if row.Site != "" {
			if id, ok := lk.SiteIDs[strings.ToLower(row.Site)]; ok {
				p.SiteID = id
			} else {
				problem("import.row_site", "site %q does not exist", row.Site)
			}
		}
		if d := get("start_date"); d != "" {
			t, err := parseDate(d)
			if err != nil {
				problem("import.row_date", "start date %q is not a date (use YYYY-MM-DD or DD-MM-YYYY)", d)
			}
			p.StartDate = t
		}
		if rs := get("roles"); rs != "" {
			for _, r := range strings.FieldsFunc(rs, func(c rune) bool { return c == ',' || c == '|' || c == ' ' }) {
				p.Roles = append(p.Roles, core.Role(strings.ToLower(r)))
			}
		}
		if err := p.Validate(); err != nil {
			var ve *core.Error
			if errors.As(err, &ve) {
				row.Errors = append(row.Errors, ve.Error())
				row.Problems = append(row.Problems, ve)
			} else {
				row.Errors = append(row.Errors, err.Error())
				row.Problems = append(row.Problems, &core.Error{Code: core.EInvalid, Message: err.Error()})
			}
		}
		if n := p.EmployeeNumber; n != "" {
			if prev, ok := seenNumbers[n]; ok {
				problem("import.row_number_twice", "employee number %s is also on line %d", n, prev)
			} else if lk.EmployeeNumbers[n] {
				problem("import.row_number_taken", "employee number %s already belongs to someone in the organisation", n)
			}
			seenNumbers[n] = line
		}
		if e := p.Email; e != "" {
			if prev, ok := seenEmails[e]; ok {
				problem("import.row_email_twice", "email %s is also on line %d", e, prev)
			} else if lk.Emails[e] {
				problem("import.row_email_taken", "email %s is already in use", e)
			}
			seenEmails[e] = line
		}
		row.Person = p
		if len(row.Errors) > 0 {
			res.Invalid++
		}
		res.Rows = append(res.Rows, row)
	}
	if len(res.Rows) == 0 {
		return nil, &core.Error{Code: core.EInvalid, Message: "the file has a header but no rows", Key: "import.no_rows"}
	}
	return res, nil
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &core.Error{Code: core.EInvalid, Message: fmt.Sprintf("line %d: %v", pe.Line, pe.Err), Key: "import.broken", Args: []any{pe.Line, pe.Err.Error()}}
	}
	return &core.Error{Code: core.EInvalid, Message: err.Error()}
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

func parseDate(s string) (time.Time, error) {
	var err error
	for _, layout := range []string{"2006-01-02", "02-01-2006", "2-1-2006", "02/01/2006", "2/1/2006"} {
		var t time.Time
		if t, err = time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}
