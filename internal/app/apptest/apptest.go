// Package apptest starts the real Baken application for end-to-end tests:
// app.New on a fresh SQLite file or PostgreSQL schema, listening on a free
// port of 127.0.0.1, with an HTTP client that keeps cookies and CSRF tokens
// the way a browser does, and a headless Chromium for journeys (browser.go).
//
// Tests call Each to run once per engine; PostgreSQL runs when
// BAKEN_TEST_DATABASE_URL is set, and its absence fails the test under
// BAKEN_TEST_STRICT=1 (see storetest).
package apptest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/app"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
)

// Options choose what Start builds.
type Options struct {
	Engine store.Engine
	// Demo seeds the demo company (Hofman Metaaltechniek) and its partner.
	Demo bool
}

// Server is a running Baken on a fresh database.
type Server struct {
	App    *app.App
	URL    string // http://127.0.0.1:PORT
	Engine store.Engine
}

// Each runs fn once per engine in a subtest named after it, each with its
// own freshly started app.
func Each(t *testing.T, demo bool, fn func(t *testing.T, s *Server)) {
	t.Helper()
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			fn(t, Start(t, Options{Engine: e, Demo: demo}))
		})
	}
}

// Start builds the app with app.New exactly as cmd/baken does, listens on
// 127.0.0.1:0 and serves in the background until the test ends. Warnings
// and errors the app logs go to the test log.
func Start(t testing.TB, opt Options) *Server {
	t.Helper()
	if opt.Engine == "" {
		opt.Engine = store.SQLite
	}
	var so store.Options
	copied := false
	if opt.Demo && (opt.Engine == store.SQLite || os.Getenv("BAKEN_TEST_DATABASE_URL") != "") {
		so, copied = demoCopy(t, opt.Engine)
	}
	if !copied {
		so = storetest.Options(t, opt.Engine)
	}
	ctx := context.Background()
	logs := &testHandler{t: t, level: slog.LevelWarn, done: new(atomic.Bool)}
	a, err := app.New(ctx, app.Config{
		Addr:        "127.0.0.1:0",
		SQLitePath:  so.SQLitePath,
		DatabaseURL: so.DatabaseURL,
		Demo:        opt.Demo,
		Logger:      slog.New(logs),
	})
	if err != nil {
		t.Fatalf("apptest: app.New on %s: %v", opt.Engine, err)
	}
	if err := a.Listen(); err != nil {
		a.Close()
		t.Fatalf("apptest: listen: %v", err)
	}
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.Serve(sctx) }()
	t.Cleanup(func() {
		stop()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("apptest: serve: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Errorf("apptest: server did not shut down within 15 s")
		}
		// Work a handler left running in the background may still fail
		// on the closed database; that is not the test's business.
		logs.done.Store(true)
		a.Close()
	})
	return &Server{App: a, URL: "http://" + a.Addr(), Engine: opt.Engine}
}

// Client is an HTTP client for one user: it keeps cookies, does not follow
// redirects (so tests see the 303s) and remembers the CSRF token of the
// last page it read.
type Client struct {
	t    testing.TB
	s    *Server
	http *http.Client
	CSRF string
}

// Client returns a new, signed-out client of s.
func (s *Server) Client(t testing.TB) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{t: t, s: s, http: &http.Client{
		Jar:     jar,
		Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
}

// Response is a read response.
type Response struct {
	Status   int
	Body     string
	Location string
	Header   http.Header
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// Do sends a request and reads the whole response; a transport error fails
// the test.
func (c *Client) Do(req *http.Request) *Response {
	c.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatalf("%s %s: read body: %v", req.Method, req.URL.Path, err)
	}
	if m := csrfRE.FindStringSubmatch(string(b)); m != nil {
		c.CSRF = m[1]
	}
	return &Response{Status: res.StatusCode, Body: string(b), Location: res.Header.Get("Location"), Header: res.Header}
}

// Get fetches a path.
func (c *Client) Get(path string) *Response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.s.URL+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.Do(req)
}

// Post submits a form with the client's CSRF token (fetching one from
// /signin or / first if it has none) unless form already has a csrf field.
func (c *Client) Post(path string, form url.Values) *Response {
	c.t.Helper()
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	form = f
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", c.token())
	}
	req, err := http.NewRequest(http.MethodPost, c.s.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.Do(req)
}

// PostBody posts a raw body with a content type (multipart uploads).
func (c *Client) PostBody(path, contentType string, body io.Reader) *Response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.s.URL+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	return c.Do(req)
}

func (c *Client) token() string {
	c.t.Helper()
	if c.CSRF == "" {
		c.Get("/about")
	}
	if c.CSRF == "" {
		c.t.Fatalf("apptest: no CSRF token on /about")
	}
	return c.CSRF
}

// SignIn signs in with an email and password or an employee number and
// PIN, and fails the test unless the app redirects away from sign-in.
func (c *Client) SignIn(login, secret string) {
	c.t.Helper()
	c.Get("/signin")
	res := c.Post("/signin", url.Values{"login": {login}, "secret": {secret}})
	if res.Status != http.StatusSeeOther {
		c.t.Fatalf("sign in as %s: status %d, want 303\n%s", login, res.Status, Excerpt(res.Body))
	}
	// The session has its own CSRF token: pick it up.
	c.CSRF = ""
	c.Get("/")
	if c.CSRF == "" {
		c.t.Fatalf("sign in as %s: no CSRF token on the home page", login)
	}
}

var mainRE = regexp.MustCompile(`(?s)<main[^>]*>(.*)</main>`)
var tagRE = regexp.MustCompile(`<[^>]+>`)
var spaceRE = regexp.MustCompile(`\s+`)

// Excerpt returns the visible text of a page's main element, shortened, for
// failure messages.
func Excerpt(body string) string {
	if m := mainRE.FindStringSubmatch(body); m != nil {
		body = m[1]
	}
	s := strings.TrimSpace(spaceRE.ReplaceAllString(tagRE.ReplaceAllString(body, " "), " "))
	if len(s) > 600 {
		s = s[:600] + "…"
	}
	return s
}

// testHandler sends log records at or above level to the test log while
// the test runs, and drops them afterwards (a late log would panic).
type testHandler struct {
	t     testing.TB
	level slog.Level
	attrs []slog.Attr
	done  *atomic.Bool
}

func (h *testHandler) Enabled(_ context.Context, l slog.Level) bool {
	return l >= h.level && !h.done.Load()
}

func (h *testHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Level.String() + " " + r.Message)
	for _, a := range h.attrs {
		b.WriteString(" " + a.String())
	}
	r.Attrs(func(a slog.Attr) bool {
		b.WriteString(" " + a.String())
		return true
	})
	defer func() { _ = recover() }() // the test may have ended
	h.t.Log(b.String())
	return nil
}

func (h *testHandler) WithAttrs(as []slog.Attr) slog.Handler {
	h2 := *h
	h2.attrs = append(append([]slog.Attr{}, h.attrs...), as...)
	return &h2
}

func (h *testHandler) WithGroup(string) slog.Handler { return h }

// Cookies returns the client's cookies for u.
func (c *Client) Cookies(u *url.URL) []*http.Cookie { return c.http.Jar.Cookies(u) }

// SetCookies sets cookies for u, e.g. to replay a stolen session cookie.
func (c *Client) SetCookies(u *url.URL, cs []*http.Cookie) { c.http.Jar.SetCookies(u, cs) }
