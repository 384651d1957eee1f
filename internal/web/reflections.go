package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/project"
	"github.com/bakenhq/baken/internal/roadmap"
	"github.com/bakenhq/baken/internal/store"
)

// Reflections are private to their author; shared ones are readable by the
// author's team lead. Every handler here reads through the store methods
// scoped to the author (OwnReflection) or to the lead (SharedReflections):
// there is no lookup by id alone, so no page can show someone else's.

func (s *Server) registerReflections() {
	m := s.mux
	m.HandleFunc("GET /reflections", s.Authed(s.reflectionsPage))
	m.HandleFunc("GET /reflections/new", s.Authed(s.newReflectionPage))
	m.HandleFunc("POST /reflections", s.Authed(s.saveReflection))
	m.HandleFunc("GET /reflections/{id}", s.Authed(s.editReflectionPage))
	m.HandleFunc("POST /reflections/{id}", s.Authed(s.saveReflection))
	m.HandleFunc("POST /reflections/{id}/delete", s.Authed(s.deleteReflection))
	m.HandleFunc("POST /next-steps/{id}", s.Authed(s.setNextStep))
	m.HandleFunc("POST /next-steps/{id}/plan", s.Authed(s.planNextStep))
}

type reflectionsView struct {
	Page
	Own, Shared []*project.Reflection
	Steps       []*project.NextStep
	Validate    []*project.Contribution // project work of the teams I lead, awaiting validation
	SharedSteps []*project.NextStep     // next steps shared with me as team lead
	StepNames   map[string]string       // person id → name, for SharedSteps
	Competences []*competence.Competence
	Scale       competence.Scale
	Tomorrow    string
}

func (s *Server) reflectionsPage(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	v := reflectionsView{Page: s.NewPage(r, "refl.title")}
	var err error
	if v.Own, err = s.db.OwnReflections(ctx, st.Org.ID, st.Principal.PersonID); err == nil {
		if v.Shared, err = s.db.SharedReflections(ctx, st.Org.ID, st.Principal.PersonID); err == nil {
			v.Steps, err = s.db.NextSteps(ctx, st.Org.ID, st.Principal.PersonID)
		}
	}
	if err == nil {
		v.Validate, err = s.contributionsToValidate(r)
	}
	if err == nil && len(v.Shared) > 0 {
		if v.SharedSteps, err = s.db.SharedNextSteps(ctx, st.Org.ID, st.Principal.PersonID); err == nil && len(v.SharedSteps) > 0 {
			v.StepNames = map[string]string{}
			for _, x := range v.Shared {
				v.StepNames[x.PersonID] = x.PersonName
			}
			v.Tomorrow = time.Now().AddDate(0, 3, 0).Format("2006-01-02")
			if v.Competences, _, err = s.db.Competences(ctx, st.Org.ID, competence.Filter{Limit: 1000}); err == nil {
				v.Scale, err = s.db.Scale(ctx, st.Org.ID)
			}
		}
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "reflections.html", v)
}

// contributionsToValidate lists project work awaiting validation that the
// principal may validate: of the teams they lead, or all for L&D.
func (s *Server) contributionsToValidate(r *http.Request) ([]*project.Contribution, error) {
	st := From(r)
	f := store.ContributionFilter{Status: project.AwaitingValidation}
	if !st.Principal.HasAny(core.RoleLearning, core.RoleAssessor) {
		teams, err := s.db.TeamsLedBy(r.Context(), st.Org.ID, st.Principal.PersonID)
		if err != nil || len(teams) == 0 {
			return nil, err
		}
		for _, t := range teams {
			f.TeamIDs = append(f.TeamIDs, t.ID)
		}
	}
	cs, err := s.db.Contributions(r.Context(), st.Org.ID, f)
	var out []*project.Contribution
	for _, c := range cs {
		if c.PersonID != st.Principal.PersonID {
			out = append(out, c)
		}
	}
	return out, err
}

type reflectionFormView struct {
	Page
	R        *project.Reflection
	Contexts []project.ContextKind
}

func (s *Server) renderReflectionForm(w http.ResponseWriter, r *http.Request, status int, rf *project.Reflection, ferr error) {
	v := reflectionFormView{Page: s.NewPage(r, "refl.new"), R: rf, Contexts: project.ContextKinds}
	if ferr != nil {
		v.Error = s.Message(r, ferr)
		v.FieldErrors = s.FieldErrors(r, ferr)
	}
	s.Render(w, r, status, "reflection_form.html", v)
}

