package web

import (
	"errors"
	"html/template"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/catalogue"
	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/i18n"
	"github.com/bakenhq/baken/internal/openlearning"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

// Open learning: a person's recommendations and enrolments, open courses
// (own and partners'), completing with proof, and the team lead's plan.

func (s *Server) registerLearning() {
	m := s.mux
	m.HandleFunc("GET /learning", s.Authed(s.myLearning))
	m.HandleFunc("GET /learning/courses", s.Authed(s.coursesPage))
	m.HandleFunc("GET /learning/courses/new", s.Allowed(core.Principal.CanCurateCourses, s.newCoursePage))
	m.HandleFunc("POST /learning/courses", s.Allowed(core.Principal.CanCurateCourses, s.createCourse))
	m.HandleFunc("GET /learning/courses/{id}", s.Authed(s.coursePage))
	m.HandleFunc("POST /learning/items/{id}/enrol", s.Authed(s.enrol))
	m.HandleFunc("POST /learning/items/{id}/complete", s.Authed(s.complete))
	m.HandleFunc("POST /learning/items/{id}/drop", s.Authed(s.drop))
	m.HandleFunc("GET /teams/{id}/plan", s.Authed(s.teamPlanPage))
	m.HandleFunc("POST /teams/{id}/plan", s.Authed(s.assignPlan))
	m.HandleFunc("POST /teams/{id}/assign", s.Authed(s.assignOne))
	s.registerPaths()
	s.AddNav(NavEntry{Href: "/learning", LabelKey: "nav.learning"})
	s.AddHomeSection(HomeSection{Order: 20, Render: s.homeRecommendations})
}

type myLearningView struct {
	Page
	Recs      []recView
	Open      []*openlearning.Enrolment
	Done      []*openlearning.Enrolment
	Today     time.Time
	IsCompany bool
}

func (s *Server) myLearning(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	v := myLearningView{Page: s.NewPage(r, "learning.title"), Today: time.Now().UTC(), IsCompany: st.Org.Kind == tenancy.Company}
	var err error
	if v.Recs, err = s.recommendationsFor(ctx, st.Org.ID, st.Principal.PersonID, st.Lang, 10); err != nil {
		s.Fail(w, r, err)
		return
	}
	ens, err := s.db.Enrolments(ctx, st.Org.ID, st.Principal.PersonID, "")
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, e := range ens {
		switch {
		case e.Open():
			v.Open = append(v.Open, e)
		case e.Status == openlearning.Completed:
			v.Done = append(v.Done, e)
		}
	}
	s.Render(w, r, http.StatusOK, "learning.html", v)
}

func (s *Server) homeRecommendations(r *http.Request) template.HTML {
	st := From(r)
	recs, err := s.recommendationsFor(r.Context(), st.Org.ID, st.Principal.PersonID, st.Lang, 3)
	if err != nil {
		s.log.Error("home recommendations", "err", err)
		return ""
	}
	if len(recs) == 0 {
		return ""
	}
	return s.Partial("recommendations", map[string]any{"Recs": recs, "Page": s.NewPage(r, "")})
}

type coursesView struct {
	Page
	Courses    []*store.CourseListing
	CanCurate  bool
	Enrolments map[string]openlearning.EnrolmentStatus
}

func (s *Server) coursesPage(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	v := coursesView{Page: s.NewPage(r, "learning.courses"), CanCurate: st.Principal.CanCurateCourses(), Enrolments: map[string]openlearning.EnrolmentStatus{}}
	var err error
	if v.Courses, err = s.db.OpenCourses(ctx, st.Org.ID, v.CanCurate); err != nil {
		s.Fail(w, r, err)
		return
	}
	ens, _ := s.db.Enrolments(ctx, st.Org.ID, st.Principal.PersonID, "")
	for _, e := range ens {
		v.Enrolments[e.ItemID] = e.Status
	}
	s.Render(w, r, http.StatusOK, "courses.html", v)
}

type courseFormView struct {
	Page
	ProposalID  string // set when the provider turns a proposal into this course
	Item        *catalogue.Item
	Detail      *openlearning.CourseDetail
	Cost        string
	Competences []*competence.Competence
	Scale       competence.Scale
	Rows        []catalogue.Outcome
	IsProvider  bool
}

func (s *Server) renderCourseForm(w http.ResponseWriter, r *http.Request, status int, it *catalogue.Item, d *openlearning.CourseDetail, cost string, err error) {
	st := From(r)
	ctx := r.Context()
	v := courseFormView{Page: s.NewPage(r, "learning.course_new"), Item: it, Detail: d, Cost: cost, IsProvider: st.Org.Kind == tenancy.Provider,
		ProposalID: r.FormValue("proposal")}
	var lerr error
	if v.Competences, _, lerr = s.db.Competences(ctx, st.Org.ID, competence.Filter{Limit: 1000}); lerr == nil {
		v.Scale, lerr = s.db.Scale(ctx, st.Org.ID)
	}
	if lerr != nil {
		s.Fail(w, r, lerr)
		return
	}
	v.Rows = append(v.Rows, it.Outcomes...)
	for len(v.Rows) < 4 {
		v.Rows = append(v.Rows, catalogue.Outcome{Level: 2})
	}
	if err != nil {
		v.Error, v.FieldErrors = s.Message(r, err), s.FieldErrors(r, err)
	}
	s.Render(w, r, status, "course_form.html", v)
}

func (s *Server) newCoursePage(w http.ResponseWriter, r *http.Request) {
	vis := catalogue.VisOrg
	if From(r).Org.Kind == tenancy.Provider {
		vis = catalogue.VisPartners
	}
	it := &catalogue.Item{Type: catalogue.OpenCourse, Visibility: vis, Minutes: 600}
	d := &openlearning.CourseDetail{Currency: "EUR", Certificate: true}
	// A provider turning a proposal into an offer starts from the proposal.
	if id := r.URL.Query().Get("proposal"); id != "" {
		p, err := s.db.Proposal(r.Context(), From(r).Org.ID, id)
		if err != nil || p.SideOf(From(r).Org.ID) != openlearning.ProviderSide {
			s.NotFound(w, r)
			return
		}
		it.TitleNL, it.BodyNL, it.Visibility = p.Title, p.Description, catalogue.VisPartners
		d.Provider, d.Schedule = From(r).Org.Name, p.Timing
	}
	s.renderCourseForm(w, r, http.StatusOK, it, d, "0", nil)
}

// parseCost reads "120", "120.50" or "120,50" as cents.
func parseCost(s string) (int, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", "."))
	if s == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 100000 {
		return 0, core.Invalid("cost", "must be between 0 and 100000")
	}
	return int(f*100 + 0.5), nil
}

func (s *Server) createCourse(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	f := r.PostForm
	it := &catalogue.Item{Type: catalogue.OpenCourse, Status: catalogue.Published, Visibility: catalogue.Visibility(f.Get("visibility")),
		TitleNL: f.Get("title_nl"), TitleEN: f.Get("title_en"), BodyNL: f.Get("body_nl"), BodyEN: f.Get("body_en"), URL: f.Get("url")}
	it.Minutes, _ = strconv.Atoi(f.Get("hours"))
	it.Minutes *= 60
	comps, levels := f["competence"], f["level"]
	for i, id := range comps {
		if id == "" {
			continue
		}
		lvl := 0
		if i < len(levels) {
			lvl, _ = strconv.Atoi(levels[i])
		}
		it.Outcomes = append(it.Outcomes, catalogue.Outcome{CompetenceID: id, Level: lvl})
	}
	d := &openlearning.CourseDetail{Provider: f.Get("provider"), Currency: f.Get("currency"), Certificate: f.Get("certificate") == "on", Schedule: f.Get("schedule")}
	var err error
	d.CostCents, err = parseCost(f.Get("cost"))
	if err == nil {
		err = d.Validate()
	}
	if err == nil && !openlearning.ValidCourseURL(it.URL) {
		err = core.Invalid("url", "must be an http or https link")
	}
	if err == nil {
		err = s.db.CreateLearningItem(r.Context(), st.Org.ID, it, st.Principal.PersonID)
	}
	if err == nil {
		err = s.db.SaveOpenCourse(r.Context(), st.Org.ID, it.ID, d)
	}
	if err != nil {
		s.renderCourseForm(w, r, Status(err), it, d, f.Get("cost"), err)
		return
	}
	s.reindexItem(r, it)
	if pid := f.Get("proposal"); pid != "" {
		msg := i18n.T(st.Lang, "proposals.offered_as", it.Title(st.Lang))
		if err := s.db.ActOnProposal(r.Context(), st.Org.ID, st.Principal.PersonID, pid, openlearning.EventOffered, msg, it.ID); err != nil {
			s.log.Warn("proposal offer", "proposal", pid, "err", err)
		}
	}
	s.Flash(w, r, "flash.saved")
	http.Redirect(w, r, "/learning/courses/"+it.ID, http.StatusSeeOther)
}

type courseView struct {
	Page
	Item      *catalogue.Item
	Detail    *openlearning.CourseDetail
	Partner   string
	Enrolment *openlearning.Enrolment
	Takers    []*openlearning.Enrolment // for the owning organisation: who takes it
}

func (s *Server) coursePage(w http.ResponseWriter, r *http.Request) {
	s.renderCourse(w, r, http.StatusOK, nil)
}

func (s *Server) renderCourse(w http.ResponseWriter, r *http.Request, status int, err error) {
	st := From(r)
	ctx := r.Context()
	id := r.PathValue("id")
	if !core.ValidID(id) {
		s.NotFound(w, r)
		return
	}
	it, lerr := s.db.LearningItem(ctx, st.Org.ID, id)
	partner := ""
	if errors.Is(lerr, core.ErrNotFound) {
		if it, lerr = s.db.SharedLearningItem(ctx, st.Org.ID, id); lerr == nil {
			if o, err := s.db.Organisation(ctx, it.OrgID); err == nil {
				partner = o.Name
			}
		}
	}
	if lerr != nil {
		s.Fail(w, r, lerr)
		return
	}
	if it.Type != catalogue.OpenCourse || (it.Status != catalogue.Published && !st.Principal.CanCurateCourses()) {
		s.NotFound(w, r)
		return
	}
	d, lerr := s.db.OpenCourse(ctx, st.Org.ID, id)
	if lerr != nil {
		s.Fail(w, r, lerr)
		return
	}
	v := courseView{Page: s.NewPage(r, ""), Item: it, Detail: d, Partner: partner}
	v.Title = it.Title(st.Lang)
	ens, _ := s.db.Enrolments(ctx, st.Org.ID, st.Principal.PersonID, "")
	for _, e := range ens {
		if e.ItemID == id {
			v.Enrolment = e
		}
	}
	if it.OrgID == st.Org.ID && st.Principal.CanCurateCourses() {
		all, _ := s.db.ProviderEnrolments(ctx, st.Org.ID)
		for _, e := range all {
			if e.ItemID == id {
				v.Takers = append(v.Takers, e)
			}
		}
	}
	if err != nil {
		v.Error, v.FieldErrors = s.Message(r, err), s.FieldErrors(r, err)
	}
	s.Render(w, r, status, "course.html", v)
}

func (s *Server) backTo(r *http.Request, id string) string {
	if next := r.PostFormValue("next"); next != "" {
		return safeNext(next)
	}
	return "/learning"
}

func (s *Server) enrol(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	id := r.PathValue("id")
	if err := s.db.Enrol(r.Context(), st.Org.ID, st.Principal.PersonID, id); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Flash(w, r, "learning.enrolled")
	http.Redirect(w, r, s.backTo(r, id), http.StatusSeeOther)
}

func (s *Server) drop(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	id := r.PathValue("id")
	if err := s.db.DropEnrolment(r.Context(), st.Org.ID, st.Principal.PersonID, id); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Flash(w, r, "learning.dropped")
	http.Redirect(w, r, s.backTo(r, id), http.StatusSeeOther)
}

// complete marks an item done with its proof: a certificate upload or a
// link. The evidence it creates waits for the team lead's validation.
func (s *Server) complete(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	id := r.PathValue("id")
	c := store.Completion{ProofURL: r.PostFormValue("proof_url"), Note: r.PostFormValue("note")}
	if f, h, err := r.FormFile("proof"); err == nil {
		defer f.Close()
		data, err := io.ReadAll(io.LimitReader(f, competence.MaxAttachmentBytes+1))
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		ct := http.DetectContentType(data)
		if i := strings.Index(ct, ";"); i >= 0 {
			ct = ct[:i]
		}
		c.Attachment = &competence.Attachment{Name: h.Filename, ContentType: ct, Size: len(data), Data: data}
	}
	if _, err := s.db.CompleteEnrolment(r.Context(), st.Org.ID, st.Principal.PersonID, id, c); err != nil {
		if r.PostFormValue("next") != "" && core.ErrorCode(err) == core.EInvalid {
			r.SetPathValue("id", id)
			s.renderCourse(w, r, Status(err), err)
			return
		}
		s.Fail(w, r, err)
		return
	}
	s.recordItemCompleted(r, id)
	s.Flash(w, r, "learning.completed")
	http.Redirect(w, r, s.backTo(r, id), http.StatusSeeOther)
}
