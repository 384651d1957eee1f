package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/bakenhq/baken/internal/catalogue"
	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/openlearning"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/tenancy"
)

func TestImportOpenCourses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		A, B := f.a.ID, f.b.ID
		lk, err := db.CourseImportLookup(ctx, A)
		must(t, err)
		if lk.Competences["weld metal parts"] != f.weld.ID || lk.Competences["metalen onderdelen lassen"] != f.weld.ID ||
			lk.Competences[weldURI] != f.weld.ID || lk.MaxLevel < 2 || lk.Visibility != catalogue.VisOrg {
			t.Fatalf("lookup = %+v", lk)
		}
		if _, ok := lk.Competences["b's secret skill"]; ok {
			t.Fatal("the lookup names another organisation's competence")
		}
		file := "title_en,url,provider,hours,cost,certificate,visibility,competences\n" +
			"Welding basics,https://a.example/weld,TTU,10,250,yes,org,weld metal parts:2\n" +
			"CNC for partners,https://a.example/cnc," + "TTU,20,0,no,partners," + cncURI + ":1\n"
		res, err := openlearning.ParseCourses([]byte(file), lk)
		must(t, err)
		if !res.Valid() {
			t.Fatalf("rows: %+v %+v", res.Rows[0].Errors, res.Rows[1].Errors)
		}
		var courses []store.ImportedCourse
		for _, r := range res.Rows {
			courses = append(courses, store.ImportedCourse{Item: r.Item, Detail: r.Detail})
		}
		must(t, db.ImportOpenCourses(ctx, A, f.lead.ID, courses))
		list, err := db.OpenCourses(ctx, A, false)
		must(t, err)
		if len(list) != 2 || list[0].TitleEN != "CNC for partners" || list[1].Detail.CostCents != 25000 || !list[1].Detail.Certificate {
			t.Fatalf("A's courses = %+v", list)
		}
		it, err := db.LearningItem(ctx, A, courses[0].Item.ID)
		must(t, err)
		if it.Status != catalogue.Published || it.Minutes != 600 || len(it.Outcomes) != 1 || it.Outcomes[0].Level != 2 || it.AuthorID != f.lead.ID {
			t.Fatalf("item = %+v", it)
		}
		if vs, err := db.LearningItemVersions(ctx, A, it.ID); err != nil || len(vs) != 1 {
			t.Fatalf("versions = %v %v", vs, err)
		}
		// Importing the same file again: every title now exists.
		lk, err = db.CourseImportLookup(ctx, A)
		must(t, err)
		if res, err := openlearning.ParseCourses([]byte(file), lk); err != nil || res.Invalid != 2 {
			t.Fatalf("second import: %v %+v", err, res)
		}

		// Isolation: B sees none of A's courses (no partnership), and
		// its lookup has none of A's titles or competences.
		if list, err := db.OpenCourses(ctx, B, true); err != nil || len(list) != 0 {
			t.Fatalf("B sees %+v %v", list, err)
		}
		lkB, err := db.CourseImportLookup(ctx, B)
		must(t, err)
		if lkB.Titles["welding basics"] || lkB.Competences[weldURI] != "" {
			t.Fatalf("B's lookup = %+v", lkB)
		}
		// Another organisation's competence makes the whole import fail,
		// and nothing of it is stored.
		bad := []store.ImportedCourse{
			{Item: &catalogue.Item{TitleEN: "Fine", URL: "https://b.example/1", Status: catalogue.Published}, Detail: &openlearning.CourseDetail{Provider: "P"}},
			{Item: &catalogue.Item{TitleEN: "Sneaky", URL: "https://b.example/2", Status: catalogue.Published,
				Outcomes: []catalogue.Outcome{{CompetenceID: f.weld.ID, Level: 1}}}, Detail: &openlearning.CourseDetail{Provider: "P"}},
		}
		if err := db.ImportOpenCourses(ctx, B, "", bad); core.ErrorCode(err) != core.EInvalid {
			t.Fatalf("import with A's competence into B: %v", err)
		}
		// A person of another organisation cannot be the author.
		if err := db.ImportOpenCourses(ctx, B, f.lead.ID, bad[:1]); err == nil {
			t.Fatal("import by A's person into B succeeded")
		}
		// A javascript: link never reaches the database.
		js := []store.ImportedCourse{{Item: &catalogue.Item{TitleEN: "X", URL: "javascript:alert(1)"}, Detail: &openlearning.CourseDetail{Provider: "P"}}}
		if err := db.ImportOpenCourses(ctx, B, "", js); core.ErrorCode(err) != core.EInvalid {
			t.Fatalf("javascript link: %v", err)
		}
		if list, err := db.OpenCourses(ctx, B, true); err != nil || len(list) != 0 {
			t.Fatalf("after failed imports B has %d courses (%v)", len(list), err)
		}
		// A failure late in the batch (a duplicate id) rolls back the
		// rows before it.
		dup := core.NewID()
		late := []store.ImportedCourse{
			{Item: &catalogue.Item{ID: dup, TitleEN: "One", URL: "https://b.example/1"}, Detail: &openlearning.CourseDetail{Provider: "P"}},
			{Item: &catalogue.Item{ID: dup, TitleEN: "Two", URL: "https://b.example/2"}, Detail: &openlearning.CourseDetail{Provider: "P"}},
		}
		if err := db.ImportOpenCourses(ctx, B, "", late); err == nil {
			t.Fatal("duplicate ids imported")
		}
		if list, err := db.OpenCourses(ctx, B, true); err != nil || len(list) != 0 {
			t.Fatalf("after a late failure B has %d courses (%v)", len(list), err)
		}

		// Partners: a provider's partners-visibility course is seen by
		// its partner company, its org-visibility course is not.
		prov := &tenancy.Organisation{Kind: tenancy.Provider, Name: "TTU", Slug: "ttu"}
		must(t, db.CreateOrganisation(ctx, prov))
		must(t, db.AddPartnership(ctx, B, prov.ID))
		lkP, err := db.CourseImportLookup(ctx, prov.ID)
		must(t, err)
		if lkP.Visibility != catalogue.VisPartners {
			t.Fatalf("provider default visibility %s", lkP.Visibility)
		}
		pres, err := openlearning.ParseCourses([]byte("title_en,url,provider,visibility\nShared,https://ttu.example/s,TTU,\nInternal,https://ttu.example/i,TTU,org\n"), lkP)
		must(t, err)
		var pc []store.ImportedCourse
		for _, r := range pres.Rows {
			pc = append(pc, store.ImportedCourse{Item: r.Item, Detail: r.Detail})
		}
		must(t, db.ImportOpenCourses(ctx, prov.ID, "", pc))
		list, err = db.OpenCourses(ctx, B, false)
		must(t, err)
		if len(list) != 1 || list[0].TitleEN != "Shared" || list[0].Partner != "TTU" {
			t.Fatalf("B sees %+v", list)
		}
		if list, _ := db.OpenCourses(ctx, A, false); len(list) != 2 {
			t.Fatalf("A (no partner of TTU) sees %d courses", len(list))
		}
		if _, err := db.OpenCourse(ctx, B, pc[1].Item.ID); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("B reads TTU's internal course: %v", err)
		}
	})
}

