package gap

import (
	"slices"
	"time"
)

// Reason is one part of a priority's explanation, as a code the pages
// translate ("gap.reason.<code>") with its numbers.
type Reason struct {
	Code string
	N    []int
}

// Priority ranks a risk from urgency (time to the date), size (people
// missing) and criticality (nobody or only one person qualified, an
// essential requirement), each 1–3. Reasons say why in words.
type Priority struct {
	Level   string // "high", "medium" or "low"
	Score   int    // urgency × size × criticality, 1–27
	Reasons []Reason
}

// Prioritise explains and ranks a cell at a date.
func Prioritise(c Cell, date, now time.Time) Priority {
	var p Priority
	days := int(date.Sub(now).Hours() / 24)
	urgency := 1
	switch {
	case days <= 0:
		urgency = 3
		p.Reasons = append(p.Reasons, Reason{Code: "needed_now"})
	case days <= 180:
		urgency = 3
		p.Reasons = append(p.Reasons, Reason{Code: "due_soon", N: []int{days}})
	case days <= 365:
		urgency = 2
		p.Reasons = append(p.Reasons, Reason{Code: "due_year", N: []int{days / 30}})
	default:
		p.Reasons = append(p.Reasons, Reason{Code: "due_later", N: []int{days / 30}})
	}
	size := 1
	short := c.Shortfall()
	switch {
	case short >= 5 || short*2 >= int(c.Needed) && short > 0:
		size = 3
	case short >= 2:
		size = 2
	}
	if short > 0 {
		p.Reasons = append(p.Reasons, Reason{Code: "short", N: []int{short, int(c.Needed)}})
	}
	crit := 1
	switch {
	case c.Qualified == 0:
		crit = 3
		p.Reasons = append(p.Reasons, Reason{Code: "nobody"})
	case c.Qualified == 1:
		crit = 3
		p.Reasons = append(p.Reasons, Reason{Code: "single_point"})
	case c.Essential:
		crit = 2
	}
	if c.Essential && !c.Roadmap {
		p.Reasons = append(p.Reasons, Reason{Code: "essential"})
	}
	if c.Roadmap {
		p.Reasons = append(p.Reasons, Reason{Code: "roadmap"})
	}
	if c.Bench > 0 && short > 0 {
		p.Reasons = append(p.Reasons, Reason{Code: "bench", N: []int{int(c.Bench)}})
	}
	p.Score = urgency * size * crit
	switch {
	case p.Score >= 12:
		p.Level = "high"
	case p.Score >= 6:
		p.Level = "medium"
	default:
		p.Level = "low"
	}
	return p
}

// Risk kinds.
const (
	RiskShortfall   = "shortfall"
	RiskSinglePoint = "single_point"
	RiskExpiring    = "expiring"
)

// Risk is something management should look at.
type Risk struct {
	Kind     string
	Comp     int
	Date     int // index into Dates
	Cell     Cell
	Priority Priority
	// For expiring evidence: the first person whose qualification runs
	// out, when, the levels before and after, and everyone affected
	// (earliest first).
	Person             int
	ExpiresAt          time.Time
	FromLevel, ToLevel int
	People             []int
}

// score is Prioritise's score without the explanation (no allocation).
func score(c Cell, date, now time.Time) int {
	days := int(date.Sub(now).Hours() / 24)
	u := 1
	switch {
	case days <= 180:
		u = 3
	case days <= 365:
		u = 2
	}
	sz, short := 1, c.Shortfall()
	switch {
	case short >= 5 || short*2 >= int(c.Needed) && short > 0:
		sz = 3
	case short >= 2:
		sz = 2
	}
	cr := 1
	switch {
	case c.Qualified <= 1:
		cr = 3
	case c.Essential:
		cr = 2
	}
	return u * sz * cr
}

