package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/project"
)

// Lessons learned. Tenant methods take the lesson's orgID and say
// org_id = $1. The community space is the one deliberate exception: the
// methods named Community* read across organisations, and only rows with
// visibility = 'community' AND status = 'published', returned already
// anonymised for the reader's organisation (project.Lesson.Anonymised).

const lessonSelect = `SELECT l.id, l.org_id, l.author_id, l.team_id, COALESCE(l.project_id, ''), l.lang, l.title, l.situation, l.happened, l.cause, l.learned, l.next_time,
	l.status, l.visibility, l.name_people, l.name_org, COALESCE(l.reviewer_id, ''), l.review_note, l.reviewed_at, l.published_at, l.version, l.helped,
	l.created_at, l.updated_at, a.name, o.name, COALESCE(r.name, ''), COALESCE(p.title_nl, ''), COALESCE(p.title_en, '')
	FROM lessons l
	JOIN people a ON a.id = l.author_id AND a.org_id = l.org_id
	JOIN organisations o ON o.id = l.org_id
	LEFT JOIN people r ON r.id = l.reviewer_id AND r.org_id = l.org_id
	LEFT JOIN projects p ON p.id = l.project_id AND p.org_id = l.org_id`

// lessonBriefSelect returns the same columns as lessonSelect with the
// five sections, the review note, the reviewer and the project left
// empty: for lists that show titles only (the place page), where the
// sections are most of the bytes and the extra joins most of the plan.
const lessonBriefSelect = `SELECT l.id, l.org_id, l.author_id, l.team_id, COALESCE(l.project_id, ''), l.lang, l.title, '', '', '', '', '',
	l.status, l.visibility, l.name_people, l.name_org, COALESCE(l.reviewer_id, ''), '', l.reviewed_at, l.published_at, l.version, l.helped,
	l.created_at, l.updated_at, a.name, o.name, '', '', ''
	FROM lessons l
	JOIN people a ON a.id = l.author_id AND a.org_id = l.org_id
	JOIN organisations o ON o.id = l.org_id`

func scanLesson(row interface{ Scan(...any) error }) (*project.Lesson, error) {
	l := &project.Lesson{}
	var pnl, pen string
	err := row.Scan(&l.ID, &l.OrgID, &l.AuthorID, &l.TeamID, &l.ProjectID, &l.Lang, &l.Title, &l.Situation, &l.Happened, &l.Cause, &l.Learned, &l.NextTime,
		&l.Status, &l.Visibility, &l.NamePeople, &l.NameOrg, &l.ReviewerID, &l.ReviewNote, Time{&l.ReviewedAt}, Time{&l.PublishedAt}, &l.Version, &l.Helped,
		Time{&l.CreatedAt}, Time{&l.UpdatedAt}, &l.AuthorName, &l.OrgName, &l.ReviewerName, &pnl, &pen)
	l.ProjectTitle = project.Pick(l.Lang, pnl, pen)
	return l, err
}

