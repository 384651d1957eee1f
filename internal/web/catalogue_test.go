package web_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/auth"
	"github.com/bakenhq/baken/internal/catalogue"
	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/demo"
	"github.com/bakenhq/baken/internal/search"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/tenancy"
	"github.com/bakenhq/baken/internal/web"
)

func pngOf(t testing.TB, w, h int) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngBomb claims w×h pixels in a few dozen bytes.
func pngBomb(t testing.TB, w, h uint32) []byte {
	b := pngOf(t, 1, 1)
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

// postMultipart sends the item editor with one step and its file.
func (b *browser) postMultipart(path string, fields url.Values, fileField, fileName string, data []byte) (int, string) {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf", b.csrf)
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	if fileField != "" {
		fw, _ := mw.CreateFormFile(fileField, fileName)
		_, _ = fw.Write(data)
	}
	mw.Close()
	res, err := b.c.Post(b.base+path, mw.FormDataContentType(), &body)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(out)
}

var learnLink = regexp.MustCompile(`/learn/([0-9a-f-]{36})`)

func itemByTitle(t *testing.T, db *store.DB, orgID, title string) *catalogue.Item {
	t.Helper()
	items, err := db.LearningItems(context.Background(), orgID, store.ItemFilter{Status: []catalogue.Status{catalogue.Draft, catalogue.InReview, catalogue.Published}})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.TitleNL == title || it.TitleEN == title {
			return it
		}
	}
	t.Fatalf("no item %q", title)
	return nil
}