// Risks lists the analysis's risks, highest priority first, at most limit
// (0: all): per competence the first date with a shortfall, single points
// of knowledge (today, or the first date one appears), and qualifying
// levels that expire before the last date they are demanded.
func (a *Analysis) Risks(limit int) []Risk {
	m := a.model
	type cand struct {
		kind               int8
		comp, date, person int32
		score, short       int32
		at                 int64
		from, to           int8
		count              int32
	}
	var cs []cand
	expiring := map[int32][]int32{}
	kind, idx := int8(a.Scope.Kind), int32(-1)
	switch a.Scope.Kind {
	case SiteScope:
		idx = int32(m.SiteIndex(a.Scope.ID))
	case TeamScope:
		idx = int32(m.TeamIndex(a.Scope.ID))
	}
	for _, ln := range a.Lines {
		for d, c := range ln.Cells {
			if c.Shortfall() > 0 {
				cs = append(cs, cand{kind: 0, comp: int32(ln.Comp), date: int32(d), person: -1, score: int32(score(c, a.Dates[d], m.Now)), short: int32(c.Shortfall())})
				break
			}
		}
		for d, c := range ln.Cells {
			if c.SinglePoint() && c.Shortfall() == 0 {
				cs = append(cs, cand{kind: 1, comp: int32(ln.Comp), date: int32(d), person: -1, score: int32(score(c, a.Dates[d], m.Now))})
				break
			}
		}
		// Expiring: a holder in scope whose level drops below the lowest
		// demanded level before the last date the competence is demanded.
		last := -1
		for d, c := range ln.Cells {
			if c.Needed > 0 {
				last = d
			}
		}
		if last < 0 {
			continue
		}
		c0 := ln.Cells[last]
		until := m.dates[last]
		first := len(cs)
		for _, h := range m.hold[m.hOff[ln.Comp]:m.hOff[ln.Comp+1]] {
			e := &m.lv[h]
			if e.stepOff == e.stepEnd || e.level < c0.MinLevel || !m.inScope(e.person, kind, idx) {
				continue
			}
			for _, st := range m.steps[e.stepOff:e.stepEnd] {
				if st.at > until {
					break
				}
				if st.level < c0.MinLevel {
					at := time.Unix(st.at, 0).UTC()
					cs = append(cs, cand{kind: 2, comp: int32(ln.Comp), date: int32(last), person: e.person, score: int32(score(c0, at, m.Now)),
						short: int32(c0.Shortfall()), at: st.at, from: e.level, to: st.level})
					break
				}
			}
		}
		// One risk per competence: the earliest expiry leads, the others
		// are listed with it.
		if exp := cs[first:]; len(exp) > 1 {
			slices.SortFunc(exp, func(x, y cand) int {
				if x.at != y.at {
					if x.at < y.at {
						return -1
					}
					return 1
				}
				return int(x.person - y.person)
			})
			lead := exp[0]
			lead.count = int32(len(exp))
			others := make([]int32, len(exp))
			for i, x := range exp {
				others[i] = x.person
			}
			expiring[lead.comp] = others
			cs = append(cs[:first], lead)
		} else if len(exp) == 1 {
			expiring[exp[0].comp] = []int32{exp[0].person}
			cs[first].count = 1
		}
	}
	slices.SortStableFunc(cs, func(x, y cand) int {
		if x.score != y.score {
			return int(y.score - x.score)
		}
		if x.short != y.short {
			return int(y.short - x.short)
		}
		return int(x.date - y.date)
	})
	if limit > 0 && len(cs) > limit {
		cs = cs[:limit]
	}
	out := make([]Risk, len(cs))
	for i, c := range cs {
		cell := a.Lines[a.lineIndex(int(c.comp))].Cells[c.date]
		r := Risk{Comp: int(c.comp), Date: int(c.date), Cell: cell, Person: int(c.person)}
		switch c.kind {
		case 0:
			r.Kind, r.Priority = RiskShortfall, Prioritise(cell, a.Dates[c.date], m.Now)
		case 1:
			r.Kind, r.Priority = RiskSinglePoint, Prioritise(cell, a.Dates[c.date], m.Now)
		case 2:
			r.Kind, r.ExpiresAt, r.FromLevel, r.ToLevel = RiskExpiring, time.Unix(c.at, 0).UTC(), int(c.from), int(c.to)
			for _, p := range expiring[c.comp] {
				r.People = append(r.People, int(p))
			}
			r.Priority = Prioritise(cell, r.ExpiresAt, m.Now)
			rs := Reason{Code: "expires", N: []int{r.FromLevel, r.ToLevel}}
			if len(r.People) > 1 {
				rs = Reason{Code: "expires_many", N: []int{len(r.People), r.FromLevel, r.ToLevel}}
			}
			r.Priority.Reasons = append([]Reason{rs}, r.Priority.Reasons...)
		}
		out[i] = r
	}
	return out
}
