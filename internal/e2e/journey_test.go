// Package e2e tests Baken as its users meet it: the real application on
// both database engines, driven over HTTP and, for journeys, in headless
// Chromium on a phone-sized screen.
package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/bakenhq/baken/internal/app/apptest"
	"github.com/bakenhq/baken/internal/demo"
	"github.com/bakenhq/baken/internal/i18n"
)

const (
	phoneWidth  = 360
	phoneHeight = 740
	coordinator = "marloes.bakker@hofman.example"
)

// TestImportJourney is issue 2's browser journey: on a 360-px phone the
// demo L&D coordinator signs in, switches to Dutch and back, imports a
// people file with one bad row, sees what is wrong with it, fixes the file,
// commits, and finds the new colleague in the directory. No page she sees
// may scroll sideways.
func TestImportJourney(t *testing.T) {
	apptest.Each(t, true, func(t *testing.T, s *apptest.Server) {
		ctx := apptest.Browser(t, phoneWidth, phoneHeight, 3*time.Minute)
		narrow := func(what string) {
			t.Helper()
			apptest.NoHorizontalScroll(t, ctx, what)
			apptest.Screenshot(t, ctx, what)
		}

		// Sign in.
		apptest.Open(t, ctx, s.URL+"/")
		if got := apptest.Eval[string](t, ctx, `location.pathname`); got != "/signin" {
			t.Fatalf("a signed-out visitor of / lands on %s, want /signin", got)
		}
		narrow("signin")
		apptest.Fill(t, ctx, "#login", coordinator)
		apptest.Fill(t, ctx, "#secret", demo.Password)
		apptest.ClickAndLoad(t, ctx, `form[action="/signin"] button[type=submit]`)
		if got := apptest.Eval[string](t, ctx, `location.pathname`); got != "/" {
			t.Fatalf("after signing in the coordinator is on %s, want the home page\n%s", got, apptest.Text(t, ctx, "main"))
		}
		if got := apptest.Text(t, ctx, "header .tools a[href='/account']"); got != "Marloes Bakker" {
			t.Errorf("header shows %q, want the signed-in name", got)
		}
		narrow("home")
		if apptest.Eval[bool](t, ctx, `document.querySelector("header details.menu").open`) {
			t.Error("on a phone the main navigation starts unfolded")
		}
		if h := apptest.Eval[int](t, ctx, `document.querySelector("header.top").getBoundingClientRect().height`); h > 240 {
			t.Errorf("the header is %d px tall on a 740 px phone screen", h)
		}

		// Dutch and back: the page language, the navigation and the
		// greeting change. Marloes's own language in the demo is Dutch, so
		// she first switches to English to have something to switch from.
		peopleLink := `nav a[href="/people"]`
		switchLang := `form[action="/lang"] button`
		// On a phone the navigation is folded into a menu.
		openMenu := func() {
			t.Helper()
			if !apptest.Eval[bool](t, ctx, `document.querySelector("header details.menu").open`) {
				if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("header details.menu > summary"), chromedp.NodeVisible)); err != nil {
					t.Fatalf("open the menu: %v", err)
				}
			}
		}
		checkLang := func(lang string) {
			t.Helper()
			openMenu()
			if got := apptest.Eval[string](t, ctx, `document.documentElement.lang`); got != lang {
				t.Errorf("html lang is %q, want %q", got, lang)
			}
			if got, want := apptest.Text(t, ctx, peopleLink), i18n.T(lang, "nav.people"); got != want {
				t.Errorf("in %s the people link reads %q, want %q", lang, got, want)
			}
			if got, want := apptest.Text(t, ctx, "main h1"), i18n.T(lang, "home.hello", "Marloes Bakker"); got != want {
				t.Errorf("in %s the home heading reads %q, want %q", lang, got, want)
			}
		}
		if i18n.T("en", "nav.people") == i18n.T("nl", "nav.people") {
			t.Fatal("nav.people is the same in both languages: the switch cannot be seen")
		}
		if apptest.Eval[string](t, ctx, `document.documentElement.lang`) == "nl" {
			checkLang("nl")
			apptest.ClickAndLoad(t, ctx, switchLang)
		}
		checkLang("en")
		apptest.ClickAndLoad(t, ctx, switchLang)
		checkLang("nl")
		narrow("home-nl")
		apptest.ClickAndLoad(t, ctx, switchLang)
		checkLang("en")

		// To the import page through the directory, as she would go.
		openMenu()
		apptest.ClickAndLoad(t, ctx, peopleLink)
		narrow("people")
		apptest.ClickAndLoad(t, ctx, `main a[href="/admin/import"]`)
		narrow("import")

		dir := t.TempDir()
		bad := filepath.Join(dir, "nieuwe-collegas.csv")
		good := filepath.Join(dir, "nieuwe-collegas-verbeterd.csv")
		header := "name,employee_number,email,job_title,team,site,start_date,language\n"
		writeFile(t, bad, header+
			"Sanne Jansen,7001,,CNC-operator,CNC-verspanen,Hengelo,2026-01-05,nl\n"+
			"Daan Kuipers,7002,,Lasser MIG/MAG,Lasserij,Hengelo,2026-01-05,nl\n")
		writeFile(t, good, header+
			"Sanne Jansen,7001,,CNC-operator,CNC-verspanen,Hengelo,2026-01-05,nl\n"+
			"Daan Kuipers,7002,,Lasser MIG/MAG,Lassen,Hengelo,2026-01-05,nl\n")

		apptest.Upload(t, ctx, "#file", bad)
		apptest.ClickAndLoad(t, ctx, `form[action="/admin/import"] button[type=submit]`)
		narrow("import-preview-bad")
		if got := apptest.Eval[int](t, ctx, `document.querySelectorAll("tr.bad").length`); got != 1 {
			t.Fatalf("the preview marks %d rows as bad, want 1\n%s", got, apptest.Text(t, ctx, "main"))
		}
		badRow := apptest.Text(t, ctx, "tr.bad")
		if !strings.Contains(badRow, "Daan Kuipers") || !strings.Contains(badRow, "Lasserij") {
			t.Errorf("the bad row reads %q; want Daan Kuipers with the unknown team Lasserij named", badRow)
		}
		// The reason must be on screen, not in a column scrolled out of
		// sight on the phone.
		if !apptest.Eval[bool](t, ctx, `(() => { const c = document.querySelector("tr.bad td:last-child"), r = c.getBoundingClientRect();
			return c.textContent.includes("Lasserij") && r.left >= 0 && r.right <= window.innerWidth + 0.5; })()`) {
			t.Error("the problem of the bad row is not visible on a 360-px screen without scrolling sideways")
		}
		if alert := apptest.Text(t, ctx, "main .error[role=alert]"); alert == "" {
			t.Error("no alert says that the file has problems")
		}
		if n := apptest.Eval[int](t, ctx, `document.querySelectorAll('form[action="/admin/import/commit"]').length`); n != 0 {
			t.Error("a file with a bad row can be committed")
		}

		// She fixes the file and uploads it again.
		apptest.Upload(t, ctx, "#file", good)
		apptest.ClickAndLoad(t, ctx, `form[action="/admin/import"] button[type=submit]`)
		narrow("import-preview-good")
		if got := apptest.Eval[int](t, ctx, `document.querySelectorAll("tr.bad").length`); got != 0 {
			t.Fatalf("the fixed file still has %d bad rows\n%s", got, apptest.Text(t, ctx, "main"))
		}
		apptest.ClickAndLoad(t, ctx, `form[action="/admin/import/commit"] button[type=submit]`)
		narrow("import-done")
		if got, want := apptest.Text(t, ctx, "main .flash"), i18n.T("en", "import.done", 2); got != want {
			t.Errorf("after committing the page says %q, want %q", got, want)
		}

		// The directory finds the new colleague.
		openMenu()
		apptest.ClickAndLoad(t, ctx, peopleLink)
		apptest.Fill(t, ctx, "#q", "Daan Kuipers")
		apptest.ClickAndLoad(t, ctx, `form.filters button[type=submit]`)
		narrow("people-search")
		if got := apptest.Eval[int](t, ctx, `document.querySelectorAll("ul.people li").length`); got != 1 {
			t.Fatalf("searching for Daan Kuipers lists %d people, want 1\n%s", got, apptest.Text(t, ctx, "main"))
		}
		apptest.ClickAndLoad(t, ctx, `ul.people li a`)
		narrow("person")
		if got := apptest.Text(t, ctx, "main h1"); got != "Daan Kuipers" {
			t.Errorf("the person page is headed %q, want Daan Kuipers", got)
		}
		if body := apptest.Text(t, ctx, "main"); !strings.Contains(body, "Lassen") || !strings.Contains(body, "7002") {
			t.Errorf("the person page does not show the team and employee number from the file:\n%s", body)
		}
	})
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
