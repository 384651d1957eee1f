package web

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/i18n"
	"github.com/bakenhq/baken/internal/tenancy"
)

// maxUpload bounds any multipart form (imports, photos) read by the UI.
const maxUpload = 20 << 20

// Page is the part of every view model the layout needs. Page templates
// reach it as .Page fields or through methods like {{$.T "key"}}.
type Page struct {
	Lang        string
	Title       string // already translated
	User        *core.Principal
	Person      *tenancy.Person
	Org         *tenancy.Organisation
	CSRF        string
	Path        string
	RequestURI  string
	Flash       string
	Error       string
	FieldErrors map[string]string
	Nav         []NavItem
	HeaderTools []template.HTML // e.g. the notification bell (AddHeaderTool)
}

// NavItem is one entry of the main navigation.
type NavItem struct {
	Href, Label string
	Current     bool
}

// T translates key into the page's language.
func (p Page) T(key string, args ...any) string { return i18n.T(p.Lang, key, args...) }

// Other is the language the switcher offers.
func (p Page) Other() string {
	if p.Lang == "nl" {
		return "en"
	}
	return "nl"
}

// FieldError returns the message for a form field, if any.
func (p Page) FieldError(field string) string { return p.FieldErrors[field] }

// Can reports whether the user holds role r (org admins hold all).
func (p Page) Can(r string) bool { return p.User != nil && p.User.Has(core.Role(r)) }

// NewPage fills the parts of a view model that every page shares.
func (s *Server) NewPage(r *http.Request, titleKey string) Page {
	st := From(r)
	p := Page{Lang: st.Lang, User: st.Principal, Person: st.Person, Org: st.Org, CSRF: st.CSRF, Path: r.URL.Path, RequestURI: r.URL.RequestURI()}
	if titleKey != "" {
		p.Title = i18n.T(st.Lang, titleKey)
	}
	if c, err := r.Cookie("baken_flash"); err == nil {
		p.Flash = i18n.T(st.Lang, c.Value)
	}
	if st.Principal != nil {
		p.Nav = s.nav(r, st)
		p.HeaderTools = s.headerTools(r)
	}
	return p
}

// Flash shows a translated message on the next page (after a redirect).
func (s *Server) Flash(w http.ResponseWriter, r *http.Request, key string) {
	http.SetCookie(w, &http.Cookie{Name: "baken_flash", Value: key, Path: "/", MaxAge: 30, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r)})
}

// NavEntry is an entry other areas add to the main navigation; Show
// decides whether a principal sees it.
type NavEntry struct {
	Href, LabelKey string
	Show           func(core.Principal) bool
}

// defaultNav is the navigation every server starts with; areas add theirs
// with AddNav.
var defaultNav = []NavEntry{
	{Href: "/", LabelKey: "nav.home"},
	{Href: "/people", LabelKey: "nav.people"},
	{Href: "/admin", LabelKey: "nav.admin", Show: func(p core.Principal) bool { return p.CanManagePeople() || p.CanManageOrganisation() }},
	{Href: "/platform", LabelKey: "nav.platform", Show: func(p core.Principal) bool { return p.PlatformAdmin }},
}

// AddNav adds an entry to the main navigation, before the administration
// entries. Call it before serving.
func (s *Server) AddNav(e NavEntry) {
	for _, x := range s.navEntries {
		if x.Href == e.Href {
			return
		}
	}
	tail := append([]NavEntry{}, s.navEntries[len(s.navEntries)-2:]...)
	s.navEntries = append(append(s.navEntries[:len(s.navEntries)-2:len(s.navEntries)-2], e), tail...)
}

func (s *Server) nav(r *http.Request, st *Request) []NavItem {
	var out []NavItem
	for _, e := range s.navEntries {
		if e.Show != nil && !e.Show(*st.Principal) {
			continue
		}
		cur := r.URL.Path == e.Href || (e.Href != "/" && len(r.URL.Path) > len(e.Href) && r.URL.Path[:len(e.Href)+1] == e.Href+"/")
		out = append(out, NavItem{Href: e.Href, Label: i18n.T(st.Lang, e.LabelKey), Current: cur})
	}
	return out
}

