package api

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bakenhq/baken/internal/auth"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/tenancy"
)

// benchOrg builds an organisation of n people in 10 teams and returns the
// handler, an admin token and one person's id.
func benchOrg(b *testing.B, db *store.DB, n int) (h *server, token, personID string) {
	b.Helper()
	ctx := context.Background()
	org := &tenancy.Organisation{Kind: tenancy.Company, Name: "Bench", Slug: "bench"}
	if err := db.CreateOrganisation(ctx, org); err != nil {
		b.Fatal(err)
	}
	site := &tenancy.Site{Name: "Hengelo"}
	if err := db.CreateSite(ctx, org.ID, site); err != nil {
		b.Fatal(err)
	}
	var teams []*tenancy.Team
	for i := range 10 {
		t := &tenancy.Team{Name: fmt.Sprintf("Team %d", i), SiteID: site.ID}
		if err := db.CreateTeam(ctx, org.ID, t); err != nil {
			b.Fatal(err)
		}
		teams = append(teams, t)
	}
	people := make([]*tenancy.Person, n)
	for i := range people {
		people[i] = &tenancy.Person{Name: fmt.Sprintf("Persoon %04d", i), EmployeeNumber: fmt.Sprint(i), JobTitle: "Operator",
			TeamID: teams[i%10].ID, SiteID: site.ID}
	}
	people[0].Roles = []core.Role{core.RoleOrgAdmin}
	if err := db.ImportPeople(ctx, org.ID, people); err != nil {
		b.Fatal(err)
	}
	token = auth.NewToken()
	if err := db.CreateAPIToken(ctx, org.ID, &store.APIToken{PersonID: people[0].ID, Name: "bench", Role: core.RoleOrgAdmin, TokenHash: auth.TokenHash(token)}); err != nil {
		b.Fatal(err)
	}
	return newServer(db, nil), token, people[n/2].ID
}

// BenchmarkAPI measures whole requests through the handler (token check
// included) on an organisation of 500 people: req/s and ms per request.
//
//	go test -run - -bench BenchmarkAPI -benchmem ./internal/api
func BenchmarkAPI(b *testing.B) {
	engines := map[string]func(testing.TB) *store.DB{"sqlite": storetest.SQLite, "postgres": storetest.Postgres}
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			db := engines[engine](b)
			h, token, personID := benchOrg(b, db, 500)
			for _, c := range []struct{ name, method, path, body string }{
				{"list-50", "GET", "/api/v1/people?limit=50", ""},
				{"list-500", "GET", "/api/v1/people?limit=500", ""},
				{"search", "GET", "/api/v1/people?q=persoon%2001&active=true", ""},
				{"get", "GET", "/api/v1/people/" + personID, ""},
				{"patch", "PATCH", "/api/v1/people/" + personID, `{"job_title":"Lasser"}`},
			} {
				b.Run(c.name, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						req := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
						req.Header.Set("Authorization", "Bearer "+token)
						if c.body != "" {
							req.Header.Set("Content-Type", "application/json")
						}
						rec := httptest.NewRecorder()
						h.ServeHTTP(rec, req)
						if rec.Code != 200 {
							b.Fatalf("%s: %d %s", c.path, rec.Code, rec.Body)
						}
					}
					sec := b.Elapsed().Seconds() / float64(b.N)
					b.ReportMetric(1/sec, "req/s")
					b.ReportMetric(sec*1000, "ms/req")
				})
			}
		})
	}
}
