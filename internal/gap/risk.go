package gap

import (
	"sort"
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
	// For expiring evidence: the person, when, and the levels before and after.
	Person             int
	ExpiresAt          time.Time
	FromLevel, ToLevel int
}

// Risks lists the analysis's risks, highest priority first, at most limit
// (0: all): per competence the first date with a shortfall, single points
// of knowledge (today, or the first date one appears), and qualifying
// levels that expire before the last date they are demanded.
func (a *Analysis) Risks(limit int) []Risk {
	m := a.model
	var out []Risk
	for _, ln := range a.Lines {
		for d, c := range ln.Cells {
			if c.Shortfall() > 0 {
				out = append(out, Risk{Kind: RiskShortfall, Comp: ln.Comp, Date: d, Cell: c, Person: -1, Priority: Prioritise(c, a.Dates[d], m.Now)})
				break
			}
		}
		for d, c := range ln.Cells {
			if c.SinglePoint() && c.Shortfall() == 0 {
				out = append(out, Risk{Kind: RiskSinglePoint, Comp: ln.Comp, Date: d, Cell: c, Person: -1, Priority: Prioritise(c, a.Dates[d], m.Now)})
				break
			}
		}
		// Expiring: a holder in scope who is qualified now and loses it
		// before the last date the competence is demanded.
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
		kind, idx := int8(a.Scope.Kind), int32(-1)
		switch a.Scope.Kind {
		case SiteScope:
			idx = int32(m.SiteIndex(a.Scope.ID))
		case TeamScope:
			idx = int32(m.TeamIndex(a.Scope.ID))
		}
		until := m.dates[last]
		for _, h := range m.hold[m.hOff[ln.Comp]:m.hOff[ln.Comp+1]] {
			e := &m.lv[h]
			if e.stepOff == e.stepEnd || e.level < c0.MinLevel || !m.inScope(e.person, kind, idx) {
				continue
			}
			for _, s := range m.steps[e.stepOff:e.stepEnd] {
				if s.at > until {
					break
				}
				if s.level < c0.MinLevel {
					at := time.Unix(s.at, 0).UTC()
					c := c0
					pr := Prioritise(c, at, m.Now)
					pr.Reasons = append([]Reason{{Code: "expires", N: []int{int(e.level), int(s.level)}}}, pr.Reasons...)
					out = append(out, Risk{Kind: RiskExpiring, Comp: ln.Comp, Date: last, Cell: c, Priority: pr,
						Person: int(e.person), ExpiresAt: at, FromLevel: int(e.level), ToLevel: int(s.level)})
					break
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Priority.Score != out[j].Priority.Score {
			return out[i].Priority.Score > out[j].Priority.Score
		}
		if out[i].Cell.Shortfall() != out[j].Cell.Shortfall() {
			return out[i].Cell.Shortfall() > out[j].Cell.Shortfall()
		}
		return out[i].Date < out[j].Date
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}
