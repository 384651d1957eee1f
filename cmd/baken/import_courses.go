package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/openlearning"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

// importCourses reads open courses from a CSV or JSON file into an
// organisation: every bad row is printed as FILE:LINE: message and then
// nothing is stored; a clean file is stored in one transaction.
func importCourses(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "import courses", "FILE.csv|FILE.json --org SLUG")
	var d dbFlags
	d.register(fs, e)
	orgSlug := fs.String("org", "", "organisation code (slug)")
	var file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if file == "" && fs.NArg() > 0 {
		file = fs.Arg(0)
	}
	if file == "" || *orgSlug == "" {
		return usageError{"usage: baken import courses FILE --org SLUG"}
	}
	info, err := os.Stat(file)
	if err != nil {
		return err
	}
	if info.Size() > openlearning.MaxCourseImportBytes {
		return fmt.Errorf("%s: the file is larger than %d MB; nothing was imported", file, openlearning.MaxCourseImportBytes>>20)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	a, err := openDB(ctx, e, d)
	if err != nil {
		return err
	}
	defer a.Close()
	org, err := a.DB.OrganisationBySlug(ctx, *orgSlug)
	if err != nil {
		return fmt.Errorf("organisation %q: %w", *orgSlug, err)
	}
	lk, err := a.DB.CourseImportLookup(ctx, org.ID)
	if err != nil {
		return err
	}
	res, err := openlearning.ParseCourses(data, lk)
	if err != nil {
		// File-level messages already start with "line N: ".
		msg := core.ErrorMessage(err)
		if rest, ok := strings.CutPrefix(msg, "line "); ok {
			if n, after, ok := strings.Cut(rest, ": "); ok {
				return fmt.Errorf("%s:%s: %s; nothing was imported", file, n, after)
			}
		}
		return fmt.Errorf("%s: %s; nothing was imported", file, msg)
	}
	if !res.Valid() {
		for _, row := range res.Rows {
			for _, msg := range row.Errors {
				fmt.Fprintf(e.stderr, "%s:%d: %s\n", file, row.Line, msg)
			}
		}
		return fmt.Errorf("%d of %d courses have problems; nothing was imported", res.Invalid, len(res.Rows))
	}
	courses := make([]store.ImportedCourse, len(res.Rows))
	for i, row := range res.Rows {
		courses[i] = store.ImportedCourse{Item: row.Item, Detail: row.Detail}
	}
	if err := a.DB.ImportOpenCourses(ctx, org.ID, "", courses); err != nil {
		return fmt.Errorf("%s: %s; nothing was imported", file, core.ErrorMessage(err))
	}
	_ = a.DB.Audit(ctx, tenancy.AuditEntry{OrgID: org.ID, Action: "courses.import", Detail: fmt.Sprintf("%d open courses, from the command line", len(res.Rows))})
	fmt.Fprintf(e.stdout, "imported %d open courses into %s\n", len(res.Rows), org.Name)
	return nil
}
