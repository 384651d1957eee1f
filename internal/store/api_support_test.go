package store_test

import (
	"context"
	"errors"
	"reflect"
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

func TestDeactivatePerson(t *testing.T) {
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
		now := time.Now()
		if err := db.CreateSession(ctx, &store.Session{TokenHash: "s1", PersonID: p.ID, OrgID: a.ID, CSRF: "c", CreatedAt: now, ExpiresAt: now.Add(time.Hour), LastSeenAt: now}); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateAPIToken(ctx, a.ID, &store.APIToken{PersonID: p.ID, Name: "ci", Role: core.RoleEmployee, TokenHash: "h1"}); err != nil {
			t.Fatal(err)
		}
		// B cannot deactivate A's person, and nothing of A's changes.
		if err := db.DeactivatePerson(ctx, b.ID, p.ID, now); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("B deactivates A's person: %v", err)
		}
		if got, _ := db.Person(ctx, a.ID, p.ID); !got.Active {
			t.Fatal("A's person deactivated by B")
		}
		if _, err := db.SessionByHash(ctx, "s1", now); err != nil {
			t.Fatalf("A's session gone after B's attempt: %v", err)
		}
		if _, err := db.APITokenByHash(ctx, "h1"); err != nil {
			t.Fatalf("A's token gone after B's attempt: %v", err)
		}

		if err := db.DeactivatePerson(ctx, a.ID, p.ID, now); err != nil {
			t.Fatal(err)
		}
		got, _ := db.Person(ctx, a.ID, p.ID)
		if got.Active || got.LeftOn.Format("2006-01-02") != now.UTC().Format("2006-01-02") {
			t.Fatalf("after deactivation: active %v, left on %v", got.Active, got.LeftOn)
		}
		if _, err := db.SessionByHash(ctx, "s1", now); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("session survives deactivation: %v", err)
		}
		if _, err := db.APITokenByHash(ctx, "h1"); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("token survives deactivation: %v", err)
		}
	})
}

// SessionContext must give what SessionByHash, Person and Organisation
// give one by one.
func TestSessionContextMatchesItsParts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		org := &tenancy.Organisation{Kind: tenancy.Company, Name: "A", Slug: "org-a", DefaultLang: "nl"}
		if err := db.CreateOrganisation(ctx, org); err != nil {
			t.Fatal(err)
		}
		site := &tenancy.Site{Name: "Hengelo"}
		if err := db.CreateSite(ctx, org.ID, site); err != nil {
			t.Fatal(err)
		}
		team := &tenancy.Team{Name: "Lassen", SiteID: site.ID}
		if err := db.CreateTeam(ctx, org.ID, team); err != nil {
			t.Fatal(err)
		}
		p := &tenancy.Person{Name: "Jan", Email: "jan@a.example", TeamID: team.ID, SiteID: site.ID, Roles: []core.Role{core.RoleTeamLead}}
		if err := db.CreatePerson(ctx, org.ID, p); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		if err := db.CreateSession(ctx, &store.Session{TokenHash: "s1", PersonID: p.ID, OrgID: org.ID, CSRF: "c", CreatedAt: now, ExpiresAt: now.Add(time.Hour), LastSeenAt: now}); err != nil {
			t.Fatal(err)
		}
		sess, person, o, err := db.SessionContext(ctx, "s1", now)
		if err != nil {
			t.Fatal(err)
		}
		wantSess, _ := db.SessionByHash(ctx, "s1", now)
		wantPerson, _ := db.Person(ctx, org.ID, p.ID)
		wantOrg, _ := db.Organisation(ctx, org.ID)
		if !reflect.DeepEqual(sess, wantSess) || !reflect.DeepEqual(person, wantPerson) || !reflect.DeepEqual(o, wantOrg) {
			t.Fatalf("SessionContext:\n%+v\n%+v\n%+v\nwant\n%+v\n%+v\n%+v", sess, person, o, wantSess, wantPerson, wantOrg)
		}
		if _, _, _, err := db.SessionContext(ctx, "s1", now.Add(2*time.Hour)); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("expired session: %v", err)
		}
		if _, _, _, err := db.SessionContext(ctx, "nosuch", now); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("unknown session: %v", err)
		}
	})
}
