package search_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/bakenhq/baken/internal/search"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
)

// TestSearchOnESCO indexes part of ESCO and generated items on each engine
// and checks, for hundreds of queries drawn from the data, that
//   - the early-stopping top-k returns exactly what the full walk returns,
//   - both engines return the same results (the index is loaded from each
//     engine's tables by a fresh node),
//   - well-known ESCO skills are found by label, alt label, prefix, typo
//     and Dutch label.
func TestSearchOnESCO(t *testing.T) {
	if testing.Short() {
		t.Skip("loads ESCO")
	}
	all, groups := loadESCO(t)
	// A third of ESCO keeps the test quick: every skill with a Dutch label
	// or about welding or robots, and the first 2,500 others.
	var skills []escoConcept
	first, nItems, nQueries := 2500, 2000, 300
	if raceOn {
		// The race detector makes everything ten times slower.
		first, nItems, nQueries = 300, 300, 60
	}
	for i, s := range all {
		if i < first || s.nl != "" || strings.Contains(s.label, "weld") || strings.Contains(s.label, "robot") {
			skills = append(skills, s)
		}
	}
	ctx := context.Background()
	answers := map[string]string{} // engine → fingerprint of all answers
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		writer := search.NewIndex(db)
		if _, err := writer.Load(ctx); err != nil {
			t.Fatal(err)
		}
		orgs, items := fillIndex(t, db, writer, skills, groups, len(skills), nItems)
		ix := search.NewIndex(db) // a second node
		if _, err := ix.Load(ctx); err != nil {
			t.Fatal(err)
		}
		scope := search.Scope{OrgID: orgs[0], PartnerOrgIDs: orgs[1:3]}
		var fp strings.Builder
		for i, q := range benchQueries(items, skills, nQueries, 11) {
			for _, limit := range []int{1, 10} {
				top, err := ix.Query(ctx, scope, search.Query{Text: q, Limit: limit})
				if err != nil {
					t.Fatal(err)
				}
				full, err := ix.Query(ctx, scope, search.Query{Text: q, Limit: limit, Facets: true})
				if err != nil {
					t.Fatal(err)
				}
				a, b := hitsString(top.Hits), hitsString(full.Hits)
				if a != b {
					t.Fatalf("query %d %q limit %d: top-k\n%s\ndiffers from full walk\n%s", i, q, limit, a, b)
				}
				if full.Total < len(full.Hits) {
					t.Fatalf("%q: total %d < %d hits", q, full.Total, len(full.Hits))
				}
				fmt.Fprintf(&fp, "%q %d\n%s", q, full.Total, b)
			}
		}
		answers[string(db.Engine())] = fp.String()

		// Known skills.
		for _, c := range []struct{ q, lang, want string }{
			{"welding techniques", "en", "welding techniques"},           // the shortest title wins among equals
			{"tig welding ", "en", "perform tungsten inert gas welding"}, // an alt label
			{"weldng ", "en", ""},         // typo
			{"robotic", "en", "robotics"}, // prefix
			{"advies aan anderen geven", "nl", "advies aan anderen geven"}, // Dutch label shown in Dutch
		} {
			res, err := ix.Query(ctx, scope, search.Query{Text: c.q, Lang: c.lang, Filters: search.Filters{Type: []string{"competence"}}})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Hits) == 0 {
				t.Errorf("%q: no competence found", c.q)
				continue
			}
			if c.want != "" && res.Hits[0].Title != c.want {
				t.Errorf("%q: first %q, want %q", c.q, res.Hits[0].Title, c.want)
			}
		}
	})
	if len(answers) == 2 && answers["sqlite"] != answers["postgres"] {
		t.Fatal("SQLite and PostgreSQL nodes answer differently")
	}
}

func hitsString(hs []search.Result) string {
	var b strings.Builder
	for _, h := range hs {
		fmt.Fprintf(&b, "  %s/%s %.6f\n", h.Kind, h.ID, h.Score)
	}
	return b.String()
}
