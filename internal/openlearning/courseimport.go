package openlearning

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bakenhq/baken/internal/catalogue"
	"github.com/bakenhq/baken/internal/core"
)

// MaxCourseImportBytes bounds a course import file, like the people import.
const MaxCourseImportBytes = 5 << 20

// CourseImportLookup resolves what a course file refers to against the
// importing organisation.
type CourseImportLookup struct {
	// Competences maps a lower-case name (Dutch or English) or source
	// reference (ESCO URI, DigComp code) to the competence id; "" marks a
	// name that more than one competence carries.
	Competences map[string]string
	// MaxLevel is the top of the organisation's scale.
	MaxLevel int
	// Titles holds the lower-case titles of the organisation's open
	// courses, so that importing a file twice does not double them.
	Titles map[string]bool
	// Visibility is used for rows that name none: org for a company,
	// partners for a provider.
	Visibility catalogue.Visibility
}

// CourseImportRow is one course of an import file, with its line and its
// problems, if any.
type CourseImportRow struct {
	Line        int
	Item        *catalogue.Item
	Detail      *CourseDetail
	Competences string // as written, for the preview
	Errors      []string
}

// CourseImportResult is a parsed course file: every row, valid or not.
type CourseImportResult struct {
	Format  string // "csv" or "json"
	Rows    []CourseImportRow
	Invalid int
}

// Valid reports whether every row can be imported.
func (r *CourseImportResult) Valid() bool { return r.Invalid == 0 && len(r.Rows) > 0 }

// courseFields are the field names of a course file; the CSV header may
// also use the Dutch names.
var courseFields = map[string]string{
	"title_nl": "title_nl", "titel_nl": "title_nl",
	"title_en": "title_en", "titel_en": "title_en",
	"description_nl": "description_nl", "beschrijving_nl": "description_nl",
	"description_en": "description_en", "beschrijving_en": "description_en",
	"url": "url", "link": "url",
	"provider": "provider", "aanbieder": "provider",
	"hours": "hours", "uren": "hours",
	"cost": "cost", "kosten": "cost", "prijs": "cost",
	"currency": "currency", "valuta": "currency",
	"certificate": "certificate", "certificaat": "certificate",
	"schedule": "schedule", "planning": "schedule",
	"language": "language", "taal": "language",
	"visibility": "visibility", "zichtbaarheid": "visibility",
	"competences": "competences", "competenties": "competences",
}

const courseFieldList = "title_nl, title_en, description_nl, description_en, url, provider, hours, cost, currency, certificate, schedule, language, visibility, competences"

func importErr(key, msg string, args ...any) error {
	return &core.Error{Code: core.EInvalid, Message: msg, Key: key, Args: args}
}

// ParseCourses reads an open-course file: JSON (an array of objects, or
// {"courses": [...]}) when it starts with [ or {, otherwise CSV (UTF-8,
// comma or semicolon separated, header first). A file that cannot be read
// as a whole (too large, not UTF-8, broken quoting or JSON, missing or
// unknown columns) is an error naming the line; problems of single rows
// are collected per row so that the user sees them all at once.
func ParseCourses(data []byte, lk CourseImportLookup) (*CourseImportResult, error) {
	if len(data) > MaxCourseImportBytes {
		return nil, &core.Error{Code: core.ETooLarge, Message: fmt.Sprintf("the file is larger than %d MB", MaxCourseImportBytes>>20), Key: "courseimport.too_large", Args: []any{MaxCourseImportBytes >> 20}}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:firstInvalid(data)], []byte("\n"))
		return nil, importErr("courseimport.not_utf8", fmt.Sprintf("line %d: the file is not UTF-8; save it as \"CSV UTF-8\"", line), line)
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, importErr("courseimport.empty", "the file is empty")
	}
	var (
		recs []record
		err  error
		res  = &CourseImportResult{}
	)
	if trimmed[0] == '[' || trimmed[0] == '{' {
		res.Format = "json"
		recs, err = readJSON(data)
	} else {
		res.Format = "csv"
		recs, err = readCSV(data)
	}
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, importErr("courseimport.no_rows", "the file has no courses")
	}
	seen := map[string]int{}
	for _, rec := range recs {
		row := parseCourse(rec, lk)
		for _, t := range []string{row.Item.TitleNL, row.Item.TitleEN} {
			if t == "" {
				continue
			}
			k := strings.ToLower(t)
			if prev, ok := seen[k]; ok && prev != rec.line {
				row.Errors = append(row.Errors, fmt.Sprintf("title %q is also on line %d", t, prev))
			} else if lk.Titles[k] {
				row.Errors = append(row.Errors, fmt.Sprintf("a course titled %q already exists", t))
			}
			if _, ok := seen[k]; !ok {
				seen[k] = rec.line
			}
		}
		if len(row.Errors) > 0 {
			res.Invalid++
		}
		res.Rows = append(res.Rows, row)
	}
	return res, nil
}

