package gap

import (
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/roadmap"
)

var now = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func flat(l int) []competence.Step { return []competence.Step{{At: now, Level: l}} }

// The hand-computed case: two sites, two teams, three competences, four
// people. Every number below was worked out on paper first (see the
// comments), not read back from the engine.
func fixture() *Model {
	in := &Input{
		Now:   now,
		Scale: competence.DefaultScale(),
		Sites: []Site{{"sA", "Enschede"}, {"sB", "Hengelo"}},
		Teams: []Team{{"weld", "Welding", "sA"}, {"cnc", "CNC", "sB"}},
		Competences: []Competence{
			{"W", "Lassen", "Welding"}, {"R", "Robot programmeren", "Robot programming"}, {"S", "VCA", "Safety certificate"},
		},
		Profiles: []Profile{
			{ID: "welder", NameEN: "Welder", Requirements: []competence.Requirement{{CompetenceID: "W", Level: 2, Essential: true}, {CompetenceID: "S", Level: 1, Essential: true}}},
			{ID: "prog", NameEN: "Programmer", Requirements: []competence.Requirement{{CompetenceID: "R", Level: 2}, {CompetenceID: "W", Level: 1}}},
		},
		People: []Person{
			{ID: "p1", Name: "Jan", TeamID: "weld", ProfileIDs: []string{"welder", "prog"}},
			{ID: "p2", Name: "Piet", TeamID: "weld", ProfileIDs: []string{"welder"}, LeftOn: day(2027, 6, 1)},
			{ID: "p3", Name: "Kees", TeamID: "cnc"},
			{ID: "p4", Name: "Ans", TeamID: "weld", ProfileIDs: []string{"welder"}},
		},
		Levels: []Level{
			{"p1", "W", flat(3)},
			{"p1", "S", []competence.Step{{At: now, Level: 1}, {At: day(2027, 3, 1), Level: 0}}}, // certificate expires 1 March
			{"p1", "R", flat(1)},
			{"p2", "W", flat(2)}, {"p2", "S", flat(1)},
			{"p3", "R", flat(3)}, {"p3", "W", flat(2)},
			{"p4", "W", flat(1)},
		},
		Items: []*roadmap.Item{{ID: "cobot", TitleEN: "Cobot", Status: roadmap.Planned, TargetDate: day(2027, 9, 1), Demand: []roadmap.Demand{
			{CompetenceID: "R", Level: 2, People: 2, By: day(2027, 9, 1), TeamID: "weld"},
			{CompetenceID: "W", Level: 2, People: 2, By: day(2027, 9, 1), SiteID: "sB"},
			{CompetenceID: "S", Level: 1, People: 2, By: day(2027, 4, 1)},
		}}, {ID: "old", Status: roadmap.Done, Demand: []roadmap.Demand{{CompetenceID: "W", Level: 4, People: 9}}}},
	}
	return Build(in)
}

type nc struct{ n, c int32 }

func cellsOf(cs []Cell) []nc {
	out := make([]nc, len(cs))
	for i, c := range cs {
		out[i] = nc{c.Needed, c.Covered}
	}
	return out
}

func eq(t *testing.T, what string, got []Cell, want ...nc) {
	t.Helper()
	g := cellsOf(got)
	if len(g) != len(want) {
		t.Fatalf("%s: %d dates, want %d", what, len(g), len(want))
	}
	for i := range want {
		if g[i] != want[i] {
			t.Errorf("%s at date %d: needed/covered = %v, want %v", what, i, g[i], want[i])
		}
	}
}

func TestDates(t *testing.T) {
	m := fixture()
	want := []time.Time{now, day(2027, 4, 1), day(2027, 9, 1)}
	if len(m.Dates) != 3 {
		t.Fatalf("dates = %v", m.Dates)
	}
	for i := range want {
		if !m.Dates[i].Equal(want[i]) {
			t.Errorf("date %d = %v, want %v", i, m.Dates[i], want[i])
		}
	}
	if len(m.Items) != 1 {
		t.Errorf("a done item creates no demand; items = %d", len(m.Items))
	}
}

