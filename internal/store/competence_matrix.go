package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/competence"
)

// MatrixQuery chooses the rows and columns of a skills matrix. People come
// from the team, the site, or the listed ids (all active people of the
// organisation when none is set); columns are the listed competences, or
// else every competence the people's role profiles require.
type MatrixQuery struct {
	TeamID        string
	SiteID        string
	PersonIDs     []string
	ProfileID     string // only people holding this role profile, and its competences
	CompetenceIDs []string
	Layer         competence.Layer
	Category      string
	Sort          string // name, team, gaps
}

// Matrix builds a skills matrix of orgID: people × competences with current
// (maintained) and required levels.
func (db *DB) Matrix(ctx context.Context, orgID string, q MatrixQuery, now time.Time) (*competence.Matrix, error) {
	if _, err := db.RefreshExpired(ctx, orgID, now); err != nil {
		return nil, err
	}
	// People.
	where := []string{`p.org_id = $1`, `p.active = TRUE`}
	args := []any{orgID}
	if q.TeamID != "" {
		args = append(args, q.TeamID)
		where = append(where, fmt.Sprintf(`p.team_id = $%d`, len(args)))
	}
	if q.SiteID != "" {
		args = append(args, q.SiteID)
		where = append(where, fmt.Sprintf(`p.site_id = $%d`, len(args)))
	}
	if q.ProfileID != "" {
		args = append(args, q.ProfileID)
		where = append(where, fmt.Sprintf(`p.id IN (SELECT person_id FROM person_role_profiles WHERE org_id = $1 AND profile_id = $%d)`, len(args)))
	}
	if len(q.PersonIDs) > 0 {
		where = append(where, `p.id IN (`+In(len(args)+1, len(q.PersonIDs))+`)`)
		for _, id := range q.PersonIDs {
			args = append(args, id)
		}
	}
	peopleCond := strings.Join(where, ` AND `)
	rows, err := db.read.QueryContext(ctx, `SELECT p.id, p.name, COALESCE(p.team_id, ''), COALESCE(t.name, ''), COALESCE(p.site_id, ''), COALESCE(s.name, '')
		FROM people p LEFT JOIN teams t ON t.id = p.team_id AND t.org_id = p.org_id LEFT JOIN sites s ON s.id = p.site_id AND s.org_id = p.org_id
		WHERE `+peopleCond+` ORDER BY p.name, p.id`, args...)
	if err != nil {
		return nil, db.Err(err)
	}
	var people []competence.MatrixPerson
	for rows.Next() {
		var p competence.MatrixPerson
		if err := rows.Scan(&p.ID, &p.Name, &p.TeamID, &p.TeamName, &p.SiteID, &p.SiteName); err != nil {
			rows.Close()
			return nil, err
		}
		people = append(people, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	// Requirements of those people, merged over their role profiles.
	reqs := map[string]map[string]competence.Requirement{}
	required := map[string]bool{}
	rrows, err := db.read.QueryContext(ctx, `SELECT h.person_id, q.competence_id, q.level, q.essential
		FROM person_role_profiles h JOIN role_requirements q ON q.profile_id = h.profile_id AND q.org_id = h.org_id
		JOIN people p ON p.id = h.person_id AND p.org_id = h.org_id
		WHERE h.org_id = $1 AND `+peopleCond, args...)
	if err != nil {
		return nil, db.Err(err)
	}
	for rrows.Next() {
		var pid string
		var r competence.Requirement
		if err := rrows.Scan(&pid, &r.CompetenceID, &r.Level, &r.Essential); err != nil {
			rrows.Close()
			return nil, err
		}
		m := reqs[pid]
		if m == nil {
			m = map[string]competence.Requirement{}
			reqs[pid] = m
		}
		if cur, ok := m[r.CompetenceID]; ok {
			r.Level = max(r.Level, cur.Level)
			r.Essential = r.Essential || cur.Essential
		}
		m[r.CompetenceID] = r
		required[r.CompetenceID] = true
	}
	rrows.Close()
	if err := rrows.Err(); err != nil {
		return nil, err
	}

	// Columns.
	ids := q.CompetenceIDs
	if len(ids) == 0 {
		if q.ProfileID != "" {
			p, err := db.RoleProfile(ctx, orgID, q.ProfileID)
			if err != nil {
				return nil, err
			}
			for _, r := range p.Requirements {
				ids = append(ids, r.CompetenceID)
			}
		} else {
			for id := range required {
				ids = append(ids, id)
			}
		}
	}
	var comps []*competence.Competence
	if len(ids) > 0 {
		comps, _, err = db.Competences(ctx, orgID, competence.Filter{IDs: ids, Layer: q.Layer, Category: q.Category, Limit: 1000})
		if err != nil {
			return nil, err
		}
	}
	var currents []competence.Current
	if len(people) > 0 && len(comps) > 0 {
		currents, err = db.matrixLevels(ctx, orgID, peopleCond, args, comps)
		if err != nil {
			return nil, err
		}
	}
	m := competence.BuildMatrix(people, comps, currents, reqs, now)
	m.SortPeople(q.Sort)
	return m, nil
}

// matrixLevels reads the maintained levels of the matrix's people; the
// columns are filtered in memory, which beats a long IN list.
func (db *DB) matrixLevels(ctx context.Context, orgID, peopleCond string, args []any, comps []*competence.Competence) ([]competence.Current, error) {
	want := make(map[string]bool, len(comps))
	for _, c := range comps {
		want[c.ID] = true
	}
	rows, err := db.read.QueryContext(ctx, `SELECT l.person_id, l.competence_id, l.level, l.validated, l.self_level, l.evidence_id, l.kind, l.evidence_at, l.valid_until, l.next_change
		FROM current_levels l JOIN people p ON p.id = l.person_id AND p.org_id = l.org_id
		WHERE l.org_id = $1 AND `+peopleCond, args...)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []competence.Current
	var kind string
	for rows.Next() {
		var c competence.Current
		if err := rows.Scan(&c.PersonID, &c.CompetenceID, &c.Level, &c.Validated, &c.SelfLevel, &c.EvidenceID, &kind, Time{&c.At}, Time{&c.ValidUntil}, Time{&c.NextChange}); err != nil {
			return nil, err
		}
		if want[c.CompetenceID] {
			c.Kind = competence.Kind(kind)
			out = append(out, c)
		}
	}
	return out, rows.Err()
}
