package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/tenancy"
)

func xapiOrgs(t *testing.T, db *store.DB) (a, b string) {
	t.Helper()
	ctx := context.Background()
	var ids []string
	for _, slug := range []string{"lrs-a", "lrs-b"} {
		o := &tenancy.Organisation{Kind: tenancy.Company, Name: slug, Slug: slug}
		if err := db.CreateOrganisation(ctx, o); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, o.ID)
	}
	return ids[0], ids[1]
}

func xapiStmt(id string, seq int64, keys ...store.XAPIKey) *store.XAPIStatement {
	return &store.XAPIStatement{ID: id, Seq: seq, Verb: "http://adlnet.gov/expapi/verbs/completed",
		Body: []byte(fmt.Sprintf(`{"id":%q}`, id)), Keys: keys}
}

var keyOp = store.XAPIKey{Kind: "a", Key: "mbox|mailto:op@example.com", Direct: true}

func idsOf(rows []*store.XAPIStatement) map[string]bool {
	out := map[string]bool{}
	for _, r := range rows {
		out[r.ID] = true
	}
	return out
}

// Concurrent writers share transactions on SQLite (group commit): one that
// fails, before or after writing, or panics, must leave nothing behind and
// must not take the others' statements with it; every one answered without
// error is stored, in its own organisation only.
func TestXAPIWriteGroupsAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		orgA, orgB := xapiOrgs(t, db)
		const n = 60
		errs := make([]error, n)
		panics := make([]any, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				defer func() { panics[i] = recover() }()
				org := orgA
				if i%2 == 1 {
					org = orgB
				}
				<-start
				errs[i] = db.XAPIWrite(ctx, org, func(t *store.XAPITx) error {
					seq := int64(1_000_000 + 10*i)
					switch i % 4 {
					case 1: // fails before writing
						return core.ErrConflict
					case 2: // fails after writing
						if err := t.Insert(ctx, []*store.XAPIStatement{xapiStmt(fmt.Sprint("s", i), seq, keyOp)}); err != nil {
							return err
						}
						return errors.New("rule broken after the insert")
					}
					if i%12 == 3 { // panics after writing
						_ = t.Insert(ctx, []*store.XAPIStatement{xapiStmt(fmt.Sprint("s", i), seq, keyOp)})
						panic("boom")
					}
					return t.Insert(ctx, []*store.XAPIStatement{xapiStmt(fmt.Sprint("s", i), seq, keyOp), xapiStmt(fmt.Sprint("s", i, "b"), seq+1, keyOp)})
				})
			}(i)
		}
		close(start)
		wg.Wait()
		want := map[string]map[string]bool{orgA: {}, orgB: {}}
		for i := 0; i < n; i++ {
			org := orgA
			if i%2 == 1 {
				org = orgB
			}
			ok := errs[i] == nil && panics[i] == nil
			if ok != (i%4 == 0 || (i%4 == 3 && i%12 != 3)) {
				t.Fatalf("writer %d: err %v, panic %v", i, errs[i], panics[i])
			}
			for _, id := range []string{fmt.Sprint("s", i), fmt.Sprint("s", i, "b")} {
				_, err := db.XAPIStatementByID(ctx, org, id)
				if ok != (err == nil) {
					t.Fatalf("writer %d (ok %v): statement %s: %v", i, ok, id, err)
				}
				if ok {
					want[org][id] = true
				}
			}
		}
		for _, org := range []string{orgA, orgB} {
			rows, err := db.XAPIStatements(ctx, org, store.XAPIQuery{Filters: []store.XAPIKey{keyOp}, Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			got := idsOf(rows)
			if len(got) != len(want[org]) {
				t.Fatalf("query found %d statements, want %d", len(got), len(want[org]))
			}
			for id := range want[org] {
				if !got[id] {
					t.Fatalf("query misses %s", id)
				}
			}
		}
	})
}

// The bulk path stores what XAPIWrite would, keys included, for one
// organisation only.
func TestXAPIBulkLoad(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		orgA, orgB := xapiOrgs(t, db)
		other := store.XAPIKey{Kind: "v", Key: "http://adlnet.gov/expapi/verbs/passed"}
		batches := 0
		n, err := db.XAPIBulkLoad(ctx, orgA, func() ([]*store.XAPIStatement, error) {
			if batches == 5 {
				return nil, nil
			}
			var out []*store.XAPIStatement
			for i := 0; i < 300; i++ {
				k := batches*300 + i
				keys := []store.XAPIKey{keyOp}
				if k%3 == 0 {
					keys = append(keys, other)
				}
				out = append(out, xapiStmt(fmt.Sprint("bulk", k), int64(5_000_000+k), keys...))
			}
			batches++
			return out, nil
		})
		if err != nil || n != 1500 {
			t.Fatalf("loaded %d: %v", n, err)
		}
		rows, err := db.XAPIStatements(ctx, orgA, store.XAPIQuery{Filters: []store.XAPIKey{other, keyOp}, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 10 || rows[0].ID != "bulk1497" || rows[9].ID != "bulk1470" {
			t.Fatalf("query after bulk load: %d rows, first %v", len(rows), rows)
		}
		if rows, err := db.XAPIStatements(ctx, orgB, store.XAPIQuery{Filters: []store.XAPIKey{keyOp}, Limit: 10}); err != nil || len(rows) != 0 {
			t.Fatalf("other organisation sees %d statements (%v)", len(rows), err)
		}
	})
}
