package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/project"
)

// Projects and working groups: the project, the competences it exercises,
// its members, its log and the contributions its owner confirms. Who may
// do what is decided by internal/project before these methods are called;
// the store only keeps every row inside orgID.

const projectSelect = `SELECT p.id, p.org_id, p.title_nl, p.title_en, p.goal_nl, p.goal_en, COALESCE(p.site_id, ''), p.owner_id,
	p.starts_on, p.ends_on, p.status, p.call_open, p.call_text, p.outcome, p.created_at, p.updated_at, p.closed_at,
	o.name, COALESCE(s.name, ''),
	(SELECT COUNT(*) FROM project_members m WHERE m.project_id = p.id AND m.org_id = p.org_id AND m.state = 'member')
	FROM projects p
	JOIN people o ON o.id = p.owner_id AND o.org_id = p.org_id
	LEFT JOIN sites s ON s.id = p.site_id AND s.org_id = p.org_id`

func scanProject(row interface{ Scan(...any) error }) (*project.Project, error) {
	p := &project.Project{}
	err := row.Scan(&p.ID, &p.OrgID, &p.TitleNL, &p.TitleEN, &p.GoalNL, &p.GoalEN, &p.SiteID, &p.OwnerID,
		Time{&p.StartsOn}, Time{&p.EndsOn}, &p.Status, &p.CallOpen, &p.CallText, &p.Outcome, Time{&p.CreatedAt}, Time{&p.UpdatedAt}, Time{&p.ClosedAt},
		&p.OwnerName, &p.SiteName, &p.Members)
	return p, err
}

func (db *DB) checkProjectRefs(ctx context.Context, q Querier, orgID string, p *project.Project) error {
	if err := db.checkRefs(ctx, q, orgID, map[string]string{"site_id": p.SiteID, "person_id": p.OwnerID}); err != nil {
		if e, ok := err.(*core.Error); ok && e.Field == "person_id" {
			e.Field = "owner_id"
		}
		return err
	}
	comps := map[string]bool{}
	for _, c := range p.Competences {
		comps[c.CompetenceID] = true
	}
	if len(comps) > 0 {
		return db.checkIDs(ctx, q, orgID, "competences", "competences", comps)
	}
	return nil
}

func (db *DB) putProjectCompetences(ctx context.Context, tx *sql.Tx, orgID string, p *project.Project) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM project_competences WHERE org_id = $1 AND project_id = $2`, orgID, p.ID); err != nil {
		return db.Err(err)
	}
	for _, c := range p.Competences {
		if _, err := tx.ExecContext(ctx, `INSERT INTO project_competences (org_id, project_id, competence_id, level) VALUES ($1, $2, $3, $4)`,
			orgID, p.ID, c.CompetenceID, c.Level); err != nil {
			return db.Err(err)
		}
	}
	return nil
}

// CreateProject stores a project of orgID; its owner becomes its first
// member with ownerRole. Errors: EInvalid (also for a site, owner or
// competence of another organisation).
func (db *DB) CreateProject(ctx context.Context, orgID string, p *project.Project, ownerRole string) error {
	if err := p.Validate(); err != nil {
		return err
	}
	role, err := project.ValidateRole(ownerRole)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	p.ID, p.OrgID, p.CreatedAt, p.UpdatedAt = core.NewID(), orgID, now, now
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if err := db.checkProjectRefs(ctx, tx, orgID, p); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO projects (id, org_id, title_nl, title_en, goal_nl, goal_en, site_id, owner_id, starts_on, ends_on, status, call_open, call_text, outcome, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
			p.ID, orgID, p.TitleNL, p.TitleEN, p.GoalNL, p.GoalEN, nullable(p.SiteID), p.OwnerID, Date(p.StartsOn), Date(p.EndsOn),
			string(p.Status), p.CallOpen, p.CallText, p.Outcome, T(now), T(now)); err != nil {
			return db.Err(err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO project_members (org_id, project_id, person_id, role, state, created_at, decided_at) VALUES ($1, $2, $3, $4, 'member', $5, $5)`,
			orgID, p.ID, p.OwnerID, role, T(now)); err != nil {
			return db.Err(err)
		}
		return db.putProjectCompetences(ctx, tx, orgID, p)
	})
}

