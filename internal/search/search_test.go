package search_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/search"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/tenancy"
)

// fixture: two companies (acme, bolt), acme partnered with a provider
// (uni), and ESCO-like platform competences.
type fixture struct {
	ix              *search.Index
	db              *store.DB
	acme, bolt, uni string
}

func newOrg(t *testing.T, db *store.DB, slug string, kind tenancy.OrgKind) string {
	t.Helper()
	o := &tenancy.Organisation{Kind: kind, Name: slug, Slug: slug}
	if err := db.CreateOrganisation(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	return o.ID
}

func setup(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{db: db, ix: search.NewIndex(db)}
	f.acme = newOrg(t, db, "acme", tenancy.Company)
	f.bolt = newOrg(t, db, "bolt", tenancy.Company)
	f.uni = newOrg(t, db, "uni", tenancy.Provider)
	if err := db.AddPartnership(ctx, f.acme, f.uni); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ix.Load(ctx); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.ix.Upsert(ctx, "",
		search.Doc{Kind: search.KindCompetence, ID: "esco-weld", Lang: "en", Title: "welding techniques",
			Body:   "Know the different techniques of welding together pieces of metal.",
			Labels: []search.Label{{Lang: "en", Text: "weld metal"}, {Lang: "nl", Text: "lastechnieken", Title: true}, {Lang: "nl", Text: "metaal lassen"}}},
		search.Doc{Kind: search.KindCompetence, ID: "esco-robot", Lang: "en", Title: "robotics",
			Body: "The branch of engineering that involves the design, operation and use of robots."},
	))
	must(f.ix.Upsert(ctx, f.acme,
		search.Doc{Kind: search.KindLearning, ID: "a1", Lang: "nl", Title: "Lassen van aluminium op lijn 3", Type: "instruction",
			Body: "Veiligheid eerst: draag een lashelm. Stap 1: reinig het werkstuk.", Minutes: 4, Competences: []string{"esco-weld"}, SiteID: "site-1"},
		search.Doc{Kind: search.KindLearning, ID: "a2", Lang: "en", Title: "Cobot welding cell: first steps", Type: "instruction",
			Body: "Teach the cobot a weld seam. Safety: keep the light curtain clear.", Minutes: 12, Competences: []string{"esco-weld", "esco-robot"}, SiteID: "site-1"},
		search.Doc{Kind: search.KindLearning, ID: "a3", Lang: "nl", Title: "Veiligheidsinstructie heftruck", Type: "instruction",
			Body: "De veiligheid van collega's gaat voor.", Minutes: 5, SiteID: "site-2"},
		search.Doc{Kind: search.KindPlace, ID: "p1", Lang: "nl", Title: "Robotcel lijn 3", Body: "Lasrobot met draaitafel", SiteID: "site-1"},
		search.Doc{Kind: search.KindPerson, ID: "jan", Title: "Jan de Vries", Labels: []search.Label{{Text: "lasser"}}},
		search.Doc{Kind: search.KindSite, ID: "site-1", Title: "Eindhoven"},
	))
	must(f.ix.Upsert(ctx, f.bolt,
		search.Doc{Kind: search.KindLearning, ID: "b1", Lang: "en", Title: "Bolt secret welding recipe", Body: "Private to bolt."},
		search.Doc{Kind: search.KindLearning, ID: "b2", Lang: "en", Title: "Bolt public welding tips", Visibility: search.VisPublic, Body: "Shared with everyone."},
		search.Doc{Kind: search.KindLearning, ID: "b3", Lang: "en", Title: "Bolt welding for partners", Visibility: search.VisPartners},
	))
	must(f.ix.Upsert(ctx, f.uni,
		search.Doc{Kind: search.KindLearning, ID: "u1", Lang: "en", Title: "Advanced welding metallurgy", Visibility: search.VisPartners, Minutes: 600},
		search.Doc{Kind: search.KindLearning, ID: "u2", Lang: "en", Title: "Uni internal welding notes", Visibility: search.VisOrg},
	))
	return f
}

func ids(t *testing.T, ix *search.Index, sc search.Scope, text string) []string {
	t.Helper()
	res, err := ix.Query(context.Background(), sc, search.Query{Text: text, Limit: 50})
	if err != nil {
		t.Fatalf("query %q: %v", text, err)
	}
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	return out
}

