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
	b := NewMatrixBuilder(people, comps, now)
	for _, c := range currents {
		if i, ok := b.Row(c.PersonID); ok {
			b.SetLevel(i, c)
		}
	}
	return b.Build(reqs)
}

// MatrixBuilder fills a matrix's cells one level at a time, so that a
// store can put levels straight into their cells as it reads them.
type MatrixBuilder struct {
	m      *Matrix
	pi, ci map[string]int
}

// NewMatrixBuilder starts a matrix of people × comps with empty cells.
func NewMatrixBuilder(people []MatrixPerson, comps []*Competence, now time.Time) *MatrixBuilder {
	m := &Matrix{People: people, Competences: comps, Now: now, Cells: make([][]Cell, len(people))}
	b := &MatrixBuilder{m: m, pi: make(map[string]int, len(people)), ci: make(map[string]int, len(comps))}
	for i, p := range people {
		b.pi[p.ID] = i
	}
	for j, c := range comps {
		b.ci[c.ID] = j
	}
	// The cells' ids are filled by Set or, for cells left empty, by Build:
	// writing them twice was a tenth of a team matrix.
	flat := make([]Cell, len(people)*len(comps))
	for i := range people {
		m.Cells[i] = flat[i*len(comps) : (i+1)*len(comps) : (i+1)*len(comps)]
	}
	return b
}

// Row returns the row of a person, false when they are not in the matrix.
func (b *MatrixBuilder) Row(personID string) (int, bool) {
	i, ok := b.pi[personID]
	return i, ok
}

// Column returns the column of a competence, false when it has none.
func (b *MatrixBuilder) Column(competenceID string) (int, bool) {
	j, ok := b.ci[competenceID]
	return j, ok
}

// SetLevel puts a current level into row i; levels of competences that
// are not columns are ignored.
func (b *MatrixBuilder) SetLevel(i int, c Current) {
	if j, ok := b.ci[c.CompetenceID]; ok {
		b.Set(i, j, c)
	}
}

// Set puts a current level into the cell at row i, column j (from Row and
// Column).
func (b *MatrixBuilder) Set(i, j int, c Current) {
	c.PersonID, c.CompetenceID = b.m.People[i].ID, b.m.Competences[j].ID
	b.m.Cells[i][j].Current = c
}

// Require gives the people listed the same merged requirements (people
// and competences not in the matrix are skipped); a team mostly shares
// one set, which is placed in columns once.
func (b *MatrixBuilder) Require(people []string, reqs []Requirement) {
	type col struct {
		j int
		r Requirement
	}
	cols := make([]col, 0, len(reqs))
	for _, r := range reqs {
		if j, ok := b.ci[r.CompetenceID]; ok {
			cols = append(cols, col{j, r})
		}
	}
	for _, pid := range people {
		i, ok := b.pi[pid]
		if !ok {
			continue
		}
		row := b.m.Cells[i]
		for _, c := range cols {
			row[c.j].Required, row[c.j].Essential = c.r.Level, c.r.Essential
		}
	}
}

// Build adds each person's merged requirements (person id → competence
// id → requirement; nil when given through Require) and the statuses, and
// returns the matrix.
func (b *MatrixBuilder) Build(reqs map[string]map[string]Requirement) *Matrix {
	m := b.m
	for pid, rs := range reqs {
		i, ok := b.pi[pid]
		if !ok {
			continue
		}
		row := m.Cells[i]
		for cid, r := range rs {
			if j, ok := b.ci[cid]; ok {
				row[j].Required, row[j].Essential = r.Level, r.Essential
			}
		}
	}
	for i := range m.Cells {
		for j := range m.Cells[i] {
			c := &m.Cells[i][j]
			if c.CompetenceID == "" {
				c.PersonID, c.CompetenceID = m.People[i].ID, m.Competences[j].ID
			}
			c.Status = Compare(c.Level, c.Required)
			c.Expiring = c.Current.Expiring(m.Now)
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