func (db *DB) putLessonLinks(ctx context.Context, tx *sql.Tx, orgID string, l *project.Lesson) error {
	comps := map[string]bool{}
	for _, c := range l.Competences {
		comps[c] = true
	}
	if len(comps) > 0 {
		if err := db.checkIDs(ctx, tx, orgID, "competences", "competences", comps); err != nil {
			return err
		}
	}
	for _, q := range []string{`DELETE FROM lesson_competences WHERE org_id = $1 AND lesson_id = $2`, `DELETE FROM lesson_places WHERE org_id = $1 AND lesson_id = $2`} {
		if _, err := tx.ExecContext(ctx, q, orgID, l.ID); err != nil {
			return db.Err(err)
		}
	}
	for c := range comps {
		if _, err := tx.ExecContext(ctx, `INSERT INTO lesson_competences (org_id, lesson_id, competence_id) VALUES ($1, $2, $3)`, orgID, l.ID, c); err != nil {
			return db.Err(err)
		}
	}
	seen := map[string]bool{}
	for _, p := range l.Places {
		if seen[p.PlaceID] {
			continue
		}
		seen[p.PlaceID] = true
		if p.SiteID != "" {
			if err := db.checkRefs(ctx, tx, orgID, map[string]string{"site_id": p.SiteID}); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO lesson_places (org_id, lesson_id, place_id, site_id) VALUES ($1, $2, $3, $4)`, orgID, l.ID, p.PlaceID, p.SiteID); err != nil {
			return db.Err(err)
		}
	}
	return nil
}

func (db *DB) addLessonVersion(ctx context.Context, tx *sql.Tx, orgID string, l *project.Lesson, editorID string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO lesson_versions (org_id, lesson_id, version, title, situation, happened, cause, learned, next_time, edited_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, orgID, l.ID, l.Version, l.Title, l.Situation, l.Happened, l.Cause, l.Learned, l.NextTime, editorID, T(now))
	return db.Err(err)
}

// CreateLesson stores a new lesson of orgID as a draft, version 1.
// Errors: EInvalid (also for an author, project, competence or site of
// another organisation).
func (db *DB) CreateLesson(ctx context.Context, orgID string, l *project.Lesson) error {
	if err := l.Validate(); err != nil {
		return err
	}
	now := time.Now().UTC()
	l.ID, l.OrgID, l.Status, l.Version, l.CreatedAt, l.UpdatedAt = core.NewID(), orgID, project.LessonDraft, 1, now, now
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if err := db.checkRefs(ctx, tx, orgID, map[string]string{"person_id": l.AuthorID}); err != nil {
			return err
		}
		if l.ProjectID != "" {
			if err := db.checkIDs(ctx, tx, orgID, "projects", "project_id", map[string]bool{l.ProjectID: true}); err != nil {
				return err
			}
		}
		if l.TeamID == "" {
			var team sql.NullString
			if err := tx.QueryRowContext(ctx, `SELECT team_id FROM people WHERE org_id = $1 AND id = $2`, orgID, l.AuthorID).Scan(&team); err != nil {
				return db.Err(err)
			}
			l.TeamID = team.String
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO lessons (id, org_id, author_id, team_id, project_id, lang, title, situation, happened, cause, learned, next_time, status, visibility, name_people, name_org, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
			l.ID, orgID, l.AuthorID, l.TeamID, nullable(l.ProjectID), l.Lang, l.Title, l.Situation, l.Happened, l.Cause, l.Learned, l.NextTime,
			string(l.Status), string(l.Visibility), l.NamePeople, l.NameOrg, l.Version, T(now), T(now)); err != nil {
			return db.Err(err)
		}
		if err := db.addLessonVersion(ctx, tx, orgID, l, l.AuthorID, now); err != nil {
			return err
		}
		return db.putLessonLinks(ctx, tx, orgID, l)
	})
}

// UpdateLesson saves a new version of a lesson's content, links and
// sharing choices. Its status is unchanged (see SetLessonStatus).
// Errors: ENotFound, EInvalid.
func (db *DB) UpdateLesson(ctx context.Context, orgID string, l *project.Lesson, editorID string) error {
	if err := l.Validate(); err != nil {
		return err
	}
	now := time.Now().UTC()
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if l.ProjectID != "" {
			if err := db.checkIDs(ctx, tx, orgID, "projects", "project_id", map[string]bool{l.ProjectID: true}); err != nil {
				return err
			}
		}
		var version int
		if err := tx.QueryRowContext(ctx, `SELECT version FROM lessons WHERE org_id = $1 AND id = $2`, orgID, l.ID).Scan(&version); err != nil {
			return db.Err(err)
		}
		l.Version, l.UpdatedAt = version+1, now
		if _, err := tx.ExecContext(ctx, `UPDATE lessons SET project_id = $3, lang = $4, title = $5, situation = $6, happened = $7, cause = $8, learned = $9, next_time = $10,
			visibility = $11, name_people = $12, name_org = $13, version = $14, updated_at = $15 WHERE org_id = $1 AND id = $2`,
			orgID, l.ID, nullable(l.ProjectID), l.Lang, l.Title, l.Situation, l.Happened, l.Cause, l.Learned, l.NextTime,
			string(l.Visibility), l.NamePeople, l.NameOrg, l.Version, T(now)); err != nil {
			return db.Err(err)
		}
		if err := db.addLessonVersion(ctx, tx, orgID, l, editorID, now); err != nil {
			return err
		}
		return db.putLessonLinks(ctx, tx, orgID, l)
	})
}

// SetLessonStatus moves a lesson in its review cycle (the caller decided
// with project.Transition that it may). reviewerID and note are kept for
// publish and send back. Errors: ENotFound, EConflict (the status changed
// meanwhile).
func (db *DB) SetLessonStatus(ctx context.Context, orgID, id string, from, to project.LessonStatus, reviewerID, note string, now time.Time) error {
	note = strings.TrimSpace(note)
	if len([]rune(note)) > project.MaxComment {
		return core.Invalid("review_note", "is at most %d characters", project.MaxComment)
	}
	q := `UPDATE lessons SET status = $4, updated_at = $5`
	args := []any{orgID, id, string(from), string(to), T(now)}
	if reviewerID != "" {
		args = append(args, reviewerID, note)
		q += `, reviewer_id = $6, review_note = $7, reviewed_at = $5`
	}
	if to == project.LessonPublished {
		q += `, published_at = $5`
	}
	res, err := db.write.ExecContext(ctx, q+` WHERE org_id = $1 AND id = $2 AND status = $3`, args...)
	if err != nil {
		return db.Err(err)
	}
	if err := mustAffect(res); err != nil {
		return &core.Error{Code: core.EConflict, Message: "the lesson is not in a state for this", Key: "lesson.wrong_state"}
	}
	return nil
}

func (db *DB) lessonLinks(ctx context.Context, l *project.Lesson) error {
	rows, err := db.read.QueryContext(ctx, `SELECT competence_id FROM lesson_competences WHERE org_id = $1 AND lesson_id = $2 ORDER BY competence_id`, l.OrgID, l.ID)
	if err != nil {
		return db.Err(err)
	}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return err
		}
		l.Competences = append(l.Competences, c)
	}
	rows.Close()
	rows, err = db.read.QueryContext(ctx, `SELECT place_id, site_id FROM lesson_places WHERE org_id = $1 AND lesson_id = $2 ORDER BY place_id`, l.OrgID, l.ID)
	if err != nil {
		return db.Err(err)
	}
	defer rows.Close()
	for rows.Next() {
		var p project.Place
		if err := rows.Scan(&p.PlaceID, &p.SiteID); err != nil {
			return err
		}
		l.Places = append(l.Places, p)
	}
	return rows.Err()
}

// Lesson returns a lesson of orgID with its links, in any status; the
// caller checks project.CanRead. Errors: ENotFound.
func (db *DB) Lesson(ctx context.Context, orgID, id string) (*project.Lesson, error) {
	l, err := scanLesson(db.read.QueryRowContext(ctx, lessonSelect+` WHERE l.org_id = $1 AND l.id = $2`, orgID, id))
	if err != nil {
		return nil, db.Err(err)
	}
	return l, db.lessonLinks(ctx, l)
}

// CommunityLesson returns a lesson published to the community, from any
// organisation, anonymised for a reader of viewerOrgID. Errors: ENotFound
// (also for lessons that exist but are not in the community).
func (db *DB) CommunityLesson(ctx context.Context, viewerOrgID, id string) (*project.Lesson, error) {
	l, err := scanLesson(db.read.QueryRowContext(ctx, lessonSelect+` WHERE l.id = $1 AND l.visibility = 'community' AND l.status = 'published'`, id))
	if err != nil {
		return nil, db.Err(err)
	}
	if err := db.lessonLinks(ctx, l); err != nil {
		return nil, err
	}
	return l.Anonymised(viewerOrgID), nil
}

// LessonFilter selects lessons of one organisation.
type LessonFilter struct {
	Status       project.LessonStatus
	AuthorID     string
	ProjectID    string
	PlaceID      string
	SiteID       string
	CompetenceID string
	Visibilities []project.Visibility
	// ReadableBy keeps only what this reader may read, as project.CanRead
	// says, in the query itself so that paging and counts hold (the JSON
	// API). Nil: no such filter; the caller checks.
	ReadableBy *LessonReader
	// Brief leaves out the sections, the review note, the reviewer's name
	// and the project's title (see lessonBriefSelect).
	Brief  bool
	Limit  int // default 100, at most 1000
	Offset int
}

// LessonReader is who reads, for LessonFilter.ReadableBy: the person, the
// teams whose lessons they read (their own and those they lead), and
// whether they review lessons (project.CanReview).
type LessonReader struct {
	PersonID string
	TeamIDs  []string
	Reviewer bool
}

// Lessons lists lessons of orgID, newest first (published ones by
// publication). Links are not filled (see FillLessonLinks). Without
// ReadableBy the caller filters with project.CanRead.
func (db *DB) Lessons(ctx context.Context, orgID string, f LessonFilter) ([]*project.Lesson, error) {
	where, args := lessonWhere(orgID, f)
	sel := lessonSelect
	if f.Brief {
		sel = lessonBriefSelect
	}
	return db.lessonList(ctx, sel, where, args, f.Limit, f.Offset)
}

// CountLessons counts what Lessons would list without its limit.
func (db *DB) CountLessons(ctx context.Context, orgID string, f LessonFilter) (int, error) {
	where, args := lessonWhere(orgID, f)
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM lessons l WHERE `+strings.Join(where, ` AND `), args...).Scan(&n)
	return n, db.Err(err)
}

func lessonWhere(orgID string, f LessonFilter) ([]string, []any) {
	where := []string{`l.org_id = $1`}
	args := []any{orgID}
	for _, c := range []struct{ col, v string }{{"l.status", string(f.Status)}, {"l.author_id", f.AuthorID}, {"l.project_id", f.ProjectID}} {
		if c.v != "" {
			args = append(args, c.v)
			where = append(where, fmt.Sprintf(`%s = $%d`, c.col, len(args)))
		}
	}
	if rd := f.ReadableBy; rd != nil {
		// project.CanRead in SQL: published lessons for the organisation
		// or the community; one's own in any status; a team's published
		// lessons for its members and lead; reviewers read every
		// published lesson and those in review.
		args = append(args, rd.PersonID)
		or := []string{`l.status = 'published' AND l.visibility IN ('organisation', 'community')`, fmt.Sprintf(`l.author_id = $%d`, len(args))}
		var teams []string
		for _, t := range rd.TeamIDs {
			if t != "" {
				teams = append(teams, t)
			}
		}
		if len(teams) > 0 {
			or = append(or, `l.status = 'published' AND l.visibility = 'team' AND l.team_id IN (`+In(len(args)+1, len(teams))+`)`)
			for _, t := range teams {
				args = append(args, t)
			}
		}
		if rd.Reviewer {
			or = append(or, `l.status IN ('published', 'in_review')`)
		}
		where = append(where, `((`+strings.Join(or, `) OR (`)+`))`)
	}
	if f.PlaceID != "" {
		args = append(args, f.PlaceID)
		where = append(where, fmt.Sprintf(`l.id IN (SELECT lesson_id FROM lesson_places WHERE org_id = $1 AND place_id = $%d)`, len(args)))
	}
	if f.SiteID != "" {
		args = append(args, f.SiteID)
		where = append(where, fmt.Sprintf(`l.id IN (SELECT lesson_id FROM lesson_places WHERE org_id = $1 AND site_id = $%d)`, len(args)))
	}
	if f.CompetenceID != "" {
		args = append(args, f.CompetenceID)
		where = append(where, fmt.Sprintf(`l.id IN (SELECT lesson_id FROM lesson_competences WHERE org_id = $1 AND competence_id = $%d)`, len(args)))
	}
	if len(f.Visibilities) > 0 {
		where = append(where, `l.visibility IN (`+In(len(args)+1, len(f.Visibilities))+`)`)
		for _, v := range f.Visibilities {
			args = append(args, string(v))
		}
	}
	return where, args
}

// FillLessonLinks fills the competences and places of lessons of orgID
// in two queries, whatever their number.
func (db *DB) FillLessonLinks(ctx context.Context, orgID string, ls []*project.Lesson) error {
	if len(ls) == 0 {
		return nil
	}
	byID := map[string]*project.Lesson{}
	args := []any{orgID}
	for _, l := range ls {
		byID[l.ID] = l
		l.Competences, l.Places = nil, nil
		args = append(args, l.ID)
	}
	in := In(2, len(ls))
	rows, err := db.read.QueryContext(ctx, `SELECT lesson_id, competence_id FROM lesson_competences WHERE org_id = $1 AND lesson_id IN (`+in+`) ORDER BY lesson_id, competence_id`, args...)
	if err != nil {
		return db.Err(err)
	}
	for rows.Next() {
		var id, c string
		if err := rows.Scan(&id, &c); err != nil {
			rows.Close()
			return err
		}
		byID[id].Competences = append(byID[id].Competences, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = db.read.QueryContext(ctx, `SELECT lesson_id, place_id, site_id FROM lesson_places WHERE org_id = $1 AND lesson_id IN (`+in+`) ORDER BY lesson_id, place_id`, args...)
	if err != nil {
		return db.Err(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var p project.Place
		if err := rows.Scan(&id, &p.PlaceID, &p.SiteID); err != nil {
			return err
		}
		byID[id].Places = append(byID[id].Places, p)
	}
	return rows.Err()
}

func (db *DB) lessonList(ctx context.Context, sel string, where []string, args []any, limit, offset int) ([]*project.Lesson, error) {
	if limit <= 0 {
		limit = 100
	}
	args = append(args, min(limit, 1000), min(max(offset, 0), 100000))
	rows, err := db.read.QueryContext(ctx, sel+` WHERE `+strings.Join(where, ` AND `)+
		fmt.Sprintf(` ORDER BY COALESCE(l.published_at, l.updated_at) DESC, l.id DESC LIMIT $%d OFFSET $%d`, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []*project.Lesson
	for rows.Next() {
		l, err := scanLesson(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// CommunityLessons lists lessons published to the community by every
// organisation, newest first, anonymised for a reader of viewerOrgID.
func (db *DB) CommunityLessons(ctx context.Context, viewerOrgID string, limit, offset int) ([]*project.Lesson, error) {
	ls, err := db.lessonList(ctx, lessonSelect, []string{`l.visibility = 'community'`, `l.status = 'published'`}, nil, limit, offset)
	for i, l := range ls {
		ls[i] = l.Anonymised(viewerOrgID)
	}
	return ls, err
}

// CountCommunityLessons counts the lessons in the community space.
func (db *DB) CountCommunityLessons(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM lessons WHERE visibility = 'community' AND status = 'published'`).Scan(&n)
	return n, db.Err(err)
}

// LessonVersions lists the versions of a lesson of orgID, newest first.
func (db *DB) LessonVersions(ctx context.Context, orgID, lessonID string) ([]*project.Version, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT v.version, v.title, v.situation, v.happened, v.cause, v.learned, v.next_time, v.edited_by, v.created_at, COALESCE(p.name, '')
		FROM lesson_versions v LEFT JOIN people p ON p.id = v.edited_by AND p.org_id = v.org_id
		WHERE v.org_id = $1 AND v.lesson_id = $2 ORDER BY v.version DESC`, orgID, lessonID)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []*project.Version
	for rows.Next() {
		v := &project.Version{LessonID: lessonID}
		if err := rows.Scan(&v.Version, &v.Title, &v.Situation, &v.Happened, &v.Cause, &v.Learned, &v.NextTime, &v.EditedBy, Time{&v.CreatedAt}, &v.EditorName); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// AddComment adds a comment to a published lesson of lessonOrgID by a
// reader of c.AuthorOrgID (the caller checked that they may read it).
// Errors: EInvalid, ENotFound.
func (db *DB) AddComment(ctx context.Context, lessonOrgID string, c *project.Comment) error {
	if err := c.Validate(); err != nil {
		return err
	}
	c.ID, c.CreatedAt = core.NewID(), time.Now().UTC()
	return db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM lessons WHERE org_id = $1 AND id = $2 AND status = 'published'`, lessonOrgID, c.LessonID).Scan(&n); err != nil {
			return db.Err(err)
		}
		if n == 0 {
			return core.ErrNotFound
		}
		if err := db.checkRefs(ctx, tx, c.AuthorOrgID, map[string]string{"person_id": c.AuthorID}); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO lesson_comments (id, org_id, lesson_id, author_org_id, author_id, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			c.ID, lessonOrgID, c.LessonID, c.AuthorOrgID, c.AuthorID, c.Body, T(c.CreatedAt))
		return db.Err(err)
	})
}

// Comments lists the comments on a lesson of lessonOrgID, oldest first.
// Commenters from another organisation than viewerOrgID are not named.
func (db *DB) Comments(ctx context.Context, lessonOrgID, lessonID, viewerOrgID string) ([]*project.Comment, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT c.id, c.author_org_id, c.author_id, c.body, c.created_at, p.name, o.name FROM lesson_comments c
		JOIN people p ON p.id = c.author_id AND p.org_id = c.author_org_id
		JOIN organisations o ON o.id = c.author_org_id
		WHERE c.org_id = $1 AND c.lesson_id = $2 ORDER BY c.created_at, c.id LIMIT 500`, lessonOrgID, lessonID)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []*project.Comment
	for rows.Next() {
		c := &project.Comment{LessonID: lessonID}
		if err := rows.Scan(&c.ID, &c.AuthorOrgID, &c.AuthorID, &c.Body, Time{&c.CreatedAt}, &c.AuthorName, &c.OrgName); err != nil {
			return nil, err
		}
		if c.AuthorOrgID != viewerOrgID {
			c.AuthorID, c.AuthorName, c.OrgName = "", "", ""
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// MarkHelped records that a reader (of readerOrgID) found a lesson of
// lessonOrgID helpful; once per reader. Returns whether it was new.
func (db *DB) MarkHelped(ctx context.Context, lessonOrgID, lessonID, readerOrgID, personID string) (bool, error) {
	added := false
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM lesson_helped WHERE lesson_id = $1 AND person_id = $2`, lessonID, personID).Scan(&n); err != nil {
			return db.Err(err)
		}
		if n > 0 {
			return nil
		}
		if err := db.checkRefs(ctx, tx, readerOrgID, map[string]string{"person_id": personID}); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE lessons SET helped = helped + 1 WHERE org_id = $1 AND id = $2 AND status = 'published'`, lessonOrgID, lessonID)
		if err != nil {
			return db.Err(err)
		}
		if err := mustAffect(res); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO lesson_helped (lesson_id, person_id, org_id, created_at) VALUES ($1, $2, $3, $4)`, lessonID, personID, readerOrgID, T(time.Now()))
		added = err == nil
		return db.Err(err)
	})
	return added, err
}

// HasHelped reports whether personID marked the lesson as helpful.
func (db *DB) HasHelped(ctx context.Context, lessonID, personID string) (bool, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM lesson_helped WHERE lesson_id = $1 AND person_id = $2`, lessonID, personID).Scan(&n)
	return n > 0, db.Err(err)
}

// AddLessonImage stores an image for a lesson of orgID (PNG or JPEG by
// content, at most project.MaxImageBytes). Errors: EInvalid, ETooLarge, ENotFound.
func (db *DB) AddLessonImage(ctx context.Context, orgID string, img *project.Image) error {
	if len(img.Data) > project.MaxImageBytes {
		return &core.Error{Code: core.ETooLarge, Field: "image", Message: "is larger than 5 MB"}
	}
	img.ContentType = project.SniffImage(img.Data)
	if img.ContentType == "" {
		return core.Invalid("image", "must be a PNG or JPEG image")
	}
	img.Name = strings.TrimSpace(img.Name)
	if len([]rune(img.Name)) > 200 {
		img.Name = string([]rune(img.Name)[:200])
	}
	img.ID, img.Size, img.CreatedAt = core.NewID(), len(img.Data), time.Now().UTC()
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if err := db.checkIDs(ctx, tx, orgID, "lessons", "lesson_id", map[string]bool{img.LessonID: true}); err != nil {
			return core.ErrNotFound
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO lesson_images (id, org_id, lesson_id, content_type, size, name, data, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			img.ID, orgID, img.LessonID, img.ContentType, img.Size, img.Name, img.Data, T(img.CreatedAt))
		return db.Err(err)
	})
}

// LessonImage returns an image of a lesson of orgID. Errors: ENotFound.
func (db *DB) LessonImage(ctx context.Context, orgID, lessonID, id string) (*project.Image, error) {
	img := &project.Image{ID: id, LessonID: lessonID}
	err := db.read.QueryRowContext(ctx, `SELECT content_type, size, name, data, created_at FROM lesson_images WHERE org_id = $1 AND lesson_id = $2 AND id = $3`, orgID, lessonID, id).
		Scan(&img.ContentType, &img.Size, &img.Name, &img.Data, Time{&img.CreatedAt})
	if err != nil {
		return nil, db.Err(err)
	}
	return img, nil
}

// PeopleAtSites lists the active people of orgID working at any of the
// sites (for "new lessons where you work").
func (db *DB) PeopleAtSites(ctx context.Context, orgID string, siteIDs []string) ([]string, error) {
	if len(siteIDs) == 0 {
		return nil, nil
	}
	args := []any{orgID}
	for _, s := range siteIDs {
		args = append(args, s)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM people WHERE org_id = $1 AND active = TRUE AND site_id IN (`+In(2, len(siteIDs))+`) ORDER BY id`, args...)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// ImportLessons stores many lessons of orgID at once, as they are given
// (status, visibility, dates; version 1), with their competence and place
// links, in one transaction: for moving lessons in from another system
// and for benchmarks at scale. Errors: EInvalid (the first bad lesson).
func (db *DB) ImportLessons(ctx context.Context, orgID string, ls []*project.Lesson) error {
	now := time.Now().UTC()
	var rows, vrows, crows, prows [][]any
	for _, l := range ls {
		if err := l.Validate(); err != nil {
			return err
		}
		if l.ID == "" {
			l.ID = core.NewID()
		}
		if l.CreatedAt.IsZero() {
			l.CreatedAt = now
		}
		if l.Status == "" {
			l.Status = project.LessonDraft
		}
		l.OrgID, l.Version, l.UpdatedAt = orgID, 1, l.CreatedAt
		rows = append(rows, []any{l.ID, orgID, l.AuthorID, l.TeamID, nullable(l.ProjectID), l.Lang, l.Title, l.Situation, l.Happened, l.Cause, l.Learned, l.NextTime,
			string(l.Status), string(l.Visibility), l.NamePeople, l.NameOrg, nullable(l.ReviewerID), NT(l.PublishedAt), l.Version, T(l.CreatedAt), T(l.UpdatedAt)})
		vrows = append(vrows, []any{orgID, l.ID, 1, l.Title, l.Situation, l.Happened, l.Cause, l.Learned, l.NextTime, l.AuthorID, T(l.CreatedAt)})
		for _, c := range l.Competences {
			crows = append(crows, []any{orgID, l.ID, c})
		}
		for _, p := range l.Places {
			prows = append(prows, []any{orgID, l.ID, p.PlaceID, p.SiteID})
		}
	}
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		people := map[string]bool{}
		for _, l := range ls {
			people[l.AuthorID] = true
		}
		if err := db.checkIDs(ctx, tx, orgID, "people", "author_id", people); err != nil {
			return err
		}
		for _, b := range []struct {
			head string
			n    int
			rows [][]any
		}{
			{`INSERT INTO lessons (id, org_id, author_id, team_id, project_id, lang, title, situation, happened, cause, learned, next_time, status, visibility, name_people, name_org, reviewer_id, published_at, version, created_at, updated_at)`, 21, rows},
			{`INSERT INTO lesson_versions (org_id, lesson_id, version, title, situation, happened, cause, learned, next_time, edited_by, created_at)`, 11, vrows},
			{`INSERT INTO lesson_competences (org_id, lesson_id, competence_id)`, 3, crows},
			{`INSERT INTO lesson_places (org_id, lesson_id, place_id, site_id)`, 4, prows},
		} {
			if len(b.rows) == 0 {
				continue
			}
			if err := batchInsert(ctx, tx, b.head, b.n, b.rows, ``, nil); err != nil {
				return fmt.Errorf("import lessons: %w", db.Err(err))
			}
		}
		return nil
	})
	if err != nil || db.engine != Postgres {
		return err
	}
	// After a bulk load PostgreSQL plans with the statistics of the empty
	// tables until autovacuum next analyses them (never, where autovacuum
	// is off): a place's lessons then took 5 ms instead of 0.5 ms, joining
	// every author of the organisation per lesson. The statistics are
	// sampled, so this costs milliseconds whatever the size.
	if _, err := db.write.ExecContext(ctx, `ANALYZE lessons, lesson_places, lesson_competences`); err != nil {
		return fmt.Errorf("import lessons: analyse: %w", db.Err(err))
	}
	return nil
}
