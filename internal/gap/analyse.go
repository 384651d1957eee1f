package gap

import (
	"errors"
	"sort"
	"time"
)

// Cell is the demand and supply of one competence (or a whole scope) at
// one date.
type Cell struct {
	// Needed is the number of people needed at the demanded level or
	// above: role-profile holders who require it plus roadmap demand in
	// force at the date.
	Needed int32
	// Covered is how much of Needed is met: role-profile holders who meet
	// their level, plus for each roadmap demand the qualified people in its
	// site, team or company, at most the number asked.
	Covered int32
	// Qualified is the number of people in the scope at the lowest
	// demanded level or above; 1 makes a single point of knowledge.
	Qualified int32
	// Bench is the number of people exactly one level below the highest
	// level demanded: the people who could grow into it soonest.
	Bench int32
	// MinLevel and MaxLevel are the lowest and highest levels demanded.
	MinLevel, MaxLevel int8
	// Essential: an essential role requirement or roadmap demand asks it.
	Essential bool
	// Roadmap: roadmap demand is part of Needed.
	Roadmap bool
}

// Shortfall is the number of people missing.
func (c Cell) Shortfall() int { return int(c.Needed - c.Covered) }

// Coverage is Covered/Needed as a percentage (100 when nothing is needed).
func (c Cell) Coverage() int {
	if c.Needed == 0 {
		return 100
	}
	return int(c.Covered * 100 / c.Needed)
}

// SinglePoint reports whether exactly one person qualifies.
func (c Cell) SinglePoint() bool { return c.Needed > 0 && c.Qualified == 1 }

// Line is one competence's cells at each of the analysis's dates.
type Line struct {
	Comp  int // index into Model.Comps
	Cells []Cell
}

// Analysis is the gap of one scope at every date of the model.
type Analysis struct {
	Scope Scope
	Dates []time.Time
	// Total is the whole scope per date (sums of the lines; Qualified and
	// Bench are not summed).
	Total []Cell
	// Lines has one entry per demanded competence, by competence index.
	Lines []Line
	// Sites and Teams hold the totals per site and team inside the scope
	// (for drill-down), by index into Model.Sites and Model.Teams; nil
	// entries for those outside it.
	Sites, Teams [][]Cell
	model        *Model
}

// ErrUnknownScope is returned for a site or team the model does not know.
var ErrUnknownScope = errors.New("gap: unknown site or team")