// BenchmarkImportOpenCourses stores 2,000 courses with one outcome each in
// one transaction, on each engine.
func BenchmarkImportOpenCourses(b *testing.B) {
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			db := storetest.Open(b, engine)
			ctx := context.Background()
			org := &tenancy.Organisation{Kind: tenancy.Provider, Name: "TTU", Slug: "ttu"}
			must2(b, db.CreateOrganisation(ctx, org))
			c := &competence.Competence{NameEN: "Welding", Active: true}
			must2(b, db.CreateCompetence(ctx, org.ID, c))
			const n = 2000
			round := 0
			for b.Loop() {
				courses := make([]store.ImportedCourse, n)
				for i := range courses {
					courses[i] = store.ImportedCourse{
						Item: &catalogue.Item{TitleEN: fmt.Sprintf("Course %d-%d", round, i), URL: "https://ttu.example/c", Minutes: 600, Status: catalogue.Published,
							Outcomes: []catalogue.Outcome{{CompetenceID: c.ID, Level: 2}}},
						Detail: &openlearning.CourseDetail{Provider: "TTU", CostCents: 45000, Certificate: true},
					}
				}
				round++
				must2(b, db.ImportOpenCourses(ctx, org.ID, "", courses))
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/2000-courses")
		})
	}
}