// record is one course as field → text, with the line it starts on and
// problems found while reading it.
type record struct {
	line   int
	fields map[string]string
	errs   []string
}

func readCSV(data []byte) ([]record, error) {
	firstLine, _, _ := bytes.Cut(data, []byte("\n"))
	cr := csv.NewReader(bytes.NewReader(data))
	if bytes.Count(firstLine, []byte(";")) > bytes.Count(firstLine, []byte(",")) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, csvErr(err)
	}
	cols := make([]string, len(header))
	have := map[string]bool{}
	for i, h := range header {
		f, ok := courseFields[strings.ToLower(strings.TrimSpace(h))]
		if !ok {
			return nil, importErr("courseimport.unknown_column", fmt.Sprintf("line 1: unknown column %q; known columns: %s", h, courseFieldList), h)
		}
		if have[f] {
			return nil, importErr("courseimport.duplicate_column", fmt.Sprintf("line 1: column %q appears twice", h), h)
		}
		have[f], cols[i] = true, f
	}
	if err := requireColumns(have); err != nil {
		return nil, err
	}
	var out []record
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvErr(err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		line, _ := cr.FieldPos(0)
		r := record{line: line, fields: map[string]string{}}
		if len(rec) != len(header) {
			r.errs = append(r.errs, fmt.Sprintf("has %d fields, the header has %d", len(rec), len(header)))
		}
		for i, v := range rec {
			if i < len(cols) {
				r.fields[cols[i]] = strings.TrimSpace(v)
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// requireColumns checks that a file can describe a course at all: a title
// in some language, a link and a provider.
func requireColumns(have map[string]bool) error {
	var missing []string
	if !have["title_nl"] && !have["title_en"] {
		missing = append(missing, "title_nl or title_en")
	}
	for _, f := range []string{"url", "provider"} {
		if !have[f] {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		m := strings.Join(missing, ", ")
		return importErr("courseimport.missing_columns", "line 1: missing columns: "+m, m)
	}
	return nil
}

func csvErr(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		// The row starts on StartLine; a quote left open is only noticed
		// further down.
		line := pe.StartLine
		if line == 0 {
			line = pe.Line
		}
		return importErr("courseimport.broken", fmt.Sprintf("line %d: %v", line, pe.Err), line, pe.Err.Error())
	}
	return &core.Error{Code: core.EInvalid, Message: err.Error()}
}

func readJSON(data []byte) ([]record, error) {
	lineAt := func(off int64) int {
		if off > int64(len(data)) {
			off = int64(len(data))
		}
		return 1 + bytes.Count(data[:off], []byte("\n"))
	}
	broken := func(off int64, err error) error {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			off = se.Offset
		}
		msg := err.Error()
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			msg, off = "the JSON ends too early", int64(len(data))
		}
		l := lineAt(off)
		return importErr("courseimport.broken", fmt.Sprintf("line %d: %s", l, msg), l, msg)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, broken(dec.InputOffset(), err)
	}
	if tok == json.Delim('{') {
		// {"courses": [...]}
		found := false
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, broken(dec.InputOffset(), err)
			}
			if k == "courses" {
				found = true
				break
			}
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, broken(dec.InputOffset(), err)
			}
		}
		if !found {
			return nil, importErr("courseimport.json_shape", `line 1: expected an array of courses or {"courses": [...]}`, 1)
		}
		if tok, err = dec.Token(); err != nil {
			return nil, broken(dec.InputOffset(), err)
		}
	}
	if tok != json.Delim('[') {
		return nil, importErr("courseimport.json_shape", `line 1: expected an array of courses or {"courses": [...]}`, 1)
	}
	var out []record
	have := map[string]bool{}
	for dec.More() {
		// The object starts after the comma and white space that follow
		// the previous one.
		off := dec.InputOffset()
		for off < int64(len(data)) && strings.IndexByte(" \t\r\n,", data[off]) >= 0 {
			off++
		}
		var obj map[string]json.RawMessage
		if err := dec.Decode(&obj); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				l := lineAt(off)
				return nil, importErr("courseimport.json_shape", fmt.Sprintf("line %d: each course must be a JSON object", l), l)
			}
			return nil, broken(off, err)
		}
		r := record{line: lineAt(off), fields: map[string]string{}}
		for k, raw := range obj {
			f, ok := courseFields[strings.ToLower(k)]
			if !ok {
				r.errs = append(r.errs, fmt.Sprintf("unknown field %q", k))
				continue
			}
			have[f] = true
			v, err := jsonText(f, raw)
			if err != nil {
				r.errs = append(r.errs, err.Error())
			}
			r.fields[f] = strings.TrimSpace(v)
		}
		out = append(out, r)
	}
	if _, err := dec.Token(); err != nil {
		return nil, broken(dec.InputOffset(), err)
	}
	if len(out) > 0 {
		if err := requireColumns(have); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// jsonText turns a JSON value into the text a CSV cell would hold: strings
// as they are, numbers and booleans written out, competences also as an
// array of "name:level" strings.
func jsonText(field string, raw json.RawMessage) (string, error) {
	var v any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return "", err
	}
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	case json.Number:
		return x.String(), nil
	case bool:
		return strconv.FormatBool(x), nil
	case []any:
		if field == "competences" {
			parts := make([]string, 0, len(x))
			for _, e := range x {
				s, ok := e.(string)
				if !ok {
					return "", fmt.Errorf("competences must be text or a list of texts such as \"Welding:2\"")
				}
				parts = append(parts, s)
			}
			return strings.Join(parts, "; "), nil
		}
	}
	return "", fmt.Errorf("%s must be text or a number", field)
}

