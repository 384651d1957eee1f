package e2e

import (
	"bytes"
	"context"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/bakenhq/baken/internal/app/apptest"
	"github.com/bakenhq/baken/internal/demo"
	"github.com/bakenhq/baken/internal/i18n"
)

// upload posts a people file to the import preview as a browser does.
func upload(t *testing.T, c *apptest.Client, name string, data io.Reader) *apptest.Response {
	t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	csrf := c.CSRF
	go func() {
		err := mw.WriteField("csrf", csrf)
		if err == nil {
			var fw io.Writer
			if fw, err = mw.CreateFormFile("file", name); err == nil {
				if _, err = io.Copy(fw, data); err == nil {
					err = mw.Close()
				}
			}
		}
		pw.CloseWithError(err)
	}()
	return c.PostBody("/admin/import", mw.FormDataContentType(), pr)
}

// TestBadPeopleFiles: files a coordinator might really upload, each refused
// with a message that says what is wrong, and nothing stored.
func TestBadPeopleFiles(t *testing.T) {
	apptest.Each(t, true, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		h := demoCompany(t, s.App.DB)
		count := func() int {
			n, err := s.App.DB.CountPeople(ctx, h.org.ID, false)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := count()
		c := s.Client(t)
		c.SignIn(admin, demo.Password)
		// Anna Visser's language in the demo may be Dutch: ask in English
		// so the messages below are known.
		if res := c.Post("/lang", url.Values{"lang": {"en"}, "next": {"/admin/import"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("switch to English: %d", res.Status)
		}
		c.Get("/admin/import")

		latin1 := []byte("name,job_title,team\nJos\xe9 M\xfcller,Lasser,Lassen\n") // "José Müller" saved as Windows-1252
		cases := []struct {
			name   string
			file   string
			status int
			want   []string // in the page
		}{
			{"wrong columns", "naam;telefoon;afdeling\nSanne Jansen;0612345678;CNC\n", http.StatusUnprocessableEntity,
				[]string{`unknown column &#34;telefoon&#34;`}},
			{"no name column", "employee_number,email\n7001,a@b.example\n", http.StatusUnprocessableEntity,
				[]string{i18n.T("en", "import.no_name")}},
			{"wrong encoding", string(latin1), http.StatusUnprocessableEntity,
				[]string{"Line 2", "UTF-8"}},
			{"duplicate employee numbers", "name,employee_number,team\nSanne Jansen,7001,Lassen\nDaan Kuipers,7001,Lassen\nPiet Post,1001,Lassen\n", http.StatusUnprocessableEntity,
				[]string{"employee number 7001 is also on line 2", "employee number 1001 already belongs to someone"}},
			{"empty", "", http.StatusUnprocessableEntity, []string{i18n.T("en", "import.empty")}},
			{"broken quoting", "name,team\n\"Sanne Jansen,Lassen\nDaan,Lassen\n", http.StatusUnprocessableEntity, []string{"Line"}},
		}
		for _, tc := range cases {
			res := upload(t, c, tc.name+".csv", strings.NewReader(tc.file))
			if res.Status != tc.status {
				t.Errorf("%s: %d, want %d\n%s", tc.name, res.Status, tc.status, apptest.Excerpt(res.Body))
				continue
			}
			for _, w := range tc.want {
				if !strings.Contains(res.Body, w) {
					t.Errorf("%s: the page does not say %q\n%s", tc.name, w, apptest.Excerpt(res.Body))
				}
			}
			if strings.Contains(res.Body, `action="/admin/import/commit"`) {
				t.Errorf("%s: the page offers to commit", tc.name)
			}
		}

		// Committing a bad file directly (skipping the preview) stores nothing.
		res := c.Post("/admin/import/commit", url.Values{"data": {"name,employee_number\nSanne Jansen,7001\nDaan Kuipers,7001\n"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Errorf("commit of a file with duplicate numbers: %d, want 422", res.Status)
		}

		// A 50 MB file: refused as too large, whole, with a clear message.
		res = upload(t, c, "huge.csv", io.MultiReader(strings.NewReader("name,employee_number\n"),
			bytes.NewReader(bytes.Repeat([]byte("Sanne Jansen,7001\n"), 50<<20/18))))
		if res.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("50 MB file: %d, want 413\n%s", res.Status, apptest.Excerpt(res.Body))
		} else if !strings.Contains(res.Body, "too large") && !strings.Contains(res.Body, "larger than") {
			t.Errorf("50 MB file: the page does not say the file is too large\n%s", apptest.Excerpt(res.Body))
		}
		// A 6 MB file passes the request limit but not the import limit.
		res = upload(t, c, "big.csv", io.MultiReader(strings.NewReader("name,employee_number\n"),
			bytes.NewReader(bytes.Repeat([]byte("Sanne Jansen,7001\n"), 6<<20/18))))
		if res.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("6 MB file: %d, want 413\n%s", res.Status, apptest.Excerpt(res.Body))
		}

		// In Dutch the row problems are Dutch too.
		if res := c.Post("/lang", url.Values{"lang": {"nl"}, "next": {"/admin/import"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("switch to Dutch: %d", res.Status)
		}
		c.Get("/admin/import")
		res = upload(t, c, "nl.csv", strings.NewReader("naam,personeelsnummer,team\nSanne Jansen,7001,Lasserij\nDaan Kuipers,7001,Lassen\n"))
		for _, want := range []string{
			html.EscapeString(i18n.T("nl", "import.row_team", "Lasserij")),
			i18n.T("nl", "import.row_number_twice", "7001", 2),
		} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("the Dutch preview does not say %q\n%s", want, apptest.Excerpt(res.Body))
			}
		}

		if n := count(); n != before {
			t.Errorf("bad files changed the number of people from %d to %d", before, n)
		}
		// The session survived all this.
		if res := c.Get("/admin/import"); res.Status != http.StatusOK {
			t.Errorf("after the bad files the import page answers %d", res.Status)
		}
	})
}

// TestWrongPasswordsAreThrottled: after five wrong passwords for an account
// even the right one is refused for a while, with 429 and a message.
func TestWrongPasswordsAreThrottled(t *testing.T) {
	apptest.Each(t, true, func(t *testing.T, s *apptest.Server) {
		c := s.Client(t)
		c.Get("/signin")
		for i := 1; i <= 5; i++ {
			res := c.Post("/signin", url.Values{"login": {coordinator}, "secret": {"geraden-wachtwoord-" + string(rune('0'+i))}})
			if res.Status != http.StatusUnauthorized {
				t.Fatalf("wrong password %d: %d, want 401", i, res.Status)
			}
		}
		res := c.Post("/signin", url.Values{"login": {coordinator}, "secret": {demo.Password}})
		if res.Status != http.StatusTooManyRequests {
			t.Fatalf("right password after five wrong ones: %d, want 429", res.Status)
		}
		if !strings.Contains(res.Body, i18n.T("en", "signin.throttled")) && !strings.Contains(res.Body, i18n.T("nl", "signin.throttled")) {
			t.Errorf("the 429 page does not explain the wait\n%s", apptest.Excerpt(res.Body))
		}
		if res := c.Get("/"); res.Status != http.StatusSeeOther {
			t.Errorf("a throttled sign-in signed in anyway: / answers %d", res.Status)
		}
		// Another account from the same address is not locked out.
		c2 := s.Client(t)
		c2.SignIn(admin, demo.Password)
	})
}

// TestForgedCSRFToken: a state-changing request whose token is missing,
// forged, or from another session is refused with 403 and changes nothing.
func TestForgedCSRFToken(t *testing.T) {
	apptest.Each(t, true, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		h := demoCompany(t, s.App.DB)
		c := s.Client(t)
		c.SignIn(admin, demo.Password)
		other := s.Client(t)
		other.SignIn("marloes.bakker@hofman.example", demo.Password)

		for name, token := range map[string]string{
			"forged":        strings.Repeat("0", len(c.CSRF)),
			"empty":         "",
			"other session": other.CSRF,
		} {
			res := c.Post("/admin/sites/"+h.site.ID, url.Values{"csrf": {token}, "name": {"Gekaapt"}, "address": {"Nergens 1"}})
			if res.Status != http.StatusForbidden {
				t.Errorf("%s CSRF token: %d, want 403", name, res.Status)
			}
			res = c.Post("/signout", url.Values{"csrf": {token}})
			if res.Status != http.StatusForbidden {
				t.Errorf("%s CSRF token on sign-out: %d, want 403", name, res.Status)
			}
		}
		if site, _ := s.App.DB.Site(ctx, h.org.ID, h.site.ID); site == nil || site.Name != h.site.Name {
			t.Errorf("a forged request renamed the site: %+v", site)
		}
		if res := c.Get("/admin"); res.Status != http.StatusOK {
			t.Errorf("a forged sign-out ended the session: /admin answers %d", res.Status)
		}
		// With the real token the same change goes through.
		res := c.Post("/admin/sites/"+h.site.ID, url.Values{"name": {h.site.Name}, "address": {"Industriestraat 14, 7553 CK Hengelo"}})
		if res.Status != http.StatusSeeOther {
			t.Errorf("with the page's token: %d, want 303\n%s", res.Status, apptest.Excerpt(res.Body))
		}
	})
}
