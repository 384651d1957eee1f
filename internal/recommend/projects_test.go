package recommend

import (
	"slices"
	"testing"
)

// A working group that exercises robot programming at 2 is recommended to
// Jan for the cobot cell, beside the courses, by the same score; one he
// already joined is not; and it never outranks a course that closes the
// same gap in far less time.
func TestProjectsAmongRecommendations(t *testing.T) {
	m := model(1)
	R, W := m.CompIndex("R"), m.CompIndex("W")
	items := catalog(m)
	projects := NewCatalog([]Item{
		ProjectItem("wg-cobot", "", "Werkgroep cobotcel", "Cobot cell working group", []Outcome{{R, 2}}),
		ProjectItem("wg-weld", "", "Werkgroep lasnaden", "Weld seam working group", []Outcome{{W, 2}}),
		ProjectItem("wg-other", "", "Werkgroep 5S", "", nil),
	})
	needs := needsOf(t, m, "p1")
	got := Merge(10, items.ForPerson(needs, nil, now, 10), projects.ForPerson(needs, map[string]bool{"wg-weld": true}, now, 10))
	var order []string
	var project *Recommendation
	for i := range got {
		order = append(order, got[i].Item.ID)
		if got[i].Item.ID == "wg-cobot" {
			project = &got[i]
		}
	}
	if project == nil || project.Item.Type != ProjectType || len(project.Reasons) == 0 || project.Reasons[0].To != 2 {
		t.Fatalf("the cobot working group is not recommended with its reason: %v", order)
	}
	if slices.Contains(order, "wg-weld") || slices.Contains(order, "wg-other") {
		t.Fatalf("a joined project or one without a gap is recommended: %v", order)
	}
	if slices.Index(order, "B") > slices.Index(order, "wg-cobot") {
		t.Fatalf("an hour's course closing the same gap ranks below a working group: %v", order)
	}
	for i := 1; i < len(got); i++ {
		if got[i].Score > got[i-1].Score {
			t.Fatalf("not ordered by score: %v", order)
		}
	}
	if len(Merge(2, got, got)) != 2 {
		t.Fatal("Merge keeps more than n")
	}
}