// parseCourse checks one record and builds its item and course detail.
func parseCourse(rec record, lk CourseImportLookup) CourseImportRow {
	f := rec.fields
	row := CourseImportRow{Line: rec.line, Errors: rec.errs, Competences: f["competences"]}
	it := &catalogue.Item{Type: catalogue.OpenCourse, Status: catalogue.Published,
		TitleNL: f["title_nl"], TitleEN: f["title_en"], BodyNL: f["description_nl"], BodyEN: f["description_en"], URL: f["url"]}
	d := &CourseDetail{Provider: f["provider"], Currency: f["currency"], Schedule: f["schedule"]}
	row.Item, row.Detail = it, d
	bad := func(format string, args ...any) { row.Errors = append(row.Errors, fmt.Sprintf(format, args...)) }

	if it.URL == "" {
		bad("the link (url) is required")
	} else if !ValidCourseURL(it.URL) {
		bad("link %q must be an http or https address", it.URL)
	}
	if h := f["hours"]; h != "" {
		n, err := decimal(h)
		switch {
		case err != nil:
			bad("hours %q is not a number", h)
		case n < 0 || n*60 > float64(catalogue.MaxMinutes):
			bad("hours must be between 0 and %d", catalogue.MaxMinutes/60)
		default:
			it.Minutes = int(math.Round(n * 60))
		}
	}
	if c := f["cost"]; c != "" {
		n, err := decimal(c)
		switch {
		case err != nil:
			bad("cost %q is not an amount", c)
		case n < 0:
			bad("cost %s is negative", c)
		case n > 100000:
			bad("cost must be at most 100000")
		default:
			d.CostCents = int(math.Round(n * 100))
		}
	}
	switch c := strings.ToLower(f["certificate"]); c {
	case "", "no", "false", "nee", "0", "n":
	case "yes", "true", "ja", "1", "y", "j":
		d.Certificate = true
	default:
		bad("certificate %q must be yes or no", f["certificate"])
	}
	switch l := strings.ToLower(f["language"]); {
	case l == "":
	case len(l) == 2 && l[0] >= 'a' && l[0] <= 'z' && l[1] >= 'a' && l[1] <= 'z':
		it.Lang = l
	default:
		bad("language %q must be a two-letter code such as nl or en", f["language"])
	}
	switch v := catalogue.Visibility(strings.ToLower(f["visibility"])); {
	case v == "":
		it.Visibility = lk.Visibility
	case v.Valid():
		it.Visibility = v
	default:
		bad("visibility %q must be org, partners or public", f["visibility"])
	}
	it.Outcomes = parseOutcomes(f["competences"], lk, bad)

	// Validate derives the stored content language from the titles; the
	// language column is checked but does not override it.
	if err := it.Validate(); err != nil {
		row.Errors = append(row.Errors, fieldMessages(err)...)
	}
	if err := d.Validate(); err != nil {
		row.Errors = append(row.Errors, fieldMessages(err)...)
	}
	return row
}