// TestCatalogueJourneyHTTP follows issue 5 through the pages on both
// engines: an expert writes an instruction with a photo and binds it to a
// place, another expert publishes it, a worker opens it from the place
// and marks it done, which records self-declared evidence; the author
// sees the use; uploads of the wrong type, oversized and bomb images are
// refused with a clear message.
func TestCatalogueJourneyHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv := demoServer(t, db)
		hofman, _ := db.OrganisationBySlug(ctx, "hofman")
		org := hofman.ID
		place, err := db.PlaceByCode(ctx, org, "HGL-CNC-01")
		if err != nil {
			t.Fatal(err)
		}
		comps, _, _ := db.Competences(ctx, org, competence.Filter{Query: "CNC", Limit: 1})

		ruud := newBrowser(t, srv)
		ruud.signIn("ruud.mulder@hofman.example", demo.Password)
		if code, body := ruud.get("/learn/new?place=" + place.ID); code != 200 || !strings.Contains(body, `capture="environment"`) || !strings.Contains(body, `accept="image/*"`) {
			t.Fatalf("editor: %d", code)
		}
		fields := url.Values{"type": {"instruction"}, "visibility": {"org"}, "title_nl": {"Spanklauwen wisselen"}, "title_en": {"Changing chuck jaws"},
			"minutes": {"4"}, "safety_nl": {"Spil stil"}, "tools_en": {"Torque wrench"}, "step_text_nl": {"Draai de klauwen los", ""}, "step_text_en": {"Loosen the jaws", ""},
			"step_media": {"", ""}, "step_link": {"", ""}, "place": {place.ID}, "outcome_competence": {comps[0].ID}, "outcome_level": {"3"}}

		// Abuse first: each refusal keeps the form and says why.
		for _, tt := range []struct {
			name, file string
			data       []byte
			status     int
			says       string
		}{
			{"html as photo", "x.jpg", []byte("<html><script>alert(1)</script></html>"), http.StatusUnprocessableEntity, "Alleen JPEG"},
			{"decompression bomb", "bomb.png", pngBomb(t, 60000, 60000), http.StatusRequestEntityTooLarge, "te veel pixels"},
			{"oversized photo", "big.png", append(pngOf(t, 10, 10), make([]byte, catalogue.MaxImageBytes)...), http.StatusRequestEntityTooLarge, "hoogstens 10 MB"},
		} {
			code, body := ruud.postMultipart("/learn", fields, "step_file_0", tt.file, tt.data)
			if code != tt.status || !strings.Contains(body, tt.says) || !strings.Contains(body, "Spanklauwen wisselen") {
				t.Errorf("%s: %d, want %d with %q and the form kept\n%s", tt.name, code, tt.status, tt.says, excerpt(body))
			}
		}
		code, body := ruud.postMultipart("/learn", fields, "step_file_0", "photo.png", pngOf(t, 64, 48))
		if code != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", code, excerpt(body))
		}
		it := itemByTitle(t, db, org, "Spanklauwen wisselen")
		if it.Status != catalogue.Draft || len(it.MediaIDs()) != 1 || len(it.Outcomes) != 1 {
			t.Fatalf("created item = %s %v %v", it.Status, it.MediaIDs(), it.Outcomes)
		}
		if ps, _ := db.Places(ctx, org, store.PlaceFilter{ItemID: it.ID}); len(ps) != 1 || ps[0].ID != place.ID {
			t.Errorf("not bound to the place: %v", ps)
		}
		// A worker does not see a draft, nor on the place page.
		fleur := newBrowser(t, srv)
		fleur.signIn("fleur.kok@hofman.example", demo.Password)
		if code, _ := fleur.get("/learn/" + it.ID); code != http.StatusNotFound {
			t.Errorf("worker opens a draft: %d", code)
		}
		if _, body := fleur.get("/p/HGL-CNC-01"); strings.Contains(body, it.ID) {
			t.Error("draft listed on the place page")
		}
		// Review: the author cannot publish; another expert can.
		ruud.get("/learn/" + it.ID)
		if code, _ := ruud.post("/learn/"+it.ID+"/review", url.Values{"action": {"submit"}}); code != http.StatusSeeOther {
			t.Fatalf("submit: %d", code)
		}
		if code, _ := ruud.post("/learn/"+it.ID+"/review", url.Values{"action": {"publish"}}); code != http.StatusForbidden {
			t.Errorf("author publishes own: %d", code)
		}
		bart := newBrowser(t, srv)
		bart.signIn("bart.meijer@hofman.example", demo.Password)
		if _, body := bart.get("/learn/" + it.ID); !strings.Contains(body, `value="publish"`) {
			t.Error("reviewer sees no publish button")
		}
		if code, _ := bart.post("/learn/"+it.ID+"/review", url.Values{"action": {"publish"}, "note": {"Goed"}}); code != http.StatusSeeOther {
			t.Fatalf("publish: %d", code)
		}
		// Search knows it now.
		found := false
		_ = db.SearchDocsSince(ctx, 0, func(d *search.StoredDoc) error {
			found = found || d.Kind == search.KindLearning && d.ID == it.ID && d.OrgID == org
			return nil
		})
		if !found {
			t.Error("published item not in search_docs")
		}
		// The worker opens it from the place and marks it done.
		_, body = fleur.get("/p/HGL-CNC-01")
		if !strings.Contains(body, "/learn/"+it.ID+"?place=HGL-CNC-01") {
			t.Fatalf("place page lacks the new instruction\n%s", excerpt(body))
		}
		code, body = fleur.get("/learn/" + it.ID + "?place=HGL-CNC-01")
		m := learnLink.FindString(body)
		if code != 200 || !strings.Contains(body, "Spil stil") || !strings.Contains(body, "/media/") || m == "" {
			t.Fatalf("instruction page: %d\n%s", code, excerpt(body))
		}
		media := regexp.MustCompile(`/media/[0-9a-f-]{36}`).FindString(body)
		res, err := fleur.c.Get(srv.URL + media)
		if err != nil || res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("media: %v %v", err, res.Header)
		}
		res.Body.Close()
		// A prefetch by the service worker is not counted as a view.
		before, _ := db.ItemUsage(ctx, org, it.ID)
		req, _ := http.NewRequest("GET", srv.URL+"/learn/"+it.ID+"?place=HGL-CNC-01", nil)
		req.Header.Set("X-Baken-Prefetch", "1")
		if res, err := fleur.c.Do(req); err != nil || res.StatusCode != 200 {
			t.Fatalf("prefetch: %v", err)
		} else {
			res.Body.Close()
		}
		if after, _ := db.ItemUsage(ctx, org, it.ID); after.Count("view") != before.Count("view") {
			t.Errorf("a prefetch counted as a view: %d → %d", before.Count("view"), after.Count("view"))
		}
		for i := 0; i < 2; i++ {
			if code, _ := fleur.post("/learn/"+it.ID+"/use", url.Values{"kind": {"done"}, "place": {"HGL-CNC-01"}}); code != http.StatusSeeOther {
				t.Fatalf("done: %d", code)
			}
		}
		fleurP := fleurPerson(t, db, org)
		evs, _ := db.Evidence(ctx, org, store.EvidenceFilter{PersonID: fleurP.ID, CompetenceID: comps[0].ID})
		if len(evs) != 1 || evs[0].Kind != competence.SelfAssessment || evs[0].Level != 2 {
			t.Errorf("evidence after done twice = %d %+v", len(evs), evs)
		}
		if code, _ := fleur.post("/learn/"+it.ID+"/use", url.Values{"kind": {"can_do"}}); code != http.StatusSeeOther {
			t.Fatal("can do")
		}
		if evs, _ := db.Evidence(ctx, org, store.EvidenceFilter{PersonID: fleurP.ID, CompetenceID: comps[0].ID}); len(evs) != 2 || evs[0].Level != 3 {
			t.Errorf("evidence after can do = %+v", evs)
		}
		fleur.post("/learn/"+it.ID+"/use", url.Values{"kind": {"helped"}, "comment": {"Duidelijke foto"}, "place": {"HGL-CNC-01"}})
		if code, _ := fleur.get("/learn/" + it.ID + "/about"); code != http.StatusForbidden {
			t.Errorf("worker sees usage: %d", code)
		}
		if code, body := ruud.get("/learn/" + it.ID + "/about"); code != 200 || !strings.Contains(body, "Duidelijke foto") || !strings.Contains(body, "HGL-CNC-01") {
			t.Errorf("author's usage page: %d\n%s", code, excerpt(body))
		}
		// Workers may not write or manage places.
		for _, p := range []string{"/learn/new", "/places", "/places/labels", "/places/" + place.ID, "/learn/" + it.ID + "/edit"} {
			if code, _ := fleur.get(p); code != http.StatusForbidden {
				t.Errorf("worker GET %s: %d", p, code)
			}
		}
		if code, _ := fleur.post("/learn/"+it.ID+"/review", url.Values{"action": {"archive"}}); code != http.StatusForbidden {
			t.Errorf("worker archives: %d", code)
		}
		// Labels: QR codes for the site's places, names in both languages.
		code, body = ruud.get("/places/labels?site=" + place.SiteID)
		if code != 200 || strings.Count(body, "<svg") < 5 || !strings.Contains(body, "Draaibank DMG Mori NLX 2500") || !strings.Contains(body, "DMG Mori NLX 2500 lathe") ||
			!strings.Contains(body, "/p/HGL-CNC-01") {
			t.Errorf("labels: %d %d svgs", code, strings.Count(body, "<svg"))
		}
	})
}

