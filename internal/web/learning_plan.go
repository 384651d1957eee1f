package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/gap"
	"github.com/bakenhq/baken/internal/openlearning"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

// The team lead's proposed plan: who learns what, with which item, by when,
// so that the roadmap demand on the team is met with the least effort. The
// team lead ticks the rows to keep and turns them into assignments.

type planRowView struct {
	Key               string // person|item|due, the value of the row's checkbox
	PersonName, Comp  string
	From, To          int
	ItemID, ItemTitle string
	Hours             float64
	Due               time.Time
	Why               string
}

type uncoveredView struct {
	Comp, Why string
	Level     int
	Missing   int
}

type teamPlanView struct {
	Page
	Team       *tenancy.Team
	Rows       []planRowView
	Uncovered  []uncoveredView
	Enrolments []*openlearning.Enrolment
	Today      time.Time
	CanPropose bool
	Pending    []openlearning.PendingValidation
	Members    []*tenancy.Person
	Items      []*store.Candidate
}

// mayPlanTeam: the team's lead, or L&D, management and the admin.
func mayPlanTeam(p core.Principal, t *tenancy.Team) bool {
	return t.LeadID == p.PersonID || p.HasAny(core.RoleLearning, core.RoleManagement, core.RoleOrgAdmin)
}

func (s *Server) loadPlanTeam(w http.ResponseWriter, r *http.Request) *tenancy.Team {
	st := From(r)
	id := r.PathValue("id")
	if !core.ValidID(id) {
		s.NotFound(w, r)
		return nil
	}
	t, err := s.db.Team(r.Context(), st.Org.ID, id)
	if err != nil {
		s.Fail(w, r, err)
		return nil
	}
	if !mayPlanTeam(*st.Principal, t) {
		s.Fail(w, r, core.Forbidden("plan this team's learning"))
		return nil
	}
	return t
}

func (s *Server) teamPlanPage(w http.ResponseWriter, r *http.Request) {
	t := s.loadPlanTeam(w, r)
	if t == nil {
		return
	}
	st := From(r)
	ctx := r.Context()
	rm, err := s.recModel(ctx, st.Org.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	ens, err := s.db.Enrolments(ctx, st.Org.ID, "", t.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	done := map[int]map[string]bool{}
	var reports []*gap.PersonReport
	ti := rm.m.TeamIndex(t.ID)
	for pi, p := range rm.m.People {
		if ti < 0 || p.TeamID != t.ID {
			continue
		}
		rep, err := rm.m.Person(p.ID)
		if err != nil {
			continue
		}
		reports = append(reports, rep)
		done[pi] = map[string]bool{}
		for _, e := range ens {
			if e.PersonID == p.ID && e.Status != openlearning.Dropped {
				done[pi][e.ItemID] = true
			}
		}
	}
	rows, open := rm.c.TeamPlan(reports, done)
	v := teamPlanView{Page: s.NewPage(r, ""), Team: t, Enrolments: ens, Today: time.Now().UTC(), CanPropose: st.Principal.CanProposeCourses()}
	v.Title = v.T("teamplan.title", t.Name)
	if v.Pending, err = s.db.PendingPaths(ctx, st.Org.ID, t.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	active := true
	if v.Members, _, err = s.db.People(ctx, st.Org.ID, tenancy.PeopleFilter{TeamID: t.ID, Active: &active, Limit: 500}); err != nil {
		s.Fail(w, r, err)
		return
	}
	if v.Items, err = s.db.Candidates(ctx, st.Org.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, row := range rows {
		p := rm.m.People[row.Person]
		pv := planRowView{PersonName: p.Name, Comp: rm.m.Comps[row.Need.Comp].Name(st.Lang), From: row.Need.AtDate, To: row.Need.Required,
			Hours: row.Hours, Due: row.Need.Date, Why: rm.m.Items[row.Need.Item].Title(st.Lang)}
		if row.Item != nil {
			pv.ItemID, pv.ItemTitle = row.Item.ID, row.Item.Title(st.Lang)
			pv.Key = p.ID + "|" + row.Item.ID + "|" + row.Need.Date.Format("2006-01-02")
		}
		v.Rows = append(v.Rows, pv)
	}
	for _, u := range open {
		why := ""
		if u.Need.Item >= 0 {
			why = rm.m.Items[u.Need.Item].Title(st.Lang)
		}
		v.Uncovered = append(v.Uncovered, uncoveredView{Comp: rm.m.Comps[u.Need.Comp].Name(st.Lang), Level: u.Need.Required, Missing: u.Missing, Why: why})
	}
	s.Render(w, r, http.StatusOK, "team_plan.html", v)
}

// assignPlan turns the ticked rows into assignments with their due dates.
func (s *Server) assignPlan(w http.ResponseWriter, r *http.Request) {
	t := s.loadPlanTeam(w, r)
	if t == nil {
		return
	}
	st := From(r)
	n := 0
	for _, key := range r.PostForm["row"] {
		parts := strings.Split(key, "|")
		if len(parts) != 3 || !core.ValidID(parts[0]) || !core.ValidID(parts[1]) {
			s.Fail(w, r, core.Invalid("row", "is not a row of the plan"))
			return
		}
		due, err := time.Parse("2006-01-02", parts[2])
		if err != nil {
			s.Fail(w, r, core.Invalid("row", "is not a row of the plan"))
			return
		}
		// Only members of this team can be assigned from its plan.
		p, err := s.db.Person(r.Context(), st.Org.ID, parts[0])
		if err != nil || p.TeamID != t.ID {
			s.Fail(w, r, core.Invalid("row", "names someone outside the team"))
			return
		}
		if err := s.db.Assign(r.Context(), st.Org.ID, st.Principal.PersonID, parts[0], parts[1], due); err != nil {
			s.Fail(w, r, err)
			return
		}
		n++
	}
	if n == 0 {
		s.Fail(w, r, core.Invalid("row", "tick at least one row"))
		return
	}
	s.Flash(w, r, "teamplan.assigned")
	http.Redirect(w, r, "/teams/"+t.ID+"/plan", http.StatusSeeOther)
}

// assignOne assigns one item or path to one member of the team with a due
// date, outside the proposed plan.
func (s *Server) assignOne(w http.ResponseWriter, r *http.Request) {
	t := s.loadPlanTeam(w, r)
	if t == nil {
		return
	}
	st := From(r)
	personID, itemID := r.PostFormValue("person_id"), r.PostFormValue("item_id")
	due, err := time.Parse("2006-01-02", r.PostFormValue("due"))
	if err != nil {
		s.Fail(w, r, core.Invalid("due", "is not a date (YYYY-MM-DD)"))
		return
	}
	if y, m, d := time.Now().UTC().Date(); due.Before(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)) {
		s.Fail(w, r, core.Invalid("due", "lies in the past"))
		return
	}
	p, err := s.db.Person(r.Context(), st.Org.ID, personID)
	if err != nil || p.TeamID != t.ID {
		s.Fail(w, r, core.Invalid("person_id", "names someone outside the team"))
		return
	}
	if err := s.db.Assign(r.Context(), st.Org.ID, st.Principal.PersonID, p.ID, itemID, due); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Flash(w, r, "teamplan.assigned")
	http.Redirect(w, r, "/teams/"+t.ID+"/plan", http.StatusSeeOther)
}