// parseOutcomes reads "Name or URI:level; …".
func parseOutcomes(s string, lk CourseImportLookup, bad func(string, ...any)) []catalogue.Outcome {
	var out []catalogue.Outcome
	seen := map[string]bool{}
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '\n' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		i := strings.LastIndexByte(part, ':')
		if i < 0 {
			bad("competence %q needs a level, as in \"%s:2\"", part, part)
			continue
		}
		name, lv := strings.TrimSpace(part[:i]), strings.TrimSpace(part[i+1:])
		level, err := strconv.Atoi(lv)
		if err != nil || strings.HasPrefix(lv, "//") {
			// "http://…" without a level: the colon was the URI's own.
			bad("competence %q needs a level, as in \"%s:2\"", part, part)
			continue
		}
		id, ok := lk.Competences[strings.ToLower(name)]
		switch {
		case !ok:
			bad("competence %q is not in the catalogue", name)
			continue
		case id == "":
			bad("competence name %q is ambiguous; use its ESCO URI", name)
			continue
		}
		if level < 1 || level > lk.MaxLevel {
			bad("level %d of %q is outside the scale 1–%d", level, name, lk.MaxLevel)
			continue
		}
		if seen[id] {
			bad("competence %q is listed twice", name)
			continue
		}
		seen[id] = true
		out = append(out, catalogue.Outcome{CompetenceID: id, Level: level})
	}
	return out
}

func fieldMessages(err error) []string {
	var ves core.ValidationErrors
	if errors.As(err, &ves) {
		out := make([]string, 0, len(ves))
		for _, e := range ves {
			if e.Field == "url" {
				continue // checked above, with the link in the message
			}
			out = append(out, e.Error())
		}
		return out
	}
	return []string{err.Error()}
}

// decimal reads "12", "12.5", "12,5", "1,250.00" or "1.250,00": with both
// marks, the last is the decimal one.
func decimal(s string) (float64, error) {
	s = strings.TrimSpace(s)
	dot, comma := strings.LastIndexByte(s, '.'), strings.LastIndexByte(s, ',')
	switch {
	case dot >= 0 && comma > dot:
		s = strings.ReplaceAll(s, ".", "")
	case comma >= 0 && dot > comma:
		s = strings.ReplaceAll(s, ",", "")
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64)
	if err == nil && (math.IsNaN(f) || math.IsInf(f, 0)) {
		err = errors.New("not a number")
	}
	return f, err
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}