// newReflectionPage prefills the context from ?context=project&id=… (a
// project of the organisation) or ?context=course|instruction&title=….
func (s *Server) newReflectionPage(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	q := r.URL.Query()
	rf := &project.Reflection{Context: project.ContextKind(q.Get("context"))}
	if !rf.Context.Valid() {
		rf.Context = project.AboutAnything
	}
	if id := q.Get("id"); core.ValidID(id) {
		rf.ContextID = id
		if rf.Context == project.AboutProject {
			if p, err := s.db.Project(r.Context(), st.Org.ID, id); err == nil {
				rf.ContextTitle = p.Title(st.Lang)
			} else {
				rf.ContextID = ""
			}
		}
	}
	if t := q.Get("title"); rf.ContextTitle == "" && len(t) <= project.MaxTitle {
		rf.ContextTitle = t
	}
	s.renderReflectionForm(w, r, http.StatusOK, rf, nil)
}

func (s *Server) editReflectionPage(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	id := r.PathValue("id")
	if !core.ValidID(id) {
		s.NotFound(w, r)
		return
	}
	rf, err := s.db.OwnReflection(r.Context(), st.Org.ID, st.Principal.PersonID, id)
	if err != nil {
		// A team lead opens a reflection shared with them read-only.
		if shared, serr := s.db.SharedReflections(r.Context(), st.Org.ID, st.Principal.PersonID); serr == nil {
			for _, x := range shared {
				if x.ID == id {
					v := reflectionFormView{Page: s.NewPage(r, "refl.shared_one"), R: x}
					s.Render(w, r, http.StatusOK, "reflection.html", v)
					return
				}
			}
		}
		s.Fail(w, r, err)
		return
	}
	s.renderReflectionForm(w, r, http.StatusOK, rf, nil)
}

func (s *Server) saveReflection(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	rf := &project.Reflection{ID: r.PathValue("id"), PersonID: st.Principal.PersonID, Context: project.ContextKind(r.PostFormValue("context")),
		ContextID: r.PostFormValue("context_id"), ContextTitle: r.PostFormValue("context_title"),
		Did: r.PostFormValue("did"), Learned: r.PostFormValue("learned"), Differently: r.PostFormValue("differently"), Next: r.PostFormValue("next"),
		SharedWithLead: r.PostFormValue("shared") == "on"}
	if rf.ID != "" && !core.ValidID(rf.ID) {
		s.NotFound(w, r)
		return
	}
	if err := s.db.SaveReflection(r.Context(), st.Org.ID, rf); err != nil {
		if core.ErrorCode(err) == core.EInvalid {
			s.renderReflectionForm(w, r, Status(err), rf, err)
			return
		}
		s.Fail(w, r, err)
		return
	}
	s.Flash(w, r, "refl.saved")
	http.Redirect(w, r, "/reflections", http.StatusSeeOther)
}

func (s *Server) deleteReflection(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	if err := s.db.DeleteReflection(r.Context(), st.Org.ID, st.Principal.PersonID, r.PathValue("id")); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Flash(w, r, "refl.deleted")
	http.Redirect(w, r, "/reflections", http.StatusSeeOther)
}

// planNextStep: the team lead turns a next step that was shared with them
// into a line of the person's development plan (issue 4's plans: only the
// team lead or L&D write a person's plan, so the person shares the
// reflection and the lead plans it).
func (s *Server) planNextStep(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	step, err := s.db.SharedNextStep(ctx, st.Org.ID, st.Principal.PersonID, r.PathValue("id"))
	if err == nil && !roadmap.CanPlan(*st.Principal, true) {
		err = core.Forbidden("plan for this person")
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	level, _ := strconv.Atoi(r.PostFormValue("target_level"))
	date, err := parseDate("target_date", r.PostFormValue("target_date"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	plan := &roadmap.Plan{PersonID: step.PersonID, CompetenceID: r.PostFormValue("competence_id"), TargetLevel: level, TargetDate: date,
		Note: step.Text, CreatedBy: st.Principal.PersonID}
	if err := s.db.AddPlan(ctx, st.Org.ID, plan, time.Now().UTC()); err != nil {
		s.Fail(w, r, err)
		return
	}
	if err := s.db.SetNextStep(ctx, st.Org.ID, step.PersonID, step.ID, project.StepPlanned, plan.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Flash(w, r, "refl.planned")
	http.Redirect(w, r, "/reflections", http.StatusSeeOther)
}

// setNextStep marks one of the author's next steps done (or pending again).
func (s *Server) setNextStep(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	status := project.NextStepStatus(r.PostFormValue("status"))
	if err := s.db.SetNextStep(r.Context(), st.Org.ID, st.Principal.PersonID, r.PathValue("id"), status, ""); err != nil {
		s.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/reflections", http.StatusSeeOther)
}

// projectWorkToValidate counts project work of a team's people that waits
// for validation (shown on the team's matrix).
func (s *Server) projectWorkToValidate(r *http.Request, teamID string) int {
	cs, err := s.db.Contributions(r.Context(), From(r).Org.ID, store.ContributionFilter{TeamIDs: []string{teamID}, Status: project.AwaitingValidation})
	if err != nil {
		s.log.Warn("project work to validate", "err", err)
		return 0
	}
	n := 0
	for _, c := range cs {
		if c.PersonID != From(r).Principal.PersonID {
			n++
		}
	}
	return n
}
