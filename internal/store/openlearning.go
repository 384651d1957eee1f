package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/openlearning"
)

// visibleItem is the condition under which viewer $1 may use learning item
// i: its own published items, and the published items partners share with
// it (visibility partners or public) — the same rule as SharedLearningItem.
const visibleItem = `i.status = 'published' AND (i.org_id = $1 OR (i.visibility IN ('partners', 'public')
	AND i.org_id IN (SELECT partner_id FROM partnerships WHERE org_id = $1)))`

// SaveOpenCourse stores the open-course fields of an item of orgID.
func (db *DB) SaveOpenCourse(ctx context.Context, orgID, itemID string, d *openlearning.CourseDetail) error {
	if err := d.Validate(); err != nil {
		return err
	}
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM learning_items WHERE org_id = $1 AND id = $2 AND type = 'open_course'`, orgID, itemID).Scan(&n); err != nil {
		return db.Err(err)
	}
	if n == 0 {
		return core.ErrNotFound
	}
	_, err := db.write.ExecContext(ctx, `INSERT INTO open_courses (item_id, org_id, provider, cost_cents, currency, certificate, schedule)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (item_id) DO UPDATE SET provider = excluded.provider, cost_cents = excluded.cost_cents, currency = excluded.currency,
		certificate = excluded.certificate, schedule = excluded.schedule`,
		itemID, orgID, d.Provider, d.CostCents, d.Currency, d.Certificate, d.Schedule)
	return db.Err(err)
}

// OpenCourse returns the open-course fields of an item viewerOrgID may
// see. Errors: ENotFound.
func (db *DB) OpenCourse(ctx context.Context, viewerOrgID, itemID string) (*openlearning.CourseDetail, error) {
	var d openlearning.CourseDetail
	err := db.read.QueryRowContext(ctx, `SELECT c.provider, c.cost_cents, c.currency, c.certificate, c.schedule
		FROM open_courses c JOIN learning_items i ON i.id = c.item_id AND i.org_id = c.org_id
		WHERE c.item_id = $2 AND (i.org_id = $1 OR (`+visibleItem+`))`, viewerOrgID, itemID).
		Scan(&d.Provider, &d.CostCents, &d.Currency, &d.Certificate, &d.Schedule)
	if err != nil {
		return nil, db.Err(err)
	}
	return &d, nil
}

// CourseListing is an open course in the list a person browses.
type CourseListing struct {
	ItemID, OrgID      string
	TitleNL, TitleEN   string
	Lang, URL          string
	Minutes            int
	Partner            string // sharing organisation, "" for own courses
	Detail             openlearning.CourseDetail
	Visibility, Status string
}

// Title returns the title in lang.
func (c *CourseListing) Title(lang string) string {
	if lang == "nl" && c.TitleNL != "" || c.TitleEN == "" {
		return c.TitleNL
	}
	return c.TitleEN
}

// OpenCourses lists the open courses orgID may use: its own (drafts too
// when withDrafts) and those partners share, own first.
func (db *DB) OpenCourses(ctx context.Context, orgID string, withDrafts bool) ([]*CourseListing, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT i.id, i.org_id, i.title_nl, i.title_en, i.lang, i.url, i.minutes,
		CASE WHEN i.org_id = $1 THEN '' ELSE o.name END, c.provider, c.cost_cents, c.currency, c.certificate, c.schedule, i.visibility, i.status
		FROM learning_items i
		JOIN open_courses c ON c.item_id = i.id AND c.org_id = i.org_id
		JOIN organisations o ON o.id = i.org_id
		WHERE i.type = 'open_course' AND ((`+visibleItem+`) OR ($2 = TRUE AND i.org_id = $1 AND i.status <> 'archived'))
		ORDER BY CASE WHEN i.org_id = $1 THEN 0 ELSE 1 END, COALESCE(NULLIF(i.title_nl, ''), i.title_en)`, orgID, withDrafts)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []*CourseListing
	for rows.Next() {
		var c CourseListing
		if err := rows.Scan(&c.ItemID, &c.OrgID, &c.TitleNL, &c.TitleEN, &c.Lang, &c.URL, &c.Minutes, &c.Partner,
			&c.Detail.Provider, &c.Detail.CostCents, &c.Detail.Currency, &c.Detail.Certificate, &c.Detail.Schedule, &c.Visibility, &c.Status); err != nil {
			return nil, err
		}
		out = append(out, &c)
	}
	return out, rows.Err()
}

