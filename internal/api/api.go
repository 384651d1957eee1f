// Package api serves Baken's JSON API under /api/v1: sites, teams and
// people of one organisation, its competences, roadmap and gaps, and its
// projects and lessons learned, reached with bearer API tokens. Every route
// is declared once in the table returned by routes(); the OpenAPI document
// (openapi.json) is checked against that table by a test.
//
// Choices the API makes, also stated in the OpenAPI document:
//   - Lists page with limit (1–500, default 50) and offset, and answer
//     {"data":[…],"total":N,"limit":L,"offset":O}.
//   - Updates are PATCH with merge semantics: fields left out keep their
//     value; "" or null clears an optional field.
//   - People are never deleted: POST /people/{id}/deactivate and
//     /reactivate. Sites and teams are deleted with DELETE only when
//     nothing refers to them (else 409).
//   - A record of another organisation answers 404, exactly as a missing
//     one does; never 403.
package api

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/bakenhq/baken/internal/auth"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

// Prefix is where the API is mounted: the handler from New serves every
// path below it.
const Prefix = "/api/v1"

// MaxBody is the largest request body the API reads (1 MiB); larger ones
// are refused with 413 before anything changes.
const MaxBody = 1 << 20

// handlerFunc serves one route. It writes a response itself on success and
// returns an error otherwise; the error is mapped to a status in one place
// (writeError).
type handlerFunc func(w http.ResponseWriter, r *http.Request, p caller) error

// caller is who makes a request: the principal the token stands for, and
// the token itself (for audit entries). Permission checks are the
// core.Principal methods.
type caller struct {
	core.Principal
	Token *store.APIToken
}

// route is one entry of the routing table.
type route struct {
	Method string
	Path   string // a net/http ServeMux path pattern, e.g. /api/v1/sites/{id}
	Public bool   // served without a token
	Body   bool   // takes a JSON body (Content-Type and size are checked)
	// Multipart also takes a multipart/form-data body (with a file), under
	// its own size limit; the handler reads it.
	Multipart bool
	h         handlerFunc
}

// Pattern is the ServeMux pattern of the route.
func (rt route) Pattern() string { return rt.Method + " " + rt.Path }

type server struct {
	db    *store.DB
	log   *slog.Logger
	mux   *http.ServeMux
	paths *http.ServeMux      // path-only patterns, to tell 405 from 404
	allow map[string][]string // path pattern -> methods, for 405 Allow

	mu      sync.Mutex
	touched map[string]time.Time // token id -> last recorded use
}

// New returns the JSON API. Mount it at Prefix+"/" (it expects full paths,
// e.g. /api/v1/people). Only db and logger are needed; a nil logger
// discards logs.
func New(db *store.DB, logger *slog.Logger) http.Handler { return newServer(db, logger) }

func newServer(db *store.DB, logger *slog.Logger) *server {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &server{db: db, log: logger, mux: http.NewServeMux(), paths: http.NewServeMux(),
		allow: map[string][]string{}, touched: map[string]time.Time{}}
	for _, rt := range s.routes() {
		s.mux.Handle(rt.Pattern(), s.wrap(rt))
		if _, ok := s.allow[rt.Path]; !ok {
			s.paths.Handle(rt.Path, http.NotFoundHandler())
		}
		s.allow[rt.Path] = append(s.allow[rt.Path], rt.Method)
	}
	s.mux.HandleFunc(Prefix+"/", s.noRoute)
	return s
}