// UpdateProject saves a project's fields and competences (not its owner,
// status or call). Errors: ENotFound, EInvalid.
func (db *DB) UpdateProject(ctx context.Context, orgID string, p *project.Project) error {
	if err := p.Validate(); err != nil {
		return err
	}
	now := time.Now().UTC()
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if err := db.checkProjectRefs(ctx, tx, orgID, p); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE projects SET title_nl = $3, title_en = $4, goal_nl = $5, goal_en = $6, site_id = $7, starts_on = $8, ends_on = $9, updated_at = $10
			WHERE org_id = $1 AND id = $2`, orgID, p.ID, p.TitleNL, p.TitleEN, p.GoalNL, p.GoalEN, nullable(p.SiteID), Date(p.StartsOn), Date(p.EndsOn), T(now))
		if err != nil {
			return db.Err(err)
		}
		if err := mustAffect(res); err != nil {
			return err
		}
		p.UpdatedAt = now
		return db.putProjectCompetences(ctx, tx, orgID, p)
	})
}

// Project returns a project of orgID with its competences. Errors: ENotFound.
func (db *DB) Project(ctx context.Context, orgID, id string) (*project.Project, error) {
	p, err := scanProject(db.read.QueryRowContext(ctx, projectSelect+` WHERE p.org_id = $1 AND p.id = $2`, orgID, id))
	if err != nil {
		return nil, db.Err(err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT pc.competence_id, pc.level, c.name_nl, c.name_en FROM project_competences pc
		JOIN competences c ON c.id = pc.competence_id AND c.org_id = pc.org_id
		WHERE pc.org_id = $1 AND pc.project_id = $2 ORDER BY c.name_en, c.name_nl`, orgID, id)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	for rows.Next() {
		var c project.Competence
		if err := rows.Scan(&c.CompetenceID, &c.Level, &c.NameNL, &c.NameEN); err != nil {
			return nil, err
		}
		p.Competences = append(p.Competences, c)
	}
	return p, rows.Err()
}

// ProjectFilter selects projects.
type ProjectFilter struct {
	Status   project.Status
	CallOpen bool   // only those with an open call
	MemberID string // only those this person is a member of (or applied/invited to)
	Limit    int    // default 100, at most 1000
}

