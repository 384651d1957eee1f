package competence

import (
	"sort"
	"strings"
	"time"
)

// MatrixPerson is a row of a skills matrix.
type MatrixPerson struct {
	ID       string
	Name     string
	TeamID   string
	TeamName string
	SiteID   string
	SiteName string
}

// Cell is one person's standing in one competence.
type Cell struct {
	Current
	Required  int // 0: not required of this person
	Essential bool
	Status    Status
	Expiring  bool
}

// Matrix is people × competences with current and required levels.
type Matrix struct {
	People      []MatrixPerson
	Competences []*Competence
	Cells       [][]Cell // [person][competence]
	Now         time.Time
}

// BuildMatrix puts people, competences, current levels and each person's
// merged requirements (person id → competence id → requirement) together.
func BuildMatrix(people []MatrixPerson, comps []*Competence, currents []Current, reqs map[string]map[string]Requirement, now time.Time) *Matrix {
	m := &Matrix{People: people, Competences: comps, Now: now, Cells: make([][]Cell, len(people))}
	pi := make(map[string]int, len(people))
	for i, p := range people {
		pi[p.ID] = i
	}
	ci := make(map[string]int, len(comps))
	for j, c := range comps {
		ci[c.ID] = j
	}
	flat := make([]Cell, len(people)*len(comps))
	for i := range people {
		m.Cells[i] = flat[i*len(comps) : (i+1)*len(comps) : (i+1)*len(comps)]
		for j := range comps {
			m.Cells[i][j].PersonID, m.Cells[i][j].CompetenceID = people[i].ID, comps[j].ID
		}
	}
	for _, c := range currents {
		i, ok := pi[c.PersonID]
		if !ok {
			continue
		}
		j, ok := ci[c.CompetenceID]
		if !ok {
			continue
		}
		m.Cells[i][j].Current = c
	}
	for pid, rs := range reqs {
		i, ok := pi[pid]
		if !ok {
			continue
		}
		for cid, r := range rs {
			if j, ok := ci[cid]; ok {
				m.Cells[i][j].Required, m.Cells[i][j].Essential = r.Level, r.Essential
			}
		}
	}
	for i := range m.Cells {
		for j := range m.Cells[i] {
			c := &m.Cells[i][j]
			c.Status = Compare(c.Level, c.Required)
			c.Expiring = c.Current.Expiring(now)
		}
	}
	return m
}

// Gaps counts a person's requirements they do not meet.
func (m *Matrix) Gaps(i int) int {
	n := 0
	for _, c := range m.Cells[i] {
		if c.Status == Below || c.Status == Missing {
			n++
		}
	}
	return n
}

// Coverage counts, per competence column, how many people meet or exceed
// the requirement (or hold level ≥ 2 where none is required): the number
// that shows single points of knowledge.
func (m *Matrix) Coverage(j int) (able, required int) {
	for i := range m.People {
		c := m.Cells[i][j]
		if c.Required > 0 {
			required++
		}
		if c.Status == Meets || c.Required == 0 && c.Level >= 2 {
			able++
		}
	}
	return able, required
}

// SortPeople orders rows by "name" (default), "team" (site, team, name) or
// "gaps" (most gaps first).
func (m *Matrix) SortPeople(by string) {
	idx := make([]int, len(m.People))
	for i := range idx {
		idx[i] = i
	}
	gaps := make([]int, len(m.People))
	for i := range gaps {
		gaps[i] = m.Gaps(i)
	}
	less := func(a, b int) bool { return strings.ToLower(m.People[a].Name) < strings.ToLower(m.People[b].Name) }
	sort.SliceStable(idx, func(x, y int) bool {
		a, b := idx[x], idx[y]
		switch by {
		case "team":
			pa, pb := m.People[a], m.People[b]
			if pa.SiteName != pb.SiteName {
				return pa.SiteName < pb.SiteName
			}
			if pa.TeamName != pb.TeamName {
				return pa.TeamName < pb.TeamName
			}
		case "gaps":
			if gaps[a] != gaps[b] {
				return gaps[a] > gaps[b]
			}
		}
		return less(a, b)
	})
	people := make([]MatrixPerson, len(idx))
	cells := make([][]Cell, len(idx))
	for k, i := range idx {
		people[k], cells[k] = m.People[i], m.Cells[i]
	}
	m.People, m.Cells = people, cells
}
