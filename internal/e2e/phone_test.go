package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/app/apptest"
	"github.com/bakenhq/baken/internal/demo"
	"github.com/bakenhq/baken/internal/store"
)

// TestEveryPageFitsAPhone signs in as every demo account in its own tab on
// a 360-px screen and opens every page reachable in two clicks from its
// home page (one per kind of page), in the account's language; the
// organisation admin and the coordinator also in the other language. Every
// page must answer without an error, fit the screen without sideways
// scrolling, and show no untranslated catalogue key or broken format verb.
// Pages other areas add are covered as soon as they are linked.
//
// The layout does not depend on the database, so this runs on SQLite only.
func TestEveryPageFitsAPhone(t *testing.T) {
	s := apptest.Start(t, apptest.Options{Engine: store.SQLite, Demo: true})
	browser := apptest.Browser(t, phoneWidth, phoneHeight, 8*time.Minute)
	keys := catalogueKeyPattern(t)
	// A kind of page looks the same whoever opens it: check each kind once
	// per language, by the first account that reaches it.
	checked := map[string]bool{}

	for _, l := range demo.Logins {
		t.Run(strings.Fields(l.Name)[0]+"_"+strings.Fields(l.Name)[len(strings.Fields(l.Name))-1], func(t *testing.T) {
			ctx := apptest.NewTab(t, browser, phoneWidth, phoneHeight)
			apptest.Open(t, ctx, s.URL+"/signin")
			apptest.Fill(t, ctx, "#login", l.Login)
			apptest.Fill(t, ctx, "#secret", l.Secret)
			apptest.ClickAndLoad(t, ctx, `form[action="/signin"] button[type=submit]`)
			if p := apptest.Eval[string](t, ctx, `location.pathname`); p != "/" {
				t.Fatalf("%s (%s) did not get past sign-in: on %s\n%s", l.Name, l.Role, p, apptest.Text(t, ctx, "main"))
			}
			pages := crawl(t, ctx, s.URL, 60)
			check := func(lang string) {
				for _, p := range pages {
					if k := lang + " " + pageKind(p); checked[k] {
						continue
					} else {
						checked[k] = true
					}
					status, mime := apptest.OpenStatus(t, ctx, s.URL+p)
					if mime != "text/html" {
						continue // a JSON feed or the like, linked for scripts
					}
					if status >= 400 {
						t.Errorf("%s opens %s: status %d\n%s", l.Name, p, status, apptest.Text(t, ctx, "main"))
						continue
					}
					what := lang + " " + p
					apptest.NoHorizontalScroll(t, ctx, what)
					text := apptest.Eval[string](t, ctx, `document.body.innerText`)
					if m := keys.FindAllString(text, -1); len(m) > 0 {
						t.Errorf("%s: untranslated catalogue keys on screen: %v", what, m)
					}
					if strings.Contains(text, "%!") {
						t.Errorf("%s: a broken format verb on screen: %q", what, text[max(0, strings.Index(text, "%!")-40):min(len(text), strings.Index(text, "%!")+40)])
					}
					if got := apptest.Eval[string](t, ctx, `document.documentElement.lang`); got != lang {
						t.Errorf("%s: html lang is %q", what, got)
					}
					apptest.Screenshot(t, ctx, lang+strings.ReplaceAll(p, "/", "_"))
				}
			}
			apptest.Open(t, ctx, s.URL+"/")
			lang := apptest.Eval[string](t, ctx, `document.documentElement.lang`)
			check(lang)
			if l.Login == admin || l.Login == coordinator {
				apptest.Open(t, ctx, s.URL+"/")
				apptest.ClickAndLoad(t, ctx, `form[action="/lang"] button`)
				other := map[string]string{"nl": "en", "en": "nl"}[lang]
				check(other)
			}
			t.Logf("%s: %d pages", l.Name, len(pages))
		})
	}
}

var idRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// crawl collects the same-site pages linked from the home page and from
// those pages, one of each kind (ids replaced), at most limit.
func crawl(t *testing.T, ctx context.Context, base string, limit int) []string {
	t.Helper()
	seen := map[string]bool{}
	var pages []string
	add := func(href string) {
		kind := pageKind(href)
		if seen[kind] || len(pages) >= limit {
			return
		}
		seen[kind] = true
		pages = append(pages, href)
	}
	links := func() []string {
		// Same-site GET links only; downloads and sign-out are not pages.
		return apptest.Eval[[]string](t, ctx, `[...document.querySelectorAll("a[href]")]
			.filter(a => a.origin === location.origin && !a.hasAttribute("download") && !a.pathname.startsWith("/static/") && !a.pathname.startsWith("/api/")
				&& !/\.(csv|xlsx|json|pdf|png|jpe?g|svg|zip|ics|xml|txt)$/i.test(a.pathname))
			.map(a => a.pathname + a.search)`)
	}
	add("/")
	for _, h := range links() {
		add(h)
	}
	first := append([]string(nil), pages...)
	for _, p := range first[1:] {
		apptest.Open(t, ctx, base+p)
		for _, h := range links() {
			add(h)
		}
	}
	sort.Strings(pages[1:])
	return pages
}

// catalogueKeyPattern matches text that looks like a catalogue key of this
// project (prefix.rest with a prefix the catalogues use), which is what
// i18n.T shows for a key that is missing from both languages.
func catalogueKeyPattern(t *testing.T) *regexp.Regexp {
	t.Helper()
	files, _ := filepath.Glob("../i18n/locales/*/*.json")
	if len(files) == 0 {
		t.Fatal("no catalogues under ../i18n/locales")
	}
	prefixes := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for k := range m {
			if i := strings.Index(k, "."); i > 0 {
				prefixes[regexp.QuoteMeta(k[:i])] = true
			}
		}
	}
	var ps []string
	for p := range prefixes {
		ps = append(ps, p)
	}
	sort.Strings(ps)
	return regexp.MustCompile(`\b(?:` + strings.Join(ps, "|") + `)\.[a-z0-9_]+(?:\.[a-z0-9_]+)*\b`)
}

// pageKind is a page's path with ids replaced: /people/{id}.
func pageKind(href string) string {
	return idRE.ReplaceAllString(strings.SplitN(href, "?", 2)[0], "{id}")
}
