package store

import (
	"context"
	"database/sql"
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
		for _, c := range courses {
			it, d := c.Item, c.Detail
			// The same insert as CreateLearningItem's; outcomes go in
			// directly since a new item has none to replace.
			_, err := tx.ExecContext(ctx, `INSERT INTO learning_items (id, org_id, type, status, visibility, lang, title_nl, title_en, body_nl, body_en,
 minutes, url, detail, author_id, reviewer_id, version, created_at, updated_at, published_at)
 VALUES ($2, $1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, $18)`,
				orgID, it.ID, string(it.Type), string(it.Status), string(it.Visibility), it.Lang, it.TitleNL, it.TitleEN, it.BodyNL, it.BodyEN,
				it.Minutes, it.URL, "{}", nullable(it.AuthorID), nullable(it.ReviewerID), it.Version, T(now), NT(it.PublishedAt))
			if err != nil {
				return db.Err(err)
			}
			for _, o := range it.Outcomes {
				if _, err := tx.ExecContext(ctx, `INSERT INTO learning_item_outcomes (org_id, item_id, competence_id, level) VALUES ($1, $2, $3, $4)`, orgID, it.ID, o.CompetenceID, o.Level); err != nil {
					return db.Err(err)
				}
			}
			if err := db.addItemVersion(ctx, tx, orgID, it, byID, "imported"); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO open_courses (item_id, org_id, provider, cost_cents, currency, certificate, schedule)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, it.ID, orgID, d.Provider, d.CostCents, d.Currency, d.Certificate, d.Schedule); err != nil {
				return db.Err(err)
			}
		}
		return nil
	})
}
