package recommend

import (
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/gap"
	"github.com/bakenhq/baken/internal/roadmap"
)

var now = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

func flat(l int) []competence.Step { return []competence.Step{{At: now, Level: l}} }

// Two welders. Jan (p1) is at welding 1 where his role asks 2 (essential,
// due now), and at robot programming 0; Piet (p2) is at welding 2 and robot
// programming 1. The cobot cell needs one person at robot programming 2 in
// the welding team by 1 June 2027; the quality cell needs three at
// welding 3 by the same date.
func model(robotPeople int) *gap.Model {
	return gap.Build(&gap.Input{
		Now:         now,
		Scale:       competence.DefaultScale(),
		Teams:       []gap.Team{{ID: "weld", Name: "Lassen"}},
		Competences: []gap.Competence{{ID: "W", NameEN: "Welding"}, {ID: "R", NameEN: "Robot programming"}},
		Profiles:    []gap.Profile{{ID: "welder", NameEN: "Welder", Requirements: []competence.Requirement{{CompetenceID: "W", Level: 2, Essential: true}}}},
		People: []gap.Person{
			{ID: "p1", Name: "Jan", TeamID: "weld", ProfileIDs: []string{"welder"}},
			{ID: "p2", Name: "Piet", TeamID: "weld", ProfileIDs: []string{"welder"}},
		},
		Levels: []gap.Level{{PersonID: "p1", CompetenceID: "W", Steps: flat(1)}, {PersonID: "p2", CompetenceID: "W", Steps: flat(2)}, {PersonID: "p2", CompetenceID: "R", Steps: flat(1)}},
		Items: []*roadmap.Item{{ID: "cobot", TitleEN: "Cobot cell", Status: roadmap.Planned, Published: true, TargetDate: time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC),
			Demand: []roadmap.Demand{{CompetenceID: "R", Level: 2, People: robotPeople, By: time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC), TeamID: "weld"}}}},
	})
}

func catalog(m *gap.Model) *Catalog {
	W, R := m.CompIndex("W"), m.CompIndex("R")
	return NewCatalog([]Item{
		{ID: "A", TitleEN: "Welding course", Minutes: 120, Outcomes: []Outcome{{W, 2}}},
		{ID: "B", TitleEN: "Cobot programming basics", Minutes: 60, Outcomes: []Outcome{{R, 2}}},
		{ID: "C", TitleEN: "Welding refresher", Minutes: 10, Outcomes: []Outcome{{W, 1}}},
		{ID: "D", TitleEN: "Robot programming semester course", Minutes: 600, Outcomes: []Outcome{{R, 2}}},
		{ID: "E", TitleEN: "Advanced welding", Minutes: 120, Outcomes: []Outcome{{W, 3}}},
	})
}

func needsOf(t *testing.T, m *gap.Model, id string) []gap.Need {
	r, err := m.Person(id)
	if err != nil {
		t.Fatal(err)
	}
	return Needs(r)
}

func ids(rs []Recommendation) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Item.ID)
	}
	return out
}

func TestForPerson(t *testing.T) {
	m := model(1)
	c := catalog(m)
	needs := needsOf(t, m, "p1")
	recs := c.ForPerson(needs, nil, now, 20)
	// Worked out by hand:
	// A: welding 1→2 for the role, essential, due now: weight 2, 1 level,
	//    2 hours → 1.0.
	// E: takes him to 3, but only 2 is needed → same as A, 1.0.
	// B: robot programming 0→2 for the cobot cell, essential, due in 6.1
	//    months: weight 2/(1+6.1/3) ≈ 0.66, 2 levels, 1 hour → ≈ 1.32.
	// D: as B but 10 hours → ≈ 0.13.
	// C: takes him to welding 1, where he is already: not recommended.
	want := []string{"B", "A", "E", "D"}
	if got := ids(recs); len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] || got[3] != want[3] {
		t.Fatalf("order %v, want %v", got, want)
	}
	if recs[1].Score != 1.0 || recs[2].Score != 1.0 {
		t.Fatalf("A and E score %v and %v, want 1.0", recs[1].Score, recs[2].Score)
	}
	if b := recs[0].Score; b < 1.30 || b > 1.34 {
		t.Fatalf("B scores %v, want ≈1.32", b)
	}
	r := recs[0].Reasons[0]
	if r.From != 0 || r.To != 2 || r.Need.Item != m.ItemIndex("cobot") {
		t.Fatalf("B's reason: %+v", r)
	}
	// A completed item drops out.
	recs = c.ForPerson(needs, map[string]bool{"B": true}, now, 20)
	if got := ids(recs); got[0] != "A" || len(got) != 3 {
		t.Fatalf("after completing B: %v", got)
	}
	// The most urgent gap per hour wins: Piet needs no welding, only robot
	// programming 1→2 (one level), so B (1 hour) beats D (10 hours), and no
	// welding item is proposed.
	recs = c.ForPerson(needsOf(t, m, "p2"), nil, now, 20)
	if got := ids(recs); len(got) != 2 || got[0] != "B" || got[1] != "D" {
		t.Fatalf("Piet: %v", got)
	}
	if n := len(c.ForPerson(needs, nil, now, 2)); n != 2 {
		t.Fatalf("limit: %d", n)
	}
}

func TestTeamPlan(t *testing.T) {
	m := model(1)
	c := catalog(m)
	reports := func() []*gap.PersonReport {
		var out []*gap.PersonReport
		for _, id := range []string{"p1", "p2"} {
			r, _ := m.Person(id)
			out = append(out, r)
		}
		return out
	}
	// One person is missing at robot programming 2; both could learn it
	// with B in an hour; Piet is closer (level 1), so he is proposed.
	rows, open := c.TeamPlan(reports(), nil)
	if len(rows) != 1 || m.People[rows[0].Person].ID != "p2" || rows[0].Item.ID != "B" || rows[0].Hours != 1 || len(open) != 0 {
		t.Fatalf("plan: %+v open %+v", rows, open)
	}
	// Three people asked, two in the team: both are proposed, one missing.
	m = model(3)
	c = catalog(m)
	rows, open = c.TeamPlan(reports(), nil)
	if len(rows) != 2 || len(open) != 1 || open[0].Missing != 1 {
		t.Fatalf("plan for three: %+v open %+v", rows, open)
	}
	// Nothing in the catalogue reaches the level: the row has no item.
	c = NewCatalog([]Item{{ID: "X", Minutes: 60, Outcomes: []Outcome{{m.CompIndex("R"), 1}}}})
	rows, _ = c.TeamPlan(reports(), nil)
	if len(rows) != 2 || rows[0].Item != nil {
		t.Fatalf("plan without a fitting item: %+v", rows)
	}
}
