package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/gap"
	"github.com/bakenhq/baken/internal/project"
	"github.com/bakenhq/baken/internal/project/projindex"
	"github.com/bakenhq/baken/internal/recommend"
	"github.com/bakenhq/baken/internal/search"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

// Projects and working groups (issue 8): create one, open a call for
// volunteers, accept people, keep a short log, close it with its outcome,
// and confirm members' contributions, which become project-work evidence.
// The rules of who may do what are in internal/project.

func (s *Server) registerProjects() {
	m := s.mux
	m.HandleFunc("GET /projects", s.Authed(s.projectsPage))
	m.HandleFunc("GET /projects/new", s.Authed(s.newProjectPage))
	m.HandleFunc("POST /projects", s.Authed(s.createProject))
	m.HandleFunc("GET /projects/{id}", s.Authed(s.projectPage))
	m.HandleFunc("GET /projects/{id}/edit", s.Authed(s.editProjectPage))
	m.HandleFunc("POST /projects/{id}", s.Authed(s.updateProject))
	m.HandleFunc("POST /projects/{id}/call", s.Authed(s.projectCall))
	m.HandleFunc("POST /projects/{id}/apply", s.Authed(s.projectApply))
	m.HandleFunc("POST /projects/{id}/invite", s.Authed(s.projectInvite))
	m.HandleFunc("POST /projects/{id}/decide", s.Authed(s.projectDecide))
	m.HandleFunc("POST /projects/{id}/updates", s.Authed(s.projectUpdate))
	m.HandleFunc("POST /projects/{id}/close", s.Authed(s.projectClose))
	m.HandleFunc("POST /projects/{id}/contributions", s.Authed(s.confirmContribution))
	m.HandleFunc("POST /contributions/{id}", s.Authed(s.decideContribution))
	s.registerReflections()
	s.registerLessons()
	s.registerNotifications()
	s.registerLessonCatalogue()
}

// projIndex is the search index lessons and projects are kept in: the
// node's shared index when the app wired one, else a private one that
// only writes search_docs (a shared index reads them on Refresh).
func (s *Server) projIndex() projindex.Indexer {
	if s.opt.Search != nil {
		return s.opt.Search
	}
	return search.NewIndex(s.db)
}

func (s *Server) reindexProject(ctx context.Context, orgID, id string) {
	ix := s.projIndex()
	p, err := s.db.Project(ctx, orgID, id)
	if err == nil {
		err = projindex.Project(ctx, ix, p)
	}
	if err != nil {
		s.log.Error("index project", "err", err, "project", id)
	}
}

// notify stores notifications; a failure is logged, never shown: the
// action itself succeeded.
func (s *Server) notify(ctx context.Context, orgID string, ns ...*project.Notification) {
	if err := s.db.Notify(ctx, orgID, ns...); err != nil {
		s.log.Error("notify", "err", err)
	}
}

type projectsView struct {
	Page
	Calls, Mine, Running, Closed []*project.Project
}

func (s *Server) projectsPage(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	v := projectsView{Page: s.NewPage(r, "proj.title")}
	var err error
	if v.Mine, err = s.db.Projects(ctx, st.Org.ID, store.ProjectFilter{MemberID: st.Principal.PersonID}); err != nil {
		s.Fail(w, r, err)
		return
	}
	mine := map[string]bool{}
	for _, p := range v.Mine {
		mine[p.ID] = true
	}
	all, err := s.db.Projects(ctx, st.Org.ID, store.ProjectFilter{Limit: 300})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, p := range all {
		switch {
		case p.Status == project.Closed:
			v.Closed = append(v.Closed, p)
		case p.CallOpen && !mine[p.ID]:
			v.Calls = append(v.Calls, p)
		case !mine[p.ID]:
			v.Running = append(v.Running, p)
		}
	}
	s.Render(w, r, http.StatusOK, "projects.html", v)
}

type projectFormView struct {
	Page
	P           *project.Project
	IsNew       bool
	OwnerRole   string
	Sites       []*tenancy.Site
	Competences []*competence.Competence
	Scale       competence.Scale
	Rows        []project.Competence
}

const projectRows = 5

