package roadmap

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
)

const id1, id2 = "01936b2e-0000-7000-8000-000000000001", "01936b2e-0000-7000-8000-000000000002"

func TestItemValidation(t *testing.T) {
	today := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	scale := competence.DefaultScale()
	good := func() *Item {
		return &Item{TitleNL: " Cobot-lascel lijn 3 ", TargetDate: time.Date(2027, 9, 30, 15, 0, 0, 0, time.UTC),
			Demand: []Demand{{CompetenceID: id1, Level: 3, People: 2}}}
	}
	it := good()
	if err := it.Validate(scale, today); err != nil {
		t.Fatal(err)
	}
	if it.TitleNL != "Cobot-lascel lijn 3" || it.Status != Planned || it.Kind != Technology || !it.Demand[0].By.Equal(time.Date(2027, 9, 30, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("normalised = %+v", it)
	}
	cases := []struct {
		name, field, msg string
		edit             func(*Item)
	}{
		{"no title", "title", "required", func(i *Item) { i.TitleNL = "" }},
		{"past target", "target_date", "past", func(i *Item) { i.TargetDate = today.AddDate(0, 0, -1) }},
		{"past demand", "demand.0.by", "past", func(i *Item) { i.Demand[0].By = today.AddDate(-1, 0, 0) }},
		{"negative headcount", "demand.0.people", "negative", func(i *Item) { i.Demand[0].People = -2 }},
		{"zero headcount", "demand.0.people", "at least 1", func(i *Item) { i.Demand[0].People = 0 }},
		{"level above scale", "demand.0.level", "above the organisation's scale", func(i *Item) { i.Demand[0].Level = 5 }},
		{"level zero", "demand.0.level", "at least 1", func(i *Item) { i.Demand[0].Level = 0 }},
		{"site and team", "demand.0.where", "not both", func(i *Item) { i.Demand[0].SiteID, i.Demand[0].TeamID = id1, id2 }},
		{"bad status", "status", "must be", func(i *Item) { i.Status = "maybe" }},
		{"bad competence", "demand.0.competence_id", "choose", func(i *Item) { i.Demand[0].CompetenceID = "x" }},
	}
	for _, c := range cases {
		it := good()
		c.edit(it)
		err := it.Validate(scale, today)
		var ve core.ValidationErrors
		if !errors.As(err, &ve) && core.ErrorCode(err) != core.EInvalid {
			t.Errorf("%s: err = %v", c.name, err)
			continue
		}
		if !strings.Contains(err.Error(), c.field) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: err = %q, want field %q and %q", c.name, err, c.field, c.msg)
		}
	}
	// A done item may keep its past date.
	it = good()
	it.Status, it.TargetDate, it.Demand = Done, today.AddDate(0, -3, 0), nil
	if err := it.Validate(scale, today); err != nil {
		t.Errorf("done item in the past: %v", err)
	}
}

func TestDiffAndAffects(t *testing.T) {
	a := &Item{TitleEN: "A", TargetDate: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), TeamIDs: []string{id1}, Demand: []Demand{{CompetenceID: id1, Level: 2, People: 1}}}
	b := *a
	b.Demand = []Demand{{CompetenceID: id1, Level: 3, People: 1}}
	b.TargetDate = b.TargetDate.AddDate(0, 1, 0)
	if got := strings.Join(Diff(a, &b), ","); got != "target_date,demand" {
		t.Errorf("diff = %q", got)
	}
	if Diff(nil, a)[0] != "created" || len(Diff(a, a)) != 0 {
		t.Error("diff of create / no change")
	}
	if !a.Affects(id1, "") || a.Affects(id2, id2) {
		t.Error("affects by team")
	}
	if !(&Item{}).Affects("", "") {
		t.Error("an item without sites or teams affects everyone")
	}
}

func TestPlanAndObjective(t *testing.T) {
	today := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	p := Plan{PersonID: id1, CompetenceID: id2, TargetLevel: 9, TargetDate: today.AddDate(0, 0, -1)}
	err := p.Validate(competence.DefaultScale(), today)
	if err == nil || !strings.Contains(err.Error(), "target_level") || !strings.Contains(err.Error(), "past") {
		t.Errorf("plan err = %v", err)
	}
	o := Objective{TitleEN: "Halve set-up time"}
	if err := o.Validate(); err == nil || !strings.Contains(err.Error(), "horizon") {
		t.Errorf("objective err = %v", err)
	}
}