// visibleItemType returns the type and owner of an item orgID may use, or
// ENotFound.
func (db *DB) visibleItemType(ctx context.Context, q Querier, orgID, itemID string) (typ, itemOrg string, err error) {
	err = q.QueryRowContext(ctx, `SELECT i.type, i.org_id FROM learning_items i WHERE i.id = $2 AND `+visibleItem, orgID, itemID).Scan(&typ, &itemOrg)
	return typ, itemOrg, db.Err(err)
}

// Enrol starts a person of orgID on an item they may use. Enrolling again
// after dropping restarts; an assigned enrolment becomes started. Errors:
// ENotFound (the item, or the person).
func (db *DB) Enrol(ctx context.Context, orgID, personID, itemID string) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		_, itemOrg, err := db.visibleItemType(ctx, tx, orgID, itemID)
		if err != nil {
			return err
		}
		if err := db.checkRefs(ctx, tx, orgID, map[string]string{"person_id": personID}); err != nil {
			return core.ErrNotFound
		}
		now := T(time.Now())
		_, err = tx.ExecContext(ctx, `INSERT INTO enrolments (id, org_id, person_id, item_id, item_org_id, status, started_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, 'started', $6, $6, $6)
			ON CONFLICT (org_id, person_id, item_id) DO UPDATE SET status = 'started', started_at = excluded.started_at, updated_at = excluded.updated_at
			WHERE enrolments.status IN ('assigned', 'dropped')`,
			core.NewID(), orgID, personID, itemID, itemOrg, now)
		return db.Err(err)
	})
}

// Assign asks a person of orgID to take an item by a date (the team lead's
// assignment). An open or completed enrolment keeps its status and gets
// the new due date. Errors: ENotFound, EInvalid.
func (db *DB) Assign(ctx context.Context, orgID, assignerID, personID, itemID string, due time.Time) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		_, itemOrg, err := db.visibleItemType(ctx, tx, orgID, itemID)
		if err != nil {
			return err
		}
		if err := db.checkRefs(ctx, tx, orgID, map[string]string{"person_id": personID}); err != nil {
			return err
		}
		now := T(time.Now())
		_, err = tx.ExecContext(ctx, `INSERT INTO enrolments (id, org_id, person_id, item_id, item_org_id, status, assigned_by, due_on, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, 'assigned', $6, $7, $8, $8)
			ON CONFLICT (org_id, person_id, item_id) DO UPDATE SET assigned_by = excluded.assigned_by, due_on = excluded.due_on,
			status = CASE WHEN enrolments.status = 'dropped' THEN 'assigned' ELSE enrolments.status END, updated_at = excluded.updated_at`,
			core.NewID(), orgID, personID, itemID, itemOrg, nullable(assignerID), Date(due), now)
		return db.Err(err)
	})
}

// DropEnrolment stops an open enrolment. Errors: ENotFound.
func (db *DB) DropEnrolment(ctx context.Context, orgID, personID, itemID string) error {
	res, err := db.write.ExecContext(ctx, `UPDATE enrolments SET status = 'dropped', updated_at = $4
		WHERE org_id = $1 AND person_id = $2 AND item_id = $3 AND status IN ('assigned', 'started')`, orgID, personID, itemID, T(time.Now()))
	if err != nil {
		return db.Err(err)
	}
	return mustAffect(res)
}

// Completion is what a person hands in when they finish an item.
type Completion struct {
	ProofURL   string
	Attachment *competence.Attachment // a certificate scan
	Note       string
}