func (s *Server) renderProjectForm(w http.ResponseWriter, r *http.Request, status int, p *project.Project, isNew bool, role string, ferr error) {
	st := From(r)
	ctx := r.Context()
	title := "proj.edit"
	if isNew {
		title = "proj.new"
	}
	v := projectFormView{Page: s.NewPage(r, title), P: p, IsNew: isNew, OwnerRole: role}
	var err error
	if v.Sites, err = s.db.Sites(ctx, st.Org.ID); err == nil {
		if v.Competences, _, err = s.db.Competences(ctx, st.Org.ID, competence.Filter{Limit: 1000}); err == nil {
			v.Scale, err = s.db.Scale(ctx, st.Org.ID)
		}
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v.Rows = append(v.Rows, p.Competences...)
	for len(v.Rows) < max(projectRows, len(p.Competences)+2) {
		v.Rows = append(v.Rows, project.Competence{Level: 2})
	}
	if ferr != nil {
		v.Error = s.Message(r, ferr)
		v.FieldErrors = s.FieldErrors(r, ferr)
	}
	s.Render(w, r, status, "project_form.html", v)
}

func (s *Server) newProjectPage(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	p := &project.Project{StartsOn: time.Now().UTC().Truncate(24 * time.Hour), SiteID: st.Person.SiteID, CallOpen: true}
	s.renderProjectForm(w, r, http.StatusOK, p, true, "", nil)
}

func parseDate(field, v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", v)
	if err != nil {
		return t, core.Invalid(field, "is not a date (YYYY-MM-DD)")
	}
	return t, nil
}

func projectFromForm(r *http.Request, p *project.Project) error {
	f := r.PostForm
	p.TitleNL, p.TitleEN = f.Get("title_nl"), f.Get("title_en")
	p.GoalNL, p.GoalEN = f.Get("goal_nl"), f.Get("goal_en")
	p.SiteID = f.Get("site_id")
	var err error
	if p.StartsOn, err = parseDate("starts_on", f.Get("starts_on")); err != nil {
		return err
	}
	if p.EndsOn, err = parseDate("ends_on", f.Get("ends_on")); err != nil {
		return err
	}
	p.Competences = nil
	comps, levels := f["competence"], f["level"]
	for i, c := range comps {
		if c == "" {
			continue
		}
		lv := 0
		if i < len(levels) {
			lv, _ = strconv.Atoi(levels[i])
		}
		p.Competences = append(p.Competences, project.Competence{CompetenceID: c, Level: lv})
	}
	return nil
}

func (s *Server) createProject(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	p := &project.Project{OwnerID: st.Principal.PersonID, Status: project.Open}
	err := projectFromForm(r, p)
	p.CallOpen = r.PostFormValue("call_open") == "on"
	p.CallText = r.PostFormValue("call_text")
	role := r.PostFormValue("owner_role")
	if err == nil {
		err = s.db.CreateProject(ctx, st.Org.ID, p, role)
	}
	if err != nil {
		s.renderProjectForm(w, r, Status(err), p, true, role, err)
		return
	}
	s.reindexProject(ctx, st.Org.ID, p.ID)
	s.Flash(w, r, "proj.created")
	http.Redirect(w, r, "/projects/"+p.ID, http.StatusSeeOther)
}

// projectFor loads the project of the path for a principal of its
// organisation (another organisation's id is simply not found).
func (s *Server) projectFor(r *http.Request) (*project.Project, error) {
	id := r.PathValue("id")
	if !core.ValidID(id) {
		return nil, core.ErrNotFound
	}
	return s.db.Project(r.Context(), From(r).Org.ID, id)
}

func (s *Server) editProjectPage(w http.ResponseWriter, r *http.Request) {
	p, err := s.projectFor(r)
	if err == nil && !project.CanManage(*From(r).Principal, p) {
		err = core.Forbidden("edit this project")
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.renderProjectForm(w, r, http.StatusOK, p, false, "", nil)
}

func (s *Server) updateProject(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	p, err := s.projectFor(r)
	if err == nil && !project.CanManage(*st.Principal, p) {
		err = core.Forbidden("edit this project")
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	err = projectFromForm(r, p)
	if err == nil {
		err = s.db.UpdateProject(r.Context(), st.Org.ID, p)
	}
	if err != nil {
		s.renderProjectForm(w, r, Status(err), p, false, "", err)
		return
	}
	s.reindexProject(r.Context(), st.Org.ID, p.ID)
	s.Flash(w, r, "proj.saved")
	http.Redirect(w, r, "/projects/"+p.ID, http.StatusSeeOther)
}

type projectView struct {
	Page
	P             *project.Project
	Members       []*project.Member // accepted
	Pending       []*project.Member // applied or invited
	Me            *project.Member
	CanManage     bool
	CanPost       bool
	Updates       []*project.Update
	Contributions []*project.Contribution
	Lessons       []*project.Lesson
	People        []*tenancy.Person // to invite
	Scale         competence.Scale
}

func (s *Server) projectPage(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	p, err := s.projectFor(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v := projectView{Page: s.NewPage(r, ""), P: p, CanManage: project.CanManage(*st.Principal, p)}
	v.Title = p.Title(st.Lang)
	ms, err := s.db.Members(ctx, st.Org.ID, p.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, m := range ms {
		if m.PersonID == st.Principal.PersonID {
			v.Me = m
		}
		switch m.State {
		case project.Accepted:
			v.Members = append(v.Members, m)
		case project.Applied, project.Invited:
			if v.CanManage || m.PersonID == st.Principal.PersonID {
				v.Pending = append(v.Pending, m)
			}
		}
	}
	v.CanPost = project.CanPostUpdate(*st.Principal, p, v.Me != nil && v.Me.State == project.Accepted)
	if v.Updates, err = s.db.Updates(ctx, st.Org.ID, p.ID, 50); err != nil {
		s.Fail(w, r, err)
		return
	}
	cf := store.ContributionFilter{ProjectID: p.ID}
	if !v.CanManage {
		cf.PersonID = st.Principal.PersonID
	}
	if v.Contributions, err = s.db.Contributions(ctx, st.Org.ID, cf); err != nil {
		s.Fail(w, r, err)
		return
	}
	ls, err := s.db.Lessons(ctx, st.Org.ID, store.LessonFilter{ProjectID: p.ID, Limit: 50})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v.Lessons = s.readableLessons(r, ls)
	if v.CanManage && p.Status == project.Open {
		v.People, _, _ = s.db.People(ctx, st.Org.ID, tenancy.PeopleFilter{Limit: 1000})
		v.Scale, _ = s.db.Scale(ctx, st.Org.ID)
	}
	s.Render(w, r, http.StatusOK, "project.html", v)
}

// manageProject loads the project and checks that the principal manages it.
func (s *Server) manageProject(w http.ResponseWriter, r *http.Request) *project.Project {
	p, err := s.projectFor(r)
	if err == nil && !project.CanManage(*From(r).Principal, p) {
		err = core.Forbidden("manage this project")
	}
	if err != nil {
		s.Fail(w, r, err)
		return nil
	}
	return p
}

func (s *Server) backToProject(w http.ResponseWriter, r *http.Request, p *project.Project, flash string, err error) {
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if flash != "" {
		s.Flash(w, r, flash)
	}
	http.Redirect(w, r, "/projects/"+p.ID, http.StatusSeeOther)
}

func (s *Server) projectCall(w http.ResponseWriter, r *http.Request) {
	p := s.manageProject(w, r)
	if p == nil {
		return
	}
	open := r.PostFormValue("open") == "1"
	err := s.db.SetProjectCall(r.Context(), From(r).Org.ID, p.ID, open, r.PostFormValue("call_text"))
	if err == nil {
		s.reindexProject(r.Context(), p.OrgID, p.ID)
	}
	s.backToProject(w, r, p, "proj.saved", err)
}

func (s *Server) projectApply(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	p, err := s.projectFor(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	var state project.MemberState
	m, merr := s.db.Membership(ctx, st.Org.ID, p.ID, st.Principal.PersonID)
	invited := merr == nil && m.State == project.Invited
	if !invited {
		err = project.CanApply(*st.Principal, p)
	}
	if err == nil {
		state, err = s.db.Volunteer(ctx, st.Org.ID, p.ID, st.Principal.PersonID, r.PostFormValue("message"))
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	title := p.Title(st.Lang)
	if state == project.Accepted {
		s.notify(ctx, st.Org.ID, &project.Notification{PersonID: p.OwnerID, Kind: project.NoticeJoined, Subject: st.Principal.Name + " · " + title, URL: projindex.ProjectURL(p.ID)})
		s.backToProject(w, r, p, "proj.joined", nil)
		return
	}
	s.notify(ctx, st.Org.ID, &project.Notification{PersonID: p.OwnerID, Kind: project.NoticeApplication, Subject: st.Principal.Name + " · " + title, URL: projindex.ProjectURL(p.ID)})
	s.backToProject(w, r, p, "proj.applied", nil)
}

func (s *Server) projectInvite(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	p := s.manageProject(w, r)
	if p == nil {
		return
	}
	person := r.PostFormValue("person_id")
	if !core.ValidID(person) {
		s.Fail(w, r, core.Invalid("person_id", "choose a person"))
		return
	}
	state, err := s.db.Invite(ctx, st.Org.ID, p.ID, person, r.PostFormValue("role"), r.PostFormValue("message"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	kind := project.NoticeInvitation
	if state == project.Accepted {
		kind = project.NoticeAccepted
	}
	s.notify(ctx, st.Org.ID, &project.Notification{PersonID: person, Kind: kind, Subject: p.Title(st.Lang), URL: projindex.ProjectURL(p.ID)})
	s.backToProject(w, r, p, "proj.invited", nil)
}

// projectDecide: the owner accepts or declines an application; an invitee
// accepts or declines their invitation.
func (s *Server) projectDecide(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	p, err := s.projectFor(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	accept := r.PostFormValue("accept") == "1"
	person := r.PostFormValue("person_id")
	self := person == "" || person == st.Principal.PersonID
	if self {
		// The invitee answers their own invitation.
		err = s.db.Decide(ctx, st.Org.ID, p.ID, st.Principal.PersonID, project.Invited, accept, "")
		if err == nil && accept {
			s.notify(ctx, st.Org.ID, &project.Notification{PersonID: p.OwnerID, Kind: project.NoticeJoined, Subject: st.Principal.Name + " · " + p.Title(st.Lang), URL: projindex.ProjectURL(p.ID)})
		}
		s.backToProject(w, r, p, "proj.saved", err)
		return
	}
	if !project.CanManage(*st.Principal, p) {
		s.Fail(w, r, core.Forbidden("accept people in this project"))
		return
	}
	err = s.db.Decide(ctx, st.Org.ID, p.ID, person, project.Applied, accept, r.PostFormValue("role"))
	if err == nil && accept {
		s.notify(ctx, st.Org.ID, &project.Notification{PersonID: person, Kind: project.NoticeAccepted, Subject: p.Title(st.Lang), URL: projindex.ProjectURL(p.ID)})
	}
	s.backToProject(w, r, p, "proj.saved", err)
}

func (s *Server) memberIDs(ctx context.Context, orgID, projectID, except string) []string {
	ms, err := s.db.Members(ctx, orgID, projectID)
	if err != nil {
		s.log.Error("members", "err", err)
		return nil
	}
	var out []string
	for _, m := range ms {
		if m.State == project.Accepted && m.PersonID != except {
			out = append(out, m.PersonID)
		}
	}
	return out
}

func (s *Server) projectUpdate(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	p, err := s.projectFor(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	m, merr := s.db.Membership(ctx, st.Org.ID, p.ID, st.Principal.PersonID)
	if !project.CanPostUpdate(*st.Principal, p, merr == nil && m.State == project.Accepted) {
		s.Fail(w, r, core.Forbidden("post in this project"))
		return
	}
	u := &project.Update{ProjectID: p.ID, AuthorID: st.Principal.PersonID, Body: r.PostFormValue("body"), Milestone: r.PostFormValue("milestone") == "on"}
	if err := s.db.AddUpdate(ctx, st.Org.ID, u); err != nil {
		s.Fail(w, r, err)
		return
	}
	if u.Milestone {
		// A milestone prompts every member to reflect.
		var ns []*project.Notification
		for _, id := range s.memberIDs(ctx, st.Org.ID, p.ID, "") {
			ns = append(ns, &project.Notification{PersonID: id, Kind: project.NoticeReflect, Subject: p.Title(st.Lang), URL: "/reflections/new?context=project&id=" + p.ID})
		}
		s.notify(ctx, st.Org.ID, ns...)
	}
	s.backToProject(w, r, p, "proj.posted", nil)
}

func (s *Server) projectClose(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	p := s.manageProject(w, r)
	if p == nil {
		return
	}
	if err := s.db.CloseProject(ctx, st.Org.ID, p.ID, r.PostFormValue("outcome"), time.Now()); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.reindexProject(ctx, st.Org.ID, p.ID)
	var ns []*project.Notification
	for _, id := range s.memberIDs(ctx, st.Org.ID, p.ID, "") {
		ns = append(ns, &project.Notification{PersonID: id, Kind: project.NoticeReflect, Subject: p.Title(st.Lang), URL: "/reflections/new?context=project&id=" + p.ID})
	}
	s.notify(ctx, st.Org.ID, ns...)
	s.backToProject(w, r, p, "proj.closed_flash", nil)
}

// confirmContribution: the owner confirms a member's work on an exercised
// competence. When the owner may record project evidence for that person
// (their team lead, L&D, an assessor) it is recorded at once; otherwise
// it waits for the person's team lead, who is notified.
func (s *Server) confirmContribution(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	p := s.manageProject(w, r)
	if p == nil {
		return
	}
	level, _ := strconv.Atoi(r.PostFormValue("level"))
	c := &project.Contribution{ProjectID: p.ID, PersonID: r.PostFormValue("person_id"), CompetenceID: r.PostFormValue("competence_id"),
		Level: level, Note: r.PostFormValue("note"), ConfirmedBy: st.Principal.PersonID}
	if !core.ValidID(c.PersonID) || !core.ValidID(c.CompetenceID) {
		s.Fail(w, r, core.Invalid("person_id", "choose a member and a competence"))
		return
	}
	self := c.PersonID == st.Principal.PersonID
	leads, err := s.db.LeadsPerson(ctx, st.Org.ID, st.Principal.PersonID, c.PersonID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	record := competence.CanRecord(*st.Principal, competence.Project, self, leads) == nil
	if err := s.db.ConfirmContribution(ctx, st.Org.ID, c, record); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.recordContribution(r, p, c)
	if c.Status == project.AwaitingValidation {
		if lead, _ := s.db.TeamLeadOf(ctx, st.Org.ID, c.PersonID); lead != "" && lead != c.PersonID {
			s.notify(ctx, st.Org.ID, &project.Notification{PersonID: lead, Kind: project.NoticeValidate, Subject: p.Title(st.Lang), URL: "/reflections#validate"})
		}
		s.backToProject(w, r, p, "proj.confirmed_waiting", nil)
		return
	}
	s.backToProject(w, r, p, "proj.confirmed_recorded", nil)
}

// decideContribution: the person's team lead (or L&D, an assessor)
// validates or rejects project work awaiting validation.
func (s *Server) decideContribution(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	id := r.PathValue("id")
	if !core.ValidID(id) {
		s.NotFound(w, r)
		return
	}
	c, err := s.db.Contribution(ctx, st.Org.ID, id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	leads, err := s.db.LeadsPerson(ctx, st.Org.ID, st.Principal.PersonID, c.PersonID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if err := competence.CanRecord(*st.Principal, competence.Project, c.PersonID == st.Principal.PersonID, leads); err != nil {
		s.Fail(w, r, err)
		return
	}
	if err := s.db.DecideContribution(ctx, st.Org.ID, c.ID, st.Principal.PersonID, r.PostFormValue("accept") == "1"); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Flash(w, r, "proj.decided")
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

// projectCatalog returns the working groups with an open call that
// personID could join (not their own, not ones they are in, applied to or
// invited to), as recommendable items over the gap model's competences;
// nil when there are none. Three queries, whatever the number.
func (s *Server) projectCatalog(ctx context.Context, orgID, personID string, m *gap.Model) (*recommend.Catalog, error) {
	comps, err := s.db.OpenCallCompetences(ctx, orgID)
	if err != nil || len(comps) == 0 {
		return nil, err
	}
	open, err := s.db.Projects(ctx, orgID, store.ProjectFilter{CallOpen: true, Limit: 1000})
	if err != nil {
		return nil, err
	}
	mine, err := s.db.Projects(ctx, orgID, store.ProjectFilter{MemberID: personID, Limit: 1000})
	if err != nil {
		return nil, err
	}
	skip := map[string]bool{}
	for _, p := range mine {
		skip[p.ID] = true
	}
	var items []recommend.Item
	for _, p := range open {
		if skip[p.ID] || p.OwnerID == personID {
			continue
		}
		var outs []recommend.Outcome
		for _, c := range comps[p.ID] {
			if ci := m.CompIndex(c.CompetenceID); ci >= 0 {
				outs = append(outs, recommend.Outcome{Comp: ci, Level: c.Level})
			}
		}
		if len(outs) > 0 {
			items = append(items, recommend.ProjectItem(p.ID, orgID, p.TitleNL, p.TitleEN, outs))
		}
	}
	if len(items) == 0 {
		return nil, nil
	}
	return recommend.NewCatalog(items), nil
}
