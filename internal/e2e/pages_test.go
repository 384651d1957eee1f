package e2e

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/bakenhq/baken/internal/app/apptest"
	"github.com/bakenhq/baken/internal/auth"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/demo"
	"github.com/bakenhq/baken/internal/i18n"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

const (
	admin     = "anna.visser@hofman.example"
	otherPass = "brouwer-admin-2026"
)

// hofman is what the tests need of the demo company.
type hofman struct {
	org    *tenancy.Organisation
	person *tenancy.Person // an operator with a PIN: Jan de Vries, 1001
	team   *tenancy.Team
	site   *tenancy.Site
}

func demoCompany(t *testing.T, db *store.DB) hofman {
	t.Helper()
	ctx := context.Background()
	org, err := db.OrganisationBySlug(ctx, "hofman")
	if err != nil {
		t.Fatalf("demo organisation: %v", err)
	}
	id, err := db.PersonIDByEmployeeNumber(ctx, org.ID, "1001")
	if err != nil {
		t.Fatalf("demo person 1001: %v", err)
	}
	p, err := db.Person(ctx, org.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	team, err := db.Team(ctx, org.ID, p.TeamID)
	if err != nil {
		t.Fatal(err)
	}
	site, err := db.Site(ctx, org.ID, team.SiteID)
	if err != nil {
		t.Fatal(err)
	}
	return hofman{org, p, team, site}
}

// secondCompany adds another company with its own administrator, a site, a
// team and a person, and returns the administrator's email.
func secondCompany(t *testing.T, db *store.DB) (org *tenancy.Organisation, adminEmail string) {
	t.Helper()
	ctx := context.Background()
	org = &tenancy.Organisation{Name: "Brouwer Kunststoffen", Slug: "brouwer", Kind: tenancy.Company, DefaultLang: "nl"}
	if err := db.CreateOrganisation(ctx, org); err != nil {
		t.Fatal(err)
	}
	site := &tenancy.Site{Name: "Enschede", Address: "Havenstraat 1, Enschede"}
	if err := db.CreateSite(ctx, org.ID, site); err != nil {
		t.Fatal(err)
	}
	team := &tenancy.Team{Name: "Spuitgieten", SiteID: site.ID}
	if err := db.CreateTeam(ctx, org.ID, team); err != nil {
		t.Fatal(err)
	}
	adminEmail = "beheer@brouwer.example"
	a := &tenancy.Person{Name: "Karin Brouwer", Email: adminEmail, Active: true, Language: "en", Roles: []core.Role{core.RoleOrgAdmin}}
	if err := db.CreatePerson(ctx, org.ID, a); err != nil {
		t.Fatal(err)
	}
	hash, err := auth.HashSecret(otherPass)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetPasswordHash(ctx, org.ID, a.ID, hash); err != nil {
		t.Fatal(err)
	}
	op := &tenancy.Person{Name: "Sem Brouwer", EmployeeNumber: "1001", TeamID: team.ID, SiteID: site.ID, Active: true}
	if err := db.CreatePerson(ctx, org.ID, op); err != nil {
		t.Fatal(err)
	}
	return org, adminEmail
}

// TestTenantIsolation: the administrator of one company opens, and posts
// to, every page of another company's person, team and site by id. Each
// answers 404, as if the record did not exist, and nothing changes.
func TestTenantIsolation(t *testing.T) {
	apptest.Each(t, true, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		db := s.App.DB
		h := demoCompany(t, db)
		_, otherAdmin := secondCompany(t, db)
		beforePerson, beforeTeam, beforeSite := h.person, h.team, h.site
		pwBefore, pinBefore, _, err := db.Credentials(ctx, h.org.ID, h.person.ID)
		if err != nil {
			t.Fatal(err)
		}
		auditBefore, err := db.AuditLog(ctx, h.org.ID, 1000, 0)
		if err != nil {
			t.Fatal(err)
		}

		c := s.Client(t)
		c.SignIn(otherAdmin, otherPass)

		gets := []string{
			"/people/" + h.person.ID,
			"/teams/" + h.team.ID,
			"/sites/" + h.site.ID,
			"/admin/people/" + h.person.ID,
			"/admin/teams/" + h.team.ID,
			"/admin/sites/" + h.site.ID,
		}
		for _, p := range gets {
			if res := c.Get(p); res.Status != http.StatusNotFound {
				t.Errorf("GET %s by another company's admin: %d, want 404\n%s", p, res.Status, apptest.Excerpt(res.Body))
			} else if strings.Contains(res.Body, h.person.Name) || strings.Contains(res.Body, h.team.Name) {
				t.Errorf("GET %s: the 404 page shows the other company's data", p)
			}
		}
		posts := []struct {
			path string
			form url.Values
		}{
			{"/admin/people/" + h.person.ID, url.Values{"name": {"Overgenomen"}, "employee_number": {"1001"}, "active": {"on"}, "roles": {"org_admin"}}},
			{"/admin/people/" + h.person.ID + "/credentials", url.Values{"pin": {"9999"}, "password": {"overgenomen-2026"}}},
			{"/admin/teams/" + h.team.ID, url.Values{"name": {"Overgenomen"}}},
			{"/admin/sites/" + h.site.ID, url.Values{"name": {"Overgenomen"}, "address": {"Elders"}}},
		}
		for _, p := range posts {
			if res := c.Post(p.path, p.form); res.Status != http.StatusNotFound {
				t.Errorf("POST %s by another company's admin: %d, want 404\n%s", p.path, res.Status, apptest.Excerpt(res.Body))
			}
		}

		// Lists and searches of the second company show none of Hofman.
		for _, p := range []string{"/people?q=" + url.QueryEscape(h.person.Name), "/people?active=all", "/admin", "/admin/teams", "/admin/sites", "/admin/audit", "/"} {
			res := c.Get(p)
			if res.Status != http.StatusOK {
				t.Errorf("GET %s: %d, want 200", p, res.Status)
			}
			leaks := []string{h.person.ID, h.team.ID, h.site.ID, h.team.Name, h.site.Address, h.org.Name}
			if !strings.Contains(p, "q=") { // a search repeats its words in the box
				leaks = append(leaks, h.person.Name)
			}
			for _, leak := range leaks {
				if strings.Contains(res.Body, leak) {
					t.Errorf("GET %s in the second company shows %q of Hofman", p, leak)
				}
			}
		}

		// Nothing changed.
		p, err := db.Person(ctx, h.org.ID, h.person.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Name != beforePerson.Name || p.EmployeeNumber != beforePerson.EmployeeNumber || rolesOf(p) != rolesOf(beforePerson) || !p.Active {
			t.Errorf("person changed: %+v, was %+v", p, beforePerson)
		}
		if tm, _ := db.Team(ctx, h.org.ID, h.team.ID); tm == nil || tm.Name != beforeTeam.Name {
			t.Errorf("team changed: %+v", tm)
		}
		if st, _ := db.Site(ctx, h.org.ID, h.site.ID); st == nil || st.Name != beforeSite.Name || st.Address != beforeSite.Address {
			t.Errorf("site changed: %+v", st)
		}
		pw, pin, _, _ := db.Credentials(ctx, h.org.ID, h.person.ID)
		if pw != pwBefore || pin != pinBefore {
			t.Error("the other company's admin changed a Hofman person's credentials")
		}
		if auditAfter, _ := db.AuditLog(ctx, h.org.ID, 1000, 0); len(auditAfter) != len(auditBefore) {
			t.Errorf("Hofman's audit log grew from %d to %d entries", len(auditBefore), len(auditAfter))
		}
		// And Jan still signs in with his own PIN at Hofman.
		jan := s.Client(t)
		jan.Get("/signin")
		if res := jan.Post("/signin", url.Values{"login": {"1001"}, "secret": {"1234"}, "org": {"hofman"}}); res.Status != http.StatusSeeOther {
			t.Errorf("Jan de Vries cannot sign in after the attempts: %d", res.Status)
		}
	})
}

func rolesOf(p *tenancy.Person) string {
	var b []string
	for _, r := range p.Roles {
		b = append(b, string(r))
	}
	return strings.Join(b, ",")
}

// TestSignInWithEmployeeNumberAndPIN: shop-floor staff sign in with their
// number and PIN; on a platform with two companies the company code tells
// which 1001 is meant.
func TestSignInWithEmployeeNumberAndPIN(t *testing.T) {
	apptest.Each(t, true, func(t *testing.T, s *apptest.Server) {
		c := s.Client(t)
		c.Get("/signin")
		res := c.Post("/signin", url.Values{"login": {"1001"}, "secret": {"1234"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("1001/1234 on the demo (one company): %d, want 303\n%s", res.Status, apptest.Excerpt(res.Body))
		}
		home := c.Get("/")
		if home.Status != http.StatusOK || !strings.Contains(home.Body, "Jan de Vries") {
			t.Fatalf("home after PIN sign-in: %d, does not greet Jan de Vries\n%s", home.Status, apptest.Excerpt(home.Body))
		}

		wrong := s.Client(t)
		wrong.Get("/signin")
		if res := wrong.Post("/signin", url.Values{"login": {"1001"}, "secret": {"0000"}}); res.Status != http.StatusUnauthorized {
			t.Errorf("wrong PIN: %d, want 401", res.Status)
		}
		if res := wrong.Get("/"); res.Status != http.StatusSeeOther {
			t.Errorf("after a wrong PIN the home page answers %d, want a redirect to sign in", res.Status)
		}

		// A second company also has a 1001: now the code is needed.
		secondCompany(t, s.App.DB)
		amb := s.Client(t)
		amb.Get("/signin")
		if res := amb.Post("/signin", url.Values{"login": {"1001"}, "secret": {"1234"}}); res.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(res.Body, i18n.T("nl", "signin.org_needed")) && !strings.Contains(res.Body, i18n.T("en", "signin.org_needed")) {
			t.Errorf("1001 without a company code on a two-company platform: %d, want 422 asking for the code\n%s", res.Status, apptest.Excerpt(res.Body))
		}
		if res := amb.Post("/signin", url.Values{"login": {"1001"}, "secret": {"1234"}, "org": {"hofman"}}); res.Status != http.StatusSeeOther {
			t.Errorf("1001 with code hofman: %d, want 303", res.Status)
		}
	})
}

// TestSignOut ends the session on the server, not only in the browser: the
// old cookie no longer works.
func TestSignOut(t *testing.T) {
	apptest.Each(t, true, func(t *testing.T, s *apptest.Server) {
		c := s.Client(t)
		c.SignIn(admin, demo.Password)
		u, _ := url.Parse(s.URL)
		var session *http.Cookie
		for _, ck := range c.Cookies(u) {
			if ck.Name == "baken_session" {
				session = ck
			}
		}
		if session == nil {
			t.Fatal("no session cookie after signing in")
		}
		res := c.Post("/signout", nil)
		if res.Status != http.StatusSeeOther || res.Location != "/signin" {
			t.Fatalf("sign out: %d to %q, want 303 to /signin", res.Status, res.Location)
		}
		if res := c.Get("/people"); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/signin") {
			t.Errorf("after signing out /people answers %d to %q, want a redirect to /signin", res.Status, res.Location)
		}
		// Someone who kept the old cookie gets nothing either.
		replay := s.Client(t)
		replay.SetCookies(u, []*http.Cookie{{Name: "baken_session", Value: session.Value}})
		if res := replay.Get("/people"); res.Status != http.StatusSeeOther {
			t.Errorf("the old session cookie still opens /people: %d", res.Status)
		}
	})
}

// TestChangePassword: a wrong current password or a mismatch changes
// nothing; a good change signs the person's other sessions out, and only
// the new password works afterwards.
func TestChangePassword(t *testing.T) {
	apptest.Each(t, true, func(t *testing.T, s *apptest.Server) {
		const who = "fleur.kok@hofman.example"
		const next = "nieuw-wachtwoord-2026"
		c := s.Client(t)
		c.SignIn(who, demo.Password)
		other := s.Client(t) // the same person on her phone
		other.SignIn(who, demo.Password)

		if res := c.Post("/account/password", url.Values{"current": {"niet-goed-123"}, "new": {next}, "again": {next}}); res.Status != http.StatusUnprocessableEntity {
			t.Errorf("wrong current password: %d, want 422", res.Status)
		}
		if res := c.Post("/account/password", url.Values{"current": {demo.Password}, "new": {next}, "again": {next + "x"}}); res.Status != http.StatusUnprocessableEntity {
			t.Errorf("new passwords that differ: %d, want 422", res.Status)
		}
		if res := c.Post("/account/password", url.Values{"current": {demo.Password}, "new": {"kort"}, "again": {"kort"}}); res.Status != http.StatusUnprocessableEntity {
			t.Errorf("a four-letter password: %d, want 422", res.Status)
		}
		res := c.Post("/account/password", url.Values{"current": {demo.Password}, "new": {next}, "again": {next}})
		if res.Status != http.StatusOK {
			t.Fatalf("good change: %d, want 200\n%s", res.Status, apptest.Excerpt(res.Body))
		}
		if res := c.Get("/account"); res.Status != http.StatusOK {
			t.Errorf("the session that changed the password was signed out: %d", res.Status)
		}
		if res := other.Get("/account"); res.Status != http.StatusSeeOther {
			t.Errorf("her other session still works after the change: %d", res.Status)
		}
		old := s.Client(t)
		old.Get("/signin")
		if res := old.Post("/signin", url.Values{"login": {who}, "secret": {demo.Password}}); res.Status != http.StatusUnauthorized {
			t.Errorf("the old password: %d, want 401", res.Status)
		}
		s.Client(t).SignIn(who, next)
	})
}

// TestFirstRunSetup: an empty database (no demo) sends visitors to /setup,
// which validates, creates the organisation and its administrator, signs
// her in, and is gone afterwards.
func TestFirstRunSetup(t *testing.T) {
	apptest.Each(t, false, func(t *testing.T, s *apptest.Server) {
		c := s.Client(t)
		if res := c.Get("/signin"); res.Status != http.StatusSeeOther || res.Location != "/setup" {
			t.Fatalf("sign-in page on an empty database: %d to %q, want 303 to /setup", res.Status, res.Location)
		}
		if res := c.Get("/setup"); res.Status != http.StatusOK {
			t.Fatalf("/setup: %d", res.Status)
		}
		good := url.Values{"org_name": {"Van Dijk Precisie"}, "slug": {"vandijk"}, "kind": {"company"},
			"name": {"Tom van Dijk"}, "email": {"tom@vandijk.example"}, "password": {"eerste-beheerder-2026"}}
		bad := url.Values{}
		for k, v := range good {
			bad[k] = v
		}
		bad.Set("password", "kort")
		if res := c.Post("/setup", bad); res.Status != http.StatusUnprocessableEntity {
			t.Errorf("setup with a short password: %d, want 422", res.Status)
		}
		if n, _ := s.App.DB.CountOrganisations(context.Background()); n != 0 {
			t.Fatalf("a refused setup created %d organisations", n)
		}
		res := c.Post("/setup", good)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("setup: %d, want 303\n%s", res.Status, apptest.Excerpt(res.Body))
		}
		if res := c.Get("/admin"); res.Status != http.StatusOK || !strings.Contains(res.Body, "Van Dijk Precisie") {
			t.Errorf("after setup the administrator's /admin: %d", res.Status)
		}
		for _, try := range []func() *apptest.Response{
			func() *apptest.Response { return s.Client(t).Get("/setup") },
			func() *apptest.Response { return c.Get("/setup") },
			func() *apptest.Response { return c.Post("/setup", good) },
		} {
			if res := try(); res.Status != http.StatusNotFound {
				t.Errorf("/setup after the first organisation exists: %d, want 404", res.Status)
			}
		}
		if n, _ := s.App.DB.CountOrganisations(context.Background()); n != 1 {
			t.Errorf("%d organisations after setup, want 1", n)
		}
		s.Client(t).SignIn("tom@vandijk.example", "eerste-beheerder-2026")
	})
}

var hrefRE = regexp.MustCompile(`href="(/[^"#]*)"`)

// TestTenantIsolationOfLinkedPages follows, as Hofman's administrator and
// coordinator, every link on Hofman's pages that names a record by id (one
// link of each kind, two clicks deep), then opens each as the
// administrator of another company: every one must answer 404. Pages that
// other areas add are covered as soon as they are linked.
func TestTenantIsolationOfLinkedPages(t *testing.T) {
	apptest.Each(t, true, func(t *testing.T, s *apptest.Server) {
		_, otherAdmin := secondCompany(t, s.App.DB)
		seen := map[string]bool{}
		var records []string
		for _, who := range []string{admin, coordinator} {
			c := s.Client(t)
			c.SignIn(who, demo.Password)
			queue := []string{"/"}
			visited := map[string]bool{}
			for depth := 0; depth < 3 && len(queue) > 0; depth++ {
				var next []string
				for _, p := range queue {
					if visited[pageKind(p)] {
						continue
					}
					visited[pageKind(p)] = true
					res := c.Get(p)
					if res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
						continue
					}
					for _, m := range hrefRE.FindAllStringSubmatch(res.Body, -1) {
						href := html.UnescapeString(m[1])
						if strings.HasPrefix(href, "/static/") || strings.HasPrefix(href, "/api/") {
							continue
						}
						next = append(next, href)
						// A record named in the path; ids in a query string
						// only filter, and another company's filter is empty.
						if path, _, _ := strings.Cut(href, "?"); idRE.MatchString(path) && !seen[pageKind(href)] {
							seen[pageKind(href)] = true
							records = append(records, href)
						}
					}
				}
				queue = next
			}
		}
		if len(records) < 5 {
			t.Fatalf("found only %d record pages to try: %v", len(records), records)
		}
		sort.Strings(records)
		other := s.Client(t)
		other.SignIn(otherAdmin, otherPass)
		for _, p := range records {
			res := other.Get(p)
			if res.Status != http.StatusNotFound {
				t.Errorf("GET %s (a Hofman record) by another company's admin: %d, want 404\n%s", p, res.Status, apptest.Excerpt(res.Body))
			}
		}
		t.Logf("%d kinds of record page tried", len(records))
	})
}
