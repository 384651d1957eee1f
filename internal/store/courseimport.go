package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/catalogue"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/openlearning"
)

// ImportedCourse is one open course of an import: the learning item and
// its open-course fields.
type ImportedCourse struct {
	Item   *catalogue.Item
	Detail *openlearning.CourseDetail
}

// CourseImportLookup returns what a course file of orgID is checked
// against: the organisation's active competences by name (both languages)
// and source reference, the top of its scale, the titles of its open
// courses, and the default visibility for its kind of organisation.
func (db *DB) CourseImportLookup(ctx context.Context, orgID string) (openlearning.CourseImportLookup, error) {
	lk := openlearning.CourseImportLookup{Competences: map[string]string{}, Titles: map[string]bool{}, Visibility: catalogue.VisOrg}
	var kind string
	if err := db.read.QueryRowContext(ctx, `SELECT kind FROM organisations WHERE id = $1`, orgID).Scan(&kind); err != nil {
		return lk, db.Err(err)
	}
	if kind == "provider" {
		lk.Visibility = catalogue.VisPartners
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, name_nl, name_en, source_ref FROM competences WHERE org_id = $1 AND active = TRUE`, orgID)
	if err != nil {
		return lk, db.Err(err)
	}
	defer rows.Close()
	byRef := map[string]string{}
	for rows.Next() {
		var id, nl, en, ref string
		if err := rows.Scan(&id, &nl, &en, &ref); err != nil {
			return lk, err
		}
		for _, n := range []string{nl, en} {
			n = strings.ToLower(strings.TrimSpace(n))
			if n == "" {
				continue
			}
			if prev, ok := lk.Competences[n]; ok && prev != id {
				lk.Competences[n] = "" // two competences share the name
			} else {
				lk.Competences[n] = id
			}
		}
		if ref != "" {
			byRef[strings.ToLower(ref)] = id
		}
	}
	if err := rows.Err(); err != nil {
		return lk, err
	}
	// A source reference is unambiguous, so it wins over a name.
	for ref, id := range byRef {
		lk.Competences[ref] = id
	}
	scale, err := db.Scale(ctx, orgID)
	if err != nil {
		return lk, err
	}
	lk.MaxLevel = scale.Max()
	trows, err := db.read.QueryContext(ctx, `SELECT title_nl, title_en FROM learning_items WHERE org_id = $1 AND type = 'open_course' AND status <> 'archived'`, orgID)
	if err != nil {
		return lk, db.Err(err)
	}
	defer trows.Close()
	for trows.Next() {
		var nl, en string
		if err := trows.Scan(&nl, &en); err != nil {
			return lk, err
		}
		for _, t := range []string{nl, en} {
			if t = strings.ToLower(strings.TrimSpace(t)); t != "" {
				lk.Titles[t] = true
			}
		}
	}
	return lk, trows.Err()
}

// ImportOpenCourses stores every course as a new open course of orgID,
// written by byID ("" from the command line), in one transaction: all of
// them or, on any error, none. Errors: EInvalid (a course, or a competence
// that is not orgID's).
func (db *DB) ImportOpenCourses(ctx context.Context, orgID, byID string, courses []ImportedCourse) error {
	if len(courses) == 0 {
		return core.Invalid("file", "there is nothing to import")
	}
	now := time.Now().UTC()
	comps := map[string]bool{}
	for _, c := range courses {
		it := c.Item
		it.OrgID, it.Type = orgID, catalogue.OpenCourse
		if err := it.Validate(); err != nil {
			return err
		}
		if !openlearning.ValidCourseURL(it.URL) {
			return core.Invalid("url", "must be an http or https link")
		}
		if err := c.Detail.Validate(); err != nil {
			return err
		}
		if it.ID == "" {
			it.ID = core.NewID()
		}
		it.CreatedAt, it.UpdatedAt, it.Version = now, now, 1
		if it.AuthorID == "" {
			it.AuthorID = byID
		}
		if it.Status == catalogue.Published && it.PublishedAt.IsZero() {
			it.PublishedAt = now
		}
		for _, o := range it.Outcomes {
			comps[o.CompetenceID] = true
		}
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if len(comps) > 0 {
			if err := db.checkIDs(ctx, tx, orgID, "competences", "outcomes", comps); err != nil {
				return core.Invalid("outcomes", "a competence does not exist in this organisation")
			}
		}
		if err := db.checkPeople(ctx, tx, orgID, byID); err != nil {
			return err
		}
		// The same columns as CreateLearningItem's insert, many rows a
		// statement: row by row, 20,000 courses take minutes on a
		// PostgreSQL server a network hop away.
		var items, outcomes, versions, details [][]any
		for _, c := range courses {
			it, d := c.Item, c.Detail
			items = append(items, []any{it.ID, orgID, string(it.Type), string(it.Status), string(it.Visibility), it.Lang, it.TitleNL, it.TitleEN, it.BodyNL, it.BodyEN,
				it.Minutes, it.URL, "{}", nullable(it.AuthorID), nullable(it.ReviewerID), it.Version, T(now), T(now), NT(it.PublishedAt)})
			for _, o := range it.Outcomes {
				outcomes = append(outcomes, []any{orgID, it.ID, o.CompetenceID, o.Level})
			}
			snap, err := json.Marshal(it)
			if err != nil {
				return err
			}
			versions = append(versions, []any{orgID, it.ID, it.Version, string(it.Status), nullable(byID), T(it.UpdatedAt), "imported", string(snap)})
			details = append(details, []any{it.ID, orgID, d.Provider, d.CostCents, d.Currency, d.Certificate, d.Schedule})
		}
		for _, ins := range []struct {
			head string
			rows [][]any
		}{
			{`INSERT INTO learning_items (id, org_id, type, status, visibility, lang, title_nl, title_en, body_nl, body_en,
 minutes, url, detail, author_id, reviewer_id, version, created_at, updated_at, published_at) VALUES `, items},
			{`INSERT INTO learning_item_outcomes (org_id, item_id, competence_id, level) VALUES `, outcomes},
			{`INSERT INTO learning_item_versions (org_id, item_id, version, status, saved_by, saved_at, note, snapshot) VALUES `, versions},
			{`INSERT INTO open_courses (item_id, org_id, provider, cost_cents, currency, certificate, schedule) VALUES `, details},
		} {
			if err := insertRows(ctx, tx, ins.head, ins.rows); err != nil {
				return db.Err(err)
			}
		}
		return nil
	})
}

// insertRows runs head followed by the rows' VALUES lists, as many rows a
// statement as stay under 1,000 parameters.
func insertRows(ctx context.Context, tx *sql.Tx, head string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	per := max(1, 1000/len(rows[0]))
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		var q strings.Builder
		q.WriteString(head)
		args := make([]any, 0, len(chunk)*len(rows[0]))
		for i, r := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteByte('(')
			for j := range r {
				if j > 0 {
					q.WriteString(", ")
				}
				q.WriteString("$" + strconv.Itoa(len(args)+j+1))
			}
			q.WriteByte(')')
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return err
		}
	}
	return nil
}