func fleurPerson(t *testing.T, db *store.DB, org string) *tenancy.Person {
	ps, _, err := db.People(context.Background(), org, tenancy.PeopleFilter{Query: "Fleur Kok"})
	if err != nil || len(ps) == 0 {
		t.Fatalf("Fleur: %v", err)
	}
	return ps[0]
}

func excerpt(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	body = regexp.MustCompile(`<[^>]+>`).ReplaceAllString(body, " ")
	body = strings.Join(strings.Fields(body), " ")
	if len(body) > 600 {
		body = body[:600]
	}
	return body
}

// TestCatalogueTenantIsolation: an expert of another organisation on the
// same platform reaches none of Hofman's catalogue pages, places or
// media, until Hofman makes an item public (then only reading it).
func TestCatalogueTenantIsolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv := demoServer(t, db)
		hofman, _ := db.OrganisationBySlug(ctx, "hofman")
		other := &tenancy.Organisation{Kind: tenancy.Company, Name: "Andere BV", Slug: "andere"}
		must(t, db.CreateOrganisation(ctx, other))
		site := &tenancy.Site{Name: "Elders"}
		must(t, db.CreateSite(ctx, other.ID, site))
		eve := &tenancy.Person{Name: "Eve Expert", Email: "eve@andere.example", Roles: []core.Role{core.RoleExpert, core.RoleOrgAdmin}, Active: true}
		must(t, db.CreatePerson(ctx, other.ID, eve))
		hash, _ := auth.HashSecret(demo.Password)
		must(t, db.SetPasswordHash(ctx, other.ID, eve.ID, hash))
		it := itemByTitle(t, db, hofman.ID, "Gereedschap wisselen DMG Mori NLX 2500")
		draft := itemByTitle(t, db, hofman.ID, "Kantbank: bovengereedschap wisselen")
		place, _ := db.PlaceByCode(ctx, hofman.ID, "HGL-CNC-01")
		mediaID := it.MediaIDs()[0]

		b := newBrowser(t, srv)
		b.signIn("eve@andere.example", demo.Password)
		for _, p := range []string{"/p/HGL-CNC-01", "/learn/" + it.ID, "/learn/" + draft.ID, "/learn/" + it.ID + "/edit", "/learn/" + it.ID + "/about",
			"/media/" + mediaID, "/places/" + place.ID} {
			if code, body := b.get(p); code != http.StatusNotFound {
				t.Errorf("other org GET %s: %d %s", p, code, excerpt(body))
			}
		}
		if _, body := b.get("/learn"); strings.Contains(body, it.ID) {
			t.Error("other org lists Hofman's items")
		}
		if _, body := b.get("/places"); strings.Contains(body, "HGL-CNC-01") {
			t.Error("other org lists Hofman's places")
		}
		if _, body := b.get("/places/labels"); strings.Contains(body, "HGL-CNC-01") {
			t.Error("other org prints Hofman's labels")
		}
		b.get("/learn")
		for _, tt := range []struct {
			path string
			form url.Values
		}{
			{"/learn/" + it.ID + "/use", url.Values{"kind": {"done"}}},
			{"/learn/" + it.ID + "/review", url.Values{"action": {"archive"}}},
			{"/learn/" + draft.ID + "/review", url.Values{"action": {"publish"}}},
			{"/learn/" + it.ID, url.Values{"type": {"instruction"}, "title_en": {"hacked"}}},
			{"/places/" + place.ID, url.Values{"site_id": {site.ID}, "code": {"X"}, "name_en": {"hacked"}}},
			{"/places/" + place.ID + "/delete", url.Values{}},
		} {
			if code, body := b.post(tt.path, tt.form); code != http.StatusNotFound {
				t.Errorf("other org POST %s: %d %s", tt.path, code, excerpt(body))
			}
		}
		// Binding Hofman's item to its own place is refused.
		code, body := b.post("/places", url.Values{"site_id": {site.ID}, "code": {"HGL-CNC-01"}, "name_en": {"Own lathe"}, "item": {it.ID}})
		if code != http.StatusUnprocessableEntity {
			t.Errorf("other org binds Hofman's item: %d %s", code, excerpt(body))
		}
		after, _ := db.LearningItem(ctx, hofman.ID, it.ID)
		if after.Version != it.Version || after.Status != catalogue.Published {
			t.Error("Hofman's item changed")
		}
		if p, err := db.PlaceByCode(ctx, hofman.ID, "HGL-CNC-01"); err != nil || p.NameEN != place.NameEN {
			t.Error("Hofman's place changed")
		}
		// Public: readable, with its photos, but not markable.
		after.Visibility = catalogue.VisPublic
		must(t, db.UpdateLearningItem(ctx, hofman.ID, after, "", "public"))
		if code, body := b.get("/learn/" + it.ID); code != 200 || strings.Contains(body, `value="done"`) || strings.Contains(body, "/edit") {
			t.Errorf("public item for other org: %d", code)
		}
		if code, _ := b.get("/media/" + mediaID); code != 200 {
			t.Errorf("public item's media: %d", code)
		}
		if code, _ := b.post("/learn/"+it.ID+"/use", url.Values{"kind": {"done"}}); code != http.StatusConflict {
			t.Errorf("other org marks public item done: %d", code)
		}
		if code, _ := b.get("/p/HGL-CNC-01"); code != http.StatusNotFound {
			t.Error("place visible once an item is public")
		}
	})
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestServiceWorker(t *testing.T) {
	db := storetest.SQLite(t)
	s, err := web.New(web.Options{DB: db})
	must(t, err)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/sw.js", nil))
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/javascript") || rec.Header().Get("Cache-Control") != "no-cache" ||
		!strings.Contains(rec.Body.String(), "caches.match") {
		t.Errorf("sw.js: %d %v", rec.Code, rec.Header())
	}
}

