// Package recommend ranks learning for a person by how much of the person's
// gap it closes per hour of effort, and proposes a team plan that covers the
// roadmap demand with the least total effort. The gaps come from the gap
// engine (internal/gap), so recommendations, the beacon and the dashboard
// agree; every recommendation carries its reasons so the page can say why
// in words.
package recommend

import (
	"sort"
	"time"

	"github.com/bakenhq/baken/internal/gap"
)

// Item is a learning item as the recommender sees it: own items and the
// items partners share, with their outcomes mapped onto the organisation's
// own competences (indexes into gap.Model.Comps).
type Item struct {
	ID, OrgID        string
	Type             string
	TitleNL, TitleEN string
	Minutes          int
	Partner          string // the partner organisation's name; "" for own items
	Outcomes         []Outcome
}

// Title returns the title in lang, else the other language's.
func (it *Item) Title(lang string) string {
	if lang == "nl" && it.TitleNL != "" || it.TitleEN == "" {
		return it.TitleNL
	}
	return it.TitleEN
}

// Hours is the effort the ranking divides by: at least a quarter of an hour,
// so that a two-minute instruction does not outrank everything.
func (it *Item) Hours() float64 { return float64(max(it.Minutes, 15)) / 60 }

// Outcome is a competence (index into gap.Model.Comps) and the level an
// item takes a learner to.
type Outcome struct {
	Comp  int
	Level int
}

// Catalog indexes items by the competences they develop.
type Catalog struct {
	Items  []Item
	byComp map[int][]int32
}

// NewCatalog indexes items.
func NewCatalog(items []Item) *Catalog {
	c := &Catalog{Items: items, byComp: map[int][]int32{}}
	for i := range items {
		for _, o := range items[i].Outcomes {
			c.byComp[o.Comp] = append(c.byComp[o.Comp], int32(i))
		}
	}
	return c
}

// Reason is one gap an item helps close: the need from the gap engine and
// the levels the item takes the person from and to.
type Reason struct {
	Need     gap.Need
	From, To int
	Weight   float64
}

// Recommendation is an item with its score and reasons, best reason first.
type Recommendation struct {
	Item    *Item
	Score   float64 // weighted levels of gap closed per hour
	Reasons []Reason
}

// Weight says how much closing one level of a need is worth: essential
// needs count double, and a need counts more the sooner it is due (due now
// or overdue: 1; in three months: 1/2; in a year: 1/5). Roadmap demand that
// others already cover counts a third.
func Weight(n gap.Need, now time.Time) float64 {
	w := 1.0
	if n.Essential {
		w = 2
	}
	months := n.Date.Sub(now).Hours() / 24 / 30.44
	if months > 0 {
		w /= 1 + months/3
	}
	if n.Item >= 0 && n.Shortfall == 0 {
		w /= 3
	}
	return w
}

// Needs returns the person's open needs: role-profile and roadmap needs
// with a gap at their date.
func Needs(r *gap.PersonReport) []gap.Need {
	var out []gap.Need
	for _, n := range r.Roles {
		if n.Gap() > 0 {
			out = append(out, n)
		}
	}
	for _, n := range r.Roadmap {
		if n.Gap() > 0 {
			out = append(out, n)
		}
	}
	return out
}

// ForPerson ranks the catalog's items for one person's needs. Items in done
// (completed, or in progress) are left out, and so are items that take the
// person no higher than they already are. It returns at most n.
func (c *Catalog) ForPerson(needs []gap.Need, done map[string]bool, now time.Time, n int) []Recommendation {
	type acc struct {
		benefit float64
		reasons []Reason
	}
	best := map[int32]*acc{}
	for _, need := range needs {
		w := Weight(need, now)
		for _, ii := range c.byComp[need.Comp] {
			it := &c.Items[ii]
			if done[it.ID] {
				continue
			}
			for _, o := range it.Outcomes {
				if o.Comp != need.Comp || o.Level <= need.AtDate {
					continue
				}
				to := min(o.Level, need.Required)
				a := best[ii]
				if a == nil {
					a = &acc{}
					best[ii] = a
				}
				a.benefit += w * float64(to-need.AtDate)
				a.reasons = append(a.reasons, Reason{Need: need, From: need.AtDate, To: to, Weight: w})
			}
		}
	}
	out := make([]Recommendation, 0, len(best))
	for ii, a := range best {
		it := &c.Items[ii]
		sort.SliceStable(a.reasons, func(i, j int) bool {
			return a.reasons[i].Weight*float64(a.reasons[i].To-a.reasons[i].From) > a.reasons[j].Weight*float64(a.reasons[j].To-a.reasons[j].From)
		})
		out = append(out, Recommendation{Item: it, Score: a.benefit / it.Hours(), Reasons: a.reasons})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Item.ID < out[j].Item.ID
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}
