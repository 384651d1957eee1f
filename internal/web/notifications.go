package web

import (
	"html/template"
	"net/http"
	"time"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/project"
	"github.com/bakenhq/baken/internal/store"
)

// In-app notifications with a bell in the layout, and the home-page
// blocks of learning by doing.

func (s *Server) registerNotifications() {
	s.mux.HandleFunc("GET /notifications", s.Authed(s.notificationsPage))
	s.mux.HandleFunc("POST /notifications/read", s.Authed(s.readNotifications))
	s.mux.HandleFunc("GET /notifications/{id}", s.Authed(s.openNotification))
	s.AddNav(NavEntry{Href: "/projects", LabelKey: "nav.projects"})
	s.AddNav(NavEntry{Href: "/lessons", LabelKey: "nav.lessons"})
	s.AddHeaderTool(bellTool)
	s.AddHomeSection(HomeSection{Order: 40, Render: projectsHomeSection})
}

// HeaderTool renders an item of the header's tools for a signed-in
// person (the notification bell); "" for nothing.
type HeaderTool func(r *http.Request) template.HTML

// AddHeaderTool adds an item to the header of every page; call it before
// serving.
func (s *Server) AddHeaderTool(t HeaderTool) { s.headerToolList = append(s.headerToolList, t) }

func (s *Server) headerTools(r *http.Request) []template.HTML {
	var out []template.HTML
	for _, t := range s.headerToolList {
		if h := t(r); h != "" {
			out = append(out, h)
		}
	}
	return out
}

type bellData struct {
	Page
	Unread int
}

func bellTool(r *http.Request) template.HTML {
	st := From(r)
	s := st.srv
	if s == nil || st.Principal == nil {
		return ""
	}
	n, err := s.db.UnreadCount(r.Context(), st.Org.ID, st.Principal.PersonID)
	if err != nil {
		s.log.Warn("unread count", "err", err)
	}
	return s.Partial("bell", bellData{Page: Page{Lang: st.Lang}, Unread: n})
}

type notificationsView struct {
	Page
	Notices []*project.Notification
}

func (s *Server) notificationsPage(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	v := notificationsView{Page: s.NewPage(r, "notice.title")}
	var err error
	if v.Notices, err = s.db.Notifications(r.Context(), st.Org.ID, st.Principal.PersonID, 100); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "notifications.html", v)
}

func (s *Server) readNotifications(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	id := r.PostFormValue("id")
	if id != "" && !core.ValidID(id) {
		s.NotFound(w, r)
		return
	}
	if err := s.db.MarkRead(r.Context(), st.Org.ID, st.Principal.PersonID, id, time.Now()); err != nil {
		s.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/notifications", http.StatusSeeOther)
}

// openNotification marks one read and follows its link (GET, so that the
// bell's list works as plain links; marking read is idempotent).
func (s *Server) openNotification(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	id := r.PathValue("id")
	if !core.ValidID(id) {
		s.NotFound(w, r)
		return
	}
	ns, err := s.db.Notifications(r.Context(), st.Org.ID, st.Principal.PersonID, 200)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, n := range ns {
		if n.ID == id {
			_ = s.db.MarkRead(r.Context(), st.Org.ID, st.Principal.PersonID, id, time.Now())
			http.Redirect(w, r, safeNext(n.URL), http.StatusSeeOther)
			return
		}
	}
	s.NotFound(w, r)
}

// Recommendation is an open call for volunteers that exercises a
// competence the person has not reached the project's level in.
type Recommendation struct {
	Project    *project.Project
	Competence project.Competence
	Current    int
}

type projectsHome struct {
	Page
	Invitations []*project.Project
	Recommended []Recommendation
	Validate    int
	Review      int
}

// projectsHomeSection: invitations waiting for an answer, "join this
// working group to grow in X", project work and lessons to review.
func projectsHomeSection(r *http.Request) template.HTML {
	st := From(r)
	s := st.srv
	if s == nil || st.Principal == nil {
		return ""
	}
	ctx := r.Context()
	v := projectsHome{Page: Page{Lang: st.Lang}}
	mine, err := s.db.Projects(ctx, st.Org.ID, store.ProjectFilter{MemberID: st.Principal.PersonID, Status: project.Open})
	if err != nil {
		s.log.Warn("home projects", "err", err)
		return ""
	}
	in := map[string]bool{}
	for _, p := range mine {
		in[p.ID] = true
		if m, err := s.db.Membership(ctx, st.Org.ID, p.ID, st.Principal.PersonID); err == nil && m.State == project.Invited {
			v.Invitations = append(v.Invitations, p)
		}
	}
	calls, _ := s.db.Projects(ctx, st.Org.ID, store.ProjectFilter{CallOpen: true, Limit: 50})
	comps, _ := s.db.OpenCallCompetences(ctx, st.Org.ID)
	levels := map[string]int{}
	if cur, err := s.db.CurrentLevels(ctx, st.Org.ID, store.LevelFilter{PersonIDs: []string{st.Principal.PersonID}}, time.Now()); err == nil {
		for _, c := range cur {
			levels[c.CompetenceID] = c.Level
		}
	}
	for _, p := range calls {
		if in[p.ID] || p.OwnerID == st.Principal.PersonID {
			continue
		}
		// The competence with the largest step up is the reason to join.
		best, gap := project.Competence{}, 0
		for _, c := range comps[p.ID] {
			if g := c.Level - levels[c.CompetenceID]; g > gap {
				best, gap = c, g
			}
		}
		if gap > 0 {
			v.Recommended = append(v.Recommended, Recommendation{Project: p, Competence: best, Current: levels[best.CompetenceID]})
		}
		if len(v.Recommended) == 3 {
			break
		}
	}
	if cs, err := s.contributionsToValidate(r); err == nil {
		v.Validate = len(cs)
	}
	if project.CanReview(*st.Principal) {
		if ls, err := s.db.Lessons(ctx, st.Org.ID, store.LessonFilter{Status: project.LessonInReview, Limit: 100}); err == nil {
			for _, l := range ls {
				if l.AuthorID != st.Principal.PersonID {
					v.Review++
				}
			}
		}
	}
	return s.Partial("projects_home", v)
}
