package recommend

import "sort"

// Learning by doing: a project or working group with an open call is
// recommended like any learning item ("join this working group to grow
// in X"), ranked by the same gap closed per hour, so that it competes
// with courses and instructions on the person's needs rather than
// standing in a list of its own.

// ProjectType is the Item.Type of a project.
const ProjectType = "project"

// ProjectMinutes is the effort a project is ranked with. Most of a
// working group's hours are work that is done anyway; what it asks beyond
// that (meetings, trying things out beside a colleague, reflecting) is
// taken as two hours per person. A project states no duration of its
// own, so the figure only orders it against other learning: an
// instruction or a short course that closes the same gap still ranks
// first.
const ProjectMinutes = 2 * 60

// ProjectItem returns a project as a recommendable item: the competences
// it exercises become outcomes at the level it takes.
func ProjectItem(id, orgID, titleNL, titleEN string, outcomes []Outcome) Item {
	return Item{ID: id, OrgID: orgID, Type: ProjectType, TitleNL: titleNL, TitleEN: titleEN, Minutes: ProjectMinutes, Outcomes: outcomes}
}

// Merge ranks several recommendation lists together by score (ties by
// id) and keeps at most n.
func Merge(n int, lists ...[]Recommendation) []Recommendation {
	var out []Recommendation
	for _, l := range lists {
		out = append(out, l...)
	}
	sort.SliceStable(out, func(i, j int) bool {
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
