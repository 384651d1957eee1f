package store_test

import (
	"context"
	"testing"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
)

// The role page's holders come from one query, only of the profile's
// organisation, without people who left.
func TestRoleProfileHolders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		rp := &competence.RoleProfile{NameNL: "Lasser", Requirements: []competence.Requirement{{CompetenceID: f.weld.ID, Level: 2}}}
		must(t, db.CreateRoleProfile(ctx, f.a.ID, rp))
		must(t, db.SetPersonRoleProfiles(ctx, f.a.ID, f.pia.ID, []string{rp.ID}))
		must(t, db.SetPersonRoleProfiles(ctx, f.a.ID, f.jan.ID, []string{rp.ID}))
		hs, err := db.RoleProfileHolders(ctx, f.a.ID, rp.ID)
		must(t, err)
		if len(hs) != 2 || hs[0].Name != "Jan" || hs[1].Name != "Pia" || hs[0].TeamName != "Verspaning" {
			t.Fatalf("holders: %+v", hs)
		}
		if hs, err := db.RoleProfileHolders(ctx, f.b.ID, rp.ID); err != nil || len(hs) != 0 {
			t.Fatalf("another organisation sees holders: %v %v", hs, err)
		}
	})
}