// Projects lists projects of orgID, newest start first.
func (db *DB) Projects(ctx context.Context, orgID string, f ProjectFilter) ([]*project.Project, error) {
	where := []string{`p.org_id = $1`}
	args := []any{orgID}
	if f.Status != "" {
		args = append(args, string(f.Status))
		where = append(where, fmt.Sprintf(`p.status = $%d`, len(args)))
	}
	if f.CallOpen {
		where = append(where, `p.call_open = TRUE AND p.status = 'open'`)
	}
	if f.MemberID != "" {
		args = append(args, f.MemberID)
		where = append(where, fmt.Sprintf(`p.id IN (SELECT project_id FROM project_members WHERE org_id = $1 AND person_id = $%d AND state IN ('member', 'applied', 'invited'))`, len(args)))
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	args = append(args, min(f.Limit, 1000))
	rows, err := db.read.QueryContext(ctx, projectSelect+` WHERE `+strings.Join(where, ` AND `)+fmt.Sprintf(` ORDER BY p.starts_on DESC, p.id DESC LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []*project.Project
	for rows.Next() {
		p, err := scanProject(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ProjectCompetences returns the competences every project of orgID
// exercises (project id → competences), in one query.
func (db *DB) ProjectCompetences(ctx context.Context, orgID string) (map[string][]project.Competence, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT pc.project_id, pc.competence_id, pc.level, c.name_nl, c.name_en FROM project_competences pc
		JOIN competences c ON c.id = pc.competence_id AND c.org_id = pc.org_id
		WHERE pc.org_id = $1 ORDER BY pc.project_id, c.name_en, c.name_nl`, orgID)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	out := map[string][]project.Competence{}
	for rows.Next() {
		var id string
		var c project.Competence
		if err := rows.Scan(&id, &c.CompetenceID, &c.Level, &c.NameNL, &c.NameEN); err != nil {
			return nil, err
		}
		out[id] = append(out[id], c)
	}
	return out, rows.Err()
}

// OpenCallCompetences returns, for projects of orgID with an open call, the
// competences each exercises (project id → competences), for
// recommendations.
func (db *DB) OpenCallCompetences(ctx context.Context, orgID string) (map[string][]project.Competence, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT pc.project_id, pc.competence_id, pc.level, c.name_nl, c.name_en FROM project_competences pc
		JOIN projects p ON p.id = pc.project_id AND p.org_id = pc.org_id
		JOIN competences c ON c.id = pc.competence_id AND c.org_id = pc.org_id
		WHERE pc.org_id = $1 AND p.call_open = TRUE AND p.status = 'open'`, orgID)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	out := map[string][]project.Competence{}
	for rows.Next() {
		var id string
		var c project.Competence
		if err := rows.Scan(&id, &c.CompetenceID, &c.Level, &c.NameNL, &c.NameEN); err != nil {
			return nil, err
		}
		out[id] = append(out[id], c)
	}
	return out, rows.Err()
}

// SetProjectCall opens or closes the call for volunteers. Errors: ENotFound.
func (db *DB) SetProjectCall(ctx context.Context, orgID, id string, open bool, text string) error {
	text = strings.TrimSpace(text)
	if len([]rune(text)) > project.MaxText {
		return core.Invalid("call_text", "is at most %d characters", project.MaxText)
	}
	res, err := db.write.ExecContext(ctx, `UPDATE projects SET call_open = $3, call_text = $4, updated_at = $5 WHERE org_id = $1 AND id = $2 AND status = 'open'`,
		orgID, id, open, text, T(time.Now()))
	if err != nil {
		return db.Err(err)
	}
	return mustAffect(res)
}

// CloseProject ends a project with its outcome; the call closes too.
// Errors: ENotFound, EInvalid.
func (db *DB) CloseProject(ctx context.Context, orgID, id, outcome string, now time.Time) error {
	outcome = strings.TrimSpace(outcome)
	if outcome == "" || len([]rune(outcome)) > project.MaxOutcome {
		return core.Invalid("outcome", "is required and at most %d characters", project.MaxOutcome)
	}
	res, err := db.write.ExecContext(ctx, `UPDATE projects SET status = 'closed', call_open = FALSE, outcome = $3, closed_at = $4, updated_at = $4 WHERE org_id = $1 AND id = $2`,
		orgID, id, outcome, T(now))
	if err != nil {
		return db.Err(err)
	}
	return mustAffect(res)
}

// Membership returns a person's place in a project. Errors: ENotFound.
func (db *DB) Membership(ctx context.Context, orgID, projectID, personID string) (*project.Member, error) {
	m := &project.Member{ProjectID: projectID, PersonID: personID}
	err := db.read.QueryRowContext(ctx, `SELECT role, state, message, created_at, decided_at FROM project_members WHERE org_id = $1 AND project_id = $2 AND person_id = $3`,
		orgID, projectID, personID).Scan(&m.Role, &m.State, &m.Message, Time{&m.CreatedAt}, Time{&m.DecidedAt})
	if err != nil {
		return nil, db.Err(err)
	}
	return m, nil
}

// Members lists the people of a project in every state, members first.
func (db *DB) Members(ctx context.Context, orgID, projectID string) ([]*project.Member, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT m.person_id, m.role, m.state, m.message, m.created_at, m.decided_at, p.name, COALESCE(p.team_id, '')
		FROM project_members m JOIN people p ON p.id = m.person_id AND p.org_id = m.org_id
		WHERE m.org_id = $1 AND m.project_id = $2
		ORDER BY CASE m.state WHEN 'member' THEN 0 WHEN 'applied' THEN 1 WHEN 'invited' THEN 2 ELSE 3 END, p.name`, orgID, projectID)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []*project.Member
	for rows.Next() {
		m := &project.Member{ProjectID: projectID}
		if err := rows.Scan(&m.PersonID, &m.Role, &m.State, &m.Message, Time{&m.CreatedAt}, Time{&m.DecidedAt}, &m.PersonName, &m.TeamID); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Volunteer records that personID applies to a project (or accepts an
// invitation: then they become a member at once). Returns the new state.
// Errors: ENotFound (project), EInvalid (person), EConflict (already a member).
func (db *DB) Volunteer(ctx context.Context, orgID, projectID, personID, message string) (project.MemberState, error) {
	return db.join(ctx, orgID, projectID, personID, "", message, project.Applied)
}

// Invite records that the owner invites personID with a role (or accepts
// their application: then they become a member at once). Returns the new
// state. Errors as Volunteer.
func (db *DB) Invite(ctx context.Context, orgID, projectID, personID, role, message string) (project.MemberState, error) {
	return db.join(ctx, orgID, projectID, personID, role, message, project.Invited)
}

func (db *DB) join(ctx context.Context, orgID, projectID, personID, role, message string, want project.MemberState) (project.MemberState, error) {
	var err error
	if role, err = project.ValidateRole(role); err != nil {
		return "", err
	}
	if message, err = project.ValidateMessage(message); err != nil {
		return "", err
	}
	var state project.MemberState
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM projects WHERE org_id = $1 AND id = $2 AND status = 'open'`, orgID, projectID).Scan(&n); err != nil {
			return db.Err(err)
		}
		if n == 0 {
			return core.ErrNotFound
		}
		if err := db.checkRefs(ctx, tx, orgID, map[string]string{"person_id": personID}); err != nil {
			return err
		}
		now := T(time.Now())
		var cur project.MemberState
		var curRole string
		err := tx.QueryRowContext(ctx, `SELECT state, role FROM project_members WHERE org_id = $1 AND project_id = $2 AND person_id = $3`, orgID, projectID, personID).Scan(&cur, &curRole)
		switch {
		case err == sql.ErrNoRows:
			state = want
			_, err = tx.ExecContext(ctx, `INSERT INTO project_members (org_id, project_id, person_id, role, state, message, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
				orgID, projectID, personID, role, string(want), message, now)
			return db.Err(err)
		case err != nil:
			return db.Err(err)
		case cur == project.Accepted:
			return &core.Error{Code: core.EConflict, Message: "already a member", Key: "project.already_member"}
		case cur == want:
			return &core.Error{Code: core.EConflict, Message: "already asked", Key: "project.already_asked"}
		}
		// The other side already asked: both agree, so they are a member.
		state = want
		decided := any(nil)
		if cur == project.Applied || cur == project.Invited {
			state, decided = project.Accepted, now
		}
		if role == "" {
			role = curRole
		}
		_, err = tx.ExecContext(ctx, `UPDATE project_members SET state = $4, role = $5, message = $6, decided_at = $7 WHERE org_id = $1 AND project_id = $2 AND person_id = $3`,
			orgID, projectID, personID, string(state), role, message, decided)
		return db.Err(err)
	})
	return state, err
}

// Decide accepts or declines an application (by the owner) or an
// invitation (by the invitee): from applied or invited to member or
// declined. A role, when given, replaces the member's role.
// Errors: ENotFound, EConflict (nothing to decide).
func (db *DB) Decide(ctx context.Context, orgID, projectID, personID string, from project.MemberState, accept bool, role string) error {
	role, err := project.ValidateRole(role)
	if err != nil {
		return err
	}
	to := project.Declined
	if accept {
		to = project.Accepted
	}
	res, err := db.write.ExecContext(ctx, `UPDATE project_members SET state = $5, decided_at = $6, role = CASE WHEN $7 = '' THEN role ELSE $7 END
		WHERE org_id = $1 AND project_id = $2 AND person_id = $3 AND state = $4`, orgID, projectID, personID, string(from), string(to), T(time.Now()), role)
	if err != nil {
		return db.Err(err)
	}
	if err := mustAffect(res); err != nil {
		return &core.Error{Code: core.EConflict, Message: "there is nothing to decide", Key: "project.nothing_to_decide"}
	}
	return nil
}

// AddUpdate adds an entry to a project's log. Errors: EInvalid, ENotFound.
func (db *DB) AddUpdate(ctx context.Context, orgID string, u *project.Update) error {
	if err := u.Validate(); err != nil {
		return err
	}
	u.ID, u.CreatedAt = core.NewID(), time.Now().UTC()
	return db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM projects WHERE org_id = $1 AND id = $2`, orgID, u.ProjectID).Scan(&n); err != nil {
			return db.Err(err)
		}
		if n == 0 {
			return core.ErrNotFound
		}
		if err := db.checkRefs(ctx, tx, orgID, map[string]string{"person_id": u.AuthorID}); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO project_updates (id, org_id, project_id, author_id, body, milestone, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			u.ID, orgID, u.ProjectID, u.AuthorID, u.Body, u.Milestone, T(u.CreatedAt))
		return db.Err(err)
	})
}

// Updates lists a project's log, newest first.
func (db *DB) Updates(ctx context.Context, orgID, projectID string, limit int) ([]*project.Update, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := db.read.QueryContext(ctx, `SELECT u.id, u.author_id, u.body, u.milestone, u.created_at, p.name FROM project_updates u
		JOIN people p ON p.id = u.author_id AND p.org_id = u.org_id
		WHERE u.org_id = $1 AND u.project_id = $2 ORDER BY u.created_at DESC, u.id DESC LIMIT $3`, orgID, projectID, limit)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []*project.Update
	for rows.Next() {
		u := &project.Update{ProjectID: projectID}
		if err := rows.Scan(&u.ID, &u.AuthorID, &u.Body, &u.Milestone, Time{&u.CreatedAt}, &u.AuthorName); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// ConfirmContribution stores the owner's confirmation of a member's work on
// one competence the project exercises, at a level up to what the project
// takes. When record is true (the confirmer may record project evidence for
// this person, see competence.CanRecord) it also records project-work
// evidence; otherwise the contribution awaits validation by the person's
// team lead or L&D (ValidateContribution). Errors: ENotFound (project),
// EInvalid (not a member, competence not exercised, level), EConflict
// (already confirmed for this competence and not rejected).
func (db *DB) ConfirmContribution(ctx context.Context, orgID string, c *project.Contribution, record bool) error {
	p, err := db.Project(ctx, orgID, c.ProjectID)
	if err != nil {
		return err
	}
	if err := project.CanConfirmLevel(p, c.CompetenceID, c.Level); err != nil {
		return err
	}
	m, err := db.Membership(ctx, orgID, c.ProjectID, c.PersonID)
	if err != nil || m.State != project.Accepted {
		return core.Invalid("person_id", "is not a member of this project")
	}
	c.Note = strings.TrimSpace(c.Note)
	if len([]rune(c.Note)) > 1000 {
		return core.Invalid("note", "is at most 1000 characters")
	}
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM project_contributions WHERE org_id = $1 AND project_id = $2 AND person_id = $3 AND competence_id = $4 AND status <> 'rejected'`,
		orgID, c.ProjectID, c.PersonID, c.CompetenceID).Scan(&n); err != nil {
		return db.Err(err)
	}
	if n > 0 {
		return &core.Error{Code: core.EConflict, Message: "this contribution was already confirmed", Key: "project.already_confirmed"}
	}
	now := time.Now().UTC()
	c.ID, c.ConfirmedAt, c.Status = core.NewID(), now, project.AwaitingValidation
	if record {
		// Evidence first: it is append-only and validated by its own
		// rules; a failure here leaves no half-made contribution.
		ev := contributionEvidence(p, c, c.ConfirmedBy)
		if err := db.AddEvidence(ctx, orgID, ev); err != nil {
			return err
		}
		c.Status, c.EvidenceID, c.DecidedBy, c.DecidedAt = project.Recorded, ev.ID, c.ConfirmedBy, now
	}
	_, err = db.write.ExecContext(ctx, `INSERT INTO project_contributions (id, org_id, project_id, person_id, competence_id, level, note, confirmed_by, confirmed_at, status, evidence_id, decided_by, decided_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		c.ID, orgID, c.ProjectID, c.PersonID, c.CompetenceID, c.Level, c.Note, c.ConfirmedBy, T(now), string(c.Status), nullable(c.EvidenceID), nullable(c.DecidedBy), NT(c.DecidedAt))
	return db.Err(err)
}

func contributionEvidence(p *project.Project, c *project.Contribution, by string) *competence.Evidence {
	note := "Project: " + project.Pick("en", p.TitleNL, p.TitleEN)
	if c.Note != "" {
		note += " — " + c.Note
	}
	if len([]rune(note)) > 2000 {
		note = string([]rune(note)[:2000])
	}
	return &competence.Evidence{PersonID: c.PersonID, CompetenceID: c.CompetenceID, Level: c.Level, Kind: competence.Project, RecordedBy: by, Note: note}
}

// Contribution returns one contribution of orgID. Errors: ENotFound.
func (db *DB) Contribution(ctx context.Context, orgID, id string) (*project.Contribution, error) {
	cs, err := db.Contributions(ctx, orgID, ContributionFilter{ID: id})
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, core.ErrNotFound
	}
	return cs[0], nil
}

// ContributionFilter selects contributions.
type ContributionFilter struct {
	ID        string
	ProjectID string
	PersonID  string
	TeamIDs   []string // people in these teams
	Status    project.ContributionStatus
}

// Contributions lists contributions of orgID, newest first.
func (db *DB) Contributions(ctx context.Context, orgID string, f ContributionFilter) ([]*project.Contribution, error) {
	where := []string{`c.org_id = $1`}
	args := []any{orgID}
	for col, v := range map[string]string{"c.id": f.ID, "c.project_id": f.ProjectID, "c.person_id": f.PersonID, "c.status": string(f.Status)} {
		if v != "" {
			args = append(args, v)
			where = append(where, fmt.Sprintf(`%s = $%d`, col, len(args)))
		}
	}
	if f.TeamIDs != nil {
		if len(f.TeamIDs) == 0 {
			return nil, nil
		}
		where = append(where, `pe.team_id IN (`+In(len(args)+1, len(f.TeamIDs))+`)`)
		for _, t := range f.TeamIDs {
			args = append(args, t)
		}
	}
	rows, err := db.read.QueryContext(ctx, `SELECT c.id, c.project_id, c.person_id, c.competence_id, c.level, c.note, c.confirmed_by, c.confirmed_at, c.status,
		COALESCE(c.evidence_id, ''), COALESCE(c.decided_by, ''), c.decided_at, pe.name, co.name_nl, co.name_en, p.title_nl, p.title_en
		FROM project_contributions c
		JOIN people pe ON pe.id = c.person_id AND pe.org_id = c.org_id
		JOIN competences co ON co.id = c.competence_id AND co.org_id = c.org_id
		JOIN projects p ON p.id = c.project_id AND p.org_id = c.org_id
		WHERE `+strings.Join(where, ` AND `)+` ORDER BY c.confirmed_at DESC, c.id DESC LIMIT 500`, args...)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []*project.Contribution
	for rows.Next() {
		c := &project.Contribution{}
		if err := rows.Scan(&c.ID, &c.ProjectID, &c.PersonID, &c.CompetenceID, &c.Level, &c.Note, &c.ConfirmedBy, Time{&c.ConfirmedAt}, &c.Status,
			&c.EvidenceID, &c.DecidedBy, Time{&c.DecidedAt}, &c.PersonName, &c.CompetenceNL, &c.CompetenceEN, &c.ProjectTitleNL, &c.ProjectTitleEN); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// DecideContribution validates (records project-work evidence, recorded by
// the validator) or rejects a contribution awaiting validation. The caller
// has checked with competence.CanRecord that by may record it.
// Errors: ENotFound, EConflict (already decided).
func (db *DB) DecideContribution(ctx context.Context, orgID, id, by string, accept bool) error {
	c, err := db.Contribution(ctx, orgID, id)
	if err != nil {
		return err
	}
	if c.Status != project.AwaitingValidation {
		return &core.Error{Code: core.EConflict, Message: "this contribution was already decided", Key: "project.already_decided"}
	}
	now := time.Now().UTC()
	status, evID := project.Rejected, ""
	if accept {
		p, err := db.Project(ctx, orgID, c.ProjectID)
		if err != nil {
			return err
		}
		ev := contributionEvidence(p, c, by)
		if err := db.AddEvidence(ctx, orgID, ev); err != nil {
			return err
		}
		status, evID = project.Recorded, ev.ID
	}
	res, err := db.write.ExecContext(ctx, `UPDATE project_contributions SET status = $3, evidence_id = $4, decided_by = $5, decided_at = $6
		WHERE org_id = $1 AND id = $2 AND status = 'awaiting_validation'`, orgID, id, string(status), nullable(evID), by, T(now))
	if err != nil {
		return db.Err(err)
	}
	return mustAffect(res)
}

// LeadsPerson reports whether leadID leads the team of personID in orgID.
func (db *DB) LeadsPerson(ctx context.Context, orgID, leadID, personID string) (bool, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM people p JOIN teams t ON t.id = p.team_id AND t.org_id = p.org_id
		WHERE p.org_id = $1 AND p.id = $2 AND t.lead_id = $3`, orgID, personID, leadID).Scan(&n)
	return n > 0, db.Err(err)
}

// PeopleWithRole lists the active people of orgID holding role (org
// admins excluded unless they hold it explicitly).
func (db *DB) PeopleWithRole(ctx context.Context, orgID string, role core.Role) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT p.id FROM people p JOIN person_roles r ON r.person_id = p.id AND r.org_id = p.org_id
		WHERE p.org_id = $1 AND r.role = $2 AND p.active = TRUE ORDER BY p.id`, orgID, string(role))
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

// TeamLeadOf returns the lead of personID's team, "" when none.
func (db *DB) TeamLeadOf(ctx context.Context, orgID, personID string) (string, error) {
	var lead sql.NullString
	err := db.read.QueryRowContext(ctx, `SELECT t.lead_id FROM people p JOIN teams t ON t.id = p.team_id AND t.org_id = p.org_id WHERE p.org_id = $1 AND p.id = $2`,
		orgID, personID).Scan(&lead)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return lead.String, db.Err(err)
}
