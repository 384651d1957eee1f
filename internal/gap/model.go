// Package gap is the one place where Baken compares competence demand with
// supply. Demand is the role-profile requirements of the people now, plus
// the demand lines of open roadmap items from their dates on; supply is the
// people's current levels from the evidence rules, followed into the
// future as evidence expires (internal/competence.Steps), without the
// people who will have left by a date. Pages, the JSON API and the exports
// all call this package, so they show the same numbers.
//
// A Model is built once from plain inputs into compact structures (int
// indexes and flat slices, no maps of strings on the hot paths) and is
// then read-only: any number of goroutines may analyse it at once.
package gap

import (
	"slices"
	"sort"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/roadmap"
)

// Input is everything the engine needs, loaded by the store.
type Input struct {
	Now         time.Time
	Scale       competence.Scale
	Sites       []Site
	Teams       []Team
	People      []Person // the active people
	Competences []Competence
	Profiles    []Profile
	Levels      []Level
	// Items are the roadmap items whose demand counts: published open
	// items for everyone; management may add drafts to preview them.
	Items []*roadmap.Item
}

// Site is a site of the organisation.
type Site struct{ ID, Name string }

// Team is a team, at a site or none.
type Team struct{ ID, Name, SiteID string }

// Person is an active person with the role profiles they hold.
type Person struct {
	ID, Name       string
	TeamID, SiteID string
	LeftOn         time.Time // zero: not leaving; from this date on the person is gone
	ProfileIDs     []string
}

// Competence is a competence of the catalogue.
type Competence struct{ ID, NameNL, NameEN string }

// Name returns the competence's name in lang.
func (c Competence) Name(lang string) string {
	if lang == "nl" && c.NameNL != "" || c.NameEN == "" {
		return c.NameNL
	}
	return c.NameEN
}

// Profile is a role profile and its requirements.
type Profile struct {
	ID, NameNL, NameEN string
	Requirements       []competence.Requirement
}

// Level is a person's level in one competence from now on: Steps[0] is
// the current level, later steps are changes as evidence expires.
type Level struct {
	PersonID, CompetenceID string
	Steps                  []competence.Step
}

// Scope kinds.
const (
	Company = iota
	SiteScope
	TeamScope
)

// Scope selects the part of the organisation an analysis covers.
type Scope struct {
	Kind int
	ID   string // site or team id; "" for the company
}

type person struct {
	team, site int32 // -1: none
	left       int64 // unix seconds; 0: not leaving
	reqOff     int32 // into reqs
	lvOff      int32 // into lv, sorted by comp
}

type req struct {
	comp      int32
	level     int8
	essential bool
	profile   int32 // the profile that asks the highest level
	lv        int32 // index into lv, -1: no level
}

type lv struct {
	comp, person int32
	level        int8 // now
	stepOff      int32
	stepEnd      int32 // steps after now: steps[stepOff:stepEnd]
}

type step struct {
	at    int64
	level int8
}

// group is the roadmap demand of one scope, competence and level from one
// date on, summed over the demand lines that ask it.
type group struct {
	comp      int32
	level     int8
	need      int32
	kind      int8  // Company, SiteScope, TeamScope
	scope     int32 // site or team index
	site      int32 // for a team scope: the team's site
	by        int64
	item      int32 // the first item that asks it
	date      int32 // index into Dates
	lineCount int32
}

// Model is the compiled form of an Input.
type Model struct {
	Now      time.Time
	MaxLevel int
	Sites    []Site
	Teams    []Team
	People   []Person
	Comps    []Competence
	Profiles []Profile
	Items    []*roadmap.Item
	// Dates are the moments the engine evaluates: now, then every distinct
	// date of roadmap demand after today, ascending.
	Dates []time.Time

	siteIdx, teamIdx, personIdx, compIdx, itemIdx map[string]int32

	teamSite []int32
	p        []person
	reqs     []req
	lv       []lv
	steps    []step
	hOff     []int32 // holders of competence c: hold[hOff[c]:hOff[c+1]] (indexes into lv)
	hold     []int32
	groups   []group
	dates    []int64
	demanded int       // distinct competences with any demand
	byTeam   [][]int32 // people of each team
	bySite   [][]int32 // people of each site (by the person's site, else the team's)
}

