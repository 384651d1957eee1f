package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/bakenhq/baken/internal/demo"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/web"
)

// browser is a cookie-keeping client that knows the page's CSRF token.
type browser struct {
	t    *testing.T
	c    *http.Client
	base string
	csrf string
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func newBrowser(t *testing.T, srv *httptest.Server) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: srv.URL, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	res, err := b.c.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if m := csrfRe.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return res.StatusCode, string(body)
}

func (b *browser) post(path string, form url.Values) (int, string) {
	b.t.Helper()
	if form.Get("csrf") == "" {
		form.Set("csrf", b.csrf)
	}
	res, err := b.c.PostForm(b.base+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

func (b *browser) signIn(login, secret string) {
	b.t.Helper()
	b.get("/signin")
	if code, body := b.post("/signin", url.Values{"login": {login}, "secret": {secret}}); code != http.StatusSeeOther {
		b.t.Fatalf("sign-in as %s: %d %s", login, code, body)
	}
}

func demoServer(t *testing.T, db *store.DB) *httptest.Server {
	if _, err := demo.SeedOnce(context.Background(), db, nil); err != nil {
		t.Fatal(err)
	}
	s, err := web.New(web.Options{DB: db})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv
}

func TestPlatformOperator(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := demoServer(t, db)
		// An L&D coordinator is not a platform operator.
		hr := newBrowser(t, srv)
		hr.signIn("marloes.bakker@hofman.example", demo.Password)
		if code, _ := hr.get("/platform"); code != http.StatusForbidden {
			t.Fatalf("L&D coordinator opens /platform: %d", code)
		}
		if code, _ := hr.post("/platform/organisations", url.Values{"org_name": {"X"}, "slug": {"xxx"}, "kind": {"company"}, "name": {"X"}, "email": {"x@x.example"}, "password": {"a-long-password"}}); code != http.StatusForbidden {
			t.Fatalf("L&D coordinator creates an organisation: %d", code)
		}
		op := newBrowser(t, srv)
		op.signIn("anna.visser@hofman.example", demo.Password)
		if code, body := op.get("/platform"); code != 200 || !strings.Contains(body, "ttu-et") {
			t.Fatalf("platform page: %d", code)
		}
		// A bad slug is refused and nothing is created.
		if code, body := op.post("/platform/organisations", url.Values{"org_name": {"Van Dijk Plaatwerk"}, "slug": {"Bad Slug!"}, "kind": {"company"}, "name": {"Kees van Dijk"}, "email": {"kees@vandijk.example"}, "password": {"a-long-password"}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, "field-error") {
			t.Fatalf("bad slug: %d", code)
		}
		if _, err := db.OrganisationBySlug(context.Background(), "bad-slug"); err == nil {
			t.Fatal("an organisation was created despite the error")
		}
		op.get("/platform")
		if code, body := op.post("/platform/organisations", url.Values{"org_name": {"Van Dijk Plaatwerk"}, "slug": {"vandijk"}, "kind": {"company"}, "default_lang": {"nl"}, "name": {"Kees van Dijk"}, "email": {"kees@vandijk.example"}, "password": {"a-long-password"}}); code != http.StatusSeeOther {
			t.Fatalf("create organisation: %d %s", code, body)
		}
		// The new admin signs in and sees an empty organisation, not Hofman's people.
		kees := newBrowser(t, srv)
		kees.signIn("kees@vandijk.example", "a-long-password")
		if _, body := kees.get("/people"); strings.Contains(body, "Henk Smit") || !strings.Contains(body, "Kees van Dijk") {
			t.Fatal("the new organisation's directory shows the wrong people")
		}
		vd, _ := db.OrganisationBySlug(context.Background(), "vandijk")
		ttu, _ := db.OrganisationBySlug(context.Background(), "ttu-et")
		op.get("/platform")
		if code, _ := op.post("/platform/partnerships", url.Values{"org": {vd.ID}, "partner": {ttu.ID}}); code != http.StatusSeeOther {
			t.Fatalf("partnership: %d", code)
		}
		if ps, _ := db.Partners(context.Background(), vd.ID); len(ps) != 1 || ps[0].ID != ttu.ID {
			t.Fatalf("partners of the new organisation: %v", ps)
		}
		op.get("/platform")
		if code, _ := op.post("/platform/partnerships", url.Values{"org": {vd.ID}, "partner": {vd.ID}}); code != http.StatusUnprocessableEntity {
			t.Fatalf("self-partnership: %d", code)
		}
	})
}