func TestCompanyGap(t *testing.T) {
	m := fixture()
	a, err := m.Analyse(Scope{})
	if err != nil {
		t.Fatal(err)
	}
	// now: role rows p1 (W✓ S✓ R✗), p2 (W✓ S✓), p4 (W✗ S✗) = 7 needed, 4 met.
	// 1 Apr: p1's certificate expired (S✗) = 7/3, plus 2 safety people company-wide, only p2 has it = 2/1.
	// 1 Sep: p2 left: role rows 5/1; safety 2/0; robot in welding 2/0; welding at Hengelo 2/1 (Kees).
	eq(t, "company", a.Total, nc{7, 4}, nc{9, 4}, nc{11, 2})
	w := a.Line(m.CompIndex("W"))
	eq(t, "welding", w.Cells, nc{3, 2}, nc{3, 2}, nc{4, 2})
	if w.Cells[0].Qualified != 3 || w.Cells[0].Bench != 1 {
		t.Errorf("welding now: qualified %d (want Jan, Piet, Kees = 3), bench %d (want Ans = 1)", w.Cells[0].Qualified, w.Cells[0].Bench)
	}
	if w.Cells[2].Qualified != 2 {
		t.Errorf("welding 1 Sep: qualified %d, want 2 (Piet left)", w.Cells[2].Qualified)
	}
	s := a.Line(m.CompIndex("S"))
	eq(t, "safety", s.Cells, nc{3, 2}, nc{5, 2}, nc{4, 0})
	if !s.Cells[1].SinglePoint() || s.Cells[2].Qualified != 0 {
		t.Errorf("safety: 1 Apr single point %v (want true: only Piet), 1 Sep qualified %d (want 0)", s.Cells[1].SinglePoint(), s.Cells[2].Qualified)
	}
	r := a.Line(m.CompIndex("R"))
	eq(t, "robot", r.Cells, nc{1, 0}, nc{1, 0}, nc{3, 0})
	// Kees (CNC, Hengelo) is the only robot programmer in the company: a
	// single point of knowledge, though he cannot cover the welding team.
	if !r.Cells[0].SinglePoint() {
		t.Error("robot programming should be a single point of knowledge")
	}
	// Drill-down totals.
	eq(t, "site Enschede", a.Sites[m.SiteIndex("sA")], nc{7, 4}, nc{7, 3}, nc{7, 1})
	eq(t, "site Hengelo", a.Sites[m.SiteIndex("sB")], nc{0, 0}, nc{0, 0}, nc{2, 1})
	eq(t, "team welding", a.Teams[m.TeamIndex("weld")], nc{7, 4}, nc{7, 3}, nc{7, 1})
}

func TestSiteAndTeamScopes(t *testing.T) {
	m := fixture()
	b, err := m.Analyse(Scope{Kind: SiteScope, ID: "sB"})
	if err != nil {
		t.Fatal(err)
	}
	// Demand per site: only Hengelo's welding demand, met by Kees alone.
	eq(t, "Hengelo", b.Total, nc{0, 0}, nc{0, 0}, nc{2, 1})
	if len(b.Lines) != 1 || b.Lines[0].Cells[2].Qualified != 1 {
		t.Errorf("Hengelo lines = %+v", b.Lines)
	}
	tw, err := m.Analyse(Scope{Kind: TeamScope, ID: "weld"})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "welding team", tw.Total, nc{7, 4}, nc{7, 3}, nc{7, 1})
	q, bench := tw.Qualified(m.CompIndex("W"), 2, 0)
	if len(q) != 2 || len(bench) != 1 || m.People[bench[0]].Name != "Ans" {
		t.Errorf("welding team welders: qualified %v bench %v", q, bench)
	}
	if _, err := m.Analyse(Scope{Kind: TeamScope, ID: "nope"}); err != ErrUnknownScope {
		t.Errorf("unknown team: %v", err)
	}
}

