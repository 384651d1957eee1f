package main

import (
	"context"
	"fmt"
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
	in, err := openOrgImport(ctx, e, args, "courses", "FILE.csv|FILE.json", openlearning.MaxCourseImportBytes)
	if err != nil {
		return err
	}
	defer in.app.Close()
	a, org, file := in.app, in.org, in.file
	data := in.data
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
