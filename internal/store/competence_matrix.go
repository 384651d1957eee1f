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

	// Requirements of those people, merged over their role profiles: the
	// profiles' requirements and who holds which are read separately and
	// joined here, which reads a few hundred rows instead of people ×
	// requirements.
	reqs := map[string]map[string]competence.Requirement{}
	required := map[string]bool{}
	held := map[string][]string{} // profile → people
	hrows, err := db.read.QueryContext(ctx, `SELECT h.profile_id, h.person_id FROM person_role_profiles h
		JOIN people p ON p.id = h.person_id AND p.org_id = h.org_id WHERE h.org_id = $1 AND `+peopleCond, args...)
	if err != nil {
		return nil, db.Err(err)
	}
	for hrows.Next() {
		var prof, pid string
		if err := hrows.Scan(&prof, &pid); err != nil {
			hrows.Close()
			return nil, err
		}
		held[prof] = append(held[prof], pid)
	}
	hrows.Close()
	if err := hrows.Err(); err != nil {
		return nil, err
	}
	if len(held) > 0 {
		pargs := []any{orgID}
		for prof := range held {
			pargs = append(pargs, prof)
		}
		rrows, err := db.read.QueryContext(ctx, `SELECT profile_id, competence_id, level, essential FROM role_requirements
			WHERE org_id = $1 AND profile_id IN (`+In(2, len(held))+`)`, pargs...)
		if err != nil {
			return nil, db.Err(err)
		}
		for rrows.Next() {
			var prof string
			var r competence.Requirement
			if err := rrows.Scan(&prof, &r.CompetenceID, &r.Level, &r.Essential); err != nil {
				rrows.Close()
				return nil, err
			}
			required[r.CompetenceID] = true
			for _, pid := range held[prof] {
				m := reqs[pid]
				if m == nil {
					m = map[string]competence.Requirement{}
					reqs[pid] = m
				}
				q := r
				if cur, ok := m[r.CompetenceID]; ok {
					q.Level = max(q.Level, cur.Level)
					q.Essential = q.Essential || cur.Essential
				}
				m[r.CompetenceID] = q
			}
		}
		rrows.Close()
		if err := rrows.Err(); err != nil {
			return nil, err
		}
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
// columns are filtered in memory, which beats a long IN list. A cell needs
// level, validated, self level and expiry only.
func (db *DB) matrixLevels(ctx context.Context, orgID, peopleCond string, args []any, comps []*competence.Competence) ([]competence.Current, error) {
	want := make(map[string]bool, len(comps))
	for _, c := range comps {
		want[c.ID] = true
	}
	from := ` FROM current_levels l WHERE l.org_id = $1 AND l.person_id IN (SELECT p.id FROM people p WHERE ` + peopleCond + `)`
	var out []competence.Current
	if db.engine == SQLite {
		// One row per person holding all their levels as fixed-layout
		// entries, cut here (see deriveRangePacked): the driver's cost is
		// per row and per column, not per byte. Entry: competence(36)
		// level(1) validated(1) self(1) valid_until(27 or "-").
		rows, err := db.read.QueryContext(ctx, `SELECT l.person_id, group_concat(l.competence_id || l.level || l.validated || l.self_level || COALESCE(l.valid_until, '-'), '')`+from+` GROUP BY l.person_id`, args...)
		if err != nil {
			return nil, db.Err(err)
		}
		defer rows.Close()
		var person, v string
		for rows.Next() {
			if err := rows.Scan(&person, &v); err != nil {
				return nil, err
			}
			for len(v) >= 40 {
				comp := v[0:36]
				c := competence.Current{PersonID: person, CompetenceID: comp, Level: int(v[36] - '0'), Validated: v[37] == '1', SelfLevel: int(v[38] - '0')}
				if v[39] == '-' {
					v = v[40:]
				} else if len(v) >= 39+27 {
					c.ValidUntil, _ = parseFixed(v[39 : 39+27])
					v = v[39+27:]
				} else {
					return nil, fmt.Errorf("matrix: unexpected level entry %q", v)
				}
				if want[comp] {
					out = append(out, c)
				}
			}
		}
		return out, rows.Err()
	}
	rows, err := db.read.QueryContext(ctx, `SELECT l.person_id, l.competence_id, l.level, l.validated, l.self_level, l.valid_until`+from, args...)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	for rows.Next() {
		var c competence.Current
		if err := rows.Scan(&c.PersonID, &c.CompetenceID, &c.Level, &c.Validated, &c.SelfLevel, Time{&c.ValidUntil}); err != nil {
			return nil, err
		}
		if want[c.CompetenceID] {
			out = append(out, c)
		}
	}
	return out, rows.Err()
}
