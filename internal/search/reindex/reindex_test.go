package reindex_test

import (
	"context"
	"slices"
	"testing"

	"github.com/bakenhq/baken/internal/search"
	"github.com/bakenhq/baken/internal/search/reindex"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/tenancy"
)

func TestCoreReindex(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		var orgs []*tenancy.Organisation
		for _, slug := range []string{"acme", "bolt"} {
			o := &tenancy.Organisation{Kind: tenancy.Company, Name: slug, Slug: slug}
			must(db.CreateOrganisation(ctx, o))
			orgs = append(orgs, o)
		}
		site := &tenancy.Site{Name: "Eindhoven Noord"}
		must(db.CreateSite(ctx, orgs[0].ID, site))
		team := &tenancy.Team{Name: "CNC verspanen", SiteID: site.ID}
		must(db.CreateTeam(ctx, orgs[0].ID, team))
		jan := &tenancy.Person{Name: "Jan de Vries", JobTitle: "Lasser", SiteID: site.ID, TeamID: team.ID, Active: true}
		must(db.CreatePerson(ctx, orgs[0].ID, jan))
		piet := &tenancy.Person{Name: "Piet Bakker", JobTitle: "Operator", Active: true}
		must(db.CreatePerson(ctx, orgs[1].ID, piet))

		ix := search.NewIndex(db)
		if _, err := ix.Load(ctx); err != nil {
			t.Fatal(err)
		}
		must(reindex.All(ctx, db, ix))
		find := func(org *tenancy.Organisation, q string) []string {
			t.Helper()
			res, err := ix.Query(ctx, search.Scope{OrgID: org.ID}, search.Query{Text: q})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, h := range res.Hits {
				out = append(out, h.Title)
			}
			return out
		}
		if got := find(orgs[0], "lassers "); !slices.Contains(got, "Jan de Vries") {
			t.Fatalf("person by job title: %v", got)
		}
		if got := find(orgs[0], "eindhov"); !slices.Contains(got, "Eindhoven Noord") {
			t.Fatalf("site: %v", got)
		}
		if got := find(orgs[0], "verspanen"); !slices.Contains(got, "CNC verspanen") {
			t.Fatalf("team: %v", got)
		}
		if got := find(orgs[1], "jan"); len(got) != 0 {
			t.Fatalf("LEAK: bolt finds %v", got)
		}
		if got := find(orgs[0], "piet"); len(got) != 0 {
			t.Fatalf("LEAK: acme finds %v", got)
		}
		// A person who left disappears on the next reindex; nothing else
		// is rewritten.
		jan.Active = false
		must(db.UpdatePerson(ctx, orgs[0].ID, jan))
		must(reindex.Core(ctx, db, ix, orgs[0].ID))
		if got := find(orgs[0], "jan"); len(got) != 0 {
			t.Fatalf("a person who left is still found: %v", got)
		}
		other := search.NewIndex(db)
		if _, err := other.Load(ctx); err != nil {
			t.Fatal(err)
		}
		if got := other.IDs(orgs[0].ID, search.KindPerson); len(got) != 0 {
			t.Fatalf("the deletion did not reach the database: %v", got)
		}
	})
}
