package beacon

import (
	"fmt"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/gap"
	"github.com/bakenhq/baken/internal/i18n"
)

// The JSON shapes of the gap numbers, shared by the web UI's JSON
// endpoints and the /api/v1 API so that both say exactly the same.

// Cell is one competence (or a whole scope) at one date.
type Cell struct {
	Date      string `json:"date"`
	Needed    int    `json:"needed"`
	Covered   int    `json:"covered"`
	Shortfall int    `json:"shortfall"`
	Coverage  int    `json:"coverage_percent"`
	Qualified *int   `json:"qualified,omitempty"`
	Bench     *int   `json:"bench,omitempty"`
	Single    bool   `json:"single_point_of_knowledge,omitempty"`
}

// Cells turns engine cells into JSON cells; detail adds qualified people,
// bench and single points of knowledge.
func Cells(dates []time.Time, cs []gap.Cell, detail bool) []Cell {
	out := make([]Cell, len(cs))
	for i, c := range cs {
		out[i] = Cell{Date: dates[i].Format("2006-01-02"), Needed: int(c.Needed), Covered: int(c.Covered), Shortfall: c.Shortfall(), Coverage: c.Coverage()}
		if detail {
			q, b := int(c.Qualified), int(c.Bench)
			out[i].Qualified, out[i].Bench, out[i].Single = &q, &b, c.SinglePoint()
		}
	}
	return out
}

// Line is one competence at every date.
type Line struct {
	ID    string `json:"competence_id"`
	Name  string `json:"competence"`
	Dates []Cell `json:"dates"`
}

// Risk is a ranked risk with its explanation in words.
type Risk struct {
	Priority   string   `json:"priority"`
	Score      int      `json:"score"`
	Kind       string   `json:"kind"`
	Competence string   `json:"competence"`
	Date       string   `json:"date"`
	People     []string `json:"people,omitempty"`
	Why        string   `json:"why"`
}

// GapReport is a scope's gap at every date.
type GapReport struct {
	Scope       string    `json:"scope"`
	ScopeID     string    `json:"scope_id,omitempty"`
	Dates       []string  `json:"dates"`
	Total       []Cell    `json:"total"`
	Competences []Line    `json:"competences"`
	Risks       []Risk    `json:"risks"`
	Generated   time.Time `json:"computed_at"`
}

// Reasons explains a priority in words in lang.
func Reasons(lang string, p gap.Priority) string {
	var parts []string
	for _, rs := range p.Reasons {
		args := make([]any, len(rs.N))
		for i, n := range rs.N {
			args[i] = n
		}
		parts = append(parts, i18n.T(lang, "gap.reason."+rs.Code, args...))
	}
	return strings.Join(parts, "; ")
}

// Gaps reports a scope of a model. Errors: gap.ErrUnknownScope.
func Gaps(m *gap.Model, sc gap.Scope, lang string, risks int) (*GapReport, error) {
	a, err := m.Analyse(sc)
	if err != nil {
		return nil, err
	}
	out := &GapReport{Scope: []string{"company", "site", "team"}[sc.Kind], ScopeID: sc.ID, Total: Cells(a.Dates, a.Total, false), Generated: m.Now,
		Competences: []Line{}, Risks: []Risk{}}
	for _, d := range a.Dates {
		out.Dates = append(out.Dates, d.Format("2006-01-02"))
	}
	for _, ln := range a.Lines {
		out.Competences = append(out.Competences, Line{ID: m.Comps[ln.Comp].ID, Name: m.Comps[ln.Comp].Name(lang), Dates: Cells(a.Dates, ln.Cells, true)})
	}
	for _, rk := range a.Risks(risks) {
		r := Risk{Priority: rk.Priority.Level, Score: rk.Priority.Score, Kind: rk.Kind, Competence: m.Comps[rk.Comp].Name(lang),
			Date: a.Dates[rk.Date].Format("2006-01-02"), Why: Reasons(lang, rk.Priority)}
		if rk.Person >= 0 {
			r.Date = rk.ExpiresAt.Format("2006-01-02")
			for _, p := range rk.People {
				r.People = append(r.People, m.People[p].Name)
			}
		}
		out.Risks = append(out.Risks, r)
	}
	return out, nil
}