// BenchmarkPlacePage measures the server time of the place page a QR code
// opens (HGL-CNC-01 in the demo: two instructions and the site's CNC
// colleagues at level 3+), in-process without the network, for a
// signed-in worker.
func BenchmarkPlacePage(b *testing.B) {
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			db := storetest.Open(b, engine)
			if _, err := demo.SeedOnce(context.Background(), db, nil); err != nil {
				b.Fatal(err)
			}
			s, err := web.New(web.Options{DB: db})
			if err != nil {
				b.Fatal(err)
			}
			h := s.Handler()
			srv := httptest.NewServer(h)
			defer srv.Close()
			br := newBrowser(&testing.T{}, srv)
			br.signIn("fleur.kok@hofman.example", demo.Password)
			u, _ := url.Parse(srv.URL)
			cookies := br.c.Jar.Cookies(u)
			req := httptest.NewRequest("GET", "/p/HGL-CNC-01", nil)
			for _, c := range cookies {
				req.AddCookie(c)
			}
			run := func() time.Duration {
				start := time.Now()
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				d := time.Since(start)
				if rec.Code != 200 || !strings.Contains(rec.Body.String(), "HGL-CNC-01") {
					b.Fatalf("place page: %d", rec.Code)
				}
				return d
			}
			for range 20 {
				run()
			}
			times := make([]time.Duration, 0, b.N)
			cpu0 := cpuTime()
			b.ResetTimer()
			for range b.N {
				times = append(times, run())
			}
			b.StopTimer()
			// CPU time of this process per page: on a loaded machine the
			// wall-clock percentiles measure the scheduler; this does not
			// (on PostgreSQL it leaves out the database server's CPU).
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/page")
			sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
			ms := func(q float64) float64 { return float64(times[int(q*float64(len(times)-1))].Microseconds()) / 1000 }
			b.ReportMetric(ms(0.50), "p50-ms")
			b.ReportMetric(ms(0.99), "p99-ms")
			if ms(0.99) > 10 && b.N >= 100 {
				b.Logf("p99 %.2f ms is over the 10 ms target", ms(0.99))
			}
		})
	}
}
