package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/tenancy"
)

func TestDeleteSiteAndTeam(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := &tenancy.Organisation{Kind: tenancy.Company, Name: "A", Slug: "org-a"}
		b := &tenancy.Organisation{Kind: tenancy.Company, Name: "B", Slug: "org-b"}
		for _, o := range []*tenancy.Organisation{a, b} {
			if err := db.CreateOrganisation(ctx, o); err != nil {
				t.Fatal(err)
			}
		}
		used := &tenancy.Site{Name: "Hengelo"}
		free := &tenancy.Site{Name: "Almelo"}
		for _, s := range []*tenancy.Site{used, free} {
			if err := db.CreateSite(ctx, a.ID, s); err != nil {
				t.Fatal(err)
			}
		}
		team := &tenancy.Team{Name: "Lassen", SiteID: used.ID}
		empty := &tenancy.Team{Name: "Leeg"}
		for _, x := range []*tenancy.Team{team, empty} {
			if err := db.CreateTeam(ctx, a.ID, x); err != nil {
				t.Fatal(err)
			}
		}
		// A person who left still keeps the team in use.
		p := &tenancy.Person{Name: "Jan", TeamID: team.ID}
		if err := db.CreatePerson(ctx, a.ID, p); err != nil {
			t.Fatal(err)
		}
		p.Active = false
		if err := db.UpdatePerson(ctx, a.ID, p); err != nil {
			t.Fatal(err)
		}

		// Another organisation cannot delete A's records.
		if err := db.DeleteSite(ctx, b.ID, free.ID); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("B deletes A's site: %v", err)
		}
		if err := db.DeleteTeam(ctx, b.ID, empty.ID); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("B deletes A's team: %v", err)
		}
		if _, err := db.Site(ctx, a.ID, free.ID); err != nil {
			t.Fatalf("A's site gone after B's attempt: %v", err)
		}
		if _, err := db.Team(ctx, a.ID, empty.ID); err != nil {
			t.Fatalf("A's team gone after B's attempt: %v", err)
		}

		if err := db.DeleteSite(ctx, a.ID, used.ID); core.ErrorCode(err) != core.EConflict {
			t.Fatalf("delete a used site: %v", err)
		}
		if err := db.DeleteTeam(ctx, a.ID, team.ID); core.ErrorCode(err) != core.EConflict {
			t.Fatalf("delete a team with a former member: %v", err)
		}
		if err := db.DeleteSite(ctx, a.ID, free.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteTeam(ctx, a.ID, empty.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteSite(ctx, a.ID, free.ID); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("delete twice: %v", err)
		}
	})
}

func TestAPITokenBookkeeping(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := &tenancy.Organisation{Kind: tenancy.Company, Name: "A", Slug: "org-a"}
		b := &tenancy.Organisation{Kind: tenancy.Company, Name: "B", Slug: "org-b"}
		for _, o := range []*tenancy.Organisation{a, b} {
			if err := db.CreateOrganisation(ctx, o); err != nil {
				t.Fatal(err)
			}
		}
		p := &tenancy.Person{Name: "Jan"}
		if err := db.CreatePerson(ctx, a.ID, p); err != nil {
			t.Fatal(err)
		}
		tok := &store.APIToken{PersonID: p.ID, Name: "ci", Role: core.RoleEmployee, TokenHash: "h1"}
		if err := db.CreateAPIToken(ctx, a.ID, tok); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		if err := db.TouchAPIToken(ctx, a.ID, tok.ID, now); err != nil {
			t.Fatal(err)
		}
		// B can neither touch nor revoke A's tokens.
		if n, err := db.RevokePersonAPITokens(ctx, b.ID, p.ID, now); err != nil || n != 0 {
			t.Fatalf("B revokes A's tokens: %d %v", n, err)
		}
		if _, err := db.APITokenByHash(ctx, "h1"); err != nil {
			t.Fatalf("token gone after B's attempt: %v", err)
		}
		if n, err := db.RevokePersonAPITokens(ctx, a.ID, p.ID, now); err != nil || n != 1 {
			t.Fatalf("revoke: %d %v", n, err)
		}
		if _, err := db.APITokenByHash(ctx, "h1"); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("revoked token still found: %v", err)
		}
	})
}