func TestSearchLanguageTyposPrefixes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		acme := search.Scope{OrgID: f.acme, PartnerOrgIDs: []string{f.uni}}
		cases := []struct {
			q    string
			want []string // must be among the hits
			not  []string // must not be
			top  string   // first hit, if set
		}{
			// Dutch stemming: lassen/las/lasser meet in "las".
			{q: "lassen ", want: []string{"a1", "esco-weld"}, top: "a1"},
			{q: "laste ", want: []string{"a1"}},            // past tense: a typo away from the stem
			{q: "veiligheid ", want: []string{"a1", "a3"}}, // veiligheid → veilig
			{q: "veiligheidsinstr", want: []string{"a3"}},  // prefix of a compound
			// English stemming and prefixes.
			{q: "welding ", want: []string{"a2", "esco-weld", "u1", "b2"}, not: []string{"b1", "u2"}},
			{q: "weld", want: []string{"a2", "esco-weld"}},
			{q: "weldng ", want: []string{"a2", "esco-weld"}}, // typo
			{q: "robo", want: []string{"esco-robot", "p1"}},
			{q: "robotcs ", want: []string{"esco-robot"}},
			{q: "cobot weld", want: []string{"a2"}, not: []string{"a1"}, top: "a2"},
			{q: "Veiligheid lijn", want: []string{"a1"}, not: []string{"a3"}},
			// Diacritics and case fold.
			{q: "ÁLUMINIÚM ", want: []string{"a1"}},
			{q: "collega", want: []string{"a3"}},
			// Short words are not typo-tolerant.
			{q: "jen ", not: []string{"jan"}},
			{q: "jan", want: []string{"jan"}},
			{q: "lasser ", want: []string{"jan"}},
			{q: "eindhov", want: []string{"site-1"}},
			// A word no document has empties the result.
			{q: "welding zzzqqq ", not: []string{"a2"}},
		}
		for _, c := range cases {
			got := ids(t, f.ix, acme, c.q)
			for _, w := range c.want {
				if !slices.Contains(got, w) {
					t.Errorf("%q: want %s among %v", c.q, w, got)
				}
			}
			for _, w := range c.not {
				if slices.Contains(got, w) {
					t.Errorf("%q: %s must not be among %v", c.q, w, got)
				}
			}
			if c.top != "" && (len(got) == 0 || got[0] != c.top) {
				t.Errorf("%q: want %s first, got %v", c.q, c.top, got)
			}
		}
		// The title follows the user's language where the document has it.
		res, err := f.ix.Query(context.Background(), acme, search.Query{Text: "lastechnieken", Lang: "nl"})
		if err != nil || len(res.Hits) == 0 || res.Hits[0].Title != "lastechnieken" {
			t.Fatalf("nl title: %+v %v", res, err)
		}
	})
}

func TestSearchVisibilityAndTenantIsolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		all := func(sc search.Scope) []string { return ids(t, f.ix, sc, "welding") }
		acme := all(search.Scope{OrgID: f.acme, PartnerOrgIDs: []string{f.uni}})
		bolt := all(search.Scope{OrgID: f.bolt})
		uni := all(search.Scope{OrgID: f.uni, PartnerOrgIDs: []string{f.acme}})
		check := func(name string, got, want, not []string) {
			t.Helper()
			for _, w := range want {
				if !slices.Contains(got, w) {
					t.Errorf("%s: want %s in %v", name, w, got)
				}
			}
			for _, w := range not {
				if slices.Contains(got, w) {
					t.Errorf("%s: LEAK %s in %v", name, w, got)
				}
			}
		}
		// acme: its own, platform, public, and its partner's partner-visible items.
		check("acme", acme, []string{"a2", "esco-weld", "b2", "u1"}, []string{"b1", "b3", "u2"})
		// bolt: its own three, platform, public; nothing of acme or uni.
		check("bolt", bolt, []string{"b1", "b2", "b3", "esco-weld"}, []string{"a1", "a2", "u1", "u2"})
		// uni: its own, public; acme's org-only items stay hidden.
		check("uni", uni, []string{"u1", "u2", "b2", "esco-weld"}, []string{"a1", "a2", "b1", "b3"})
		// A scope naming a partner that is not one (the caller fills
		// partners from the partnerships table) still never shows
		// org-only documents.
		check("bolt claims uni", all(search.Scope{OrgID: f.bolt, PartnerOrgIDs: []string{f.uni}}), nil, []string{"u2", "a1", "a2"})
		// People and places of another organisation are never found.
		check("bolt people", ids(t, f.ix, search.Scope{OrgID: f.bolt}, "jan"), nil, []string{"jan"})
		check("bolt places", ids(t, f.ix, search.Scope{OrgID: f.bolt}, "robotcel"), nil, []string{"p1"})
		// A query without organisation is refused.
		if _, err := f.ix.Query(context.Background(), search.Scope{}, search.Query{Text: "welding"}); core.ErrorCode(err) != core.EInvalid {
			t.Fatalf("unscoped query: %v", err)
		}
		// Writing a document into another organisation is refused.
		err := f.ix.Upsert(context.Background(), f.bolt, search.Doc{Kind: search.KindLearning, ID: "x", OrgID: f.acme, Title: "x"})
		if core.ErrorCode(err) != core.EInvalid {
			t.Fatalf("cross-org upsert: %v", err)
		}
		// Deleting with another organisation's id touches nothing.
		if err := f.ix.Delete(context.Background(), f.bolt, search.KindLearning, "a1"); err != nil {
			t.Fatal(err)
		}
		check("acme after bolt delete", ids(t, f.ix, search.Scope{OrgID: f.acme}, "aluminium"), []string{"a1"}, nil)
	})
}

