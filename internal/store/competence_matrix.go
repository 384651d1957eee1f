package store

import (
	"context"
	"fmt"
	"sort"
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
	rows, err := db.readQuery(ctx, `SELECT p.id, p.name, COALESCE(p.team_id, ''), COALESCE(t.name, ''), COALESCE(p.site_id, ''), COALESCE(s.name, '')
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
	// requirements. People holding the same set of profiles (most of a
	// team) share one merged list, built and placed in columns once.
	heldBy := map[string][]string{} // person → profiles, in profile order
	held := map[string]bool{}
	hrows, err := db.readQuery(ctx, `SELECT h.person_id, h.profile_id FROM person_role_profiles h
		JOIN people p ON p.id = h.person_id AND p.org_id = h.org_id WHERE h.org_id = $1 AND `+peopleCond+` ORDER BY h.profile_id`, args...)
	if err != nil {
		return nil, db.Err(err)
	}
	for hrows.Next() {
		var pid, prof string
		if err := hrows.Scan(&pid, &prof); err != nil {
			hrows.Close()
			return nil, err
		}
		heldBy[pid] = append(heldBy[pid], prof)
		held[prof] = true
	}
	hrows.Close()
	if err := hrows.Err(); err != nil {
		return nil, err
	}
	type reqSet struct {
		people []string
		reqs   []competence.Requirement
	}
	sets := map[string]*reqSet{} // profile set → its holders and merged requirements
	var profiles []string
	if len(held) > 0 {
		pargs := []any{orgID}
		for prof := range held {
			pargs = append(pargs, prof)
			profiles = append(profiles, prof)
		}
		profReqs := map[string][]competence.Requirement{}
		rrows, err := db.readQuery(ctx, `SELECT profile_id, competence_id, level, essential FROM role_requirements
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
			profReqs[prof] = append(profReqs[prof], r)
		}
		rrows.Close()
		if err := rrows.Err(); err != nil {
			return nil, err
		}
		for pid, profs := range heldBy {
			key := strings.Join(profs, ",")
			set, ok := sets[key]
			if !ok {
				set = &reqSet{}
				if len(profs) == 1 {
					set.reqs = profReqs[profs[0]]
				} else {
					at := map[string]int{}
					for _, prof := range profs {
						for _, r := range profReqs[prof] {
							if k, ok := at[r.CompetenceID]; ok {
								cur := &set.reqs[k]
								cur.Level, cur.Essential = max(cur.Level, r.Level), cur.Essential || r.Essential
								continue
							}
							at[r.CompetenceID] = len(set.reqs)
							set.reqs = append(set.reqs, r)
						}
					}
				}
				sets[key] = set
			}
			set.people = append(set.people, pid)
		}
	}

	// Columns: the listed competences, the profile's, or every competence
	// the people's profiles require (selected through the profiles rather
	// than by a list of a few hundred ids).
	var comps []*competence.Competence
	switch {
	case len(q.CompetenceIDs) > 0:
		comps, err = db.matrixCompetences(ctx, orgID, q.CompetenceIDs, nil, q.Layer, q.Category)
	case q.ProfileID != "":
		var p *competence.RoleProfile
		if p, err = db.RoleProfile(ctx, orgID, q.ProfileID); err == nil {
			var ids []string
			for _, r := range p.Requirements {
				ids = append(ids, r.CompetenceID)
			}
			comps, err = db.matrixCompetences(ctx, orgID, ids, nil, q.Layer, q.Category)
		}
	case len(profiles) > 0:
		comps, err = db.matrixCompetences(ctx, orgID, nil, profiles, q.Layer, q.Category)
	}
	if err != nil {
		return nil, err
	}
	b := competence.NewMatrixBuilder(people, comps, now)
	if len(people) > 0 && len(comps) > 0 {
		if err := db.matrixLevels(ctx, orgID, people, b); err != nil {
			return nil, err
		}
	}
	for _, set := range sets {
		b.Require(set.people, set.reqs)
	}
	m := b.Build(nil)
	m.SortPeople(q.Sort)
	return m, nil
}

// matrixLevels puts the maintained levels of the matrix's people into
// their cells, from their level packs (one row per person, see
// competence_packs.go); the columns are picked in memory.
func (db *DB) matrixLevels(ctx context.Context, orgID string, people []competence.MatrixPerson, b *competence.MatrixBuilder) error {
	for start := 0; start < len(people); start += 500 {
		chunk := people[start:min(start+500, len(people))]
		args := make([]any, 0, len(chunk)+1)
		args = append(args, orgID)
		for _, p := range chunk {
			args = append(args, p.ID)
		}
		rows, err := db.readQuery(ctx, `SELECT person_id, packed FROM level_packs WHERE org_id = $1 AND person_id IN (`+In(2, len(chunk))+`)`, args...)
		if err != nil {
			return db.Err(err)
		}
		var person, v string
		for rows.Next() {
			if err := rows.Scan(&person, &v); err != nil {
				rows.Close()
				return err
			}
			i, ok := b.Row(person)
			if !ok {
				continue
			}
			if err := unpackFiltered(person, v, b.Column, func(j int, c competence.Current) { b.Set(i, j, c) }); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// matrixCompetences reads the columns of a matrix: only what a column
// header shows, by category and name, active ones only. They are the
// listed ids, or else those the listed role profiles require.
func (db *DB) matrixCompetences(ctx context.Context, orgID string, ids, profiles []string, layer competence.Layer, category string) ([]*competence.Competence, error) {
	var out []*competence.Competence
	list, sel := ids, `c.id IN (%s)`
	if len(profiles) > 0 {
		list, sel = profiles, `c.id IN (SELECT competence_id FROM role_requirements WHERE org_id = $1 AND profile_id IN (%s))`
	}
	for start := 0; start < len(list); start += 500 {
		chunk := list[start:min(start+500, len(list))]
		args := []any{orgID}
		for _, id := range chunk {
			args = append(args, id)
		}
		cond := ``
		if layer != "" {
			args = append(args, string(layer))
			cond += fmt.Sprintf(` AND c.layer = $%d`, len(args))
		}
		if category != "" {
			args = append(args, category)
			cond += fmt.Sprintf(` AND c.category = $%d`, len(args))
		}
		rows, err := db.readQuery(ctx, `SELECT c.id, c.framework, c.source_ref, c.name_nl, c.name_en, c.category, c.layer, c.modified
			FROM competences c WHERE c.org_id = $1 AND c.active = TRUE AND `+fmt.Sprintf(sel, In(2, len(chunk)))+cond, args...)
		if err != nil {
			return nil, db.Err(err)
		}
		for rows.Next() {
			c := &competence.Competence{OrgID: orgID, Active: true}
			if err := rows.Scan(&c.ID, &c.Framework, &c.SourceRef, &c.NameNL, &c.NameEN, &c.Category, &c.Layer, &c.Modified); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Category != b.Category {
			return a.Category < b.Category
		}
		if na, nb := a.Name("nl"), b.Name("nl"); na != nb {
			return na < nb
		}
		return a.ID < b.ID
	})
	return out, nil
}
