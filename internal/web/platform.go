package web

import (
	"net/http"

	"github.com/bakenhq/baken/internal/auth"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/tenancy"
)

// The platform operator (a university or network hosting many companies)
// creates organisations with their first administrator and links partners.
// Nothing here reads an organisation's own data.

func isPlatformAdmin(p core.Principal) bool { return p.PlatformAdmin }

func (s *Server) registerPlatform() {
	s.mux.HandleFunc("GET /platform", s.Allowed(isPlatformAdmin, s.platformPage))
	s.mux.HandleFunc("POST /platform/organisations", s.Allowed(isPlatformAdmin, s.createOrganisation))
	s.mux.HandleFunc("POST /platform/partnerships", s.Allowed(isPlatformAdmin, s.createPartnership))
}

type platformView struct {
	Page
	Orgs     []*tenancy.Organisation
	Partners map[string][]*tenancy.Organisation
	Form     setupView
}

func (s *Server) renderPlatform(w http.ResponseWriter, r *http.Request, status int, form setupView, err error) {
	v := platformView{Page: s.NewPage(r, "platform.title"), Partners: map[string][]*tenancy.Organisation{}, Form: form}
	var lerr error
	if v.Orgs, lerr = s.db.Organisations(r.Context()); lerr != nil {
		s.Fail(w, r, lerr)
		return
	}
	for _, o := range v.Orgs {
		v.Partners[o.ID], _ = s.db.Partners(r.Context(), o.ID)
	}
	if err != nil {
		v.Error, v.FieldErrors = s.Message(r, err), s.FieldErrors(r, err)
	}
	s.Render(w, r, status, "platform.html", v)
}

func (s *Server) platformPage(w http.ResponseWriter, r *http.Request) {
	s.renderPlatform(w, r, http.StatusOK, setupView{Kind: "company"}, nil)
}

func (s *Server) createOrganisation(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	form := setupView{OrgName: r.PostFormValue("org_name"), Slug: r.PostFormValue("slug"), Kind: r.PostFormValue("kind"),
		AdminName: r.PostFormValue("name"), Email: r.PostFormValue("email")}
	org := &tenancy.Organisation{Name: form.OrgName, Slug: form.Slug, Kind: tenancy.OrgKind(form.Kind), DefaultLang: r.PostFormValue("default_lang")}
	admin := &tenancy.Person{Name: form.AdminName, Email: form.Email, Active: true, Roles: []core.Role{core.RoleOrgAdmin}}
	password := r.PostFormValue("password")
	err := org.Validate()
	if err == nil {
		err = admin.Validate()
	}
	if err == nil && admin.Email == "" {
		err = core.Invalid("email", "is required for the administrator")
	}
	if err == nil {
		err = auth.ValidatePassword(password)
	}
	var hash string
	if err == nil {
		hash, err = auth.HashSecret(password)
	}
	if err == nil {
		err = s.db.CreateOrganisationWithAdmin(ctx, org, admin, hash)
	}
	if err != nil {
		s.renderPlatform(w, r, Status(err), form, err)
		return
	}
	st := From(r)
	s.audit(r, org.ID, st.Principal.PersonID, "organisation.create", org.Slug, "by the platform operator")
	s.Flash(w, r, "flash.saved")
	http.Redirect(w, r, "/platform", http.StatusSeeOther)
}

func (s *Server) createPartnership(w http.ResponseWriter, r *http.Request) {
	a, b := r.PostFormValue("org"), r.PostFormValue("partner")
	ctx := r.Context()
	var err error
	if _, err = s.db.Organisation(ctx, a); err == nil {
		if _, err = s.db.Organisation(ctx, b); err == nil {
			err = s.db.AddPartnership(ctx, a, b)
		}
	}
	if err != nil {
		s.renderPlatform(w, r, Status(err), setupView{Kind: "company"}, err)
		return
	}
	s.audit(r, a, From(r).Principal.PersonID, "partnership.create", b, "")
	s.Flash(w, r, "flash.saved")
	http.Redirect(w, r, "/platform", http.StatusSeeOther)
}