// TestSearchAudience: a document narrowed to an audience within its
// organisation is found only by scopes holding one of its keys, never
// by the rest of the organisation or another one (whatever keys it
// claims), not counted in their facets, and a fresh node agrees.
func TestSearchAudience(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		if err := f.ix.Upsert(ctx, f.acme,
			search.Doc{Kind: "lesson", ID: "team-lesson", Lang: "en", Title: "Welding jig drift on line 3", Body: "welding", Type: "lesson",
				Audience: []string{"team:t1", "person:p9"}}); err != nil {
			t.Fatal(err)
		}
		for _, bad := range []search.Doc{
			{Kind: "lesson", ID: "x", Title: "x", Visibility: search.VisPublic, Audience: []string{"team:t1"}},
			{Kind: "lesson", ID: "x", Title: "x", Visibility: search.VisPartners, Audience: []string{"team:t1"}},
			{Kind: "lesson", ID: "x", Title: "x", Audience: []string{"team t1"}},
			{Kind: "lesson", ID: "x", Title: "x", Audience: []string{""}},
		} {
			if err := f.ix.Upsert(ctx, f.acme, bad); core.ErrorCode(err) != core.EInvalid {
				t.Errorf("audience %v on %s: %v", bad.Audience, bad.Visibility, err)
			}
		}
		for _, ix := range []*search.Index{f.ix, fresh(t, db)} {
			has := func(sc search.Scope) bool { return slices.Contains(ids(t, ix, sc, "welding"), "team-lesson") }
			if has(search.Scope{OrgID: f.acme}) || has(search.Scope{OrgID: f.acme, Keys: []string{"team:t2", "person:p1"}}) {
				t.Error("LEAK: the rest of the organisation finds a team's document")
			}
			if has(search.Scope{OrgID: f.bolt, Keys: []string{"team:t1"}}) || has(search.Scope{OrgID: f.uni, PartnerOrgIDs: []string{f.acme}, Keys: []string{"team:t1"}}) {
				t.Error("LEAK: another organisation finds a team's document")
			}
			if !has(search.Scope{OrgID: f.acme, Keys: []string{"team:t1"}}) || !has(search.Scope{OrgID: f.acme, Keys: []string{"x", "person:p9"}}) {
				t.Error("the audience does not find its document")
			}
			res, err := ix.Query(ctx, search.Scope{OrgID: f.acme}, search.Query{Text: "welding", Facets: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range res.Facets[search.FacetType] {
				if v.Value == "lesson" {
					t.Error("LEAK: a team's document counted in another's facets")
				}
			}
		}
	})
}

func fresh(t *testing.T, db *store.DB) *search.Index {
	t.Helper()
	ix := search.NewIndex(db)
	if _, err := ix.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	return ix
}

func TestSearchFacetsAndFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		acme := search.Scope{OrgID: f.acme, PartnerOrgIDs: []string{f.uni}}
		res, err := f.ix.Query(ctx, acme, search.Query{Text: "welding", Facets: true, Lang: "nl"})
		if err != nil {
			t.Fatal(err)
		}
		count := func(facet, v string) int {
			for _, fv := range res.Facets[facet] {
				if fv.Value == v {
					return fv.Count
				}
			}
			return 0
		}
		if res.Total != len(res.Hits) || res.Total < 4 {
			t.Fatalf("total %d, hits %d", res.Total, len(res.Hits))
		}
		if count("type", "competence") != 1 || count("type", "instruction") != 1 || count("type", "learning") != 2 || count("duration", search.DurDay) != 1 {
			t.Fatalf("facets: %+v", res.Facets)
		}
		for _, fv := range res.Facets["competence"] {
			if fv.Value == "esco-weld" && fv.Label != "lastechnieken" {
				t.Fatalf("competence label: %+v", fv)
			}
		}
		// Filter by type: other types stay visible in the type facet.
		res, err = f.ix.Query(ctx, acme, search.Query{Text: "welding", Facets: true, Filters: search.Filters{Type: []string{"instruction"}}})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			if h.Type != "instruction" {
				t.Fatalf("filter leaked %+v", h)
			}
		}
		if len(res.Hits) != 1 || count("type", "competence") != 1 {
			t.Fatalf("filtered: %+v %+v", res.Hits, res.Facets)
		}
		res, err = f.ix.Query(ctx, acme, search.Query{Text: "veiligheid", Filters: search.Filters{Duration: []string{search.Dur5}, Site: []string{"site-2"}}})
		if err != nil || len(res.Hits) != 1 || res.Hits[0].ID != "a3" {
			t.Fatalf("duration+site: %+v %v", res, err)
		}
	})
}

func TestSearchUpdatesAndNodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		acme := search.Scope{OrgID: f.acme}
		// A second node loads the same index from the database.
		other := search.NewIndex(db)
		if _, err := other.Load(ctx); err != nil {
			t.Fatal(err)
		}
		if got := ids(t, other, acme, "aluminium"); !slices.Equal(got, []string{"a1"}) {
			t.Fatalf("second node: %v", got)
		}
		// Update on node 1: the old words go, the new come.
		if err := f.ix.Upsert(ctx, f.acme, search.Doc{Kind: search.KindLearning, ID: "a1", Lang: "nl", Title: "Solderen van koper"}); err != nil {
			t.Fatal(err)
		}
		if got := ids(t, f.ix, acme, "aluminium"); len(got) != 0 {
			t.Fatalf("stale words after update: %v", got)
		}
		if got := ids(t, f.ix, acme, "koper"); !slices.Equal(got, []string{"a1"}) {
			t.Fatalf("after update: %v", got)
		}
		if err := f.ix.Delete(ctx, f.acme, search.KindPerson, "jan"); err != nil {
			t.Fatal(err)
		}
		if got := ids(t, f.ix, acme, "jan"); len(got) != 0 {
			t.Fatalf("deleted person still found: %v", got)
		}
		// Node 2 follows through the change counter.
		if n, err := other.Refresh(ctx); err != nil || n != 2 {
			t.Fatalf("refresh: %d %v", n, err)
		}
		if got := ids(t, other, acme, "kopr"); !slices.Equal(got, []string{"a1"}) {
			t.Fatalf("node 2 after refresh: %v", got)
		}
		if got := ids(t, other, acme, "jan"); len(got) != 0 {
			t.Fatalf("node 2 still finds deleted: %v", got)
		}
		// Node 1 refreshing its own writes changes nothing.
		if _, err := f.ix.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if got := ids(t, f.ix, acme, "koper"); !slices.Equal(got, []string{"a1"}) {
			t.Fatalf("after own refresh: %v", got)
		}
		// A fresh load sees the same.
		third := search.NewIndex(db)
		st, err := third.Load(ctx)
		if err != nil || st.Analysed != 0 {
			t.Fatalf("load: %+v %v", st, err)
		}
		if got := ids(t, third, acme, "koper"); !slices.Equal(got, []string{"a1"}) {
			t.Fatalf("third: %v", got)
		}
		if got := ids(t, third, acme, "jan"); len(got) != 0 {
			t.Fatalf("third finds deleted: %v", got)
		}
	})
}

// TestSearchCountCap: past maxCounted matches the page stops counting and
// says so, and its hits are still the exact top k.
func TestSearchCountCap(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes 10,000 documents")
	}
	db := storetest.SQLite(t)
	ctx := context.Background()
	ix := search.NewIndex(db)
	o := &tenancy.Organisation{Kind: tenancy.Company, Name: "cap", Slug: "cap"}
	if err := db.CreateOrganisation(ctx, o); err != nil {
		t.Fatal(err)
	}
	var docs []search.Doc
	for i := 0; i < 10_050; i++ {
		docs = append(docs, search.Doc{Kind: search.KindLearning, ID: fmt.Sprintf("d%05d", i), Lang: "en",
			Title: fmt.Sprintf("Safety briefing %d", i), Boost: float64(i%1000) / 1000})
	}
	for start := 0; start < len(docs); start += 2000 {
		if err := ix.Upsert(ctx, o.ID, docs[start:min(start+2000, len(docs))]...); err != nil {
			t.Fatal(err)
		}
	}
	sc := search.Scope{OrgID: o.ID}
	full, err := ix.Query(ctx, sc, search.Query{Text: "safety", Facets: true, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	top, err := ix.Query(ctx, sc, search.Query{Text: "safety", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if !full.More || full.Total != 10_000 {
		t.Fatalf("total %d, more %v", full.Total, full.More)
	}
	if hitsString(full.Hits) != hitsString(top.Hits) {
		t.Fatalf("capped page\n%s\ndiffers from top-k\n%s", hitsString(full.Hits), hitsString(top.Hits))
	}
	small, err := ix.Query(ctx, sc, search.Query{Text: "safety briefing 42 ", Facets: true})
	if err != nil || small.More || small.Total != 1 {
		t.Fatalf("small result: %+v %v", small, err)
	}
}
