package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/auth"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/i18n"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

const (
	sessionCookie = "baken_session"
	csrfCookie    = "baken_csrf"
	langCookie    = "baken_lang"
	sessionTTL    = 7 * 24 * time.Hour
)

type ctxKey struct{}

// Request is what the middleware learned about a request: who, in which
// language, with which CSRF token.
type Request struct {
	Principal *core.Principal // nil when signed out
	Person    *tenancy.Person
	Org       *tenancy.Organisation
	Session   *store.Session
	Lang      string
	CSRF      string
	srv       *Server // for blocks other areas render (home sections, header tools)
}

// From returns the request state the middleware attached.
func From(r *http.Request) *Request {
	if st, ok := r.Context().Value(ctxKey{}).(*Request); ok {
		return st
	}
	return &Request{Lang: "en"}
}

// clientIP is the peer address; a proxy in front should be configured to
// overwrite, not append, X-Forwarded-For before we trust it, so we do not.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) secure(r *http.Request) bool { return s.opt.SecureCookies || r.TLS != nil }

func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge time.Duration) {
	c := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r)}
	if maxAge < 0 {
		c.MaxAge = -1
	} else if maxAge > 0 {
		c.MaxAge = int(maxAge.Seconds())
	}
	http.SetCookie(w, c)
}

// withState loads the session, the person and the language, and checks
// the CSRF token of every state-changing request.
func (s *Server) withState(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := &Request{srv: s}
		ctx := r.Context()
		if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			s.loadSession(ctx, w, r, st, c.Value)
		}
		st.Lang = s.pickLang(r, st)
		if st.Session != nil {
			st.CSRF = st.Session.CSRF
		} else if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
			st.CSRF = c.Value
		} else {
			st.CSRF = auth.NewToken()
			s.setCookie(w, r, csrfCookie, st.CSRF, 0)
		}
		r = r.WithContext(context.WithValue(ctx, ctxKey{}, st))
		if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions {
			if tooLarge(r) {
				// Without this the CSRF field, unread past the limit, would
				// make an oversized upload look like a forged form.
				s.renderError(w, r, &core.Error{Code: core.ETooLarge, Message: "the upload is too large", Key: "error.too_large"})
				return
			}
			if !s.csrfOK(r, st) {
				s.log.Warn("csrf rejected", "path", r.URL.Path, "ip", clientIP(r))
				s.renderError(w, r, &core.Error{Code: core.EForbidden, Message: "the form was stale or forged; reload the page and try again", Key: "error.csrf"})
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// tooLarge parses a multipart body and reports whether it is over the
// request size limit.
func tooLarge(r *http.Request) bool {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return false
	}
	err := r.ParseMultipartForm(maxUpload)
	var mbe *http.MaxBytesError
	return err != nil && (errors.As(err, &mbe) || strings.Contains(err.Error(), "request body too large"))
}

func (s *Server) csrfOK(r *http.Request, st *Request) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		// ParseMultipartForm also fills PostForm for urlencoded bodies;
		// the size limit protects against huge uploads here.
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			_ = r.ParseMultipartForm(maxUpload)
		}
		got = r.PostFormValue("csrf")
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(st.CSRF)) == 1
}

func (s *Server) loadSession(ctx context.Context, w http.ResponseWriter, r *http.Request, st *Request, token string) {
	hash := auth.TokenHash(token)
	now := time.Now().UTC()
	sess, p, org, err := s.db.SessionContext(ctx, hash, now)
	if err != nil {
		if !errors.Is(err, core.ErrNotFound) {
			s.log.Error("load session", "err", err)
		}
		s.setCookie(w, r, sessionCookie, "", -1)
		return
	}
	if !p.Active {
		_ = s.db.DeleteSession(ctx, hash)
		s.setCookie(w, r, sessionCookie, "", -1)
		return
	}
	// Touch at most every ten minutes: a write per page view would make
	// SQLite's single writer the bottleneck for reading.
	if now.Sub(sess.LastSeenAt) > 10*time.Minute {
		if err := s.db.TouchSession(ctx, hash, now, now.Add(sessionTTL)); err != nil {
			s.log.Warn("touch session", "err", err)
		}
	}
	st.Session, st.Person, st.Org = sess, p, org
	st.Principal = &core.Principal{PersonID: p.ID, OrgID: p.OrgID, Name: p.Name, Roles: p.Roles, PlatformAdmin: p.PlatformAdmin, Lang: p.Language}
}

// pickLang: the person's own choice, else the organisation's default,
// else the browser's, else English. Signed out, the language cookie is the
// choice.
func (s *Server) pickLang(r *http.Request, st *Request) string {
	if st.Person != nil && i18n.Supported(st.Person.Language) {
		return st.Person.Language
	}
	if c, err := r.Cookie(langCookie); err == nil && i18n.Supported(c.Value) {
		return c.Value
	}
	if st.Org != nil && i18n.Supported(st.Org.DefaultLang) {
		return st.Org.DefaultLang
	}
	if l := i18n.Negotiate(r.Header.Get("Accept-Language")); l != "" {
		return l
	}
	return "en"
}

// startSession signs a person in: a new session row, a new cookie.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, orgID, personID string) error {
	token := auth.NewToken()
	now := time.Now().UTC()
	sess := &store.Session{TokenHash: auth.TokenHash(token), PersonID: personID, OrgID: orgID, CSRF: auth.NewToken(),
		CreatedAt: now, ExpiresAt: now.Add(sessionTTL), LastSeenAt: now, IP: clientIP(r), UserAgent: r.UserAgent()}
	if err := s.db.CreateSession(r.Context(), sess); err != nil {
		return err
	}
	s.setCookie(w, r, sessionCookie, token, sessionTTL)
	return nil
}

// safeNext keeps redirects after sign-in on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}

// Authed wraps a handler that needs a signed-in person; anonymous visitors
// go to the sign-in page and come back afterwards.
func (s *Server) Authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if From(r).Principal == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.renderError(w, r, &core.Error{Code: core.EUnauthorized, Message: "please sign in", Key: "error.signin_needed"})
			return
		}
		h(w, r)
	}
}

// Allowed wraps a handler that needs a permission as well as a session.
func (s *Server) Allowed(can func(core.Principal) bool, h http.HandlerFunc) http.HandlerFunc {
	return s.Authed(func(w http.ResponseWriter, r *http.Request) {
		if !can(*From(r).Principal) {
			s.renderError(w, r, &core.Error{Code: core.EForbidden, Message: "you may not open this page", Key: "error.forbidden"})
			return
		}
		h(w, r)
	})
}

func (s *Server) audit(r *http.Request, orgID, actorID, action, target, detail string) {
	if err := s.db.Audit(r.Context(), tenancy.AuditEntry{OrgID: orgID, ActorID: actorID, Action: action, Target: target, IP: clientIP(r), Detail: detail}); err != nil {
		s.log.Error("audit", "err", err, "action", action)
	}
}

var _ = slog.Default
