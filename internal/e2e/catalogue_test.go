package e2e

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/bakenhq/baken/internal/app/apptest"
	"github.com/bakenhq/baken/internal/catalogue"
	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/demo"
	"github.com/bakenhq/baken/internal/store"
)

// maxFirstVisit is issue 5's page budget: what a phone transfers on a
// first visit of a place or instruction page, media excluded.
const maxFirstVisit = 50 << 10

// pageWeight sums what the page and its resources (photos and videos
// excluded) weigh as transferred, counting cached resources by their size
// as if this were the first visit, plus the service worker script the page
// registers. Headers are estimated at 400 bytes a response.
const pageWeight = `(() => {
	const n = performance.getEntriesByType('navigation')[0];
	let total = n.encodedBodySize + 400;
	for (const r of performance.getEntriesByType('resource')) {
		if (r.name.includes('/media/') || r.name.endsWith('/sw.js')) continue;
		total += (r.encodedBodySize || r.transferSize) + 400;
	}
	if (navigator.serviceWorker && navigator.serviceWorker.controller || document.querySelector('script[src*="catalogue.js"]')) {
		const x = new XMLHttpRequest();
		x.open('GET', '/sw.js', false);
		x.send();
		total += x.responseText.length + 400;
	}
	return total;
})()`

// smallTargets lists the tappable controls of a place or instruction page
// smaller than 48 px, for gloved hands.
const smallTargets = `[...document.querySelectorAll('.jit a.button, .jit button, .big-links a, .helpers a, .crumb a')]
	.filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.height < 47.5 || r.width < 47.5); })
	.map(e => e.tagName + ' ' + (e.textContent || '').trim().slice(0, 30) + ' ' + Math.round(e.getBoundingClientRect().height))`

func signInTab(t *testing.T, ctx context.Context, url, login, secret string) {
	t.Helper()
	apptest.Open(t, ctx, url)
	apptest.Fill(t, ctx, "#login", login)
	apptest.Fill(t, ctx, "#secret", secret)
	apptest.ClickAndLoad(t, ctx, `form[action="/signin"] button[type=submit]`)
}

// typeIn types into an empty field (apptest.Fill clears first, which an
// empty textarea does not allow).
func typeIn(t *testing.T, ctx context.Context, sel, value string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(sel), value)); err != nil {
		t.Fatalf("type into %s: %v", sel, err)
	}
}

func waitFor(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr)); err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s: %s never became true", what, expr)
}

// goOffline switches the network off for the tab and for the service
// worker of its browser context (the worker is a target of its own, and
// emulation on the page does not reach its fetches).
func goOffline(t *testing.T, tab context.Context) { t.Helper(); setOffline(t, tab, true) }

// goOnline switches the network back on.
func goOnline(t *testing.T, tab context.Context) { t.Helper(); setOffline(t, tab, false) }

// workerSessions holds, per tab, the DevTools session attached to its
// service worker.
var workerSessions sync.Map

func setOffline(t *testing.T, tab context.Context, offline bool) {
	t.Helper()
	rule := network.EmulateNetworkConditionsByRuleParams{
		EmulateOfflineServiceWorker: &offline,
		MatchedNetworkConditions:    []*network.Conditions{{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1}},
	}
	// Emulation belongs to the DevTools session that set it, so switching
	// back on must go through the same session to the worker.
	sw, ok := workerSessions.Load(tab)
	if !ok {
		sw, _ = workerSessions.LoadOrStore(tab, serviceWorkerOf(t, tab))
	}
	for _, ctx := range []context.Context{tab, sw.(context.Context)} {
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			t.Fatalf("network enable: %v", err)
		}
		if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, rule); err != nil {
			t.Fatalf("offline: %v", err)
		}
	}
}

// serviceWorkerOf attaches to the service worker that controls the tab.
func serviceWorkerOf(t *testing.T, tab context.Context) context.Context {
	t.Helper()
	bc := chromedp.FromContext(tab).BrowserContextID
	targets, err := chromedp.Targets(tab)
	if err != nil {
		t.Fatal(err)
	}
	for _, ti := range targets {
		if ti.Type == "service_worker" && strings.HasSuffix(ti.URL, "/sw.js") && (bc == "" || ti.BrowserContextID == bc) {
			ctx, cancel := chromedp.NewContext(tab, chromedp.WithTargetID(ti.TargetID))
			t.Cleanup(cancel)
			return ctx
		}
	}
	t.Fatal("no service worker controls the tab")
	return nil
}

