package web

import (
	"net/http"

	"github.com/bakenhq/baken/internal/catalogue"
	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/openlearning"
	"github.com/bakenhq/baken/internal/roadmap"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

// Learning paths: an ordered set of items towards a role or a roadmap item.

func (s *Server) registerPaths() {
	m := s.mux
	m.HandleFunc("GET /learning/paths", s.Authed(s.pathsPage))
	m.HandleFunc("GET /learning/paths/new", s.Allowed(core.Principal.CanCurateCourses, s.newPathPage))
	m.HandleFunc("POST /learning/paths", s.Allowed(core.Principal.CanCurateCourses, s.createPath))
	m.HandleFunc("GET /learning/paths/{id}", s.Authed(s.pathPage))
	m.HandleFunc("POST /learning/paths/{id}/complete", s.Authed(s.completePath))
	m.HandleFunc("POST /learning/paths/{id}/validate", s.Authed(s.validatePath))
}

type pathsView struct {
	Page
	Paths     []*store.PathListing
	CanCurate bool
}

func (s *Server) pathsPage(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	v := pathsView{Page: s.NewPage(r, "paths.title"), CanCurate: st.Principal.CanCurateCourses()}
	var err error
	if v.Paths, err = s.db.Paths(r.Context(), st.Org.ID, st.Principal.PersonID); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "paths.html", v)
}

type pathFormView struct {
	Page
	Item      *catalogue.Item
	Path      *openlearning.Path
	Roles     []*competence.RoleProfile
	Roadmap   []*roadmap.Item
	Items     []*store.Candidate
	StepSlots []string
}

func (s *Server) renderPathForm(w http.ResponseWriter, r *http.Request, status int, it *catalogue.Item, p *openlearning.Path, err error) {
	st := From(r)
	ctx := r.Context()
	v := pathFormView{Page: s.NewPage(r, "paths.new"), Item: it, Path: p}
	var lerr error
	if v.Roles, lerr = s.db.RoleProfiles(ctx, st.Org.ID); lerr == nil {
		if v.Roadmap, lerr = s.db.Items(ctx, st.Org.ID, false); lerr == nil {
			v.Items, lerr = s.db.Candidates(ctx, st.Org.ID)
		}
	}
	if lerr != nil {
		s.Fail(w, r, lerr)
		return
	}
	for _, step := range p.Steps {
		v.StepSlots = append(v.StepSlots, step.ItemID)
	}
	for len(v.StepSlots) < 8 {
		v.StepSlots = append(v.StepSlots, "")
	}
	if err != nil {
		v.Error, v.FieldErrors = s.Message(r, err), s.FieldErrors(r, err)
	}
	s.Render(w, r, status, "path_form.html", v)
}

func (s *Server) newPathPage(w http.ResponseWriter, r *http.Request) {
	vis := catalogue.VisOrg
	if From(r).Org.Kind == tenancy.Provider {
		vis = catalogue.VisPartners
	}
	s.renderPathForm(w, r, http.StatusOK, &catalogue.Item{Type: catalogue.Path, Visibility: vis}, &openlearning.Path{}, nil)
}

func (s *Server) createPath(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	f := r.PostForm
	it := &catalogue.Item{Type: catalogue.Path, Status: catalogue.Published, Visibility: catalogue.Visibility(f.Get("visibility")),
		TitleNL: f.Get("title_nl"), TitleEN: f.Get("title_en"), BodyNL: f.Get("body_nl"), BodyEN: f.Get("body_en")}
	p := &openlearning.Path{RequiresValidation: f.Get("requires_validation") == "on"}
	if t := f.Get("target"); len(t) > 5 {
		switch {
		case t[:5] == "role:":
			p.TargetKind, p.TargetID = "role", t[5:]
		case len(t) > 8 && t[:8] == "roadmap:":
			p.TargetKind, p.TargetID = "roadmap", t[8:]
		}
	}
	for _, id := range f["step"] {
		if id != "" {
			p.Steps = append(p.Steps, openlearning.PathStep{ItemID: id})
		}
	}
	if err := s.db.CreatePath(r.Context(), st.Org.ID, it, p, st.Principal.PersonID); err != nil {
		s.renderPathForm(w, r, Status(err), it, p, err)
		return
	}
	s.reindexItem(r, it)
	s.Flash(w, r, "flash.saved")
	http.Redirect(w, r, "/learning/paths/"+it.ID, http.StatusSeeOther)
}

type pathView struct {
	Page
	Item    *catalogue.Item
	Path    *openlearning.Path
	Partner string
	Status  openlearning.EnrolmentStatus
}

func (s *Server) pathPage(w http.ResponseWriter, r *http.Request) {
	s.renderPath(w, r, http.StatusOK, nil)
}

func (s *Server) renderPath(w http.ResponseWriter, r *http.Request, status int, err error) {
	st := From(r)
	ctx := r.Context()
	id := r.PathValue("id")
	if !core.ValidID(id) {
		s.NotFound(w, r)
		return
	}
	p, lerr := s.db.LearningPath(ctx, st.Org.ID, id, st.Principal.PersonID)
	if lerr != nil {
		s.Fail(w, r, lerr)
		return
	}
	it, lerr := s.db.LearningItem(ctx, st.Org.ID, id)
	v := pathView{Page: s.NewPage(r, ""), Path: p}
	if lerr != nil {
		if it, lerr = s.db.SharedLearningItem(ctx, st.Org.ID, id); lerr != nil {
			s.Fail(w, r, lerr)
			return
		}
		if o, err := s.db.Organisation(ctx, it.OrgID); err == nil {
			v.Partner = o.Name
		}
	}
	v.Item, v.Title = it, it.Title(st.Lang)
	ens, _ := s.db.Enrolments(ctx, st.Org.ID, st.Principal.PersonID, "")
	for _, e := range ens {
		if e.ItemID == id {
			v.Status = e.Status
		}
	}
	if err != nil {
		v.Error = s.Message(r, err)
	}
	s.Render(w, r, status, "path.html", v)
}

func (s *Server) completePath(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	status, err := s.db.CompletePath(r.Context(), st.Org.ID, st.Principal.PersonID, r.PathValue("id"))
	if err != nil {
		if core.ErrorCode(err) == core.ENotFound {
			s.Fail(w, r, err)
			return
		}
		s.renderPath(w, r, Status(err), err)
		return
	}
	s.recordItemCompleted(r, r.PathValue("id"))
	s.Flash(w, r, "paths.flash."+string(status))
	http.Redirect(w, r, "/learning/paths/"+r.PathValue("id"), http.StatusSeeOther)
}

// validatePath: the person's team lead, an assessor or L&D confirms a
// pending path; the path's competences become validated evidence.
func (s *Server) validatePath(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	person, err := s.db.Person(ctx, st.Org.ID, r.PostFormValue("person_id"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	leads := false
	if person.TeamID != "" {
		if t, err := s.db.Team(ctx, st.Org.ID, person.TeamID); err == nil && t.LeadID == st.Principal.PersonID {
			leads = true
		}
	}
	if person.ID == st.Principal.PersonID || !(leads || st.Principal.HasAny(core.RoleAssessor, core.RoleLearning)) {
		s.Fail(w, r, core.Forbidden("validate this person's learning path"))
		return
	}
	if err := s.db.ValidatePath(ctx, st.Org.ID, st.Principal.PersonID, person.ID, r.PathValue("id")); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Flash(w, r, "paths.flash.validated")
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}
