package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/auth"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/demo"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

const throttleWindow = 15 * time.Minute

type signinView struct {
	Page
	Login, Org, Next string
	OrgNeeded        bool
	Demo             []demo.Login // shown while the demo data is in the database
}

func (s *Server) demoLogins(r *http.Request) []demo.Login {
	if v, err := s.db.Setting(r.Context(), "demo.seeded"); err == nil && v != "" {
		return demo.Logins
	}
	return nil
}

func (s *Server) signinPage(w http.ResponseWriter, r *http.Request) {
	if n, err := s.db.CountOrganisations(r.Context()); err == nil && n == 0 {
		http.Redirect(w, r, "/setup", http.StatusSeeOther)
		return
	}
	if From(r).Principal != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	v := signinView{Page: s.NewPage(r, "signin.title"), Next: r.URL.Query().Get("next"), Demo: s.demoLogins(r)}
	if c, err := r.Cookie("baken_org"); err == nil {
		v.Org = c.Value
	}
	s.Render(w, r, http.StatusOK, "signin.html", v)
}

// signin accepts an email and password, or an employee number and PIN
// (with the organisation's code when the platform hosts several).
func (s *Server) signin(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	login := strings.TrimSpace(r.PostFormValue("login"))
	secret := r.PostFormValue("secret")
	orgSlug := strings.ToLower(strings.TrimSpace(r.PostFormValue("org")))
	v := signinView{Page: s.NewPage(r, "signin.title"), Login: login, Org: orgSlug, Next: r.PostFormValue("next"), Demo: s.demoLogins(r)}
	fail := func(status int, key string) {
		v.Error = v.T(key)
		s.Render(w, r, status, "signin.html", v)
	}
	if login == "" || secret == "" {
		fail(http.StatusUnprocessableEntity, "signin.missing")
		return
	}
	ip := clientIP(r)
	now := time.Now().UTC()
	accountKey := "acct:" + strings.ToLower(orgSlug+"/"+login)
	for _, k := range []struct {
		key string
		max int
	}{{accountKey, auth.MaxFailuresPerAccount}, {"ip:" + ip, auth.MaxFailuresPerAddress}} {
		n, err := s.db.SigninFailures(ctx, k.key, now.Add(-throttleWindow))
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		if n >= k.max {
			s.audit(r, "", "", "signin.throttled", login, k.key)
			fail(http.StatusTooManyRequests, "signin.throttled")
			return
		}
	}
	var orgID, personID string
	var err error
	usePIN := !strings.Contains(login, "@")
	if usePIN {
		var org *tenancy.Organisation
		org, err = s.orgForEmployeeLogin(r, orgSlug)
		if errors.Is(err, errOrgNeeded) {
			v.OrgNeeded = true
			fail(http.StatusUnprocessableEntity, "signin.org_needed")
			return
		}
		if err == nil {
			orgID = org.ID
			personID, err = s.db.PersonIDByEmployeeNumber(ctx, orgID, login)
		}
	} else {
		orgID, personID, err = s.db.PersonIDByEmail(ctx, login)
	}
	ok := false
	if err == nil {
		pw, pin, active, cerr := s.db.Credentials(ctx, orgID, personID)
		hash := pw
		if usePIN {
			hash = pin
		}
		ok = cerr == nil && active && auth.CheckSecret(hash, secret)
	} else if errors.Is(err, core.ErrNotFound) {
		auth.DummyCheck(secret) // same timing for unknown accounts
	} else {
		s.Fail(w, r, err)
		return
	}
	if !ok {
		_ = s.db.RecordSigninFailure(ctx, accountKey, now)
		_ = s.db.RecordSigninFailure(ctx, "ip:"+ip, now)
		s.audit(r, orgID, personID, "signin.fail", login, "")
		fail(http.StatusUnauthorized, "signin.wrong")
		return
	}
	_ = s.db.ClearSigninFailures(ctx, accountKey)
	if err := s.startSession(w, r, orgID, personID); err != nil {
		s.Fail(w, r, err)
		return
	}
	if usePIN {
		if org, err := s.db.Organisation(ctx, orgID); err == nil {
			s.setCookie(w, r, "baken_org", org.Slug, 365*24*time.Hour)
		}
	}
	s.audit(r, orgID, personID, "signin.ok", login, map[bool]string{true: "pin", false: "password"}[usePIN])
	http.Redirect(w, r, safeNext(v.Next), http.StatusSeeOther)
}