// Render executes a page template into w with status. The page is built
// in a buffer first so that a template error never sends half a page.
func (s *Server) Render(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	t, ok := s.pages[page]
	if !ok {
		s.log.Error("no such template", "page", page)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		s.log.Error("render", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if c, err := r.Cookie("baken_flash"); err == nil && c.Value != "" {
		http.SetCookie(w, &http.Cookie{Name: "baken_flash", Path: "/", MaxAge: -1})
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Language", From(r).Lang)
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// Status maps an error code to its HTTP status.
func Status(err error) int {
	switch core.ErrorCode(err) {
	case core.EInvalid:
		return http.StatusUnprocessableEntity
	case core.ENotFound:
		return http.StatusNotFound
	case core.EConflict:
		return http.StatusConflict
	case core.EForbidden:
		return http.StatusForbidden
	case core.EUnauthorized:
		return http.StatusUnauthorized
	case core.ETooMany:
		return http.StatusTooManyRequests
	case core.ETooLarge:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// Message translates an error for the user; internal errors are logged
// and shown as a generic message.
func (s *Server) Message(r *http.Request, err error) string {
	lang := From(r).Lang
	var e *core.Error
	if errors.As(err, &e) && e.Code != core.EInternal {
		msg := e.Message
		if e.Key != "" && i18n.Has(lang, e.Key) {
			msg = i18n.T(lang, e.Key, e.Args...)
		} else if i18n.Has(lang, "msg."+e.Message) {
			// Validation messages of the domain packages are plain English;
			// the catalogues translate the fixed ones by their text.
			msg = i18n.T(lang, "msg."+e.Message)
		}
		if e.Field != "" && e.Key == "" {
			label := e.Field
			if i18n.Has(lang, "field."+e.Field) {
				label = i18n.T(lang, "field."+e.Field)
			}
			return label + ": " + msg
		}
		return msg
	}
	var v core.ValidationErrors
	if errors.As(err, &v) {
		return v.Error()
	}
	s.log.Error("request failed", "path", r.URL.Path, "err", err)
	return i18n.T(lang, "error.internal")
}

// FieldErrors splits a validation error into messages per field.
func (s *Server) FieldErrors(r *http.Request, err error) map[string]string {
	out := map[string]string{}
	var e *core.Error
	if errors.As(err, &e) && e.Field != "" {
		out[e.Field] = s.Message(r, &core.Error{Code: e.Code, Message: e.Message, Key: e.Key, Args: e.Args})
	}
	return out
}

type errorPage struct {
	Page
	Status  int
	Message string
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	status := Status(err)
	p := s.NewPage(r, "error.title")
	s.Render(w, r, status, "error.html", errorPage{Page: p, Status: status, Message: s.Message(r, err)})
}

// Fail renders err as an error page with the matching status.
func (s *Server) Fail(w http.ResponseWriter, r *http.Request, err error) { s.renderError(w, r, err) }

// NotFound renders the not-found page.
func (s *Server) NotFound(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, &core.Error{Code: core.ENotFound, Message: "not found", Key: "error.not_found"})
}

// Partial renders a named template (defined in any page file's partials,
// i.e. a file starting with "_") to HTML for embedding in another page,
// such as a home or person section.
func (s *Server) Partial(name string, data any) template.HTML {
	if s.partials == nil || s.partials.Lookup(name) == nil {
		s.log.Error("no such partial", "name", name)
		return ""
	}
	var buf bytes.Buffer
	if err := s.partials.ExecuteTemplate(&buf, name, data); err != nil {
		s.log.Error("render partial", "name", name, "err", err)
		return ""
	}
	return template.HTML(buf.String())
}