// CompleteEnrolment marks an item done for a person of orgID and records
// self-declared evidence for each competence the item develops (mapped to
// the organisation's own competences for partner items), which the team
// lead or an assessor validates later. Items that happen outside Baken
// (open courses, classroom courses, labs) need a certificate or a link.
// It returns the evidence recorded. Errors: ENotFound, EInvalid.
func (db *DB) CompleteEnrolment(ctx context.Context, orgID, personID, itemID string, c Completion) ([]*competence.Evidence, error) {
	typ, itemOrg, err := db.visibleItemType(ctx, db.read, orgID, itemID)
	if err != nil {
		return nil, err
	}
	c.ProofURL = strings.TrimSpace(c.ProofURL)
	if c.ProofURL != "" && !openlearning.ValidCourseURL(c.ProofURL) {
		return nil, core.Invalid("proof_url", "must be an http or https link")
	}
	if openlearning.NeedsProof(typ) && c.ProofURL == "" && c.Attachment == nil {
		return nil, &core.Error{Code: core.EInvalid, Field: "proof", Message: "upload the certificate or give a link to it", Key: "learning.err.proof"}
	}
	if c.Attachment != nil && (c.Attachment.Size > competence.MaxAttachmentBytes || !competence.AttachmentTypes[c.Attachment.ContentType]) {
		return nil, &core.Error{Code: core.EInvalid, Field: "proof", Message: "the certificate must be a PDF, PNG, JPEG or WebP file of at most 5 MB", Key: "learning.err.proof_file"}
	}
	outcomes, err := db.mappedOutcomes(ctx, orgID, itemOrg, itemID)
	if err != nil {
		return nil, err
	}
	var title string
	_ = db.read.QueryRowContext(ctx, `SELECT COALESCE(NULLIF(title_en, ''), title_nl) FROM learning_items WHERE id = $1`, itemID).Scan(&title)
	now := time.Now().UTC()
	var evs []*competence.Evidence
	for _, o := range outcomes {
		note := fmt.Sprintf("Completed %q", title)
		if c.ProofURL != "" {
			note += "; certificate: " + c.ProofURL
		}
		if c.Note != "" {
			note += "; " + c.Note
		}
		evs = append(evs, &competence.Evidence{PersonID: personID, CompetenceID: o.CompetenceID, Level: o.Level,
			Kind: competence.SelfAssessment, RecordedBy: personID, RecordedAt: now, Note: truncate(note, 1000), Attachment: c.Attachment})
	}
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		proofName := ""
		if c.Attachment != nil {
			proofName = c.Attachment.Name
		}
		ts := T(now)
		res, err := tx.ExecContext(ctx, `INSERT INTO enrolments (id, org_id, person_id, item_id, item_org_id, status, started_at, completed_at, proof_url, proof_name, note, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, 'completed', $6, $6, $7, $8, $9, $6, $6)
			ON CONFLICT (org_id, person_id, item_id) DO UPDATE SET status = 'completed', completed_at = excluded.completed_at,
			proof_url = excluded.proof_url, proof_name = excluded.proof_name, note = excluded.note, updated_at = excluded.updated_at
			WHERE enrolments.status <> 'completed'`,
			core.NewID(), orgID, personID, itemID, itemOrg, ts, c.ProofURL, proofName, truncate(c.Note, 1000))
		if err != nil {
			return db.Err(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &core.Error{Code: core.EConflict, Message: "already completed", Key: "learning.err.done"}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(evs) > 0 {
		if err := db.AddEvidenceBatch(ctx, orgID, evs); err != nil {
			return nil, err
		}
	}
	return evs, nil
}

// mappedOutcome is an item's outcome as a competence of the viewing
// organisation.
type mappedOutcome struct {
	CompetenceID string
	Level        int
}

// mappedOutcomes maps an item's outcomes onto orgID's competences. Own
// items map as they are; a partner's competences map to the organisation's
// competence from the same framework entry (the same ESCO skill or DigComp
// competence), else to one with the same name.
func (db *DB) mappedOutcomes(ctx context.Context, orgID, itemOrg, itemID string) ([]mappedOutcome, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT o.competence_id, o.level, c.framework, c.source_ref, c.name_nl, c.name_en
		FROM learning_item_outcomes o JOIN competences c ON c.id = o.competence_id AND c.org_id = o.org_id
		WHERE o.org_id = $1 AND o.item_id = $2`, itemOrg, itemID)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	type src struct {
		id, fw, ref, nl, en string
		level               int
	}
	var srcs []src
	for rows.Next() {
		var s src
		if err := rows.Scan(&s.id, &s.level, &s.fw, &s.ref, &s.nl, &s.en); err != nil {
			return nil, err
		}
		srcs = append(srcs, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if itemOrg == orgID {
		out := make([]mappedOutcome, len(srcs))
		for i, s := range srcs {
			out[i] = mappedOutcome{s.id, s.level}
		}
		return out, nil
	}
	m, err := db.competenceMapper(ctx, orgID)
	if err != nil {
		return nil, err
	}
	var out []mappedOutcome
	for _, s := range srcs {
		if id := m.find(s.fw, s.ref, s.nl, s.en); id != "" {
			out = append(out, mappedOutcome{id, s.level})
		}
	}
	return out, nil
}

// competenceMapper finds an organisation's competence by framework entry or
// by name.
type competenceMapper struct{ byRef, byName map[string]string }

func (m *competenceMapper) find(fw, ref, nl, en string) string {
	if ref != "" && fw != string(competence.Own) {
		if id, ok := m.byRef[fw+"|"+ref]; ok {
			return id
		}
	}
	for _, n := range []string{nl, en} {
		if id, ok := m.byName[strings.ToLower(n)]; ok && n != "" {
			return id
		}
	}
	return ""
}

func (db *DB) competenceMapper(ctx context.Context, orgID string) (*competenceMapper, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, framework, source_ref, name_nl, name_en FROM competences WHERE org_id = $1 AND active = TRUE`, orgID)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	m := &competenceMapper{byRef: map[string]string{}, byName: map[string]string{}}
	for rows.Next() {
		var id, fw, ref, nl, en string
		if err := rows.Scan(&id, &fw, &ref, &nl, &en); err != nil {
			return nil, err
		}
		if ref != "" {
			m.byRef[fw+"|"+ref] = id
		}
		for _, n := range []string{nl, en} {
			if n != "" {
				m.byName[strings.ToLower(n)] = id
			}
		}
	}
	return m, rows.Err()
}

const enrolmentSelect = `SELECT e.id, e.org_id, e.person_id, e.item_id, e.item_org_id, e.status, COALESCE(e.assigned_by, ''), e.due_on,
	e.started_at, e.completed_at, e.proof_url, e.proof_name, e.note, e.created_at, e.updated_at,
	p.name, COALESCE(a.name, ''), i.title_nl, i.title_en, i.type, i.minutes, i.url, CASE WHEN i.org_id = e.org_id THEN '' ELSE o.name END
	FROM enrolments e
	JOIN people p ON p.id = e.person_id AND p.org_id = e.org_id
	LEFT JOIN people a ON a.id = e.assigned_by AND a.org_id = e.org_id
	JOIN learning_items i ON i.id = e.item_id
	JOIN organisations o ON o.id = i.org_id`

func scanEnrolment(row interface{ Scan(...any) error }) (*openlearning.Enrolment, error) {
	var e openlearning.Enrolment
	err := row.Scan(&e.ID, &e.OrgID, &e.PersonID, &e.ItemID, &e.ItemOrgID, &e.Status, &e.AssignedBy, Time{&e.DueOn},
		Time{&e.StartedAt}, Time{&e.CompletedAt}, &e.ProofURL, &e.ProofName, &e.Note, Time{&e.CreatedAt}, Time{&e.UpdatedAt},
		&e.PersonName, &e.AssignedByName, &e.ItemTitleNL, &e.ItemTitleEN, &e.ItemType, &e.ItemMinutes, &e.ItemURL, &e.Partner)
	return &e, err
}

// Enrolments lists the enrolments of orgID, of one person or of one team's
// members (one of personID and teamID set), open ones first by due date.
func (db *DB) Enrolments(ctx context.Context, orgID, personID, teamID string) ([]*openlearning.Enrolment, error) {
	rows, err := db.read.QueryContext(ctx, enrolmentSelect+` WHERE e.org_id = $1 AND ($2 = '' OR e.person_id = $2) AND ($3 = '' OR p.team_id = $3)
		ORDER BY CASE WHEN e.status IN ('assigned', 'started') THEN 0 ELSE 1 END, e.due_on, e.updated_at DESC`, orgID, personID, teamID)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []*openlearning.Enrolment
	for rows.Next() {
		e, err := scanEnrolment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ProviderEnrolments lists, for a provider, the enrolments of partner
// companies' people in the provider's own items: a provider sees who takes
// its courses, and nothing else of the companies.
func (db *DB) ProviderEnrolments(ctx context.Context, providerID string) ([]*openlearning.Enrolment, error) {
	rows, err := db.read.QueryContext(ctx, enrolmentSelect+` WHERE e.item_org_id = $1 AND e.org_id <> $1
		AND e.org_id IN (SELECT partner_id FROM partnerships WHERE org_id = $1) ORDER BY e.updated_at DESC LIMIT 500`, providerID)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []*openlearning.Enrolment
	for rows.Next() {
		e, err := scanEnrolment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Candidate is a learning item the recommender may propose, with its
// outcomes as the organisation's own competence ids.
type Candidate struct {
	ID, OrgID, Type  string
	TitleNL, TitleEN string
	Minutes          int
	Partner          string
	Outcomes         []mappedOutcome
}

// OutcomeIDs returns the outcomes as competence id and level pairs.
func (c *Candidate) OutcomeIDs() (ids []string, levels []int) {
	for _, o := range c.Outcomes {
		ids = append(ids, o.CompetenceID)
		levels = append(levels, o.Level)
	}
	return ids, levels
}

// Candidates loads every published learning item orgID may use that
// develops a competence: its own and its partners' shared items.
func (db *DB) Candidates(ctx context.Context, orgID string) ([]*Candidate, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT i.id, i.org_id, i.type, i.title_nl, i.title_en, i.minutes, CASE WHEN i.org_id = $1 THEN '' ELSE o.name END,
		oc.level, c.id, c.framework, c.source_ref, c.name_nl, c.name_en
		FROM learning_items i
		JOIN organisations o ON o.id = i.org_id
		JOIN learning_item_outcomes oc ON oc.item_id = i.id AND oc.org_id = i.org_id
		JOIN competences c ON c.id = oc.competence_id AND c.org_id = oc.org_id
		WHERE `+visibleItem+` ORDER BY i.id`, orgID)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var m *competenceMapper
	var out []*Candidate
	for rows.Next() {
		var c Candidate
		var level int
		var cid, fw, ref, nl, en string
		if err := rows.Scan(&c.ID, &c.OrgID, &c.Type, &c.TitleNL, &c.TitleEN, &c.Minutes, &c.Partner, &level, &cid, &fw, &ref, &nl, &en); err != nil {
			return nil, err
		}
		if c.OrgID != orgID {
			if m == nil {
				if m, err = db.competenceMapper(ctx, orgID); err != nil {
					return nil, err
				}
			}
			if cid = m.find(fw, ref, nl, en); cid == "" {
				continue
			}
		}
		if n := len(out); n > 0 && out[n-1].ID == c.ID {
			out[n-1].Outcomes = append(out[n-1].Outcomes, mappedOutcome{cid, level})
			continue
		}
		c.Outcomes = []mappedOutcome{{cid, level}}
		out = append(out, &c)
	}
	return out, rows.Err()
}

// ItemsVersion is a cheap fingerprint of the learning items orgID may use
// and its people's enrolments; recommendation caches key on it.
func (db *DB) ItemsVersion(ctx context.Context, orgID string) (string, error) {
	var a, b, c string
	err := db.read.QueryRowContext(ctx, `SELECT
		COALESCE((SELECT CAST(MAX(updated_at) AS TEXT) FROM learning_items WHERE org_id = $1 OR org_id IN (SELECT partner_id FROM partnerships WHERE org_id = $1)), ''),
		CAST((SELECT COUNT(*) FROM learning_items WHERE org_id = $1 OR org_id IN (SELECT partner_id FROM partnerships WHERE org_id = $1)) AS TEXT),
		COALESCE((SELECT CAST(MAX(updated_at) AS TEXT) FROM enrolments WHERE org_id = $1), '')`, orgID).Scan(&a, &b, &c)
	return a + "|" + b + "|" + c, db.Err(err)
}
