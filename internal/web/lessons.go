package web

import (
	"context"
	"html/template"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/catalogue"
	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/markdown"
	"github.com/bakenhq/baken/internal/project"
	"github.com/bakenhq/baken/internal/project/projindex"
	"github.com/bakenhq/baken/internal/search"
	"github.com/bakenhq/baken/internal/store"
)

// Lessons learned: written by anyone, reviewed by an expert, published to
// the team, the organisation or the community of organisations on the
// platform, with comments, "this helped me" and versions.

func (s *Server) registerLessons() {
	m := s.mux
	m.HandleFunc("GET /lessons", s.Authed(s.lessonsPage))
	m.HandleFunc("GET /lessons/new", s.Authed(s.newLessonPage))
	m.HandleFunc("POST /lessons", s.Authed(s.createLesson))
	m.HandleFunc("GET /lessons/{id}", s.Authed(s.lessonPage))
	m.HandleFunc("GET /lessons/{id}/edit", s.Authed(s.editLessonPage))
	m.HandleFunc("POST /lessons/{id}", s.Authed(s.updateLesson))
	m.HandleFunc("POST /lessons/{id}/status", s.Authed(s.lessonStatus))
	m.HandleFunc("POST /lessons/{id}/comments", s.Authed(s.lessonComment))
	m.HandleFunc("POST /lessons/{id}/helped", s.Authed(s.lessonHelped))
	m.HandleFunc("POST /lessons/{id}/images", s.Authed(s.lessonImageUpload))
	m.HandleFunc("GET /lessons/{id}/images/{img}", s.Authed(s.lessonImage))
	m.HandleFunc("GET /lessons/{id}/versions", s.Authed(s.lessonVersions))
	m.HandleFunc("GET /community", s.Authed(s.communityPage))
}

// reader describes the principal for project.CanRead.
func (s *Server) reader(r *http.Request) (project.Reader, map[string]bool) {
	st := From(r)
	rd := project.Reader{Principal: *st.Principal}
	if st.Person != nil {
		rd.TeamID = st.Person.TeamID
	}
	led := map[string]bool{}
	if teams, err := s.db.TeamsLedBy(r.Context(), st.Org.ID, st.Principal.PersonID); err == nil {
		for _, t := range teams {
			led[t.ID] = true
		}
	}
	return rd, led
}

// readableLessons keeps the lessons the principal may read. The teams
// they lead are asked for only when a lesson's readability depends on it
// (a team lesson of another team): most lists, like the place page's,
// then cost no extra query.
func (s *Server) readableLessons(r *http.Request, ls []*project.Lesson) []*project.Lesson {
	st := From(r)
	rd := project.Reader{Principal: *st.Principal}
	if st.Person != nil {
		rd.TeamID = st.Person.TeamID
	}
	var led map[string]bool
	var out []*project.Lesson
	for _, l := range ls {
		ok := project.CanRead(rd, l, false)
		if !ok && project.CanRead(rd, l, true) {
			if led == nil {
				_, led = s.reader(r)
			}
			ok = led[l.TeamID]
		}
		if ok {
			out = append(out, l)
		}
	}
	return out
}

// lessonFor loads the lesson of the path if the principal may read it: one
// of their organisation's (by the rules), or a community lesson of another
// organisation, anonymised. Anything else is not found.
func (s *Server) lessonFor(r *http.Request) (*project.Lesson, error) {
	st := From(r)
	id := r.PathValue("id")
	if !core.ValidID(id) {
		return nil, core.ErrNotFound
	}
	l, err := s.db.Lesson(r.Context(), st.Org.ID, id)
	if err == nil {
		rd, led := s.reader(r)
		if !project.CanRead(rd, l, led[l.TeamID]) {
			return nil, core.ErrNotFound
		}
		return l, nil
	}
	if core.ErrorCode(err) != core.ENotFound {
		return nil, err
	}
	return s.db.CommunityLesson(r.Context(), st.Org.ID, id)
}

func (s *Server) reindexLesson(ctx context.Context, orgID, id string) {
	ix := s.projIndex()
	l, err := s.db.Lesson(ctx, orgID, id)
	if err == nil {
		err = projindex.Lesson(ctx, ix, l)
	}
	if err != nil {
		s.log.Error("index lesson", "err", err, "lesson", id)
	}
}