// Build compiles an input into a model. It never fails: references to
// unknown people, teams, sites or competences are ignored.
func Build(in *Input) *Model {
	now := in.Now.UTC()
	m := &Model{Now: now, MaxLevel: in.Scale.Max(), Sites: in.Sites, Teams: in.Teams, People: in.People,
		Comps: in.Competences, Profiles: in.Profiles}
	if m.MaxLevel < 1 {
		m.MaxLevel = competence.DefaultScale().Max()
	}
	m.siteIdx = index(len(in.Sites), func(i int) string { return in.Sites[i].ID })
	m.teamIdx = index(len(in.Teams), func(i int) string { return in.Teams[i].ID })
	m.personIdx = index(len(in.People), func(i int) string { return in.People[i].ID })
	m.compIdx = index(len(in.Competences), func(i int) string { return in.Competences[i].ID })
	profIdx := index(len(in.Profiles), func(i int) string { return in.Profiles[i].ID })
	look := func(mp map[string]int32, id string) int32 {
		if v, ok := mp[id]; ok && id != "" {
			return v
		}
		return -1
	}
	m.teamSite = make([]int32, len(in.Teams))
	for i, t := range in.Teams {
		m.teamSite[i] = look(m.siteIdx, t.SiteID)
	}
	m.byTeam = make([][]int32, len(in.Teams))
	m.bySite = make([][]int32, len(in.Sites))

	// Levels, grouped by person and sorted by competence.
	m.p = make([]person, len(in.People)+1)
	type lvIn struct {
		p, c int32
		i    int
	}
	lvs := make([]lvIn, 0, len(in.Levels))
	for i, l := range in.Levels {
		p, c := look(m.personIdx, l.PersonID), look(m.compIdx, l.CompetenceID)
		if p < 0 || c < 0 || len(l.Steps) == 0 {
			continue
		}
		if len(l.Steps) == 1 && l.Steps[0].Level <= 0 {
			continue
		}
		lvs = append(lvs, lvIn{p, c, i})
	}
	sort.Slice(lvs, func(a, b int) bool {
		if lvs[a].p != lvs[b].p {
			return lvs[a].p < lvs[b].p
		}
		return lvs[a].c < lvs[b].c
	})
	m.lv = make([]lv, 0, len(lvs))
	counts := make([]int32, len(in.Competences)+1)
	pi := int32(0)
	for _, x := range lvs {
		for pi <= x.p {
			m.p[pi].lvOff = int32(len(m.lv))
			pi++
		}
		if n := len(m.lv); n > 0 && m.lv[n-1].person == x.p && m.lv[n-1].comp == x.c {
			continue // duplicate input
		}
		st := in.Levels[x.i].Steps
		e := lv{comp: x.c, person: x.p, level: int8(st[0].Level), stepOff: int32(len(m.steps))}
		for _, s := range st[1:] {
			if s.At.After(now) {
				m.steps = append(m.steps, step{at: s.At.Unix(), level: int8(s.Level)})
			}
		}
		e.stepEnd = int32(len(m.steps))
		m.lv = append(m.lv, e)
		counts[x.c]++
	}
	for ; pi <= int32(len(in.People)); pi++ {
		m.p[pi].lvOff = int32(len(m.lv))
	}
	// Holders by competence.
	m.hOff = make([]int32, len(in.Competences)+1)
	for c := range in.Competences {
		m.hOff[c+1] = m.hOff[c] + counts[c]
	}
	m.hold = make([]int32, len(m.lv))
	fill := slices.Clone(m.hOff[:len(in.Competences)])
	for i := range m.lv {
		c := m.lv[i].comp
		m.hold[fill[c]] = int32(i)
		fill[c]++
	}

	// People: team, site, leaving date, merged requirements.
	merged := map[int32]int{}
	for i, p := range in.People {
		pp := &m.p[i]
		pp.team, pp.site = look(m.teamIdx, p.TeamID), look(m.siteIdx, p.SiteID)
		if pp.site < 0 && pp.team >= 0 {
			pp.site = m.teamSite[pp.team]
		}
		if !p.LeftOn.IsZero() {
			pp.left = p.LeftOn.Unix()
		}
		if pp.team >= 0 {
			m.byTeam[pp.team] = append(m.byTeam[pp.team], int32(i))
		}
		if pp.site >= 0 {
			m.bySite[pp.site] = append(m.bySite[pp.site], int32(i))
		}
		pp.reqOff = int32(len(m.reqs))
		clear(merged)
		for _, pid := range p.ProfileIDs {
			pr := look(profIdx, pid)
			if pr < 0 {
				continue
			}
			for _, q := range in.Profiles[pr].Requirements {
				c := look(m.compIdx, q.CompetenceID)
				if c < 0 || q.Level <= 0 {
					continue
				}
				// Several profiles: the highest level, essential when any says so.
				if j, ok := merged[c]; ok {
					r := &m.reqs[j]
					if int8(q.Level) > r.level {
						r.level, r.profile = int8(q.Level), pr
					}
					r.essential = r.essential || q.Essential
					continue
				}
				merged[c] = len(m.reqs)
				m.reqs = append(m.reqs, req{comp: c, level: int8(min(q.Level, 127)), essential: q.Essential, profile: pr, lv: m.find(int32(i), c)})
			}
		}
	}
	m.p[len(in.People)].reqOff = int32(len(m.reqs))

	// Roadmap demand, grouped by scope, competence, level and date.
	m.dates = []int64{now.Unix()}
	m.Dates = []time.Time{now}
	today := roadmap.Day(now)
	type gkey struct {
		comp  int32
		level int8
		kind  int8
		scope int32
		by    int64
	}
	gi := map[gkey]int{}
	m.itemIdx = map[string]int32{}
	for _, it := range in.Items {
		if !it.Status.Open() {
			continue
		}
		ii := int32(len(m.Items))
		m.Items = append(m.Items, it)
		m.itemIdx[it.ID] = ii
		for _, d := range it.Demand {
			c := look(m.compIdx, d.CompetenceID)
			if c < 0 || d.People <= 0 || d.Level <= 0 {
				continue
			}
			by := d.By
			if by.IsZero() {
				by = it.TargetDate
			}
			by = roadmap.Day(by)
			if by.Before(today) {
				by = today
			}
			k := gkey{comp: c, level: int8(min(d.Level, 127)), kind: Company, scope: -1, by: by.Unix()}
			if t := look(m.teamIdx, d.TeamID); t >= 0 {
				k.kind, k.scope = TeamScope, t
			} else if s := look(m.siteIdx, d.SiteID); s >= 0 {
				k.kind, k.scope = SiteScope, s
			}
			if j, ok := gi[k]; ok {
				m.groups[j].need += int32(d.People)
				m.groups[j].lineCount++
				continue
			}
			g := group{comp: c, level: k.level, need: int32(d.People), kind: k.kind, scope: k.scope, site: -1, by: k.by, item: ii, lineCount: 1}
			if k.kind == TeamScope {
				g.site = m.teamSite[k.scope]
			}
			gi[k] = len(m.groups)
			m.groups = append(m.groups, g)
			if k.by > m.dates[0] || by.Equal(today) {
				m.dates = append(m.dates, k.by)
			}
		}
	}
	slices.Sort(m.dates[1:])
	m.dates = append(m.dates[:1], dedupe(m.dates[1:], m.dates[0])...)
	m.Dates = m.Dates[:1]
	for _, d := range m.dates[1:] {
		m.Dates = append(m.Dates, time.Unix(d, 0).UTC())
	}
	seen := make([]bool, len(m.Comps))
	for _, r := range m.reqs {
		seen[r.comp] = true
	}
	for _, g := range m.groups {
		seen[g.comp] = true
	}
	for _, b := range seen {
		if b {
			m.demanded++
		}
	}
	for i := range m.groups {
		g := &m.groups[i]
		j, _ := slices.BinarySearch(m.dates[1:], g.by)
		if g.by <= m.dates[0] {
			g.date = 0
		} else {
			g.date = int32(j + 1)
		}
	}
	return m
}