// routes is the whole API surface. The OpenAPI test enumerates it.
func (s *server) routes() []route {
	return []route{
		{Method: "GET", Path: Prefix + "/openapi.json", Public: true, h: s.openAPI},
		{Method: "GET", Path: Prefix + "/me", h: s.me},

		{Method: "GET", Path: Prefix + "/sites", h: s.listSites},
		{Method: "POST", Path: Prefix + "/sites", Body: true, h: s.createSite},
		{Method: "GET", Path: Prefix + "/sites/{id}", h: s.getSite},
		{Method: "PATCH", Path: Prefix + "/sites/{id}", Body: true, h: s.updateSite},
		{Method: "DELETE", Path: Prefix + "/sites/{id}", h: s.deleteSite},

		{Method: "GET", Path: Prefix + "/teams", h: s.listTeams},
		{Method: "POST", Path: Prefix + "/teams", Body: true, h: s.createTeam},
		{Method: "GET", Path: Prefix + "/teams/{id}", h: s.getTeam},
		{Method: "PATCH", Path: Prefix + "/teams/{id}", Body: true, h: s.updateTeam},
		{Method: "DELETE", Path: Prefix + "/teams/{id}", h: s.deleteTeam},

		{Method: "GET", Path: Prefix + "/people", h: s.listPeople},
		{Method: "POST", Path: Prefix + "/people", Body: true, h: s.createPerson},
		{Method: "GET", Path: Prefix + "/people/{id}", h: s.getPerson},
		{Method: "PATCH", Path: Prefix + "/people/{id}", Body: true, h: s.updatePerson},
		{Method: "POST", Path: Prefix + "/people/{id}/deactivate", h: s.deactivatePerson},
		{Method: "POST", Path: Prefix + "/people/{id}/reactivate", h: s.reactivatePerson},
		{Method: "GET", Path: Prefix + "/people/{id}/gaps", h: s.getPersonGaps},

		{Method: "GET", Path: Prefix + "/people/{id}/levels", h: s.getPersonLevels},
		{Method: "GET", Path: Prefix + "/people/{id}/evidence", h: s.listPersonEvidence},
		{Method: "POST", Path: Prefix + "/people/{id}/evidence", Body: true, Multipart: true, h: s.addPersonEvidence},
		{Method: "GET", Path: Prefix + "/people/{id}/evidence/{evidence_id}/attachment", h: s.getEvidenceAttachment},
		{Method: "GET", Path: Prefix + "/competences", h: s.listCompetences},
		{Method: "GET", Path: Prefix + "/role-profiles", h: s.listRoleProfiles},
		{Method: "GET", Path: Prefix + "/matrix", h: s.getMatrix},

		{Method: "GET", Path: Prefix + "/roadmap", h: s.listRoadmap},
		{Method: "GET", Path: Prefix + "/gaps", h: s.getGaps},

		{Method: "GET", Path: Prefix + "/projects", h: s.listProjects},
		{Method: "GET", Path: Prefix + "/projects/{id}", h: s.getProject},
		{Method: "POST", Path: Prefix + "/projects/{id}/volunteer", Body: true, h: s.volunteer},
		{Method: "GET", Path: Prefix + "/lessons", h: s.listLessons},
		{Method: "POST", Path: Prefix + "/lessons", Body: true, h: s.createLesson},
		{Method: "GET", Path: Prefix + "/lessons/{id}", h: s.getLesson},
		{Method: "GET", Path: Prefix + "/community/lessons", h: s.listCommunityLessons},
	}
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// wrap adds what every route shares: panic recovery, authentication, and
// the body checks of routes that take JSON.
func (s *server) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.writeError(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		// Tell the app's metrics and logs which route this is: the app's
		// mux only sees the prefix this handler is mounted at.
		if rs, ok := w.(interface{ SetRoute(string) }); ok {
			rs.SetRoute(rt.Pattern())
		}
		w.Header().Set("Cache-Control", "no-store")
		var p caller
		if !rt.Public {
			var err error
			if p, err = s.authenticate(r); err != nil {
				s.writeError(w, r, err)
				return
			}
		}
		if err := checkQuery(r); err != nil {
			s.writeError(w, r, err)
			return
		}
		if rt.Body && rt.Multipart && isMultipart(r) {
			if err := checkMultipart(w, r); err != nil {
				s.writeError(w, r, err)
				return
			}
		} else if rt.Body {
			if err := checkBody(w, r); err != nil {
				s.writeError(w, r, err)
				return
			}
		} else if r.Body != nil {
			// Routes without a body still must not be made to read a huge one.
			r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
		}
		if err := rt.h(w, r, p); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// noRoute answers paths below Prefix that no route serves: 405 with Allow
// when the path exists for other methods, else 404.
func (s *server) noRoute(w http.ResponseWriter, r *http.Request) {
	if _, pattern := s.paths.Handler(r); pattern != "" {
		methods := append([]string(nil), s.allow[pattern]...)
		sort.Strings(methods)
		w.Header().Set("Allow", strings.Join(methods, ", "))
		s.writeError(w, r, &core.Error{Code: codeMethodNotAllowed, Message: r.Method + " is not allowed here; use " + strings.Join(methods, ", ")})
		return
	}
	s.writeError(w, r, &core.Error{Code: core.ENotFound, Message: "no such endpoint: " + r.URL.Path})
}

// authenticate turns the bearer token of r into the principal it stands
// for: the token's person, in the token's organisation, with the roles
// employee and the token's role. The role counts only while the person
// still holds it (or is an organisation admin), so taking a role away
// also takes it from the person's tokens. Errors: EUnauthorized.
func (s *server) authenticate(r *http.Request) (caller, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return caller{}, &core.Error{Code: core.EUnauthorized, Message: "an API token is required: send Authorization: Bearer <token>"}
	}
	scheme, token, ok := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return caller{}, &core.Error{Code: core.EUnauthorized, Message: "the Authorization header must be Bearer <token>"}
	}
	bad := &core.Error{Code: core.EUnauthorized, Message: "the API token is not valid or has been revoked"}
	t, err := s.db.APITokenByHash(r.Context(), auth.TokenHash(token))
	if core.ErrorCode(err) == core.ENotFound {
		return caller{}, bad
	} else if err != nil {
		return caller{}, fmt.Errorf("api token: %w", err)
	}
	person, err := s.db.Person(r.Context(), t.OrgID, t.PersonID)
	if core.ErrorCode(err) == core.ENotFound {
		return caller{}, bad
	} else if err != nil {
		return caller{}, fmt.Errorf("api token person: %w", err)
	}
	if !person.Active {
		return caller{}, &core.Error{Code: core.EUnauthorized, Message: "the API token belongs to a person who is no longer active"}
	}
	roles := []core.Role{core.RoleEmployee}
	if t.Role != core.RoleEmployee && (person.HasRole(t.Role) || person.HasRole(core.RoleOrgAdmin)) {
		roles = append(roles, t.Role)
	}
	s.touch(r.Context(), t)
	return caller{Principal: core.Principal{PersonID: person.ID, OrgID: t.OrgID, Name: person.Name, Roles: roles, Lang: person.Language}, Token: t}, nil
}

