package esco

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// FileError is a problem in one input file, at a line when known.
type FileError struct {
	File string
	Line int // 0: the file as a whole
	Msg  string
}

func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// table reads one CSV file with a header row, strictly: every record must
// have the header's number of fields and quoting must be well formed.
type table struct {
	file string
	r    *csv.Reader
	f    *os.File
	col  map[string]int
	rec  []string
	line int
}

// openTable opens path and checks that the header names every column in
// need. A missing file is an error unless optional.
func openTable(path string, need ...string) (*table, error) {
	return openCSV(path, false, need)
}

// openRagged is openTable for files whose rows may omit trailing empty
// fields, as the official skillsHierarchy files do.
func openRagged(path string, need ...string) (*table, error) {
	return openCSV(path, true, need)
}

func openCSV(path string, ragged bool, need []string) (*table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &FileError{File: filepath.Base(path), Msg: err.Error()}
	}
	r := csv.NewReader(f)
	r.ReuseRecord = true
	if ragged {
		r.FieldsPerRecord = -1
	}
	t := &table{file: filepath.Base(path), r: r, f: f, col: map[string]int{}}
	head, err := r.Read()
	if err != nil {
		f.Close()
		return nil, t.wrap(err)
	}
	for i, h := range head {
		h = strings.TrimPrefix(h, "\ufeff")
		t.col[strings.TrimSpace(h)] = i
	}
	var missing []string
	for _, n := range need {
		if _, ok := t.col[n]; !ok {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		f.Close()
		return nil, &FileError{File: t.file, Line: 1, Msg: "missing column " + strings.Join(missing, ", ")}
	}
	return t, nil
}

func (t *table) wrap(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &FileError{File: t.file, Line: pe.StartLine, Msg: pe.Err.Error()}
	}
	return &FileError{File: t.file, Msg: err.Error()}
}

// next reads the next record; it returns false at the end, and an error
// naming file and line for a broken record.
func (t *table) next() (bool, error) {
	rec, err := t.r.Read()
	if err == io.EOF {
		return false, nil
	}
	if err != nil {
		return false, t.wrap(err)
	}
	t.rec = rec
	t.line, _ = t.r.FieldPos(0)
	return true, nil
}

// get returns a column of the current record ("" for an absent column).
func (t *table) get(name string) string {
	i, ok := t.col[name]
	if !ok || i >= len(t.rec) {
		return ""
	}
	return strings.TrimSpace(t.rec[i])
}

func (t *table) errorf(format string, args ...any) error {
	return &FileError{File: t.file, Line: t.line, Msg: fmt.Sprintf(format, args...)}
}

func (t *table) close() { t.f.Close() }

// splitLabels splits an alt-label field: the official files put one label
// per line; the collection files join them with " | ".
func splitLabels(s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, line := range strings.Split(s, "\n") {
		for _, l := range strings.Split(line, " | ") {
			l = strings.TrimSpace(l)
			if l != "" && !seen[l] {
				seen[l] = true
				out = append(out, l)
			}
		}
	}
	return out
}

// findFile returns the first file in dir whose name starts with prefix and
// ends with .csv ("" when none).
func findFile(dir, prefix string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	for _, e := range entries {
		n := e.Name()
		if strings.HasPrefix(n, prefix) && strings.HasSuffix(n, ".csv") {
			return filepath.Join(dir, n)
		}
	}
	return ""
}
