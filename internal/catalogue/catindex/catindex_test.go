package catindex_test

import (
	"context"
	"testing"

	"github.com/bakenhq/baken/internal/catalogue"
	"github.com/bakenhq/baken/internal/catalogue/catindex"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/search"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/tenancy"
)

// TestIndexing: published items and places are found in both languages,
// with typos and prefixes; drafts are not; an item leaves the index when
// it is no longer published; another organisation finds only what is
// public. The same on both engines.
func TestIndexing(t *testing.T) {
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
		ix := search.NewIndex(db)
		if _, err := ix.Load(ctx); err != nil {
			t.Fatal(err)
		}
		it := &catalogue.Item{Type: catalogue.Instruction, Status: catalogue.Published, TitleNL: "Lasrook-afzuiging controleren", TitleEN: "Checking the welding fume extraction", Minutes: 3,
			Instruction: &catalogue.InstructionDetail{Steps: []catalogue.Step{{TextNL: "Zet de afzuiging aan", TextEN: "Switch the extraction on"}}}}
		draft := &catalogue.Item{Type: catalogue.Instruction, Status: catalogue.Draft, TitleNL: "Lasdraad vervangen"}
		for _, x := range []*catalogue.Item{it, draft} {
			if err := db.CreateLearningItem(ctx, a.ID, x, ""); err != nil {
				t.Fatal(err)
			}
			if err := catindex.Item(ctx, ix, x); err != nil {
				t.Fatal(err)
			}
		}
		p := &catalogue.Place{SiteID: site.ID, Code: "HGL-LAS-01", NameNL: "Lasplek 1", NameEN: "Welding bay 1"}
		if err := db.CreatePlace(ctx, a.ID, p); err != nil {
			t.Fatal(err)
		}
		if err := catindex.Place(ctx, ix, p); err != nil {
			t.Fatal(err)
		}
		find := func(org, q, lang string) map[string]bool {
			t.Helper()
			res, err := ix.Query(ctx, search.Scope{OrgID: org}, search.Query{Text: q, Lang: lang})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for _, h := range res.Hits {
				got[h.ID] = true
			}
			return got
		}
		for _, q := range []struct{ text, lang string }{{"lasrook", "nl"}, {"lasrok", "nl"}, {"afzuig", "nl"}, {"welding fume", "en"}, {"extracton", "en"}} {
			if !find(a.ID, q.text, q.lang)[it.ID] {
				t.Errorf("%q does not find the published instruction", q.text)
			}
		}
		if find(a.ID, "lasdraad", "nl")[draft.ID] {
			t.Error("a draft is found")
		}
		if !find(a.ID, "HGL-LAS", "nl")[p.ID] || !find(a.ID, "welding bay", "en")[p.ID] {
			t.Error("the place is not found by code or name")
		}
		if got := find(b.ID, "lasrook", "nl"); got[it.ID] || got[p.ID] {
			t.Error("another organisation finds A's instruction or place")
		}
		// Public: B finds the item, never the place.
		it.Visibility = catalogue.VisPublic
		if err := db.UpdateLearningItem(ctx, a.ID, it, "", "public"); err != nil {
			t.Fatal(err)
		}
		if err := catindex.Item(ctx, ix, it); err != nil {
			t.Fatal(err)
		}
		if !find(b.ID, "lasrook", "nl")[it.ID] {
			t.Error("a public item is not found by another organisation")
		}
		// Archived: gone; Reindex writes the current state again.
		it.Status = catalogue.Archived
		if err := db.UpdateLearningItem(ctx, a.ID, it, "", "archive"); err != nil {
			t.Fatal(err)
		}
		if err := catindex.Item(ctx, ix, it); err != nil {
			t.Fatal(err)
		}
		if find(a.ID, "lasrook", "nl")[it.ID] {
			t.Error("an archived item is still found")
		}
		if n, err := catindex.Reindex(ctx, db, ix, a.ID); err != nil || n != 1 {
			t.Errorf("reindex wrote %d docs: %v", n, err)
		}
		// A second node loads the same documents from the database.
		ix2 := search.NewIndex(db)
		if _, err := ix2.Load(ctx); err != nil {
			t.Fatal(err)
		}
		res, _ := ix2.Query(ctx, search.Scope{OrgID: a.ID}, search.Query{Text: "lasplek"})
		if len(res.Hits) != 1 || res.Hits[0].URL != "/p/HGL-LAS-01" {
			t.Errorf("second node: %+v", res.Hits)
		}
		_ = core.NewID
	})
}
