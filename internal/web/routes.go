package web

import (
	"net/http"

	"github.com/bakenhq/baken/internal/core"
)

// Handler returns the UI with its middleware: request state, CSRF and
// security headers.
func (s *Server) Handler() http.Handler {
	return securityHeaders(s.withState(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mux.ServeHTTP(w, r)
		// Report the matched pattern to the metrics middleware outside.
		if rs, ok := w.(interface{ SetRoute(string) }); ok && r.Pattern != "" {
			rs.SetRoute(r.Pattern)
		}
	})))
}

func (s *Server) routes() {
	m := s.mux
	m.HandleFunc("GET /static/{hash}/{name...}", s.serveAsset)
	m.HandleFunc("GET /signin", s.signinPage)
	m.HandleFunc("POST /signin", s.signin)
	m.HandleFunc("POST /signout", s.signout)
	m.HandleFunc("GET /setup", s.setupPage)
	m.HandleFunc("POST /setup", s.setup)
	m.HandleFunc("POST /lang", s.switchLang)
	m.HandleFunc("GET /about", s.about)

	m.HandleFunc("GET /{$}", s.Authed(s.home))
	m.HandleFunc("GET /account", s.Authed(s.account))
	m.HandleFunc("POST /account/password", s.Authed(s.changePassword))
	m.HandleFunc("POST /account/tokens", s.Authed(s.createToken))
	m.HandleFunc("POST /account/tokens/{id}/revoke", s.Authed(s.revokeToken))
	m.HandleFunc("GET /people", s.Authed(s.directory))
	m.HandleFunc("GET /people/{id}", s.Authed(s.personPage))
	m.HandleFunc("GET /teams/{id}", s.Authed(s.teamPage))
	m.HandleFunc("GET /sites/{id}", s.Authed(s.sitePage))

	admin := func(h http.HandlerFunc) http.HandlerFunc { return s.Allowed(core.Principal.CanManageOrganisation, h) }
	hr := func(h http.HandlerFunc) http.HandlerFunc { return s.Allowed(core.Principal.CanManagePeople, h) }
	m.HandleFunc("GET /admin", s.Allowed(func(p core.Principal) bool { return p.CanManagePeople() || p.CanManageOrganisation() }, s.adminHome))
	m.HandleFunc("GET /admin/sites", admin(s.adminSites))
	m.HandleFunc("POST /admin/sites", admin(s.saveSite))
	m.HandleFunc("GET /admin/sites/{id}", admin(s.editSite))
	m.HandleFunc("POST /admin/sites/{id}", admin(s.saveSite))
	m.HandleFunc("GET /admin/teams", admin(s.adminTeams))
	m.HandleFunc("POST /admin/teams", admin(s.saveTeam))
	m.HandleFunc("GET /admin/teams/{id}", admin(s.editTeam))
	m.HandleFunc("POST /admin/teams/{id}", admin(s.saveTeam))
	m.HandleFunc("GET /admin/people/new", hr(s.editPerson))
	m.HandleFunc("POST /admin/people", hr(s.savePerson))
	m.HandleFunc("GET /admin/people/{id}", hr(s.editPerson))
	m.HandleFunc("POST /admin/people/{id}", hr(s.savePerson))
	m.HandleFunc("POST /admin/people/{id}/credentials", hr(s.setCredentials))
	m.HandleFunc("GET /admin/import", hr(s.importPage))
	m.HandleFunc("POST /admin/import", hr(s.importPreview))
	m.HandleFunc("POST /admin/import/commit", hr(s.importCommit))
	m.HandleFunc("GET /admin/audit", s.Allowed(core.Principal.CanViewAudit, s.auditPage))
	m.HandleFunc("GET /admin/organisation", admin(s.orgPage))
	m.HandleFunc("POST /admin/organisation", admin(s.saveOrg))
	s.registerPlatform()
	s.registerProposals()
	s.registerLearning()
	s.registerCourseImport()
	s.registerProjects()
	s.registerCatalogue()
	s.registerRoadmap()
	s.registerCompetences()
	s.registerFrameworkImport()
	s.registerSearch()
	s.registerLRS()
	m.HandleFunc("/", s.NotFound)
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
		next.ServeHTTP(w, r)
	})
}
