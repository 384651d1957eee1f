package recommend

import (
	"sort"
	"time"

	"github.com/bakenhq/baken/internal/gap"
)

// PlanRow proposes that one person learns one competence to a level by a
// date with one item (nil when the catalogue has nothing that gets there:
// the team lead then plans it by hand or proposes a course).
type PlanRow struct {
	Person int // index into gap.Model.People
	Need   gap.Need
	Item   *Item
	Hours  float64
}

// Uncovered is roadmap demand the plan cannot fill with the team's people.
type Uncovered struct {
	Need    gap.Need
	Missing int
}

// TeamPlan proposes who in a team learns what so that the roadmap demand
// the team falls under is met at its dates, with the least total effort:
// for each demand with a shortfall, the people with the cheapest way to the
// level (the fewest hours of one item that reaches it) are chosen, as many
// as are missing. Demands are independent, so choosing the cheapest people
// for each is the least total effort. People who already reach the level
// are never proposed. reports are the team members' gap reports.
func (c *Catalog) TeamPlan(reports []*gap.PersonReport, done map[int]map[string]bool) ([]PlanRow, []Uncovered) {
	type demandKey struct {
		item, comp, level int
		date              time.Time
	}
	type cand struct {
		person int
		need   gap.Need
		item   *Item
		hours  float64
	}
	shortfall := map[demandKey]int{}
	cands := map[demandKey][]cand{}
	var keys []demandKey
	for _, r := range reports {
		for _, n := range r.Roadmap {
			if n.Shortfall <= 0 {
				continue
			}
			k := demandKey{n.Item, n.Comp, n.Required, n.Date}
			if _, ok := shortfall[k]; !ok {
				keys = append(keys, k)
			}
			shortfall[k] = n.Shortfall
			if n.Gap() == 0 {
				continue
			}
			it, hours := c.cheapest(n, done[r.Person])
			cands[k] = append(cands[k], cand{r.Person, n, it, hours})
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if !keys[i].date.Equal(keys[j].date) {
			return keys[i].date.Before(keys[j].date)
		}
		if keys[i].comp != keys[j].comp {
			return keys[i].comp < keys[j].comp
		}
		return keys[i].level < keys[j].level
	})
	var rows []PlanRow
	var open []Uncovered
	for _, k := range keys {
		cs := cands[k]
		// Cheapest first; people closer to the level first among equals
		// (they are the bench); then by person for a stable plan.
		sort.Slice(cs, func(i, j int) bool {
			a, b := cs[i], cs[j]
			if (a.item == nil) != (b.item == nil) {
				return a.item != nil
			}
			if a.hours != b.hours {
				return a.hours < b.hours
			}
			if a.need.AtDate != b.need.AtDate {
				return a.need.AtDate > b.need.AtDate
			}
			return a.person < b.person
		})
		n := min(shortfall[k], len(cs))
		for _, x := range cs[:n] {
			rows = append(rows, PlanRow{Person: x.person, Need: x.need, Item: x.item, Hours: x.hours})
		}
		if missing := shortfall[k] - n; missing > 0 {
			var need gap.Need
			if len(cs) > 0 {
				need = cs[0].need
			} else {
				need = gap.Need{Item: k.item, Comp: k.comp, Required: k.level, Date: k.date}
			}
			open = append(open, Uncovered{Need: need, Missing: missing})
		}
	}
	return rows, open
}

// cheapest is the item with the fewest hours that takes a person from the
// need's level to the required level; nil when none does.
func (c *Catalog) cheapest(n gap.Need, done map[string]bool) (*Item, float64) {
	var best *Item
	for _, ii := range c.byComp[n.Comp] {
		it := &c.Items[ii]
		if done[it.ID] {
			continue
		}
		for _, o := range it.Outcomes {
			if o.Comp == n.Comp && o.Level >= n.Required && (best == nil || it.Hours() < best.Hours()) {
				best = it
			}
		}
	}
	if best == nil {
		return nil, 0
	}
	return best, best.Hours()
}
