package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/beacon"
	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/gap"
	"github.com/bakenhq/baken/internal/roadmap"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

// The beacon (issue 4): the management editor for objectives and the
// roadmap, the beacon page every employee sees, the gap dashboard, the
// team lead's view with the development plan, exports and JSON. Every
// number comes from internal/gap through the shared beacon cache.

func (s *Server) registerRoadmap() {
	m := s.mux
	edit := func(h http.HandlerFunc) http.HandlerFunc { return s.Allowed(roadmap.CanEdit, h) }
	dash := func(h http.HandlerFunc) http.HandlerFunc { return s.Allowed(roadmap.CanViewDashboard, h) }
	m.HandleFunc("GET /beacon", s.Authed(s.beaconPage))
	m.HandleFunc("GET /beacon/data.json", s.Authed(s.beaconJSON))
	m.HandleFunc("GET /roadmap/manage", edit(s.roadmapManage))
	m.HandleFunc("GET /roadmap/objectives/new", edit(s.objectiveForm))
	m.HandleFunc("POST /roadmap/objectives", edit(s.saveObjective))
	m.HandleFunc("GET /roadmap/objectives/{id}", edit(s.objectiveForm))
	m.HandleFunc("POST /roadmap/objectives/{id}", edit(s.saveObjective))
	m.HandleFunc("POST /roadmap/objectives/{id}/delete", edit(s.deleteObjective))
	m.HandleFunc("GET /roadmap/items/new", edit(s.roadmapItemForm))
	m.HandleFunc("POST /roadmap/items", edit(s.saveRoadmapItem))
	m.HandleFunc("GET /roadmap/items/{id}", edit(s.roadmapItemForm))
	m.HandleFunc("POST /roadmap/items/{id}", edit(s.saveRoadmapItem))
	m.HandleFunc("POST /roadmap/items/{id}/publish", edit(s.publishRoadmapItem))
	m.HandleFunc("POST /roadmap/items/{id}/delete", edit(s.deleteRoadmapItem))
	m.HandleFunc("GET /gaps", dash(s.gapDashboard))
	m.HandleFunc("GET /gaps/data.json", dash(s.gapJSON))
	m.HandleFunc("GET /gaps/export.csv", dash(s.gapCSV))
	m.HandleFunc("GET /gaps/export.xlsx", dash(s.gapXLSX))
	m.HandleFunc("GET /gaps/people/{id}", s.Authed(s.personGapPage))
	m.HandleFunc("GET /teams/{id}/gaps", s.Authed(s.teamGapPage))
	m.HandleFunc("POST /teams/{id}/plans", s.Authed(s.addPlan))
	m.HandleFunc("POST /plans/{id}/done", s.Authed(s.planDone))
	m.HandleFunc("POST /plans/{id}/delete", s.Authed(s.deletePlan))
	s.AddNav(NavEntry{Href: "/beacon", LabelKey: "nav.beacon"})
	s.AddNav(NavEntry{Href: "/gaps", LabelKey: "nav.gaps", Show: roadmap.CanViewDashboard})
	s.AddNav(NavEntry{Href: "/roadmap/manage", LabelKey: "nav.roadmap", Show: roadmap.CanEdit})
	s.AddHomeSection(HomeSection{Order: 10, Render: s.beaconHomeSection})
	s.AddPersonSection(PersonSection{Order: 30, Render: s.planPersonSection})
}

func (s *Server) gapModel(r *http.Request, drafts bool) (*gap.Model, error) {
	return beacon.For(s.db).Model(r.Context(), From(r).Org.ID, drafts)
}

// problems turns a validation error into translated messages.
func (s *Server) problems(r *http.Request, errs core.ValidationErrors) []string {
	var out []string
	for _, e := range errs {
		out = append(out, s.Message(r, e))
	}
	return out
}

func rmDate(v string) time.Time {
	t, err := time.Parse("2006-01-02", strings.TrimSpace(v))
	if err != nil {
		return time.Time{}
	}
	return t
}

// ---- Management editor ----

