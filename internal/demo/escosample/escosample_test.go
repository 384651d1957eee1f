package escosample_test

import (
	"context"
	"testing"

	"github.com/bakenhq/baken/internal/demo/escosample"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
)

// The demo's competences name ESCO skills; the sample must hold them, and
// the occupation a demo role profile can start from.
func TestSampleImportsWithTheDemoSkills(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("imports 5,392 skills: runs without -short and without -race (.ci/run runs it so)")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rep, err := escosample.Import(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Skills != 5392 || rep.Occupations != 856 || rep.Version != escosample.Version || rep.DutchOccupations != 856 {
			t.Fatalf("report: %s", rep)
		}
		for _, uri := range []string{
			"http://data.europa.eu/esco/skill/f015c5d5-6a1c-4f63-9012-a05f4f34105e", // MIG/MAG welding
			"http://data.europa.eu/esco/skill/6468e5fb-f3be-4025-87be-4b6556755c61", // programmable logic controller
		} {
			if _, err := db.ESCOSkill(ctx, uri); err != nil {
				t.Errorf("demo skill %s: %v", uri, err)
			}
		}
		occs, err := db.SearchESCOOccupations(ctx, "CNC", 10)
		if err != nil || len(occs) == 0 {
			t.Fatalf("no CNC occupation in the sample: %v", err)
		}
	})
}