var errOrgNeeded = errors.New("organisation code needed")

// orgForEmployeeLogin finds the organisation for an employee-number
// sign-in: the code typed, or the only company on a single-company server.
func (s *Server) orgForEmployeeLogin(r *http.Request, slug string) (*tenancy.Organisation, error) {
	if slug != "" {
		return s.db.OrganisationBySlug(r.Context(), slug)
	}
	orgs, err := s.db.Organisations(r.Context())
	if err != nil {
		return nil, err
	}
	var companies []*tenancy.Organisation
	for _, o := range orgs {
		if o.Kind == tenancy.Company {
			companies = append(companies, o)
		}
	}
	if len(companies) == 1 {
		return companies[0], nil
	}
	return nil, errOrgNeeded
}

func (s *Server) signout(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	if st.Session != nil {
		_ = s.db.DeleteSession(r.Context(), st.Session.TokenHash)
		s.audit(r, st.Session.OrgID, st.Session.PersonID, "signout", "", "")
	}
	s.setCookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}

func (s *Server) switchLang(w http.ResponseWriter, r *http.Request) {
	lang := r.PostFormValue("lang")
	if !tenancy.ValidLang(lang) {
		s.Fail(w, r, core.Invalid("lang", "must be nl or en"))
		return
	}
	st := From(r)
	if st.Principal != nil {
		if err := s.db.SetPersonLanguage(r.Context(), st.Principal.OrgID, st.Principal.PersonID, lang); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	s.setCookie(w, r, langCookie, lang, 365*24*time.Hour)
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

type accountView struct {
	Page
	Done     bool
	Tokens   []*store.APIToken
	NewToken string // shown once, right after creation
}

func (s *Server) newAccountView(r *http.Request) accountView {
	st := From(r)
	v := accountView{Page: s.NewPage(r, "account.title")}
	v.Tokens, _ = s.db.APITokens(r.Context(), st.Principal.OrgID, st.Principal.PersonID)
	return v
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) {
	s.Render(w, r, http.StatusOK, "account.html", s.newAccountView(r))
}

// createToken makes an API token for the signed-in person, acting with one
// of their own roles; the token is shown once.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	v := s.newAccountView(r)
	role := core.Role(r.PostFormValue("role"))
	name := strings.TrimSpace(r.PostFormValue("name"))
	var err error
	switch {
	case name == "" || len(name) > 100:
		err = core.Invalid("token_name", "is required and at most 100 characters")
	case !st.Person.HasRole(role) && !st.Person.HasRole(core.RoleOrgAdmin):
		err = core.Invalid("role", "is not one of your roles")
	case !core.ValidRole(role):
		err = core.Invalid("role", "is not one of your roles")
	}
	if err == nil {
		token := "bkn_" + auth.NewToken()
		t := &store.APIToken{PersonID: st.Principal.PersonID, Name: name, Role: role, TokenHash: auth.TokenHash(token)}
		if err = s.db.CreateAPIToken(r.Context(), st.Principal.OrgID, t); err == nil {
			s.audit(r, st.Principal.OrgID, st.Principal.PersonID, "token.create", name, string(role))
			v = s.newAccountView(r)
			v.NewToken = token
			s.Render(w, r, http.StatusOK, "account.html", v)
			return
		}
	}
	v.Error, v.FieldErrors = s.Message(r, err), s.FieldErrors(r, err)
	s.Render(w, r, Status(err), "account.html", v)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	if err := s.db.RevokeAPIToken(r.Context(), st.Principal.OrgID, st.Principal.PersonID, r.PathValue("id")); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.audit(r, st.Principal.OrgID, st.Principal.PersonID, "token.revoke", r.PathValue("id"), "")
	s.Flash(w, r, "flash.token_revoked")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	v := s.newAccountView(r)
	ctx := r.Context()
	current, next, again := r.PostFormValue("current"), r.PostFormValue("new"), r.PostFormValue("again")
	pw, _, _, err := s.db.Credentials(ctx, st.Principal.OrgID, st.Principal.PersonID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	switch {
	case pw != "" && !auth.CheckSecret(pw, current):
		v.FieldErrors = map[string]string{"current": v.T("account.wrong_current")}
		s.audit(r, st.Principal.OrgID, st.Principal.PersonID, "password.change_fail", "", "")
	case next != again:
		v.FieldErrors = map[string]string{"again": v.T("account.mismatch")}
	default:
		if err := auth.ValidatePassword(next); err != nil {
			v.FieldErrors = map[string]string{"new": s.Message(r, err)}
			break
		}
		hash, err := auth.HashSecret(next)
		if err == nil {
			err = s.db.SetPasswordHash(ctx, st.Principal.OrgID, st.Principal.PersonID, hash)
		}
		if err == nil {
			err = s.db.DeletePersonSessions(ctx, st.Principal.OrgID, st.Principal.PersonID, st.Session.TokenHash)
		}
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		s.audit(r, st.Principal.OrgID, st.Principal.PersonID, "password.change", "", "")
		v.Done = true
		s.Render(w, r, http.StatusOK, "account.html", v)
		return
	}
	s.Render(w, r, http.StatusUnprocessableEntity, "account.html", v)
}

type setupView struct {
	Page
	OrgName, Slug, Kind, AdminName, Email string
}

// setupPage is the first-run page: on an empty database it creates the
// first organisation and its administrator; afterwards it is gone.
func (s *Server) setupPage(w http.ResponseWriter, r *http.Request) {
	if n, err := s.db.CountOrganisations(r.Context()); err != nil || n > 0 {
		s.NotFound(w, r)
		return
	}
	s.Render(w, r, http.StatusOK, "setup.html", setupView{Page: s.NewPage(r, "setup.title"), Kind: "company"})
}

func (s *Server) setup(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if n, err := s.db.CountOrganisations(ctx); err != nil || n > 0 {
		s.NotFound(w, r)
		return
	}
	v := setupView{Page: s.NewPage(r, "setup.title"), OrgName: r.PostFormValue("org_name"), Slug: r.PostFormValue("slug"),
		Kind: r.PostFormValue("kind"), AdminName: r.PostFormValue("name"), Email: r.PostFormValue("email")}
	password := r.PostFormValue("password")
	org := &tenancy.Organisation{Name: v.OrgName, Slug: v.Slug, Kind: tenancy.OrgKind(v.Kind), DefaultLang: v.Lang}
	admin := &tenancy.Person{Name: v.AdminName, Email: v.Email, JobTitle: "", Active: true, PlatformAdmin: true,
		Roles: []core.Role{core.RoleOrgAdmin}}
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
	if err == nil {
		err = s.createFirstOrg(r, org, admin, password)
	}
	if err != nil {
		v.Error = s.Message(r, err)
		v.FieldErrors = s.FieldErrors(r, err)
		s.Render(w, r, Status(err), "setup.html", v)
		return
	}
	if err := s.startSession(w, r, org.ID, admin.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin", http.StatusSeeOther)
}

func (s *Server) createFirstOrg(r *http.Request, org *tenancy.Organisation, admin *tenancy.Person, password string) error {
	hash, err := auth.HashSecret(password)
	if err != nil {
		return err
	}
	if err := s.db.CreateOrganisationWithAdmin(r.Context(), org, admin, hash); err != nil {
		return err
	}
	s.audit(r, org.ID, admin.ID, "setup", org.Slug, "first organisation created")
	return nil
}
