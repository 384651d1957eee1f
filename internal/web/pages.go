package web

import (
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/tenancy"
)

// HomeSection is a block on the home page that another area contributes
// (the beacon, recommendations, the team matrix…). Render returns "" when
// the section has nothing for this person; it usually calls
// Server.Partial with a template of its own.
type HomeSection struct {
	Order  int
	Render func(r *http.Request) template.HTML
}

type homeView struct {
	Page
	Person     *tenancy.Person
	LeadsTeams []*tenancy.Team
	Counts     struct{ People, Sites, Teams int }
	Sections   []template.HTML
}

// AddHomeSection registers a home-page block; call it before serving.
func (s *Server) AddHomeSection(h HomeSection) {
	s.homeSections = append(s.homeSections, h)
	sort.SliceStable(s.homeSections, func(i, j int) bool { return s.homeSections[i].Order < s.homeSections[j].Order })
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	v := homeView{Page: s.NewPage(r, "home.title"), Person: st.Person}
	var err error
	if v.LeadsTeams, err = s.db.TeamsLedBy(ctx, st.Org.ID, st.Person.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	if st.Principal.HasAny(core.RoleManagement, core.RoleLearning, core.RoleOrgAdmin) {
		v.Counts.People, _ = s.db.CountPeople(ctx, st.Org.ID, true)
		sites, _ := s.db.Sites(ctx, st.Org.ID)
		teams, _ := s.db.Teams(ctx, st.Org.ID, "")
		v.Counts.Sites, v.Counts.Teams = len(sites), len(teams)
	}
	for _, h := range s.homeSections {
		if html := h.Render(r); html != "" {
			v.Sections = append(v.Sections, html)
		}
	}
	s.Render(w, r, http.StatusOK, "home.html", v)
}

type directoryView struct {
	Page
	People           []*tenancy.Person
	Total            int
	Teams            []*tenancy.Team
	Sites            []*tenancy.Site
	Q, Team, Site    string
	Role, Active     string
	Offset, Limit    int
	PrevURL, NextURL string
}

func (s *Server) directory(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	q := r.URL.Query()
	v := directoryView{Page: s.NewPage(r, "people.title"), Q: q.Get("q"), Team: q.Get("team"), Site: q.Get("site"), Role: q.Get("role"), Active: q.Get("active")}
	f := tenancy.PeopleFilter{Query: v.Q, Limit: 50}
	if core.ValidID(v.Team) {
		f.TeamID = v.Team
	}
	if core.ValidID(v.Site) {
		f.SiteID = v.Site
	}
	if core.ValidRole(core.Role(v.Role)) {
		f.Role = core.Role(v.Role)
	}
	switch v.Active {
	case "", "yes":
		t := true
		f.Active = &t
		v.Active = "yes"
	case "no":
		fl := false
		f.Active = &fl
	}
	f.Offset, _ = strconv.Atoi(q.Get("offset"))
	var err error
	if v.People, v.Total, err = s.db.People(ctx, st.Org.ID, f); err != nil {
		s.Fail(w, r, err)
		return
	}
	f.Normalise()
	v.Offset, v.Limit = f.Offset, f.Limit
	page := func(off int) string {
		q2 := url.Values{}
		for k, vs := range q {
			q2[k] = vs
		}
		q2.Set("offset", strconv.Itoa(off))
		return "/people?" + q2.Encode()
	}
	if f.Offset > 0 {
		v.PrevURL = page(max(0, f.Offset-f.Limit))
	}
	if f.Offset+len(v.People) < v.Total {
		v.NextURL = page(f.Offset + f.Limit)
	}
	v.Teams, _ = s.db.Teams(ctx, st.Org.ID, "")
	v.Sites, _ = s.db.Sites(ctx, st.Org.ID)
	s.Render(w, r, http.StatusOK, "people.html", v)
}

// PersonSection is a block on a person's page contributed by another area
// (competence profile, evidence, development plan…).
type PersonSection struct {
	Order  int
	Render func(r *http.Request, p *tenancy.Person) template.HTML
}

// AddPersonSection registers a block for person pages; call it before
// serving.
func (s *Server) AddPersonSection(ps PersonSection) {
	s.personSections = append(s.personSections, ps)
	sort.SliceStable(s.personSections, func(i, j int) bool { return s.personSections[i].Order < s.personSections[j].Order })
}

type personView struct {
	Page
	P        *tenancy.Person
	Team     *tenancy.Team
	Sections []template.HTML
	CanEdit  bool
}

func (s *Server) personPage(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	id := r.PathValue("id")
	if !core.ValidID(id) {
		s.NotFound(w, r)
		return
	}
	p, err := s.db.Person(r.Context(), st.Org.ID, id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v := personView{Page: s.NewPage(r, ""), P: p, CanEdit: st.Principal.CanManagePeople()}
	v.Title = p.Name
	if p.TeamID != "" {
		v.Team, _ = s.db.Team(r.Context(), st.Org.ID, p.TeamID)
	}
	for _, h := range s.personSections {
		if html := h.Render(r, p); html != "" {
			v.Sections = append(v.Sections, html)
		}
	}
	s.Render(w, r, http.StatusOK, "person.html", v)
}

type teamView struct {
	Page
	Team    *tenancy.Team
	Members []*tenancy.Person
}

func (s *Server) teamPage(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	id := r.PathValue("id")
	if !core.ValidID(id) {
		s.NotFound(w, r)
		return
	}
	t, err := s.db.Team(r.Context(), st.Org.ID, id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	active := true
	members, _, err := s.db.People(r.Context(), st.Org.ID, tenancy.PeopleFilter{TeamID: id, Active: &active, Limit: 500})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v := teamView{Page: s.NewPage(r, ""), Team: t, Members: members}
	v.Title = t.Name
	s.Render(w, r, http.StatusOK, "team.html", v)
}

type siteView struct {
	Page
	Site   *tenancy.Site
	Teams  []*tenancy.Team
	People int
}

func (s *Server) sitePage(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	id := r.PathValue("id")
	if !core.ValidID(id) {
		s.NotFound(w, r)
		return
	}
	site, err := s.db.Site(r.Context(), st.Org.ID, id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	teams, err := s.db.Teams(r.Context(), st.Org.ID, id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	active := true
	_, n, _ := s.db.People(r.Context(), st.Org.ID, tenancy.PeopleFilter{SiteID: id, Active: &active, Limit: 1})
	v := siteView{Page: s.NewPage(r, ""), Site: site, Teams: teams, People: n}
	v.Title = site.Name
	s.Render(w, r, http.StatusOK, "site.html", v)
}

type aboutView struct {
	Page
	Version string
}

func (s *Server) about(w http.ResponseWriter, r *http.Request) {
	s.Render(w, r, http.StatusOK, "about.html", aboutView{Page: s.NewPage(r, "about.title"), Version: s.opt.Version})
}
