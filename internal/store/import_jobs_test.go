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

func TestImportJobsLifecycleAndIsolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := &tenancy.Organisation{Kind: tenancy.Company, Name: "A", Slug: "org-a"}
		b := &tenancy.Organisation{Kind: tenancy.Company, Name: "B", Slug: "org-b"}
		for _, o := range []*tenancy.Organisation{a, b} {
			if err := db.CreateOrganisation(ctx, o); err != nil {
				t.Fatal(err)
			}
		}
		j := &store.ImportJob{Kind: "esco", Stage: "reading"}
		if err := db.CreateImportJob(ctx, a.ID, j); err != nil {
			t.Fatal(err)
		}
		if err := db.ImportJobProgress(ctx, a.ID, j.ID, "writing", 50, 200); err != nil {
			t.Fatal(err)
		}
		// Another organisation can neither see nor move the job.
		if _, err := db.ImportJob(ctx, b.ID, j.ID); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("job seen from another organisation: %v", err)
		}
		if err := db.ImportJobProgress(ctx, b.ID, j.ID, "hijacked", 1, 1); err != nil {
			t.Fatal(err)
		}
		if err := db.FinishImportJob(ctx, b.ID, j.ID, true, "hijacked"); err != nil {
			t.Fatal(err)
		}
		if list, _ := db.ImportJobs(ctx, b.ID, 10); len(list) != 0 {
			t.Fatalf("another organisation lists %d jobs", len(list))
		}
		got, err := db.ImportJob(ctx, a.ID, j.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != store.ImportRunning || got.Stage != "writing" || got.Done != 50 || got.Total != 200 {
			t.Fatalf("running job: %+v", got)
		}
		if got.Interrupted(time.Now()) || !got.Interrupted(time.Now().Add(time.Hour)) {
			t.Fatal("a job reporting now is not interrupted; one silent for an hour is")
		}
		if err := db.FinishImportJob(ctx, a.ID, j.ID, false, "13896 skills"); err != nil {
			t.Fatal(err)
		}
		// Progress after the end changes nothing.
		if err := db.ImportJobProgress(ctx, a.ID, j.ID, "late", 1, 1); err != nil {
			t.Fatal(err)
		}
		list, err := db.ImportJobs(ctx, a.ID, 10)
		if err != nil || len(list) != 1 {
			t.Fatalf("jobs: %v %v", list, err)
		}
		if g := list[0]; g.Status != store.ImportDone || g.Message != "13896 skills" || g.Stage != "writing" || g.FinishedAt.IsZero() || g.Interrupted(time.Now().Add(time.Hour)) {
			t.Fatalf("finished job: %+v", g)
		}
	})
}
