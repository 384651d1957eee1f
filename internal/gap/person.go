package gap

import (
	"errors"
	"sort"
	"time"
)

// Need is one competence demanded of a person: by a role profile they hold
// (now) or by roadmap demand in their team, site or company (at its date).
type Need struct {
	Comp      int       // index into Model.Comps
	Required  int       // level
	Now       int       // the person's level now
	AtDate    int       // the person's level at Date, after expiries
	Date      time.Time // when it is needed (now for role profiles)
	Essential bool
	Profile   int // index into Model.Profiles; -1 for roadmap demand
	Item      int // index into Model.Items; -1 for role profiles
	// For roadmap demand: how many people the demand asks, and how many
	// are still missing at its date.
	Needed, Shortfall int
}

// Gap is the number of levels the person lacks at the date.
func (n Need) Gap() int { return max(0, n.Required-n.AtDate) }

// Expires reports whether the person's level drops before the date.
func (n Need) Expires() bool { return n.AtDate < n.Now }

// PersonReport is one person's gaps.
type PersonReport struct {
	Person  int
	Roles   []Need // merged role-profile requirements, gaps first
	Roadmap []Need // roadmap demand that concerns the person, by date
}

// ErrUnknownPerson is returned for a person the model does not hold.
var ErrUnknownPerson = errors.New("gap: unknown person")

// Person computes one person's gaps against their role profiles and the
// roadmap demand of their team, site and company. Errors: ErrUnknownPerson.
func (m *Model) Person(id string) (*PersonReport, error) {
	pi := m.PersonIndex(id)
	if pi < 0 {
		return nil, ErrUnknownPerson
	}
	p := int32(pi)
	pp := &m.p[p]
	r := &PersonReport{Person: pi}
	now := m.dates[0]
	for _, q := range m.reqs[pp.reqOff:m.p[p+1].reqOff] {
		l := int(m.levelAt(q.lv, now))
		r.Roles = append(r.Roles, Need{Comp: int(q.comp), Required: int(q.level), Now: l, AtDate: l, Date: m.Dates[0],
			Essential: q.essential, Profile: int(q.profile), Item: -1})
	}
	sort.SliceStable(r.Roles, func(i, j int) bool {
		a, b := r.Roles[i], r.Roles[j]
		if (a.Gap() > 0) != (b.Gap() > 0) {
			return a.Gap() > 0
		}
		if a.Essential != b.Essential {
			return a.Essential
		}
		return a.Gap() > b.Gap()
	})
	for gi := range m.groups {
		g := &m.groups[gi]
		if !m.inScope(p, g.kind, g.scope) {
			continue
		}
		lvi := m.find(p, g.comp)
		have := m.have(g, int(g.date))
		r.Roadmap = append(r.Roadmap, Need{Comp: int(g.comp), Required: int(g.level), Now: int(m.levelAt(lvi, now)),
			AtDate: int(m.levelAt(lvi, m.dates[g.date])), Date: m.Dates[g.date], Essential: true, Profile: -1, Item: int(g.item),
			Needed: int(g.need), Shortfall: int(g.need - min(have, g.need))})
	}
	sort.SliceStable(r.Roadmap, func(i, j int) bool { return r.Roadmap[i].Date.Before(r.Roadmap[j].Date) })
	return r, nil
}

// have counts the qualified people for a roadmap demand group at date d.
func (m *Model) have(g *group, d int) int32 {
	t := m.dates[d]
	var have int32
	for _, h := range m.hold[m.hOff[g.comp]:m.hOff[g.comp+1]] {
		e := &m.lv[h]
		if m.inScope(e.person, g.kind, g.scope) && m.present(e.person, t) && m.levelAt(h, t) >= g.level {
			have++
		}
	}
	return have
}

// Demand is one roadmap demand as the engine sees it: the demand lines of
// an item for the same competence, level, date and place summed.
type Demand struct {
	Item, Comp, Level int
	Kind              int    // Company, SiteScope or TeamScope
	Where             string // site or team id
	Date              time.Time
	Needed, Covered   int
}

// ItemDemand returns the demand of a roadmap item with its coverage at
// its dates.
func (m *Model) ItemDemand(itemID string) []Demand {
	ii, ok := m.itemIdx[itemID]
	if !ok {
		return nil
	}
	var out []Demand
	for gi := range m.groups {
		g := &m.groups[gi]
		if g.item != ii {
			continue
		}
		d := Demand{Item: int(ii), Comp: int(g.comp), Level: int(g.level), Kind: int(g.kind), Date: m.Dates[g.date], Needed: int(g.need)}
		switch g.kind {
		case SiteScope:
			d.Where = m.Sites[g.scope].ID
		case TeamScope:
			d.Where = m.Teams[g.scope].ID
		}
		d.Covered = int(min(m.have(g, int(g.date)), g.need))
		out = append(out, d)
	}
	return out
}

// ItemIndex returns the index of an item id in Model.Items, or -1.
func (m *Model) ItemIndex(id string) int {
	if i, ok := m.itemIdx[id]; ok {
		return int(i)
	}
	return -1
}