// Analyse computes the gap of a scope at every date. Safe for concurrent
// use. Errors: ErrUnknownScope.
func (m *Model) Analyse(sc Scope) (*Analysis, error) {
	kind, idx := int8(Company), int32(-1)
	switch sc.Kind {
	case SiteScope:
		kind, idx = SiteScope, int32(m.SiteIndex(sc.ID))
	case TeamScope:
		kind, idx = TeamScope, int32(m.TeamIndex(sc.ID))
	}
	if kind != Company && idx < 0 {
		return nil, ErrUnknownScope
	}
	nd := len(m.dates)
	a := &Analysis{Scope: sc, Dates: m.Dates, Total: make([]Cell, nd), model: m,
		Sites: make([][]Cell, len(m.Sites)), Teams: make([][]Cell, len(m.Teams))}
	// Local competence numbering: only the demanded ones get cells.
	local := make([]int32, len(m.Comps))
	for i := range local {
		local[i] = -1
	}
	var cells []Cell // [k*nd + d]
	slot := func(c int32) []Cell {
		k := local[c]
		if k < 0 {
			k = int32(len(a.Lines))
			local[c] = k
			a.Lines = append(a.Lines, Line{Comp: int(c)})
			cells = append(cells, make([]Cell, nd)...)
		}
		return cells[int(k)*nd : int(k+1)*nd]
	}
	subs := func(team, site int32) (t, s []Cell) {
		if team >= 0 {
			if a.Teams[team] == nil {
				a.Teams[team] = make([]Cell, nd)
			}
			t = a.Teams[team]
		}
		if site >= 0 {
			if a.Sites[site] == nil {
				a.Sites[site] = make([]Cell, nd)
			}
			s = a.Sites[site]
		}
		return
	}
	add := func(row []Cell, d int, need, cov int32, level int8, essential, roadmap bool) {
		c := &row[d]
		c.Needed += need
		c.Covered += cov
		if c.MinLevel == 0 || level < c.MinLevel {
			c.MinLevel = level
		}
		if level > c.MaxLevel {
			c.MaxLevel = level
		}
		c.Essential = c.Essential || essential
		c.Roadmap = c.Roadmap || roadmap
	}

	// Role-profile demand of the people in scope.
	var people []int32
	switch kind {
	case SiteScope:
		people = m.bySite[idx]
	case TeamScope:
		people = m.byTeam[idx]
	}
	visit := func(p int32) {
		pp := &m.p[p]
		rs := m.reqs[pp.reqOff:m.p[p+1].reqOff]
		if len(rs) == 0 {
			return
		}
		ts, ss := subs(pp.team, pp.site)
		for d, t := range m.dates {
			if !m.present(p, t) {
				break
			}
			var need, cov int32
			for i := range rs {
				r := &rs[i]
				row := slot(r.comp)
				ok := int32(0)
				if m.levelAt(r.lv, t) >= r.level {
					ok = 1
				}
				add(row, d, 1, ok, r.level, r.essential, false)
				need++
				cov += ok
			}
			for _, x := range [][]Cell{ts, ss, a.Total} {
				if x != nil {
					x[d].Needed += need
					x[d].Covered += cov
				}
			}
		}
	}
	if kind == Company {
		for p := range m.People {
			visit(int32(p))
		}
	} else {
		for _, p := range people {
			visit(p)
		}
	}

	// Roadmap demand inside the scope.
	for gi := range m.groups {
		g := &m.groups[gi]
		switch {
		case kind == SiteScope && !(g.kind == SiteScope && g.scope == idx || g.kind == TeamScope && g.site == idx):
			continue
		case kind == TeamScope && !(g.kind == TeamScope && g.scope == idx):
			continue
		}
		row := slot(g.comp)
		var ts, ss []Cell
		switch g.kind {
		case TeamScope:
			ts, ss = subs(g.scope, g.site)
		case SiteScope:
			_, ss = subs(-1, g.scope)
		}
		hs := m.hold[m.hOff[g.comp]:m.hOff[g.comp+1]]
		for d := int(g.date); d < len(m.dates); d++ {
			t := m.dates[d]
			var have int32
			for _, h := range hs {
				e := &m.lv[h]
				if m.inScope(e.person, g.kind, g.scope) && m.present(e.person, t) && m.levelAt(h, t) >= g.level {
					have++
					if have >= g.need {
						break
					}
				}
			}
			cov := min(have, g.need)
			add(row, d, g.need, cov, g.level, true, true)
			for _, x := range [][]Cell{ts, ss, a.Total} {
				if x != nil {
					x[d].Needed += g.need
					x[d].Covered += cov
				}
			}
		}
	}

	// Qualified people and bench per demanded competence and date.
	for k := range a.Lines {
		c := int32(a.Lines[k].Comp)
		row := cells[k*nd : (k+1)*nd]
		a.Lines[k].Cells = row
		hs := m.hold[m.hOff[c]:m.hOff[c+1]]
		for d, t := range m.dates {
			cl := &row[d]
			if cl.Needed == 0 {
				continue
			}
			for _, h := range hs {
				e := &m.lv[h]
				if !m.inScope(e.person, kind, idx) || !m.present(e.person, t) {
					continue
				}
				l := m.levelAt(h, t)
				if l >= cl.MinLevel {
					cl.Qualified++
				}
				if l == cl.MaxLevel-1 {
					cl.Bench++
				}
			}
		}
	}
	sort.Slice(a.Lines, func(i, j int) bool { return a.Lines[i].Comp < a.Lines[j].Comp })
	return a, nil
}

// Line returns the line of a competence index, or nil.
func (a *Analysis) Line(comp int) *Line {
	i := sort.Search(len(a.Lines), func(i int) bool { return a.Lines[i].Comp >= comp })
	if i < len(a.Lines) && a.Lines[i].Comp == comp {
		return &a.Lines[i]
	}
	return nil
}

// Qualified lists the people of the analysed scope at level or above in
// competence comp at date index d (for drill-down and single points of
// knowledge), and those exactly one level below (the bench).
func (a *Analysis) Qualified(comp int, level int, d int) (qualified, bench []int) {
	m := a.model
	kind, idx := int8(a.Scope.Kind), int32(-1)
	switch a.Scope.Kind {
	case SiteScope:
		idx = int32(m.SiteIndex(a.Scope.ID))
	case TeamScope:
		idx = int32(m.TeamIndex(a.Scope.ID))
	}
	t := m.dates[d]
	for _, h := range m.hold[m.hOff[comp]:m.hOff[comp+1]] {
		e := &m.lv[h]
		if !m.inScope(e.person, kind, idx) || !m.present(e.person, t) {
			continue
		}
		switch l := int(m.levelAt(h, t)); {
		case l >= level:
			qualified = append(qualified, int(e.person))
		case l == level-1:
			bench = append(bench, int(e.person))
		}
	}
	return
}