// TestPlaceJourney is issue 5's browser journey on a 360-px phone: an
// expert writes an instruction with a photo from the phone and binds it to
// the press brake; a second expert publishes it; the expert prints the QR
// label sheet; an operator opens the place by its QR URL, follows the
// instruction and marks it done; the pending evidence is there for the
// team lead to validate; the pages stay under 50 KB; and with the network
// switched off the place and the instruction open again from the service
// worker, and "done" tapped offline waits on the phone until the network
// is back, then counts once.
func TestPlaceJourney(t *testing.T) {
	apptest.Each(t, true, func(t *testing.T, s *apptest.Server) {
		bctx := apptest.Browser(t, phoneWidth, phoneHeight, 8*time.Minute)
		db := s.App.DB
		bg := context.Background()
		hofman, err := db.OrganisationBySlug(bg, "hofman")
		if err != nil {
			t.Fatal(err)
		}
		place, err := db.PlaceByCode(bg, hofman.ID, "HGL-KANT-01")
		if err != nil || len(place.Competences) == 0 {
			t.Fatalf("demo place: %v", err)
		}
		skill := place.Competences[0].CompetenceID
		narrow := func(ctx context.Context, what string) {
			t.Helper()
			apptest.NoHorizontalScroll(t, ctx, what)
			apptest.Screenshot(t, ctx, "place-journey-"+what)
		}

		// A photo as a phone camera makes it.
		photo := filepath.Join(t.TempDir(), "matrijs.jpg")
		img := image.NewRGBA(image.Rect(0, 0, 800, 600))
		for y := 0; y < 600; y++ {
			for x := 0; x < 800; x++ {
				img.Set(x, y, color.RGBA{uint8(x / 4), uint8(y / 3), 120, 255})
			}
		}
		var jb bytes.Buffer
		if err := jpeg.Encode(&jb, img, &jpeg.Options{Quality: 80}); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(photo, jb.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}

		// 1. Ruud, expert, writes the instruction from the place page.
		ruud := apptest.NewTab(t, bctx, phoneWidth, phoneHeight)
		signInTab(t, ruud, s.URL+"/signin", "ruud.mulder@hofman.example", demo.Password)
		apptest.Open(t, ruud, s.URL+"/p/HGL-KANT-01")
		narrow(ruud, "place-before")
		apptest.ClickAndLoad(t, ruud, `a[href="/learn/new?place=`+place.ID+`"]`)
		narrow(ruud, "editor")
		if !apptest.Eval[bool](t, ruud, `(() => { const f = document.querySelector('#step_file_0'); return f.accept === 'image/*' && f.getAttribute('capture') === 'environment'; })()`) {
			t.Error("the photo input does not open the phone's camera")
		}
		if !apptest.Eval[bool](t, ruud, `document.querySelector('input[name=place][value="`+place.ID+`"]').checked`) {
			t.Error("the place the expert came from is not ticked")
		}
		apptest.Fill(t, ruud, "#title_nl", "Kantbank: ondergereedschap wisselen")
		apptest.Fill(t, ruud, "#title_en", "Press brake: changing the die")
		typeIn(t, ruud, "#safety_nl", "Bovenbalk in de onderste stand")
		typeIn(t, ruud, "#safety_en", "Ram in its lowest position")
		typeIn(t, ruud, "#step_text_nl_0", "Ontgrendel de matrijsklemming met de **voetpedaal**.")
		typeIn(t, ruud, "#step_text_en_0", "Release the die clamping with the **foot pedal**.")
		typeIn(t, ruud, "#step_text_nl_1", "Schuif de nieuwe matrijs in tot de aanslag.")
		apptest.Upload(t, ruud, "#step_file_0", photo)
		if err := chromedp.Do(ruud, chromedp.SetValue(chromedp.CSS("#outcome_competence_0"), skill), chromedp.SetValue(chromedp.CSS("#outcome_level_0"), "2")); err != nil {
			t.Fatal(err)
		}
		apptest.ClickAndLoad(t, ruud, "#save-submit")
		path := apptest.Eval[string](t, ruud, `location.pathname`)
		if !strings.HasPrefix(path, "/learn/") || len(path) != len("/learn/")+36 {
			t.Fatalf("after saving the expert is on %s\n%s", path, apptest.Text(t, ruud, "main"))
		}
		itemID := strings.TrimPrefix(path, "/learn/")
		narrow(ruud, "submitted")
		if n := apptest.Eval[int](t, ruud, `document.querySelectorAll('.steps img').length`); n != 1 {
			t.Errorf("the instruction shows %d photos, want 1", n)
		}
		if apptest.Eval[int](t, ruud, `document.querySelectorAll('button[value=publish]').length`) != 0 {
			t.Error("the author is offered to publish their own instruction")
		}

		// 2. Bart, another expert, reviews and publishes it.
		bart := apptest.NewTab(t, bctx, phoneWidth, phoneHeight)
		signInTab(t, bart, s.URL+"/signin", "bart.meijer@hofman.example", demo.Password)
		apptest.Open(t, bart, s.URL+"/learn/"+itemID)
		apptest.ClickAndLoad(t, bart, `button[value=publish]`)
		if got := apptest.Text(t, bart, "main .flash"); got == "" {
			t.Error("no confirmation after publishing")
		}

		// 3. Ruud prints the QR label sheet of the site.
		apptest.Open(t, ruud, s.URL+"/places/labels?site="+place.SiteID)
		narrow(ruud, "labels")
		qrURL := apptest.Eval[string](t, ruud, `(() => { const l = [...document.querySelectorAll('.label')].find(l => l.querySelector('.code').textContent.trim() === 'HGL-KANT-01');
			return l && l.querySelector('svg path') && l.textContent.includes('Kantbank Trumpf TruBend 5130') && l.textContent.includes('press brake') ? l.querySelector('.url').textContent.trim() : ''; })()`)
		if qrURL != s.URL+"/p/HGL-KANT-01" {
			t.Fatalf("the label of HGL-KANT-01 carries %q, want its place URL with a QR code and both names", qrURL)
		}
		if _, err := chromedp.Call(ruud, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
			t.Fatal(err)
		}
		// Printed: no header, two labels a row, 8 on an A4 sheet (74.25 mm
		// high each, 96 px an inch).
		if !apptest.Eval[bool](t, ruud, `(() => { const l = document.querySelectorAll('.label'), r0 = l[0].getBoundingClientRect(), r1 = l[1].getBoundingClientRect();
			return getComputedStyle(document.querySelector('header.top')).display === 'none' && Math.abs(r0.height - 74.25 / 25.4 * 96) < 2 && Math.abs(r0.top - r1.top) < 1; })()`) {
			t.Error("the printed sheet does not have two 105×74 mm labels a row without the page header")
		}
		if _, err := chromedp.Call(ruud, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
			t.Fatal(err)
		}

		// 4. Jan, operator, scans the label: signed out, he signs in with
		// his number and PIN and lands on the place.
		jan := apptest.NewTab(t, bctx, phoneWidth, phoneHeight)
		apptest.Open(t, jan, qrURL)
		if p := apptest.Eval[string](t, jan, `location.pathname`); p != "/signin" {
			t.Fatalf("a signed-out scan lands on %s, want sign-in", p)
		}
		apptest.Fill(t, jan, "#login", "1001")
		apptest.Fill(t, jan, "#secret", "1234")
		apptest.ClickAndLoad(t, jan, `form[action="/signin"] button[type=submit]`)
		if p := apptest.Eval[string](t, jan, `location.pathname`); p != "/p/HGL-KANT-01" {
			t.Fatalf("after signing in from the QR code Jan is on %s", p)
		}
		// Measure a true first visit of the place page: reload with the
		// browser cache bypassed.
		apptest.Open(t, jan, qrURL)
		narrow(jan, "place")
		waitFor(t, jan, "place page kept for offline use", `document.documentElement.dataset.offline === 'ready'`)
		w := apptest.Eval[int](t, jan, pageWeight)
		t.Logf("place page, first visit without media: %d bytes", w)
		if w > maxFirstVisit {
			t.Errorf("the place page weighs %d bytes on a first visit, want < %d", w, maxFirstVisit)
		}
		if small := apptest.Eval[[]string](t, jan, smallTargets); len(small) > 0 {
			t.Errorf("touch targets under 48 px on the place page: %v", small)
		}
		apptest.ClickAndLoad(t, jan, `.big-links a[href^="/learn/`+itemID+`"]`)
		narrow(jan, "instruction")
		waitFor(t, jan, "photo shown", `(() => { const i = document.querySelector('.steps img'); i.loading = 'eager'; return i.complete && i.naturalWidth === 800; })()`)
		waitFor(t, jan, "instruction kept for offline use", `document.documentElement.dataset.offline === 'ready'`)
		w = apptest.Eval[int](t, jan, pageWeight)
		t.Logf("instruction page, first visit without media: %d bytes", w)
		if w > maxFirstVisit {
			t.Errorf("the instruction page weighs %d bytes on a first visit, want < %d", w, maxFirstVisit)
		}
		if small := apptest.Eval[[]string](t, jan, smallTargets); len(small) > 0 {
			t.Errorf("touch targets under 48 px on the instruction page: %v", small)
		}
		if got := apptest.Text(t, jan, ".safety"); !strings.Contains(got, "Bovenbalk") {
			t.Errorf("safety warning reads %q", got)
		}

		// 5. He follows it and marks it done.
		apptest.ClickAndLoad(t, jan, "#done")
		if got := apptest.Text(t, jan, "#feedback .flash"); got == "" {
			t.Error("no confirmation after Done")
		}

		// 6. The pending (self-declared, unvalidated) evidence is there for
		// Henk, his team lead, to validate in the matrix.
		janP, err := db.PersonIDByEmployeeNumber(bg, hofman.ID, "1001")
		if err != nil {
			t.Fatal(err)
		}
		evs, _ := db.Evidence(bg, hofman.ID, store.EvidenceFilter{PersonID: janP, CompetenceID: skill})
		if len(evs) == 0 || evs[0].Kind != competence.SelfAssessment {
			t.Fatalf("no self-declared evidence after Done: %+v", evs)
		}
		team := ""
		if p, err := db.Person(bg, hofman.ID, janP); err == nil {
			team = p.TeamID
		}
		m, err := db.Matrix(bg, hofman.ID, store.MatrixQuery{TeamID: team, CompetenceIDs: []string{skill}}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		pending := false
		for i, p := range m.People {
			if p.ID == janP {
				c := m.Cells[i][0]
				pending = c.Current.Level > 0 && !c.Current.Validated || c.Current.SelfLevel > c.Current.Level
			}
		}
		if !pending {
			t.Error("the team lead's matrix does not show Jan's self-declared level as waiting for validation")
		}
		henk := apptest.NewTab(t, bctx, phoneWidth, phoneHeight)
		signInTab(t, henk, s.URL+"/signin", "henk.smit@hofman.example", demo.Password)
		if status, _ := apptest.OpenStatus(t, henk, s.URL+"/matrix?team="+team); status != 200 || !apptest.Eval[bool](t, henk, `document.body.innerText.includes('Jan de Vries')`) {
			t.Errorf("the team lead's matrix (%d) does not list Jan de Vries", status)
		}
		narrow(henk, "matrix")
		// The cell of Jan × press brake: the self-declared level waits for
		// Henk's validation, with the instruction named in the evidence.
		apptest.Open(t, henk, s.URL+"/matrix/cell?p="+janP+"&c="+skill)
		narrow(henk, "matrix-cell")
		cell := apptest.Text(t, henk, "main")
		if !strings.Contains(cell, "Kantbank: ondergereedschap wisselen") || apptest.Eval[int](t, henk, `document.querySelectorAll('main .warn-text').length`) != 1 {
			t.Errorf("the matrix cell does not show Jan's pending self-declared level from the instruction\n%s", cell)
		}
		if err := chromedp.Do(henk, chromedp.Click(chromedp.CSS(`input[name=level][value="2"]`), chromedp.NodeVisible)); err != nil {
			t.Fatal(err)
		}
		apptest.ClickAndLoad(t, henk, `form[action="/matrix/cell"] button[type=submit]`)
		if evs, _ := db.Evidence(bg, hofman.ID, store.EvidenceFilter{PersonID: janP, CompetenceID: skill}); len(evs) < 2 || evs[0].Kind != competence.Validation || evs[0].Level != 2 {
			t.Errorf("after Henk's validation the evidence is %+v", evs)
		}

		// 7. No network: the place and the instruction open again; a page
		// never visited answers with the offline notice, which proves the
		// network is really off for the service worker too.
		// He also opens the lathe's place page once, without opening its
		// instructions: they are kept for offline use with the page.
		apptest.Open(t, jan, s.URL+"/p/HGL-CNC-01")
		waitFor(t, jan, "lathe page kept for offline use", `document.documentElement.dataset.offline === 'ready'`)
		lathe := apptest.Eval[string](t, jan, `document.querySelector('.big-links a').getAttribute('href')`)
		goOffline(t, jan)
		apptest.Open(t, jan, s.URL+lathe)
		if got := apptest.Text(t, jan, "main h1"); got != "Gereedschap wisselen DMG Mori NLX 2500" {
			t.Errorf("offline, an instruction of a visited place (never opened itself) shows %q", got)
		}
		apptest.Open(t, jan, qrURL)
		if got := apptest.Text(t, jan, "main h1"); got != "Kantbank Trumpf TruBend 5130" {
			t.Errorf("offline, the place page shows %q", got)
		}
		narrow(jan, "place-offline")
		apptest.Open(t, jan, s.URL+"/learn/"+itemID+"?place=HGL-KANT-01")
		if got := apptest.Text(t, jan, "main h1"); got != "Kantbank: ondergereedschap wisselen" {
			t.Errorf("offline, the instruction shows %q", got)
		}
		apptest.Open(t, jan, s.URL+"/p/HGL-CNC-02")
		if got := apptest.Text(t, jan, "main h1"); got != "Offline" {
			t.Errorf("offline, a place never opened shows %q, want the offline notice", got)
		}

		// 8. Still offline, he marks the lathe instruction done: it waits
		// on the phone, and reaches the server once the network is back.
		latheID := strings.TrimPrefix(strings.SplitN(lathe, "?", 2)[0], "/learn/")
		doneCount := func() int {
			st, err := db.ItemUsage(bg, hofman.ID, latheID)
			if err != nil {
				t.Fatal(err)
			}
			return st.Counts[catalogue.UseDone]
		}
		before := doneCount()
		apptest.Open(t, jan, s.URL+lathe)
		if err := chromedp.Do(jan, chromedp.Click(chromedp.CSS("#done"), chromedp.NodeVisible)); err != nil {
			t.Fatal(err)
		}
		waitFor(t, jan, "feedback kept on the phone", `!!document.getElementById('queued')`)
		narrow(jan, "done-offline")
		if got := apptest.Text(t, jan, "#queued"); !strings.Contains(got, "Opgeslagen op deze telefoon") {
			t.Errorf("offline, marking done says %q", got)
		}
		if n := doneCount(); n != before {
			t.Fatalf("offline, the server counted %d done instead of %d", n, before)
		}
		goOnline(t, jan)
		apptest.Open(t, jan, s.URL+"/p/HGL-CNC-01")
		for deadline := time.Now().Add(15 * time.Second); doneCount() != before+1; {
			if time.Now().After(deadline) {
				t.Fatalf("back online, the server counts %d done; want %d", doneCount(), before+1)
			}
			time.Sleep(100 * time.Millisecond)
		}
		// Sent once: another page load finds the outbox empty.
		apptest.Open(t, jan, s.URL+lathe)
		time.Sleep(300 * time.Millisecond)
		if n := doneCount(); n != before+1 {
			t.Errorf("the feedback kept offline was counted %d times", n-before)
		}
	})
}
