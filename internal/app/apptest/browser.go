package apptest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/bakenhq/baken/internal/store/storetest"
)

// ChromiumPath finds the browser: $BAKEN_CHROMIUM, /usr/bin/chromium (as
// Debian installs it and CI expects), or chromium/google-chrome on PATH.
// It returns "" when there is none.
func ChromiumPath() string {
	if p := os.Getenv("BAKEN_CHROMIUM"); p != "" {
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Browser starts a headless Chromium with a fresh profile for this test and
// returns a context for one tab whose viewport is width×height CSS pixels
// (a phone: 360×740). The context ends, and the browser stops, when the
// test ends or after timeout. Without Chromium the test is skipped, or
// fails under BAKEN_TEST_STRICT=1.
func Browser(t testing.TB, width, height int64, timeout time.Duration) context.Context {
	t.Helper()
	path := ChromiumPath()
	if path == "" {
		storetest.SkipOrFail(t, "browser tests need Chromium (/usr/bin/chromium, or set BAKEN_CHROMIUM); on Debian: apt-get install chromium")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless,
		chromedp.NoSandbox, // CI runs as root in a container
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(int(width), int(height)),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
	})
	// The first Run starts the browser and binds it to bctx, which has no
	// deadline; the deadline goes on a child so that it stops actions, not
	// the browser mid-cleanup.
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(width, height)); err != nil {
		t.Fatalf("apptest: start Chromium (%s): %v", path, err)
	}
	ctx, cancel := context.WithTimeout(bctx, timeout)
	t.Cleanup(cancel)
	return ctx
}

// Screenshot saves a full-page PNG of the tab as NAME.png in
// $BAKEN_TEST_SCREENSHOTS, when that variable names a folder; otherwise it
// does nothing. People look at these to judge the layout.
func Screenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("BAKEN_TEST_SCREENSHOTS")
	if dir == "" {
		return
	}
	b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	name = regexp.MustCompile(`[^A-Za-z0-9._-]+`).ReplaceAllString(t.Name()+"-"+name, "_")
	if err := os.WriteFile(filepath.Join(dir, name+".png"), b, 0o644); err != nil {
		t.Errorf("screenshot %s: %v", name, err)
	}
}

// NoHorizontalScroll fails the test when the page in the tab is wider than
// its viewport, i.e. a phone user would have to scroll sideways. what names
// the page in the message.
func NoHorizontalScroll(t testing.TB, ctx context.Context, what string) {
	t.Helper()
	// Besides the numbers, name the widest element that sticks out, so
	// the failure says what to fix.
	dims, err := chromedp.Run(ctx, chromedp.Evaluate[pageWidth](`(() => {
		const d = document.documentElement, vw = window.innerWidth;
		let widest = "", right = vw;
		const clipped = el => {
			for (let p = el.parentElement; p && p !== document.body; p = p.parentElement)
				if (getComputedStyle(p).overflowX !== "visible") return true;
			return false;
		};
		for (const el of document.body.querySelectorAll("*")) {
			const r = el.getBoundingClientRect();
			if (r.right > right + 0.5 && !clipped(el)) { right = r.right; widest = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.trim().replace(/\s+/g, ".") : "") + " (right edge " + Math.round(r.right) + " px)"; }
		}
		return {scroll: d.scrollWidth, client: vw, widest: widest};
	})()`))
	if err != nil {
		t.Fatalf("%s: measure width: %v", what, err)
	}
	if dims.Scroll > dims.Client {
		t.Errorf("%s: page is %d px wide in a %d px viewport (horizontal scrolling); widest: %s", what, dims.Scroll, dims.Client, dims.Widest)
	}
}

type pageWidth struct {
	Scroll int    `json:"scroll"`
	Client int    `json:"client"`
	Widest string `json:"widest"`
}

// Open navigates the tab to url and waits for the page to load.
func Open(t testing.TB, ctx context.Context, url string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
}

// ClickAndLoad clicks the element sel (a link or a submit button) and waits
// until the browser has loaded the next document, as a person waits for the
// page after pressing a button.
func ClickAndLoad(t testing.TB, ctx context.Context, sel string) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](`window.__bakenOld = true`)(ctx, tg)
			return err
		}),
		chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible),
	); err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
	WaitLoaded(t, ctx, "after clicking "+sel)
}

// WaitLoaded waits until the document marked by ClickAndLoad is replaced
// by a new, completely loaded one.
func WaitLoaded(t testing.TB, ctx context.Context, what string) {
	t.Helper()
	for {
		// Evaluation fails while the old document goes away; keep asking.
		done, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__bakenOld === undefined && document.readyState === "complete"`))
		if err == nil && done {
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("%s: the next page did not load: %v", what, ctx.Err())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Text returns the visible text of the first element matching sel.
func Text(t testing.TB, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// Eval evaluates a JavaScript expression in the page.
func Eval[T any](t testing.TB, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// Fill types value into the input sel after clearing it.
func Fill(t testing.TB, ctx context.Context, sel, value string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Clear(chromedp.CSS(sel)), chromedp.SendKeys(chromedp.CSS(sel), value)); err != nil {
		t.Fatalf("fill %s: %v", sel, err)
	}
}

// Upload sets the files of the file input sel.
func Upload(t testing.TB, ctx context.Context, sel string, files ...string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS(sel), files)); err != nil {
		t.Fatalf("upload to %s: %v", sel, err)
	}
}

// NewTab opens a tab in a fresh browser context of the same browser: its
// own cookies, as a second person on another device. The tab closes when
// the test ends.
func NewTab(t testing.TB, ctx context.Context, width, height int64) context.Context {
	t.Helper()
	tctx, cancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(tctx, chromedp.EmulateViewport(width, height)); err != nil {
		t.Fatalf("apptest: new tab: %v", err)
	}
	return tctx
}

// OpenStatus navigates to url and returns the HTTP status and MIME type of
// the document.
func OpenStatus(t testing.TB, ctx context.Context, url string) (int, string) {
	t.Helper()
	res, err := chromedp.Run(ctx, chromedp.NavigateResponse(url))
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	if res == nil {
		return 0, ""
	}
	return int(res.Status), res.MimeType
}