func TestPerson(t *testing.T) {
	m := fixture()
	r, err := m.Person("p1")
	if err != nil {
		t.Fatal(err)
	}
	// Two profiles merged: welding at 2 (the higher) and essential, safety 1, robot 2 optional.
	if len(r.Roles) != 3 {
		t.Fatalf("roles = %+v", r.Roles)
	}
	first := r.Roles[0]
	if m.Comps[first.Comp].ID != "R" || first.Gap() != 1 || first.Essential {
		t.Errorf("first role need = %+v, want robot programming, gap 1, optional", first)
	}
	for _, n := range r.Roles {
		if m.Comps[n.Comp].ID == "W" && (n.Required != 2 || !n.Essential) {
			t.Errorf("merged welding = %+v", n)
		}
	}
	// Roadmap: safety company-wide on 1 Apr (his certificate has expired
	// by then), robot programming in his team on 1 Sep. Not Hengelo's welding.
	if len(r.Roadmap) != 2 {
		t.Fatalf("roadmap needs = %+v", r.Roadmap)
	}
	s, rb := r.Roadmap[0], r.Roadmap[1]
	if m.Comps[s.Comp].ID != "S" || s.Now != 1 || s.AtDate != 0 || !s.Expires() || s.Gap() != 1 || s.Shortfall != 1 {
		t.Errorf("safety need = %+v", s)
	}
	if m.Comps[rb.Comp].ID != "R" || rb.Gap() != 1 || rb.Shortfall != 2 || rb.Needed != 2 {
		t.Errorf("robot need = %+v", rb)
	}
	if _, err := m.Person("nobody"); err != ErrUnknownPerson {
		t.Errorf("unknown person: %v", err)
	}
	if got := m.LevelAt("p1", "S", day(2027, 2, 28)); got != 1 {
		t.Errorf("level the day before expiry = %d", got)
	}
	if got := m.LevelAt("p1", "S", day(2027, 3, 1)); got != 0 {
		t.Errorf("level on the expiry date = %d", got)
	}
}

func TestPersonLeaving(t *testing.T) {
	m := fixture()
	a, _ := m.Analyse(Scope{})
	s := a.Line(m.CompIndex("S"))
	// Piet holds the only lasting safety certificate; he leaves 1 June, so
	// on 1 Sep nobody covers the company's safety demand.
	if s.Cells[1].Covered != 2 || s.Cells[2].Covered != 0 {
		t.Errorf("safety covered = %d then %d", s.Cells[1].Covered, s.Cells[2].Covered)
	}
	ItemDemand := m.ItemDemand("cobot")
	if len(ItemDemand) != 3 {
		t.Fatalf("item demand = %+v", ItemDemand)
	}
}

func TestRisksAndPriority(t *testing.T) {
	m := fixture()
	a, _ := m.Analyse(Scope{})
	risks := a.Risks(0)
	var expiring, shortS bool
	for _, r := range risks {
		if r.Kind == RiskExpiring && m.People[r.Person].Name == "Jan" && r.ExpiresAt.Equal(day(2027, 3, 1)) {
			expiring = true
		}
		if r.Kind == RiskShortfall && m.Comps[r.Comp].ID == "S" {
			shortS = true
			// Safety: 1 short of 3 now, essential, only... 2 qualified now -> medium urgency "needed now".
			if r.Date != 0 || r.Priority.Reasons[0].Code != "needed_now" {
				t.Errorf("safety risk = %+v", r)
			}
		}
	}
	if !expiring || !shortS {
		t.Errorf("risks = %+v", risks)
	}
	for i := 1; i < len(risks); i++ {
		if risks[i].Priority.Score > risks[i-1].Priority.Score {
			t.Fatal("risks not ordered by priority")
		}
	}
	p := Prioritise(Cell{Needed: 4, Covered: 0, Qualified: 0, Roadmap: true, Essential: true}, now.AddDate(0, 2, 0), now)
	if p.Level != "high" || p.Score != 27 {
		t.Errorf("4 short, nobody qualified, in 2 months = %+v", p)
	}
	p = Prioritise(Cell{Needed: 10, Covered: 9, Qualified: 9}, now.AddDate(2, 0, 0), now)
	if p.Level != "low" {
		t.Errorf("1 of 10 short in 2 years = %+v", p)
	}
}
