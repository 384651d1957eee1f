// Package web serves Baken's server-rendered HTML user interface. Pages are
// html/template files parsed once at start, each with a typed view model
// that embeds Page; every string comes from the i18n catalogues.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/search"
	"github.com/bakenhq/baken/internal/store"
)

//go:embed all:templates static
var embedded embed.FS

// Options configure the web UI.
type Options struct {
	DB     *store.DB
	Logger *slog.Logger
	// SecureCookies marks cookies Secure; on by default behind HTTPS and
	// set automatically for requests that arrive over TLS.
	SecureCookies bool
	Version       string
	// Search is the node's search index, which the catalogue keeps in
	// step with its items and places. Nil: changes are written to the
	// database only (search_docs), where a shared index picks them up.
	Search *search.Index
}

// Server is the HTML user interface.
type Server struct {
	db       *store.DB
	log      *slog.Logger
	opt      Options
	pages    map[string]*template.Template
	partials *template.Template // every partial, for Partial

	// What the areas add to shared pages, in registration order.
	navEntries     []NavEntry
	homeSections   []HomeSection
	personSections []PersonSection
	placeSections  []PlaceSection
	headerToolList []HeaderTool
	assets         map[string]asset // by path under /static/
	mux            *http.ServeMux
	started        time.Time
	recs           recCache
}

type asset struct {
	body        []byte
	contentType string
	hash        string
}

// New parses templates and prepares routes. Other areas add their pages
// with Handle before the server starts.
func New(opt Options) (*Server, error) {
	s := &Server{db: opt.DB, log: opt.Logger, opt: opt, mux: http.NewServeMux(), started: time.Now(),
		navEntries: append([]NavEntry(nil), defaultNav...)}
	if s.log == nil {
		s.log = slog.Default()
	}
	if err := s.loadAssets(); err != nil {
		return nil, err
	}
	if err := s.parseTemplates(); err != nil {
		return nil, err
	}
	s.routes()
	return s, nil
}

// ServeHTTP serves the UI.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Mux exposes the router so that other delivery packages can register
// their pages under the same session and CSRF rules with Page and Action.
func (s *Server) Mux() *http.ServeMux { return s.mux }

func (s *Server) loadAssets() error {
	s.assets = map[string]asset{}
	return fs.WalkDir(embedded, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := embedded.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ct := map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon", ".webmanifest": "application/manifest+json"}[path.Ext(p)]
		s.assets[strings.TrimPrefix(p, "static/")] = asset{body: b, contentType: ct, hash: hex.EncodeToString(sum[:])[:12]}
		return nil
	})
}

// AssetURL returns the cache-busting URL of a static file.
func (s *Server) AssetURL(name string) string {
	a, ok := s.assets[name]
	if !ok {
		return "/static/missing/" + name
	}
	return "/static/" + a.hash + "/" + name
}

func (s *Server) serveAsset(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	a, ok := s.assets[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", a.contentType)
	if r.PathValue("hash") == a.hash {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Header().Set("ETag", `"`+a.hash+`"`)
	http.ServeContent(w, r, "", s.started, bytes.NewReader(a.body))
}

// funcs are the template helpers shared by every page.
func (s *Server) funcs() template.FuncMap {
	return template.FuncMap{
		"asset": s.AssetURL,
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.Format("2006-01-02")
		},
		"datetime": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.Local().Format("2006-01-02 15:04")
		},
		"add":      func(a, b int) int { return a + b },
		"div":      func(a, b int) int { return a / b },
		"progress": func(p interface{ Progress() (int, int) }) []int { d, t := p.Progress(); return []int{d, t} },
		"sub":      func(a, b int) int { return a - b },
		"safeHTML": func(s string) template.HTML { return template.HTML(s) }, // only for server-built SVG
		"hasRole": func(roles []core.Role, r string) bool {
			for _, x := range roles {
				if string(x) == r {
					return true
				}
			}
			return false
		},
		"roles": func() []core.Role { return core.Roles },
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
	}
}

// Template actions naming other templates, for working out which partial
// files a page needs.
var (
	templateRef = regexp.MustCompile(`\{\{-?\s*(?:template|block)\s+"([^"]+)"`)
	templateDef = regexp.MustCompile(`\{\{-?\s*(?:define|block)\s+"([^"]+)"`)
)

// parseTemplates builds one template set per page: the page itself and the
// partial files (names starting with "_", the layout among them) that it
// uses, directly or through other partials. html/template copies every
// parse tree into each set, so giving every page all partials cost 18 MB
// of a server's idle memory. Partial renders from one extra set that holds
// every partial.
func (s *Server) parseTemplates() error {
	s.pages = map[string]*template.Template{}
	files, err := fs.Glob(embedded, "templates/*.html")
	if err != nil {
		return err
	}
	var partials []string
	refs := map[string][]string{}      // file → template names it uses
	definedIn := map[string][]string{} // template name → partial files defining it
	for _, f := range files {
		src, err := fs.ReadFile(embedded, f)
		if err != nil {
			return err
		}
		for _, m := range templateRef.FindAllSubmatch(src, -1) {
			refs[f] = append(refs[f], string(m[1]))
		}
		if strings.HasPrefix(path.Base(f), "_") {
			partials = append(partials, f)
			for _, m := range templateDef.FindAllSubmatch(src, -1) {
				definedIn[string(m[1])] = append(definedIn[string(m[1])], f)
			}
		}
	}
	parse := func(name string, files []string) (*template.Template, error) {
		t, err := template.New(name).Funcs(s.funcs()).ParseFS(embedded, files...)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		return t, nil
	}
	for _, f := range files {
		name := path.Base(f)
		if strings.HasPrefix(name, "_") {
			continue
		}
		need := map[string]bool{}
		var walk func(file string)
		walk = func(file string) {
			for _, ref := range refs[file] {
				for _, p := range definedIn[ref] {
					if !need[p] {
						need[p] = true
						walk(p)
					}
				}
			}
		}
		walk(f)
		var set []string
		for _, p := range partials { // the order all partials were parsed in before
			if need[p] {
				set = append(set, p)
			}
		}
		t, err := parse(name, append(set, f))
		if err != nil {
			return err
		}
		s.pages[name] = t
	}
	if len(partials) > 0 {
		if s.partials, err = parse("partials", partials); err != nil {
			return err
		}
	}
	return nil
}
