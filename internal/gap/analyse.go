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
	cells := make([]Cell, 0, m.demanded*nd) // [k*nd + d]
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

	// Role-profile demand of the people in scope. Most requirements do not
	// change over time (no expiry ahead, the person stays): they are
	// counted once and added to every date; the rest date by date.
	var people []int32
	switch kind {
	case SiteScope:
		people = m.bySite[idx]
	case TeamScope:
		people = m.byTeam[idx]
	}
	type konst struct {
		need, cov          int32
		minL, maxL         int8
		essential, present bool
	}
	var kc []konst // by local competence
	teamC := make([][2]int32, len(m.Teams))
	siteC := make([][2]int32, len(m.Sites))
	var totalC [2]int32
	visit := func(p int32) {
		pp := &m.p[p]
		rs := m.reqs[pp.reqOff:m.p[p+1].reqOff]
		if len(rs) == 0 {
			return
		}
		ts, ss := subs(pp.team, pp.site)
		for i := range rs {
			r := &rs[i]
			slot(r.comp)
			k := local[r.comp]
			for int(k) >= len(kc) {
				kc = append(kc, konst{})
			}
			c := &kc[k]
			if pp.left == 0 && (r.lv < 0 || m.lv[r.lv].stepOff == m.lv[r.lv].stepEnd) {
				ok := int32(0)
				if m.levelAt(r.lv, 0) >= r.level {
					ok = 1
				}
				c.need++
				c.cov += ok
				if !c.present || r.level < c.minL {
					c.minL = r.level
				}
				if !c.present || r.level > c.maxL {
					c.maxL = r.level
				}
				c.present = true
				c.essential = c.essential || r.essential
				if pp.team >= 0 {
					teamC[pp.team][0]++
					teamC[pp.team][1] += ok
				}
				if pp.site >= 0 {
					siteC[pp.site][0]++
					siteC[pp.site][1] += ok
				}
				totalC[0]++
				totalC[1] += ok
				continue
			}
			row := cells[int(k)*nd : int(k+1)*nd]
			for d, t := range m.dates {
				if !m.present(p, t) {
					break
				}
				ok := int32(0)
				if m.levelAt(r.lv, t) >= r.level {
					ok = 1
				}
				add(row, d, 1, ok, r.level, r.essential, false)
				for _, x := range [][]Cell{ts, ss, a.Total} {
					if x != nil {
						x[d].Needed++
						x[d].Covered += ok
					}
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
	for k := range kc {
		c := &kc[k]
		if !c.present {
			continue
		}
		row := cells[k*nd : (k+1)*nd]
		for d := range row {
			add(row, d, c.need, c.cov, c.minL, c.essential, false)
			if c.maxL > row[d].MaxLevel {
				row[d].MaxLevel = c.maxL
			}
		}
	}
	addConst := func(x []Cell, v [2]int32) {
		if x == nil || v[0] == 0 {
			return
		}
		for d := range x {
			x[d].Needed += v[0]
			x[d].Covered += v[1]
		}
	}
	for i := range teamC {
		addConst(a.Teams[i], teamC[i])
	}
	for i := range siteC {
		addConst(a.Sites[i], siteC[i])
	}
	addConst(a.Total, totalC)

	// Roadmap demand inside the scope: the people qualified in the
	// demand's own team, site or company, counted once for those whose
	// level stays and date by date for the others.
	var variable []int32
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
		var haveC int32
		variable = variable[:0]
		count := func(h int32) {
			e := &m.lv[h]
			if e.stepOff == e.stepEnd && m.p[e.person].left == 0 {
				if e.level >= g.level {
					haveC++
				}
			} else {
				variable = append(variable, h)
			}
		}
		if g.kind == TeamScope {
			for _, p := range m.byTeam[g.scope] {
				if h := m.find(p, g.comp); h >= 0 {
					count(h)
				}
			}
		} else {
			for _, h := range m.hold[m.hOff[g.comp]:m.hOff[g.comp+1]] {
				if m.inScope(m.lv[h].person, g.kind, g.scope) {
					count(h)
				}
			}
		}
		for d := int(g.date); d < len(m.dates); d++ {
			t := m.dates[d]
			have := haveC
			for _, h := range variable {
				if have >= g.need {
					break
				}
				if m.present(m.lv[h].person, t) && m.levelAt(h, t) >= g.level {
					have++
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

	// Qualified people and bench per demanded competence and date: a
	// histogram of the steady levels per competence, plus the changing
	// ones date by date.
	const maxL = 16
	hist := make([][maxL]int32, len(a.Lines))
	variable = variable[:0]
	scan := func(p int32) {
		for h := m.p[p].lvOff; h < m.p[p+1].lvOff; h++ {
			e := &m.lv[h]
			k := local[e.comp]
			if k < 0 {
				continue
			}
			if e.stepOff == e.stepEnd && m.p[p].left == 0 {
				hist[k][min(int(e.level), maxL-1)]++
			} else {
				variable = append(variable, h)
			}
		}
	}
	if kind == Company {
		for p := range m.People {
			scan(int32(p))
		}
	} else {
		for _, p := range people {
			scan(p)
		}
	}
	for k := range a.Lines {
		row := cells[k*nd : (k+1)*nd]
		a.Lines[k].Cells = row
		for d := range row {
			cl := &row[d]
			if cl.Needed == 0 {
				continue
			}
			for l := max(int(cl.MinLevel), 0); l < maxL; l++ {
				cl.Qualified += hist[k][l]
			}
			if cl.MaxLevel >= 2 {
				cl.Bench = hist[k][cl.MaxLevel-1]
			}
		}
	}
	for _, h := range variable {
		e := &m.lv[h]
		k := local[e.comp]
		row := cells[int(k)*nd : int(k+1)*nd]
		for d, t := range m.dates {
			if !m.present(e.person, t) {
				break
			}
			cl := &row[d]
			if cl.Needed == 0 {
				continue
			}
			l := m.levelAt(h, t)
			if l >= cl.MinLevel {
				cl.Qualified++
			}
			if cl.MaxLevel >= 2 && l == cl.MaxLevel-1 {
				cl.Bench++
			}
		}
	}
	sort.Slice(a.Lines, func(i, j int) bool { return a.Lines[i].Comp < a.Lines[j].Comp })
	return a, nil
}

// Line returns the line of a competence index, or nil.
func (a *Analysis) Line(comp int) *Line {
	if i := a.lineIndex(comp); i >= 0 {
		return &a.Lines[i]
	}
	return nil
}

func (a *Analysis) lineIndex(comp int) int {
	i := sort.Search(len(a.Lines), func(i int) bool { return a.Lines[i].Comp >= comp })
	if i < len(a.Lines) && a.Lines[i].Comp == comp {
		return i
	}
	return -1
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
