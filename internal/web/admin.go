package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/auth"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/tenancy"
)

type adminView struct {
	Page
	Sites  []*tenancy.Site
	Teams  []*tenancy.Team
	People int
}

func (s *Server) adminHome(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	v := adminView{Page: s.NewPage(r, "admin.title")}
	v.Sites, _ = s.db.Sites(r.Context(), st.Org.ID)
	v.Teams, _ = s.db.Teams(r.Context(), st.Org.ID, "")
	v.People, _ = s.db.CountPeople(r.Context(), st.Org.ID, true)
	s.Render(w, r, http.StatusOK, "admin.html", v)
}

type siteFormView struct {
	Page
	Sites []*tenancy.Site
	Site  *tenancy.Site
}

func (s *Server) adminSites(w http.ResponseWriter, r *http.Request) {
	s.renderSites(w, r, http.StatusOK, &tenancy.Site{}, nil)
}

func (s *Server) renderSites(w http.ResponseWriter, r *http.Request, status int, site *tenancy.Site, err error) {
	v := siteFormView{Page: s.NewPage(r, "admin.sites"), Site: site}
	v.Sites, _ = s.db.Sites(r.Context(), From(r).Org.ID)
	if err != nil {
		v.Error, v.FieldErrors = s.Message(r, err), s.FieldErrors(r, err)
	}
	s.Render(w, r, status, "admin_sites.html", v)
}

