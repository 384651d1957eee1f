package store_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/tenancy"
)

func TestMigrationsMatchAcrossEngines(t *testing.T) {
	names := func(dir string) []string {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range entries {
			out = append(out, e.Name())
		}
		return out
	}
	a, b := names("migrations/sqlite"), names("migrations/postgres")
	if len(a) != len(b) {
		t.Fatalf("sqlite has %v, postgres has %v", a, b)
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("migration %d: sqlite %s, postgres %s", i, a[i], b[i])
		}
	}
	_ = fs.ValidPath
}

func TestSchemaTooNewIsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.W().ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES ('9999_future', 'x')`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Migrate(ctx); !errors.Is(err, store.ErrSchemaTooNew) {
			t.Fatalf("Migrate on a newer schema: %v, want ErrSchemaTooNew", err)
		}
	})
}

func TestTenantIsolationCore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := &tenancy.Organisation{Kind: tenancy.Company, Name: "A", Slug: "org-a"}
		b := &tenancy.Organisation{Kind: tenancy.Company, Name: "B", Slug: "org-b"}
		for _, o := range []*tenancy.Organisation{a, b} {
			if err := db.CreateOrganisation(ctx, o); err != nil {
				t.Fatal(err)
			}
		}
		site := &tenancy.Site{Name: "Hengelo"}
		if err := db.CreateSite(ctx, a.ID, site); err != nil {
			t.Fatal(err)
		}
		team := &tenancy.Team{Name: "Lassen", SiteID: site.ID}
		if err := db.CreateTeam(ctx, a.ID, team); err != nil {
			t.Fatal(err)
		}
		p := &tenancy.Person{Name: "Jan de Vries", EmployeeNumber: "1001", TeamID: team.ID, SiteID: site.ID, StartDate: time.Date(2020, 3, 1, 0, 0, 0, 0, time.UTC)}
		if err := db.CreatePerson(ctx, a.ID, p); err != nil {
			t.Fatal(err)
		}
		got, err := db.Person(ctx, a.ID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.TeamName != "Lassen" || got.SiteName != "Hengelo" || !got.StartDate.Equal(p.StartDate) || !got.Active {
			t.Fatalf("person read back wrong: %+v", got)
		}
		if _, err := db.Person(ctx, b.ID, p.ID); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("org B reads A's person: %v", err)
		}
		if _, err := db.Site(ctx, b.ID, site.ID); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("org B reads A's site: %v", err)
		}
		if _, err := db.Team(ctx, b.ID, team.ID); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("org B reads A's team: %v", err)
		}
		if ps, n, err := db.People(ctx, b.ID, tenancy.PeopleFilter{}); err != nil || n != 0 || len(ps) != 0 {
			t.Fatalf("org B lists A's people: %d %v", n, err)
		}
		// B cannot link its person to A's team.
		if err := db.CreatePerson(ctx, b.ID, &tenancy.Person{Name: "X", TeamID: team.ID}); core.ErrorCode(err) != core.EInvalid {
			t.Fatalf("cross-tenant team link: %v", err)
		}
		// B cannot update A's person.
		p2 := *got
		p2.Name, p2.TeamID, p2.SiteID = "Hacked", "", ""
		if err := db.UpdatePerson(ctx, b.ID, &p2); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("org B updates A's person: %v", err)
		}
	})
}

func TestImportIsAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := &tenancy.Organisation{Kind: tenancy.Company, Name: "A", Slug: "org-a"}
		if err := db.CreateOrganisation(ctx, o); err != nil {
			t.Fatal(err)
		}
		err := db.ImportPeople(ctx, o.ID, []*tenancy.Person{{Name: "Een", EmployeeNumber: "1"}, {Name: "Twee", EmployeeNumber: "1"}})
		if core.ErrorCode(err) != core.EConflict {
			t.Fatalf("duplicate employee number: %v", err)
		}
		if n, _ := db.CountPeople(ctx, o.ID, false); n != 0 {
			t.Fatalf("a failed import left %d people", n)
		}
	})
}