// Need is one competence demanded of a person.
type Need struct {
	CompetenceID string `json:"competence_id"`
	Competence   string `json:"competence"`
	Required     int    `json:"required_level"`
	Current      int    `json:"current_level"`
	AtDate       int    `json:"level_at_date"`
	Gap          int    `json:"gap"`
	Date         string `json:"date,omitempty"`
	Source       string `json:"source"`
	Essential    bool   `json:"essential"`
	Expires      bool   `json:"expires_before_date,omitempty"`
	Needed       int    `json:"people_needed,omitempty"`
	Shortfall    int    `json:"people_short,omitempty"`
}

// PersonGaps is one person's gaps.
type PersonGaps struct {
	PersonID string `json:"person_id"`
	Roadmap  []Need `json:"roadmap"`
	Roles    []Need `json:"role_profiles"`
}

// Person reports one person's gaps. Errors: gap.ErrUnknownPerson.
func Person(m *gap.Model, personID, lang string) (*PersonGaps, error) {
	rep, err := m.Person(personID)
	if err != nil {
		return nil, err
	}
	out := &PersonGaps{PersonID: personID, Roadmap: []Need{}, Roles: []Need{}}
	for _, n := range rep.Roadmap {
		nd := Need{CompetenceID: m.Comps[n.Comp].ID, Competence: m.Comps[n.Comp].Name(lang), Required: n.Required, Current: n.Now, AtDate: n.AtDate,
			Gap: n.Gap(), Date: n.Date.Format("2006-01-02"), Essential: true, Expires: n.Expires(), Needed: n.Needed, Shortfall: n.Shortfall}
		if n.Item >= 0 {
			nd.Source = m.Items[n.Item].Title(lang)
		}
		out.Roadmap = append(out.Roadmap, nd)
	}
	for _, n := range rep.Roles {
		nd := Need{CompetenceID: m.Comps[n.Comp].ID, Competence: m.Comps[n.Comp].Name(lang), Required: n.Required, Current: n.Now, AtDate: n.AtDate,
			Gap: n.Gap(), Essential: n.Essential}
		if n.Profile >= 0 {
			p := m.Profiles[n.Profile]
			nd.Source = p.NameEN
			if lang == "nl" && p.NameNL != "" || p.NameEN == "" {
				nd.Source = p.NameNL
			}
		}
		out.Roles = append(out.Roles, nd)
	}
	return out, nil
}

// Demand is one demand of a roadmap item with its coverage at its date.
type Demand struct {
	CompetenceID string `json:"competence_id"`
	Competence   string `json:"competence"`
	Level        int    `json:"level"`
	People       int    `json:"people"`
	Covered      int    `json:"covered"`
	Where        string `json:"where"` // company, site or team
	WhereID      string `json:"where_id,omitempty"`
	By           string `json:"by"`
}

// Item is a roadmap item with its demand.
type Item struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Why        string   `json:"why"`
	Kind       string   `json:"kind"`
	Status     string   `json:"status"`
	Published  bool     `json:"published"`
	TargetDate string   `json:"target_date"`
	SiteIDs    []string `json:"site_ids"`
	TeamIDs    []string `json:"team_ids"`
	Demand     []Demand `json:"demand"`
}

// Items lists the open roadmap items of a model with their demand.
func Items(m *gap.Model, lang string) []Item {
	out := []Item{}
	for _, it := range m.Items {
		x := Item{ID: it.ID, Title: it.Title(lang), Why: it.Why(lang), Kind: string(it.Kind), Status: string(it.Status), Published: it.Published,
			TargetDate: it.TargetDate.Format("2006-01-02"), SiteIDs: nonNil(it.SiteIDs), TeamIDs: nonNil(it.TeamIDs), Demand: []Demand{}}
		for _, d := range m.ItemDemand(it.ID) {
			x.Demand = append(x.Demand, Demand{CompetenceID: m.Comps[d.Comp].ID, Competence: m.Comps[d.Comp].Name(lang), Level: d.Level, People: d.Needed,
				Covered: d.Covered, Where: []string{"company", "site", "team"}[d.Kind], WhereID: d.Where, By: d.Date.Format("2006-01-02")})
		}
		out = append(out, x)
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// String makes a report readable in logs.
func (g *GapReport) String() string {
	return fmt.Sprintf("%s %s: %d competences, %d risks", g.Scope, g.ScopeID, len(g.Competences), len(g.Risks))
}