// dedupe removes repeats from a sorted slice and values not after floor.
func dedupe(s []int64, floor int64) []int64 {
	out := s[:0]
	for _, v := range s {
		if v <= floor || len(out) > 0 && out[len(out)-1] == v {
			continue
		}
		out = append(out, v)
	}
	return out
}

func index(n int, id func(int) string) map[string]int32 {
	m := make(map[string]int32, n)
	for i := 0; i < n; i++ {
		m[id(i)] = int32(i)
	}
	return m
}

// find returns the index into lv of person p's level in competence c, or -1.
func (m *Model) find(p, c int32) int32 {
	lo, hi := m.p[p].lvOff, m.p[p+1].lvOff
	for lo < hi {
		mid := (lo + hi) / 2
		if m.lv[mid].comp < c {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < m.p[p+1].lvOff && m.lv[lo].comp == c {
		return lo
	}
	return -1
}

// levelAt is the level of lv entry i at moment t (unix seconds).
func (m *Model) levelAt(i int32, t int64) int8 {
	if i < 0 {
		return 0
	}
	e := &m.lv[i]
	l := e.level
	for _, s := range m.steps[e.stepOff:e.stepEnd] {
		if s.at > t {
			break
		}
		l = s.level
	}
	return l
}

// present reports whether person p still works here at moment t.
func (m *Model) present(p int32, t int64) bool {
	l := m.p[p].left
	return l == 0 || t < l
}

// inScope reports whether person p belongs to scope (kind, idx).
func (m *Model) inScope(p int32, kind int8, idx int32) bool {
	switch kind {
	case SiteScope:
		return m.p[p].site == idx
	case TeamScope:
		return m.p[p].team == idx
	}
	return true
}

// PersonIndex returns the index of a person id, or -1.
func (m *Model) PersonIndex(id string) int {
	if i, ok := m.personIdx[id]; ok {
		return int(i)
	}
	return -1
}

// CompIndex returns the index of a competence id, or -1.
func (m *Model) CompIndex(id string) int {
	if i, ok := m.compIdx[id]; ok {
		return int(i)
	}
	return -1
}

// TeamIndex returns the index of a team id, or -1.
func (m *Model) TeamIndex(id string) int {
	if i, ok := m.teamIdx[id]; ok {
		return int(i)
	}
	return -1
}

// SiteIndex returns the index of a site id, or -1.
func (m *Model) SiteIndex(id string) int {
	if i, ok := m.siteIdx[id]; ok {
		return int(i)
	}
	return -1
}

// LevelAt returns person p's level in competence c at moment t, by the
// evidence rules including expiry (0 for unknown ids).
func (m *Model) LevelAt(personID, competenceID string, t time.Time) int {
	p, c := m.PersonIndex(personID), m.CompIndex(competenceID)
	if p < 0 || c < 0 {
		return 0
	}
	return int(m.levelAt(m.find(int32(p), int32(c)), t.Unix()))
}