func (s *Server) editSite(w http.ResponseWriter, r *http.Request) {
	site, err := s.db.Site(r.Context(), From(r).Org.ID, r.PathValue("id"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.renderSites(w, r, http.StatusOK, site, nil)
}

func (s *Server) saveSite(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	site := &tenancy.Site{ID: r.PathValue("id"), Name: r.PostFormValue("name"), Address: r.PostFormValue("address")}
	var err error
	if site.ID == "" {
		err = s.db.CreateSite(r.Context(), st.Org.ID, site)
	} else if !core.ValidID(site.ID) {
		err = core.ErrNotFound
	} else {
		err = s.db.UpdateSite(r.Context(), st.Org.ID, site)
	}
	if err != nil {
		s.renderSites(w, r, Status(err), site, err)
		return
	}
	s.Flash(w, r, "flash.saved")
	http.Redirect(w, r, "/admin/sites", http.StatusSeeOther)
}

type teamFormView struct {
	Page
	Teams []*tenancy.Team
	Team  *tenancy.Team
	Sites []*tenancy.Site
	Leads []*tenancy.Person
}

func (s *Server) adminTeams(w http.ResponseWriter, r *http.Request) {
	s.renderTeams(w, r, http.StatusOK, &tenancy.Team{}, nil)
}

func (s *Server) renderTeams(w http.ResponseWriter, r *http.Request, status int, t *tenancy.Team, err error) {
	orgID := From(r).Org.ID
	v := teamFormView{Page: s.NewPage(r, "admin.teams"), Team: t}
	v.Teams, _ = s.db.Teams(r.Context(), orgID, "")
	v.Sites, _ = s.db.Sites(r.Context(), orgID)
	active := true
	v.Leads, _, _ = s.db.People(r.Context(), orgID, tenancy.PeopleFilter{Active: &active, Limit: 500})
	if err != nil {
		v.Error, v.FieldErrors = s.Message(r, err), s.FieldErrors(r, err)
	}
	s.Render(w, r, status, "admin_teams.html", v)
}

func (s *Server) editTeam(w http.ResponseWriter, r *http.Request) {
	t, err := s.db.Team(r.Context(), From(r).Org.ID, r.PathValue("id"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.renderTeams(w, r, http.StatusOK, t, nil)
}

func (s *Server) saveTeam(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	t := &tenancy.Team{ID: r.PathValue("id"), Name: r.PostFormValue("name"), SiteID: r.PostFormValue("site_id"), LeadID: r.PostFormValue("lead_id")}
	var err error
	if t.ID == "" {
		err = s.db.CreateTeam(r.Context(), st.Org.ID, t)
	} else if !core.ValidID(t.ID) {
		err = core.ErrNotFound
	} else {
		err = s.db.UpdateTeam(r.Context(), st.Org.ID, t)
	}
	if err != nil {
		s.renderTeams(w, r, Status(err), t, err)
		return
	}
	s.Flash(w, r, "flash.saved")
	http.Redirect(w, r, "/admin/teams", http.StatusSeeOther)
}

type personFormView struct {
	Page
	P         *tenancy.Person
	Teams     []*tenancy.Team
	Sites     []*tenancy.Site
	Roles     []core.Role
	CanRoles  bool
	StartDate string
}

func (s *Server) editPerson(w http.ResponseWriter, r *http.Request) {
	p := &tenancy.Person{Active: true}
	if id := r.PathValue("id"); id != "" {
		var err error
		if !core.ValidID(id) {
			s.NotFound(w, r)
			return
		}
		if p, err = s.db.Person(r.Context(), From(r).Org.ID, id); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	s.renderPerson(w, r, http.StatusOK, p, nil)
}

func (s *Server) renderPerson(w http.ResponseWriter, r *http.Request, status int, p *tenancy.Person, err error) {
	st := From(r)
	title := "admin.person_new"
	if p.ID != "" {
		title = "admin.person_edit"
	}
	v := personFormView{Page: s.NewPage(r, title), P: p, Roles: core.Roles, CanRoles: st.Principal.CanManageOrganisation()}
	v.Teams, _ = s.db.Teams(r.Context(), st.Org.ID, "")
	v.Sites, _ = s.db.Sites(r.Context(), st.Org.ID)
	if !p.StartDate.IsZero() {
		v.StartDate = p.StartDate.Format("2006-01-02")
	}
	if err != nil {
		v.Error, v.FieldErrors = s.Message(r, err), s.FieldErrors(r, err)
	}
	s.Render(w, r, status, "admin_person.html", v)
}

func (s *Server) savePerson(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	id := r.PathValue("id")
	if id != "" && !core.ValidID(id) {
		s.NotFound(w, r)
		return
	}
	var old *tenancy.Person
	if id != "" {
		var err error
		if old, err = s.db.Person(ctx, st.Org.ID, id); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	f := r.PostForm
	p := &tenancy.Person{ID: id, Name: f.Get("name"), Email: f.Get("email"), EmployeeNumber: f.Get("employee_number"),
		JobTitle: f.Get("job_title"), TeamID: f.Get("team_id"), SiteID: f.Get("site_id"), Language: f.Get("language"),
		Active: id == "" || f.Get("active") == "on"}
	var err error
	if d := strings.TrimSpace(f.Get("start_date")); d != "" {
		if p.StartDate, err = time.Parse("2006-01-02", d); err != nil {
			s.renderPerson(w, r, http.StatusUnprocessableEntity, p, core.Invalid("start_date", "is not a date (YYYY-MM-DD)"))
			return
		}
	}
	// Only the organisation admin changes roles; HR keeps what was there.
	if st.Principal.CanManageOrganisation() {
		for _, r := range f["roles"] {
			p.Roles = append(p.Roles, core.Role(r))
		}
	} else if old != nil {
		p.Roles = old.Roles
	}
	if id == "" {
		err = s.db.CreatePerson(ctx, st.Org.ID, p)
	} else {
		err = s.db.UpdatePerson(ctx, st.Org.ID, p)
	}
	if err != nil {
		s.renderPerson(w, r, Status(err), p, err)
		return
	}
	if old == nil || rolesString(old.Roles) != rolesString(p.Roles) {
		s.audit(r, st.Org.ID, st.Principal.PersonID, "role.change", p.Name, rolesString(p.Roles))
	}
	if old != nil && old.Active && !p.Active {
		// Leaving ends every session and API token in one transaction, so
		// that reactivating someone later does not revive old tokens.
		if err := s.db.DeactivatePerson(ctx, st.Org.ID, p.ID, time.Now()); err != nil {
			s.Fail(w, r, err)
			return
		}
		s.audit(r, st.Org.ID, st.Principal.PersonID, "person.deactivate", p.Name, "")
	}
	s.Flash(w, r, "flash.saved")
	http.Redirect(w, r, "/people/"+p.ID, http.StatusSeeOther)
}

func rolesString(rs []core.Role) string {
	var b []string
	for _, r := range rs {
		if r != core.RoleEmployee {
			b = append(b, string(r))
		}
	}
	return strings.Join(b, ",")
}

// setCredentials sets a person's password or PIN (by HR or the admin).
func (s *Server) setCredentials(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	p, err := s.db.Person(ctx, st.Org.ID, r.PathValue("id"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	// Only the admin may set credentials for someone with more than the
	// employee role: HR must not be able to take over a manager's account.
	if !st.Principal.CanManageOrganisation() && rolesString(p.Roles) != "" {
		s.Fail(w, r, core.Forbidden("set credentials of this person"))
		return
	}
	password, pin := r.PostFormValue("password"), r.PostFormValue("pin")
	if password != "" {
		if p.Email == "" {
			err = core.Invalid("password", "a password needs an email address to sign in with")
		} else if err = auth.ValidatePassword(password); err == nil {
			var h string
			if h, err = auth.HashSecret(password); err == nil {
				err = s.db.SetPasswordHash(ctx, st.Org.ID, p.ID, h)
			}
		}
	}
	if err == nil && pin != "" {
		if p.EmployeeNumber == "" {
			err = core.Invalid("pin", "a PIN needs an employee number to sign in with")
		} else if err = auth.ValidatePIN(pin); err == nil {
			var h string
			if h, err = auth.HashSecret(pin); err == nil {
				err = s.db.SetPINHash(ctx, st.Org.ID, p.ID, h)
			}
		}
	}
	if err == nil && password == "" && pin == "" {
		err = core.Invalid("password", "enter a password or a PIN")
	}
	if err != nil {
		s.renderPerson(w, r, Status(err), p, err)
		return
	}
	s.audit(r, st.Org.ID, st.Principal.PersonID, "credentials.set", p.Name, "")
	s.Flash(w, r, "flash.credentials_set")
	http.Redirect(w, r, "/admin/people/"+p.ID, http.StatusSeeOther)
}

type auditView struct {
	Page
	Entries []tenancy.AuditEntry
	Offset  int
	NextURL string
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) {
	off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	if off < 0 {
		off = 0
	}
	entries, err := s.db.AuditLog(r.Context(), From(r).Org.ID, 100, off)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v := auditView{Page: s.NewPage(r, "admin.audit"), Entries: entries, Offset: off}
	if len(entries) == 100 {
		v.NextURL = "/admin/audit?offset=" + strconv.Itoa(off+100)
	}
	s.Render(w, r, http.StatusOK, "admin_audit.html", v)
}

type orgView struct {
	Page
	Partners []*tenancy.Organisation
}

func (s *Server) orgPage(w http.ResponseWriter, r *http.Request) {
	v := orgView{Page: s.NewPage(r, "admin.organisation")}
	v.Partners, _ = s.db.Partners(r.Context(), From(r).Org.ID)
	s.Render(w, r, http.StatusOK, "admin_org.html", v)
}

func (s *Server) saveOrg(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	o := *st.Org
	o.Name, o.DefaultLang = r.PostFormValue("name"), r.PostFormValue("default_lang")
	if err := s.db.UpdateOrganisation(r.Context(), &o); err != nil {
		v := orgView{Page: s.NewPage(r, "admin.organisation")}
		v.Error, v.FieldErrors = s.Message(r, err), s.FieldErrors(r, err)
		v.Partners, _ = s.db.Partners(r.Context(), st.Org.ID)
		s.Render(w, r, Status(err), "admin_org.html", v)
		return
	}
	s.audit(r, st.Org.ID, st.Principal.PersonID, "organisation.update", o.Name, "")
	s.Flash(w, r, "flash.saved")
	http.Redirect(w, r, "/admin/organisation", http.StatusSeeOther)
}