// touch records that a token was used, at most once a minute per token
// and node, so that a busy client does not turn every read into a write.
func (s *server) touch(ctx context.Context, t *store.APIToken) {
	now := time.Now()
	s.mu.Lock()
	last := s.touched[t.ID]
	fresh := now.Sub(last) < time.Minute
	if !fresh {
		s.touched[t.ID] = now
	}
	s.mu.Unlock()
	if fresh {
		return
	}
	if err := s.db.TouchAPIToken(ctx, t.OrgID, t.ID, now); err != nil {
		s.log.WarnContext(ctx, "api: record token use", "token", t.ID, "err", err)
	}
}

// audit records a security event caused through the API. A failure is
// logged, not returned: the change itself has already been made.
func (s *server) audit(r *http.Request, p caller, action, target, detail string) {
	ip := r.RemoteAddr
	if host, _, err := net.SplitHostPort(ip); err == nil {
		ip = host
	}
	if detail != "" {
		detail += "; "
	}
	detail += "via API token " + p.Token.Name
	err := s.db.Audit(r.Context(), tenancy.AuditEntry{OrgID: p.OrgID, ActorID: p.PersonID, Action: action, Target: target, IP: ip, Detail: detail})
	if err != nil {
		s.log.ErrorContext(r.Context(), "api: audit", "action", action, "err", err)
	}
}

// me describes the token's person, organisation and role.
func (s *server) me(w http.ResponseWriter, r *http.Request, p caller) error {
	person, err := s.db.Person(r.Context(), p.OrgID, p.PersonID)
	if err != nil {
		return err
	}
	org, err := s.db.Organisation(r.Context(), p.OrgID)
	if err != nil {
		return err
	}
	roles := make([]string, len(p.Roles))
	for i, x := range p.Roles {
		roles[i] = string(x)
	}
	return writeJSON(w, http.StatusOK, meJSON{
		Person:       personOut(person),
		Organisation: orgJSON{ID: org.ID, Kind: string(org.Kind), Name: org.Name, Slug: org.Slug, DefaultLang: org.DefaultLang},
		Token:        tokenJSON{ID: p.Token.ID, Name: p.Token.Name, Roles: roles},
	})
}

type meJSON struct {
	Person       personJSON `json:"person"`
	Organisation orgJSON    `json:"organisation"`
	Token        tokenJSON  `json:"token"`
}

type orgJSON struct {
	ID          string `json:"id"`
	Kind        string `json:"kind"`
	Name        string `json:"name"`
	Slug        string `json:"slug"`
	DefaultLang string `json:"default_lang"`
}

type tokenJSON struct {
	ID    string   `json:"id"`
	Name  string   `json:"name"`
	Roles []string `json:"roles"`
}