type rmManageView struct {
	Page
	Objectives []*roadmap.Objective
	Items      []*roadmap.Item
	Changes    []roadmap.HistoryEntry
}

func (s *Server) roadmapManage(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	v := rmManageView{Page: s.NewPage(r, "roadmap.manage_title")}
	var err error
	if v.Objectives, err = s.db.Objectives(ctx, st.Org.ID); err == nil {
		if v.Items, err = s.db.Items(ctx, st.Org.ID, false); err == nil {
			v.Changes, err = s.db.RoadmapChanges(ctx, st.Org.ID, time.Now().AddDate(0, -3, 0), false, st.Lang)
		}
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if len(v.Changes) > 15 {
		v.Changes = v.Changes[:15]
	}
	s.Render(w, r, http.StatusOK, "roadmap_manage.html", v)
}

type objectiveFormView struct {
	Page
	O        *roadmap.Objective
	People   []*tenancy.Person
	Problems []string
}

func (s *Server) objectiveForm(w http.ResponseWriter, r *http.Request) {
	o := &roadmap.Objective{Horizon: time.Now().AddDate(2, 0, 0)}
	if id := r.PathValue("id"); id != "" {
		var err error
		if o, err = s.db.Objective(r.Context(), From(r).Org.ID, id); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	s.renderObjectiveForm(w, r, http.StatusOK, o, nil)
}

func (s *Server) renderObjectiveForm(w http.ResponseWriter, r *http.Request, status int, o *roadmap.Objective, problems []string) {
	active := true
	people, _, err := s.db.People(r.Context(), From(r).Org.ID, tenancy.PeopleFilter{Active: &active, Role: core.RoleManagement, Limit: 500})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v := objectiveFormView{Page: s.NewPage(r, "roadmap.objective"), O: o, People: people, Problems: problems}
	s.Render(w, r, status, "roadmap_objective.html", v)
}

func (s *Server) saveObjective(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	o := &roadmap.Objective{ID: r.PathValue("id"), TitleNL: r.FormValue("title_nl"), TitleEN: r.FormValue("title_en"),
		DescriptionNL: r.FormValue("description_nl"), DescriptionEN: r.FormValue("description_en"),
		OwnerID: r.FormValue("owner_id"), Horizon: rmDate(r.FormValue("horizon"))}
	var err error
	if o.ID == "" {
		err = s.db.CreateObjective(r.Context(), st.Org.ID, o)
	} else {
		err = s.db.UpdateObjective(r.Context(), st.Org.ID, o)
	}
	if err != nil {
		if core.ErrorCode(err) == core.EInvalid {
			s.renderObjectiveForm(w, r, http.StatusUnprocessableEntity, o, []string{s.Message(r, err)})
			return
		}
		s.Fail(w, r, err)
		return
	}
	s.Flash(w, r, "roadmap.saved")
	http.Redirect(w, r, "/roadmap/manage", http.StatusSeeOther)
}

func (s *Server) deleteObjective(w http.ResponseWriter, r *http.Request) {
	if err := s.db.DeleteObjective(r.Context(), From(r).Org.ID, r.PathValue("id")); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Flash(w, r, "roadmap.deleted")
	http.Redirect(w, r, "/roadmap/manage", http.StatusSeeOther)
}

type rmDemandRow struct {
	roadmap.Demand
	Where string // "", "site:<id>" or "team:<id>"
}

type rmItemFormView struct {
	Page
	It          *roadmap.Item
	Rows        []rmDemandRow
	Competences []*competence.Competence
	Scale       competence.Scale
	Sites       []*tenancy.Site
	Teams       []*tenancy.Team
	Objectives  []*roadmap.Objective
	History     []roadmap.HistoryEntry
	Problems    []string
	Coverage    []rmDemandView
	Kinds       []string
	Statuses    []string
}

// Has reports whether ids holds id (for checkboxes).
func (rmItemFormView) Has(ids []string, id string) bool { return rmHas(ids, id) }

// rmDemandView is one demand line with its coverage at its date.
type rmDemandView struct {
	Comp, Where, Level string
	Date               time.Time
	Needed, Covered    int
}

func (s *Server) roadmapItemForm(w http.ResponseWriter, r *http.Request) {
	it := &roadmap.Item{TargetDate: time.Now().AddDate(1, 0, 0), Status: roadmap.Planned, Kind: roadmap.Technology}
	if id := r.PathValue("id"); id != "" {
		var err error
		if it, err = s.db.Item(r.Context(), From(r).Org.ID, id, true); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	s.renderRoadmapItem(w, r, http.StatusOK, it, nil)
}

func rmHas(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func (s *Server) renderRoadmapItem(w http.ResponseWriter, r *http.Request, status int, it *roadmap.Item, problems []string) {
	st := From(r)
	ctx := r.Context()
	v := rmItemFormView{Page: s.NewPage(r, "roadmap.item"), It: it, Problems: problems,
		Kinds: []string{string(roadmap.Technology), string(roadmap.Change)}}
	for _, st := range roadmap.Statuses {
		v.Statuses = append(v.Statuses, string(st))
	}
	var err error
	if v.Competences, _, err = s.db.Competences(ctx, st.Org.ID, competence.Filter{Limit: 1000}); err == nil {
		if v.Scale, err = s.db.Scale(ctx, st.Org.ID); err == nil {
			if v.Sites, err = s.db.Sites(ctx, st.Org.ID); err == nil {
				if v.Teams, err = s.db.Teams(ctx, st.Org.ID, ""); err == nil {
					v.Objectives, err = s.db.Objectives(ctx, st.Org.ID)
				}
			}
		}
	}
	if err == nil && it.ID != "" {
		v.History, err = s.db.ItemHistory(ctx, st.Org.ID, it.ID, false)
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, d := range it.Demand {
		row := rmDemandRow{Demand: d}
		switch {
		case d.TeamID != "":
			row.Where = "team:" + d.TeamID
		case d.SiteID != "":
			row.Where = "site:" + d.SiteID
		}
		v.Rows = append(v.Rows, row)
	}
	for i := 0; i < 3; i++ {
		v.Rows = append(v.Rows, rmDemandRow{Demand: roadmap.Demand{Level: 2, People: 1}})
	}
	if it.ID != "" && status == http.StatusOK {
		if m, err := s.gapModel(r, true); err == nil {
			v.Coverage = s.roadmapItemDemand(m, it.ID, st.Lang, v.Scale)
		}
	}
	s.Render(w, r, status, "roadmap_item.html", v)
}

func (s *Server) roadmapItemDemand(m *gap.Model, itemID, lang string, scale competence.Scale) []rmDemandView {
	var out []rmDemandView
	for _, d := range m.ItemDemand(itemID) {
		out = append(out, rmDemandView{Comp: m.Comps[d.Comp].Name(lang), Where: rmWhereName(m, d.Kind, d.Where, lang),
			Level: rmLevelName(scale, d.Level, lang), Date: d.Date, Needed: d.Needed, Covered: d.Covered})
	}
	return out
}

func rmWhereName(m *gap.Model, kind int, id, lang string) string {
	switch kind {
	case gap.SiteScope:
		if i := m.SiteIndex(id); i >= 0 {
			return m.Sites[i].Name
		}
	case gap.TeamScope:
		if i := m.TeamIndex(id); i >= 0 {
			return m.Teams[i].Name
		}
	}
	if lang == "nl" {
		return "hele bedrijf"
	}
	return "whole company"
}

func rmLevelName(scale competence.Scale, n int, lang string) string {
	if n >= 0 && n <= scale.Max() {
		return scale.Level(n).Name(lang)
	}
	return strconv.Itoa(n)
}

func roadmapItemFromForm(r *http.Request) *roadmap.Item {
	_ = r.ParseForm()
	f := r.PostForm
	it := &roadmap.Item{ID: r.PathValue("id"), TitleNL: f.Get("title_nl"), TitleEN: f.Get("title_en"), WhyNL: f.Get("why_nl"), WhyEN: f.Get("why_en"),
		Kind: roadmap.Kind(f.Get("kind")), Status: roadmap.Status(f.Get("status")), TargetDate: rmDate(f.Get("target_date")),
		SiteIDs: f["site_ids"], TeamIDs: f["team_ids"], ObjectiveIDs: f["objective_ids"], Published: f.Get("publish") == "1"}
	comps, levels, people, bys, wheres := f["d_competence"], f["d_level"], f["d_people"], f["d_by"], f["d_where"]
	at := func(xs []string, i int) string {
		if i < len(xs) {
			return xs[i]
		}
		return ""
	}
	for i, c := range comps {
		if strings.TrimSpace(c) == "" {
			continue
		}
		d := roadmap.Demand{CompetenceID: c, By: rmDate(at(bys, i))}
		d.Level, _ = strconv.Atoi(at(levels, i))
		var err error
		if d.People, err = strconv.Atoi(strings.TrimSpace(at(people, i))); err != nil {
			d.People = 0
		}
		switch w := at(wheres, i); {
		case strings.HasPrefix(w, "site:"):
			d.SiteID = strings.TrimPrefix(w, "site:")
		case strings.HasPrefix(w, "team:"):
			d.TeamID = strings.TrimPrefix(w, "team:")
		}
		it.Demand = append(it.Demand, d)
	}
	return it
}

func (s *Server) saveRoadmapItem(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	it := roadmapItemFromForm(r)
	now := time.Now().UTC()
	scale, err := s.db.Scale(ctx, st.Org.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if probs := it.Problems(scale, now); len(probs) > 0 {
		s.renderRoadmapItem(w, r, http.StatusUnprocessableEntity, it, s.problems(r, probs))
		return
	}
	if it.ID == "" {
		err = s.db.CreateItem(ctx, st.Org.ID, it, st.Person.ID, now)
	} else {
		err = s.db.UpdateItem(ctx, st.Org.ID, it, st.Person.ID, now)
	}
	if err != nil {
		if core.ErrorCode(err) == core.EInvalid {
			s.renderRoadmapItem(w, r, http.StatusUnprocessableEntity, it, []string{s.Message(r, err)})
			return
		}
		s.Fail(w, r, err)
		return
	}
	s.Flash(w, r, "roadmap.saved")
	http.Redirect(w, r, "/roadmap/items/"+it.ID, http.StatusSeeOther)
}

func (s *Server) publishRoadmapItem(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	pub := r.FormValue("publish") == "1"
	if err := s.db.PublishItem(r.Context(), st.Org.ID, r.PathValue("id"), pub, st.Person.ID, time.Now().UTC()); err != nil {
		s.Fail(w, r, err)
		return
	}
	if pub {
		s.Flash(w, r, "roadmap.published")
	} else {
		s.Flash(w, r, "roadmap.unpublished")
	}
	back := "/roadmap/items/" + r.PathValue("id")
	if r.FormValue("back") == "list" {
		back = "/roadmap/manage"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

func (s *Server) deleteRoadmapItem(w http.ResponseWriter, r *http.Request) {
	if err := s.db.DeleteItem(r.Context(), From(r).Org.ID, r.PathValue("id")); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Flash(w, r, "roadmap.deleted")
	http.Redirect(w, r, "/roadmap/manage", http.StatusSeeOther)
}

// ---- Development plans ----

// leads reports whether the signed-in person leads team teamID.
func (s *Server) leads(r *http.Request, teamID string) bool {
	if teamID == "" {
		return false
	}
	t, err := s.db.Team(r.Context(), From(r).Org.ID, teamID)
	return err == nil && t.LeadID == From(r).Person.ID
}

func (s *Server) addPlan(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	teamID := r.PathValue("id")
	if !roadmap.CanPlan(*st.Principal, s.leads(r, teamID)) {
		s.Fail(w, r, core.Forbidden("plan development for this team"))
		return
	}
	p := &roadmap.Plan{PersonID: r.FormValue("person_id"), CompetenceID: r.FormValue("competence_id"),
		TargetDate: rmDate(r.FormValue("target_date")), ItemID: r.FormValue("item_id"), Note: r.FormValue("note"), CreatedBy: st.Person.ID}
	p.TargetLevel, _ = strconv.Atoi(r.FormValue("target_level"))
	// The person must be in this team (a forged person id from another
	// team is refused like one from another organisation).
	if core.ValidID(p.PersonID) {
		if person, err := s.db.Person(ctx, st.Org.ID, p.PersonID); err != nil || person.TeamID != teamID {
			s.Fail(w, r, core.Invalid("person_id", "is not a member of this team"))
			return
		}
	}
	if err := s.db.AddPlan(ctx, st.Org.ID, p, time.Now().UTC()); err != nil {
		if core.ErrorCode(err) == core.EInvalid {
			s.teamGapRender(w, r, http.StatusUnprocessableEntity, teamID, []string{s.Message(r, err)}, p)
			return
		}
		s.Fail(w, r, err)
		return
	}
	s.Flash(w, r, "roadmap.plan_added")
	http.Redirect(w, r, "/teams/"+teamID+"/gaps#plan", http.StatusSeeOther)
}

// planAccess loads a plan line and checks that the principal may change
// it: the lead of the person's team, or L&D. The person may mark their
// own line done.
func (s *Server) planAccess(r *http.Request, ownOK bool) (*roadmap.Plan, *tenancy.Person, error) {
	st := From(r)
	p, err := s.db.Plan(r.Context(), st.Org.ID, r.PathValue("id"))
	if err != nil {
		return nil, nil, err
	}
	person, err := s.db.Person(r.Context(), st.Org.ID, p.PersonID)
	if err != nil {
		return nil, nil, err
	}
	if roadmap.CanPlan(*st.Principal, s.leads(r, person.TeamID)) || ownOK && person.ID == st.Person.ID {
		return p, person, nil
	}
	return nil, nil, core.Forbidden("change this development plan")
}

func (s *Server) planDone(w http.ResponseWriter, r *http.Request) {
	p, person, err := s.planAccess(r, true)
	if err == nil {
		err = s.db.SetPlanDone(r.Context(), From(r).Org.ID, p.ID, r.FormValue("done") != "0")
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, backTo(r, "/people/"+person.ID), http.StatusSeeOther)
}

func (s *Server) deletePlan(w http.ResponseWriter, r *http.Request) {
	p, person, err := s.planAccess(r, false)
	if err == nil {
		err = s.db.DeletePlan(r.Context(), From(r).Org.ID, p.ID)
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, backTo(r, "/people/"+person.ID), http.StatusSeeOther)
}

// backTo returns the form's local "back" path, or def.
func backTo(r *http.Request, def string) string {
	b := r.FormValue("back")
	if strings.HasPrefix(b, "/") && !strings.HasPrefix(b, "//") && !strings.Contains(b, "\\") {
		return b
	}
	return def
}

type planSectionView struct {
	Page
	P        *tenancy.Person
	Plans    []*roadmap.Plan
	Scale    competence.Scale
	CanEdit  bool
	IsSelf   bool
	Back     string
	GapsLink bool
}

func (s *Server) planPersonSection(r *http.Request, p *tenancy.Person) template.HTML {
	st := From(r)
	isSelf := p.ID == st.Person.ID
	lead := s.leads(r, p.TeamID)
	if !isSelf && !lead && !roadmap.CanViewDashboard(*st.Principal) && !st.Principal.HasAny(core.RoleLearning) {
		return ""
	}
	plans, err := s.db.Plans(r.Context(), st.Org.ID, store.PlanFilter{PersonID: p.ID, Lang: st.Lang})
	if err != nil {
		s.log.Error("plans", "err", err)
		return ""
	}
	scale, _ := s.db.Scale(r.Context(), st.Org.ID)
	v := planSectionView{Page: s.NewPage(r, ""), P: p, Plans: plans, Scale: scale, IsSelf: isSelf,
		CanEdit: roadmap.CanPlan(*st.Principal, lead), Back: "/people/" + p.ID, GapsLink: true}
	return s.Partial("plan_section", v)
}