type lessonsView struct {
	Page
	Review, Mine, Published []*project.Lesson
}

func (s *Server) lessonsPage(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	v := lessonsView{Page: s.NewPage(r, "lesson.title")}
	var err error
	if v.Mine, err = s.db.Lessons(ctx, st.Org.ID, store.LessonFilter{AuthorID: st.Principal.PersonID, Limit: 100}); err != nil {
		s.Fail(w, r, err)
		return
	}
	if project.CanReview(*st.Principal) {
		if v.Review, err = s.db.Lessons(ctx, st.Org.ID, store.LessonFilter{Status: project.LessonInReview, Limit: 100}); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	pub, err := s.db.Lessons(ctx, st.Org.ID, store.LessonFilter{Status: project.LessonPublished, Limit: 200})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v.Published = s.readableLessons(r, pub)
	s.Render(w, r, http.StatusOK, "lessons.html", v)
}

type lessonFormView struct {
	Page
	L            *project.Lesson
	IsNew        bool
	Projects     []*project.Project
	Competences  []*competence.Competence
	Selected     map[string]bool
	Visibilities []project.Visibility
	ImageURL     string // just uploaded: the Markdown to paste
	Places       []*catalogue.Place
	OnPlace      map[string]bool
}

func (s *Server) renderLessonForm(w http.ResponseWriter, r *http.Request, status int, l *project.Lesson, isNew bool, ferr error) {
	st := From(r)
	ctx := r.Context()
	title := "lesson.edit"
	if isNew {
		title = "lesson.new"
	}
	v := lessonFormView{Page: s.NewPage(r, title), L: l, IsNew: isNew, Visibilities: project.Visibilities, Selected: map[string]bool{}, OnPlace: map[string]bool{}}
	var err error
	if v.Projects, err = s.db.Projects(ctx, st.Org.ID, store.ProjectFilter{Limit: 200}); err == nil {
		if v.Competences, _, err = s.db.Competences(ctx, st.Org.ID, competence.Filter{Limit: 1000}); err == nil {
			v.Places, err = s.db.Places(ctx, st.Org.ID, store.PlaceFilter{})
		}
	}
	for _, p := range l.Places {
		v.OnPlace[p.PlaceID] = true
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, c := range l.Competences {
		v.Selected[c] = true
	}
	if img := r.URL.Query().Get("img"); core.ValidID(img) && !isNew {
		v.ImageURL = "/lessons/" + l.ID + "/images/" + img
	}
	if ferr != nil {
		v.Error = s.Message(r, ferr)
		v.FieldErrors = s.FieldErrors(r, ferr)
	}
	s.Render(w, r, status, "lesson_form.html", v)
}

func (s *Server) newLessonPage(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	q := r.URL.Query()
	l := &project.Lesson{Lang: st.Lang, Visibility: project.VisOrg}
	if id := q.Get("project"); core.ValidID(id) {
		if p, err := s.db.Project(r.Context(), st.Org.ID, id); err == nil {
			l.ProjectID = p.ID
			for _, c := range p.Competences {
				l.Competences = append(l.Competences, c.CompetenceID)
			}
		}
	}
	if pl, ok := s.placeRef(r, q.Get("place")); ok {
		l.Places = append(l.Places, pl)
	}
	s.renderLessonForm(w, r, http.StatusOK, l, true, nil)
}

// placeRef resolves a place id of the organisation to a lesson link.
// Places are the catalogue's; placeLookup is set when it is available.
func (s *Server) placeRef(r *http.Request, id string) (project.Place, bool) {
	if !core.ValidID(id) || placeLookup == nil {
		return project.Place{}, false
	}
	return placeLookup(r.Context(), s.db, From(r).Org.ID, id)
}

// placeLookup finds a place of the catalogue (orgID, id) → its site and
// name. Nil until the catalogue's places are on main.
var placeLookup func(ctx context.Context, db *store.DB, orgID, id string) (project.Place, bool)

func (s *Server) lessonFromForm(r *http.Request, l *project.Lesson) {
	f := r.PostForm
	l.Lang, l.Title = f.Get("lang"), f.Get("title")
	l.Situation, l.Happened, l.Cause, l.Learned, l.NextTime = f.Get("situation"), f.Get("happened"), f.Get("cause"), f.Get("learned"), f.Get("next_time")
	l.Visibility = project.Visibility(f.Get("visibility"))
	l.NamePeople, l.NameOrg = f.Get("name_people") == "on", f.Get("name_org") == "on"
	l.ProjectID = f.Get("project_id")
	l.Competences = nil
	for _, c := range f["competence"] {
		if c != "" {
			l.Competences = append(l.Competences, c)
		}
	}
	l.Places = nil
	for _, id := range f["place"] {
		if pl, ok := s.placeRef(r, id); ok {
			l.Places = append(l.Places, pl)
		}
	}
}

func (s *Server) createLesson(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	l := &project.Lesson{AuthorID: st.Principal.PersonID}
	s.lessonFromForm(r, l)
	if err := s.db.CreateLesson(r.Context(), st.Org.ID, l); err != nil {
		s.renderLessonForm(w, r, Status(err), l, true, err)
		return
	}
	if r.PostFormValue("submit") == "1" {
		s.moveLesson(w, r, l, project.Submit, "")
		return
	}
	s.Flash(w, r, "lesson.saved")
	http.Redirect(w, r, "/lessons/"+l.ID, http.StatusSeeOther)
}

// editableLesson loads a lesson of the principal's organisation that they
// may edit.
func (s *Server) editableLesson(w http.ResponseWriter, r *http.Request) *project.Lesson {
	st := From(r)
	id := r.PathValue("id")
	if !core.ValidID(id) {
		s.NotFound(w, r)
		return nil
	}
	l, err := s.db.Lesson(r.Context(), st.Org.ID, id)
	if err == nil && !project.CanEdit(*st.Principal, l) {
		err = core.Forbidden("edit this lesson")
	}
	if err != nil {
		s.Fail(w, r, err)
		return nil
	}
	return l
}

func (s *Server) editLessonPage(w http.ResponseWriter, r *http.Request) {
	if l := s.editableLesson(w, r); l != nil {
		s.renderLessonForm(w, r, http.StatusOK, l, false, nil)
	}
}

func (s *Server) updateLesson(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	l := s.editableLesson(w, r)
	if l == nil {
		return
	}
	s.lessonFromForm(r, l)
	if err := s.db.UpdateLesson(r.Context(), st.Org.ID, l, st.Principal.PersonID); err != nil {
		s.renderLessonForm(w, r, Status(err), l, false, err)
		return
	}
	s.reindexLesson(r.Context(), st.Org.ID, l.ID)
	if r.PostFormValue("submit") == "1" && l.Status == project.LessonDraft {
		s.moveLesson(w, r, l, project.Submit, "")
		return
	}
	s.Flash(w, r, "lesson.saved")
	http.Redirect(w, r, "/lessons/"+l.ID, http.StatusSeeOther)
}

type lessonView struct {
	Page
	L           *project.Lesson
	Own         bool // of the reader's organisation
	Sections    []lessonSection
	Comments    []*project.Comment
	Helped      bool
	CanEdit     bool
	CanReview   bool
	CanSubmit   bool
	CanWithdraw bool
	CanComment  bool
	Competences []*competence.Competence
	Extra       []template.HTML // e.g. "turn into an instruction"
}

type lessonSection struct {
	Key  string
	HTML template.HTML
}

func (s *Server) lessonPage(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	l, err := s.lessonFor(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v := lessonView{Page: s.NewPage(r, ""), L: l, Own: l.OrgID == st.Org.ID}
	v.Title = l.Title
	for _, sec := range []struct{ key, src string }{
		{"lesson.situation", l.Situation}, {"lesson.happened", l.Happened}, {"lesson.cause", l.Cause},
		{"lesson.learned", l.Learned}, {"lesson.next_time", l.NextTime},
	} {
		if strings.TrimSpace(sec.src) != "" {
			v.Sections = append(v.Sections, lessonSection{Key: sec.key, HTML: markdown.HTML(sec.src)})
		}
	}
	if l.Status == project.LessonPublished {
		if v.Comments, err = s.db.Comments(ctx, l.OrgID, l.ID, st.Org.ID); err != nil {
			s.Fail(w, r, err)
			return
		}
		v.Helped, _ = s.db.HasHelped(ctx, l.ID, st.Principal.PersonID)
		v.CanComment = true
	}
	if v.Own {
		v.CanEdit = project.CanEdit(*st.Principal, l)
		_, rerr := project.Transition(*st.Principal, l, project.Publish)
		v.CanReview = rerr == nil
		_, serr := project.Transition(*st.Principal, l, project.Submit)
		v.CanSubmit = serr == nil
		_, werr := project.Transition(*st.Principal, l, project.Withdraw)
		v.CanWithdraw = werr == nil
		if len(l.Competences) > 0 {
			v.Competences, _, _ = s.db.Competences(ctx, st.Org.ID, competence.Filter{IDs: l.Competences, Limit: 100})
		}
		for _, h := range lessonActions {
			if x := h(r, s, l); x != "" {
				v.Extra = append(v.Extra, x)
			}
		}
	}
	s.Render(w, r, http.StatusOK, "lesson.html", v)
}

// lessonActions add buttons to a lesson's page (the catalogue's "turn into
// an instruction"); each returns "" when it has nothing for this reader.
var lessonActions []func(r *http.Request, s *Server, l *project.Lesson) template.HTML

// moveLesson applies a review action and notifies whoever is concerned.
func (s *Server) moveLesson(w http.ResponseWriter, r *http.Request, l *project.Lesson, act project.LessonAction, note string) {
	st := From(r)
	ctx := r.Context()
	to, err := project.Transition(*st.Principal, l, act)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	reviewer := ""
	if act == project.Publish || act == project.SendBack {
		reviewer = st.Principal.PersonID
	}
	if err := s.db.SetLessonStatus(ctx, st.Org.ID, l.ID, l.Status, to, reviewer, note, time.Now()); err != nil {
		s.Fail(w, r, err)
		return
	}
	l.Status = to
	s.reindexLesson(ctx, st.Org.ID, l.ID)
	url := projindex.LessonURL(l.ID)
	switch act {
	case project.Submit:
		ids, _ := s.db.PeopleWithRole(ctx, st.Org.ID, core.RoleExpert)
		if len(ids) == 0 {
			ids, _ = s.db.PeopleWithRole(ctx, st.Org.ID, core.RoleLearning)
		}
		var ns []*project.Notification
		for _, id := range ids {
			if id != l.AuthorID {
				ns = append(ns, &project.Notification{PersonID: id, Kind: project.NoticeReviewRequest, Subject: l.Title, URL: url})
			}
		}
		s.notify(ctx, st.Org.ID, ns...)
	case project.Publish:
		ns := []*project.Notification{{PersonID: l.AuthorID, Kind: project.NoticePublished, Subject: l.Title, URL: url}}
		var sites []string
		for _, p := range l.Places {
			if p.SiteID != "" {
				sites = append(sites, p.SiteID)
			}
		}
		if l.Visibility != project.VisTeam {
			ids, _ := s.db.PeopleAtSites(ctx, st.Org.ID, sites)
			for _, id := range ids {
				if id != l.AuthorID && id != st.Principal.PersonID {
					ns = append(ns, &project.Notification{PersonID: id, Kind: project.NoticeNewLesson, Subject: l.Title, URL: url})
				}
			}
		}
		s.notify(ctx, st.Org.ID, ns...)
	case project.SendBack:
		s.notify(ctx, st.Org.ID, &project.Notification{PersonID: l.AuthorID, Kind: project.NoticeSentBack, Subject: l.Title, URL: url})
	}
	s.Flash(w, r, "lesson.moved_"+string(act))
	http.Redirect(w, r, url, http.StatusSeeOther)
}

func (s *Server) lessonStatus(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	id := r.PathValue("id")
	if !core.ValidID(id) {
		s.NotFound(w, r)
		return
	}
	l, err := s.db.Lesson(r.Context(), st.Org.ID, id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.moveLesson(w, r, l, project.LessonAction(r.PostFormValue("action")), r.PostFormValue("note"))
}

func (s *Server) lessonComment(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	l, err := s.lessonFor(r)
	if err == nil {
		err = s.db.AddComment(r.Context(), l.OrgID, &project.Comment{LessonID: l.ID, AuthorOrgID: st.Org.ID, AuthorID: st.Principal.PersonID, Body: r.PostFormValue("body")})
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, projindex.LessonURL(l.ID)+"#comments", http.StatusSeeOther)
}

func (s *Server) lessonHelped(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	l, err := s.lessonFor(r)
	if err == nil {
		_, err = s.db.MarkHelped(r.Context(), l.OrgID, l.ID, st.Org.ID, st.Principal.PersonID)
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if l.OrgID == st.Org.ID {
		s.reindexLesson(r.Context(), l.OrgID, l.ID) // the count boosts it in search
	}
	s.Flash(w, r, "lesson.thanks")
	http.Redirect(w, r, projindex.LessonURL(l.ID), http.StatusSeeOther)
}

func (s *Server) lessonImageUpload(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	l := s.editableLesson(w, r)
	if l == nil {
		return
	}
	file, hdr, err := r.FormFile("image")
	if err != nil {
		s.Fail(w, r, core.Invalid("image", "choose a PNG or JPEG image"))
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, project.MaxImageBytes+1))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	img := &project.Image{LessonID: l.ID, Name: hdr.Filename, Data: data}
	if err := s.db.AddLessonImage(r.Context(), st.Org.ID, img); err != nil {
		s.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/lessons/"+l.ID+"/edit?img="+img.ID+"#image", http.StatusSeeOther)
}

func (s *Server) lessonImage(w http.ResponseWriter, r *http.Request) {
	l, err := s.lessonFor(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	img, err := s.db.LessonImage(r.Context(), l.OrgID, l.ID, r.PathValue("img"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", img.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(img.Data)))
	h.Set("Cache-Control", "private, max-age=86400")
	h.Set("Content-Security-Policy", "default-src 'none'")
	_, _ = w.Write(img.Data)
}

type versionsView struct {
	Page
	L        *project.Lesson
	Versions []*project.Version
}

func (s *Server) lessonVersions(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	l, err := s.lessonFor(r)
	if err == nil && l.OrgID != st.Org.ID {
		err = core.ErrNotFound // the history stays within the organisation
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v := versionsView{Page: s.NewPage(r, "lesson.versions"), L: l}
	if v.Versions, err = s.db.LessonVersions(r.Context(), st.Org.ID, l.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "lesson_versions.html", v)
}

type communityView struct {
	Page
	Query    string
	Lessons  []*project.Lesson
	Hits     []search.Result
	Searched bool
	Total    int
	Offset   int
	Next     int
}

const communityPageSize = 30

// communityPage lists lessons every organisation published to the
// community, anonymised as their authors chose; with a query it searches
// them (and the reader's own organisation's lessons) through the index.
func (s *Server) communityPage(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	v := communityView{Page: s.NewPage(r, "community.title"), Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	v.Offset, _ = strconv.Atoi(r.URL.Query().Get("offset"))
	v.Offset = min(max(v.Offset, 0), 10000)
	if ix := s.opt.Search; ix != nil && v.Query != "" {
		res, err := ix.Query(ctx, search.Scope{OrgID: st.Org.ID}, search.Query{Text: v.Query, Lang: st.Lang, Exact: true,
			Filters: search.Filters{Type: []string{string(projindex.KindLesson)}}, Limit: communityPageSize, Offset: v.Offset})
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		v.Searched, v.Hits = true, res.Hits
		s.Render(w, r, http.StatusOK, "community.html", v)
		return
	}
	var err error
	if v.Lessons, err = s.db.CommunityLessons(ctx, st.Org.ID, communityPageSize+1, v.Offset); err != nil {
		s.Fail(w, r, err)
		return
	}
	if len(v.Lessons) > communityPageSize {
		v.Lessons, v.Next = v.Lessons[:communityPageSize], v.Offset+communityPageSize
	}
	v.Total, _ = s.db.CountCommunityLessons(ctx)
	s.Render(w, r, http.StatusOK, "community.html", v)
}
