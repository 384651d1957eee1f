package store_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/catalogue"
	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/tenancy"
)

func tinyPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type catFixture struct {
	*fixture
	site, siteB *tenancy.Site
	expert      *tenancy.Person
	media       *catalogue.Media
	item        *catalogue.Item
	place       *catalogue.Place
}

func catSetup(t *testing.T, db *store.DB) *catFixture {
	t.Helper()
	ctx := context.Background()
	f := &catFixture{fixture: setup(t, db)}
	f.site = &tenancy.Site{Name: "Almelo"}
	must(t, db.CreateSite(ctx, f.a.ID, f.site))
	f.siteB = &tenancy.Site{Name: "B-site"}
	must(t, db.CreateSite(ctx, f.b.ID, f.siteB))
	f.expert = &tenancy.Person{Name: "Ruud Expert", Roles: []core.Role{core.RoleExpert}, SiteID: f.site.ID}
	must(t, db.CreatePerson(ctx, f.a.ID, f.expert))
	f.media = &catalogue.Media{Name: "chuck.png", Data: tinyPNG(t, 40, 30), CreatedBy: f.expert.ID}
	must(t, db.SaveMedia(ctx, f.a.ID, f.media))
	f.item = &catalogue.Item{Type: catalogue.Instruction, TitleNL: "Gereedschap wisselen", TitleEN: "Change tools", Minutes: 5,
		Outcomes: []catalogue.Outcome{{CompetenceID: f.cnc.ID, Level: 3}}, TeamIDs: []string{f.team.ID},
		Instruction: &catalogue.InstructionDetail{Steps: []catalogue.Step{{TextNL: "Stop de machine", MediaID: f.media.ID}, {}},
			SafetyNL: []string{"Draag handschoenen"}, ToolsEN: []string{"torque wrench\n- hex key"}}}
	must(t, db.CreateLearningItem(ctx, f.a.ID, f.item, f.expert.ID))
	f.place = &catalogue.Place{SiteID: f.site.ID, Code: " cnc-01 ", NameNL: "Draaibank", NameEN: "Lathe",
		Competences: []catalogue.Outcome{{CompetenceID: f.cnc.ID}}, ItemIDs: []string{f.item.ID}}
	must(t, db.CreatePlace(ctx, f.a.ID, f.place))
	return f
}

func TestLearningItems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := catSetup(t, db)
		A := f.a.ID
		got, err := db.LearningItem(ctx, A, f.item.ID)
		must(t, err)
		if got.Lang != "" || got.Version != 1 || got.Status != catalogue.Draft || got.AuthorName != "Ruud Expert" {
			t.Errorf("item = lang %q v%d %s by %q", got.Lang, got.Version, got.Status, got.AuthorName)
		}
		if len(got.Instruction.Steps) != 1 || got.Instruction.Steps[0].MediaID != f.media.ID || len(got.Instruction.ToolsEN) != 2 {
			t.Errorf("detail = %+v", got.Instruction)
		}
		if len(got.Outcomes) != 1 || got.Outcomes[0].NameEN != "operate CNC lathe" || len(got.TeamIDs) != 1 {
			t.Errorf("links = %+v %v", got.Outcomes, got.TeamIDs)
		}
		// Review cycle with a stale save in between.
		author := core.Principal{PersonID: f.expert.ID, OrgID: A, Roles: []core.Role{core.RoleExpert}}
		st, err := catalogue.Transition(author, got, catalogue.ActSubmit)
		must(t, err)
		got.Status = st
		must(t, db.UpdateLearningItem(ctx, A, got, f.expert.ID, "submitted"))
		stale := *got
		stale.Version = 1
		if err := db.UpdateLearningItem(ctx, A, &stale, f.expert.ID, "saved"); core.ErrorCode(err) != core.EConflict {
			t.Errorf("stale save: %v, want conflict", err)
		}
		if _, err := catalogue.Transition(author, got, catalogue.ActPublish); core.ErrorCode(err) != core.EForbidden {
			t.Errorf("author publishes own item: %v", err)
		}
		reviewer := core.Principal{PersonID: f.lead.ID, OrgID: A, Roles: []core.Role{core.RoleLearning}}
		st, err = catalogue.Transition(reviewer, got, catalogue.ActPublish)
		must(t, err)
		got.Status, got.ReviewerID = st, f.lead.ID
		must(t, db.UpdateLearningItem(ctx, A, got, f.lead.ID, "published"))
		got, _ = db.LearningItem(ctx, A, f.item.ID)
		if got.Status != catalogue.Published || got.PublishedAt.IsZero() || got.ReviewerName != "Lies Lead" || got.Version != 3 {
			t.Errorf("after publish: %s %v %q v%d", got.Status, got.PublishedAt, got.ReviewerName, got.Version)
		}
		vs, err := db.LearningItemVersions(ctx, A, f.item.ID)
		must(t, err)
		if len(vs) != 3 || vs[0].Note != "published" || vs[2].Status != catalogue.Draft || vs[0].SavedName != "Lies Lead" {
			t.Errorf("versions = %+v", vs)
		}
		list, err := db.LearningItems(ctx, A, store.ItemFilter{Status: []catalogue.Status{catalogue.Published}})
		must(t, err)
		if len(list) != 1 || len(list[0].Outcomes) != 1 {
			t.Errorf("published list = %d", len(list))
		}
		// Bad references are refused.
		bad := &catalogue.Item{Type: catalogue.Instruction, TitleEN: "x", Outcomes: []catalogue.Outcome{{CompetenceID: f.otherOrgC.ID, Level: 2}}}
		if err := db.CreateLearningItem(ctx, A, bad, f.expert.ID); core.ErrorCode(err) != core.EInvalid {
			t.Errorf("outcome of another org: %v", err)
		}
		bad = &catalogue.Item{Type: catalogue.Instruction, TitleEN: "x", URL: "javascript:alert(1)"}
		if err := db.CreateLearningItem(ctx, A, bad, f.expert.ID); core.ErrorCode(err) != core.EInvalid {
			t.Errorf("javascript url: %v", err)
		}
	})
}

func TestPlacesAndHelpers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := catSetup(t, db)
		A := f.a.ID
		now := time.Now().UTC()
		if f.place.Code != "CNC-01" {
			t.Errorf("code = %q", f.place.Code)
		}
		dup := &catalogue.Place{SiteID: f.site.ID, Code: "CNC-01", NameEN: "Other"}
		if err := db.CreatePlace(ctx, A, dup); core.ErrorCode(err) != core.EConflict {
			t.Errorf("duplicate code: %v", err)
		}
		// Jan on the site, validated at 3; Pia at 4 but on no site; the
		// expert self-declared 2.
		must(t, db.UpdatePerson(ctx, A, &tenancy.Person{ID: f.jan.ID, Name: "Jan", TeamID: f.team.ID, SiteID: f.site.ID, Active: true}))
		must(t, db.AddEvidenceBatch(ctx, A, []*competence.Evidence{
			{PersonID: f.jan.ID, CompetenceID: f.cnc.ID, Kind: competence.Validation, Level: 3, RecordedBy: f.lead.ID},
			{PersonID: f.pia.ID, CompetenceID: f.cnc.ID, Kind: competence.Validation, Level: 4, RecordedBy: f.lead.ID},
			{PersonID: f.expert.ID, CompetenceID: f.cnc.ID, Kind: competence.SelfAssessment, Level: 2, RecordedBy: f.expert.ID},
		}))
		v, err := db.PlaceView(ctx, A, "cnc-01", "nl", now)
		must(t, err)
		if len(v.Items) != 0 {
			t.Errorf("draft item shown on the place page")
		}
		if len(v.Helpers) != 1 || v.Helpers[0].Name != "Jan" || !v.Helpers[0].Validated || v.Helpers[0].Level != 3 {
			t.Errorf("helpers = %+v", v.Helpers)
		}
		if len(v.Place.Competences) != 1 || v.Place.Competences[0].Level != catalogue.HelpLevel || v.Place.SiteName != "Almelo" {
			t.Errorf("place = %+v", v.Place)
		}
		it, _ := db.LearningItem(ctx, A, f.item.ID)
		it.Status = catalogue.Published
		must(t, db.UpdateLearningItem(ctx, A, it, f.expert.ID, "published"))
		v, _ = db.PlaceView(ctx, A, "CNC-01", "nl", now)
		if len(v.Items) != 1 || v.Items[0].Title("nl") != "Gereedschap wisselen" {
			t.Errorf("place items = %v", v.Items)
		}
		// Binding and unbinding items.
		other := &catalogue.Item{Type: catalogue.Instruction, TitleEN: "Clean", Status: catalogue.Published}
		must(t, db.CreateLearningItem(ctx, A, other, f.expert.ID))
		must(t, db.AddItemToPlace(ctx, A, f.place.ID, other.ID))
		must(t, db.AddItemToPlace(ctx, A, f.place.ID, other.ID))
		p, _ := db.Place(ctx, A, f.place.ID)
		if len(p.ItemIDs) != 2 || p.ItemIDs[1] != other.ID {
			t.Errorf("items = %v", p.ItemIDs)
		}
		must(t, db.RemoveItemFromPlace(ctx, A, f.place.ID, other.ID))
		ps, _ := db.Places(ctx, A, store.PlaceFilter{ItemID: f.item.ID})
		if len(ps) != 1 || len(ps[0].ItemIDs) != 1 {
			t.Errorf("places of item = %v", ps)
		}
		p.NameEN = "CNC lathe"
		must(t, db.UpdatePlace(ctx, A, p))
		if ps, _ := db.Places(ctx, A, store.PlaceFilter{SiteID: f.site.ID}); len(ps) != 1 || ps[0].NameEN != "CNC lathe" {
			t.Errorf("after update = %v", ps)
		}
		// Usage and its summary.
		for _, k := range []catalogue.UsageKind{catalogue.UseView, catalogue.UseView, catalogue.UseDone, catalogue.UseHelped} {
			must(t, db.RecordUsage(ctx, A, &catalogue.Usage{ItemID: f.item.ID, PersonID: f.jan.ID, PlaceID: f.place.ID, Kind: k, Comment: "top"}))
		}
		st, err := db.ItemUsage(ctx, A, f.item.ID)
		must(t, err)
		if st.Counts[catalogue.UseView] != 2 || st.People != 1 || len(st.ByPlace) != 1 || st.ByPlace[0].Count != 4 || len(st.Comments) != 1 || st.Comments[0].PersonName != "Jan" {
			t.Errorf("usage = %+v", st)
		}
		must(t, db.DeletePlace(ctx, A, f.place.ID))
		if _, err := db.PlaceByCode(ctx, A, "CNC-01"); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("deleted place: %v", err)
		}
	})
}

func TestMediaLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := catSetup(t, db)
		m, err := db.Media(ctx, f.a.ID, f.media.ID)
		must(t, err)
		if m.ContentType != catalogue.PNG || m.Width != 40 || !bytes.Equal(m.Data, f.media.Data) {
			t.Errorf("media = %s %dx%d", m.ContentType, m.Width, m.Height)
		}
		for name, data := range map[string][]byte{
			"html":  []byte("<html><script>alert(1)</script>"),
			"svg":   []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`),
			"empty": nil,
		} {
			if err := db.SaveMedia(ctx, f.a.ID, &catalogue.Media{Name: name, Data: data}); core.ErrorCode(err) != core.EInvalid {
				t.Errorf("%s: %v, want invalid", name, err)
			}
		}
	})
}

func TestTenantIsolationCatalogue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := catSetup(t, db)
		A, B := f.a.ID, f.b.ID
		notFound := func(what string, err error) {
			t.Helper()
			if !errors.Is(err, core.ErrNotFound) {
				t.Errorf("org B %s: %v, want not found", what, err)
			}
		}
		invalid := func(what string, err error) {
			t.Helper()
			if c := core.ErrorCode(err); c != core.EInvalid && c != core.ENotFound {
				t.Errorf("org B %s: %v, want invalid or not found", what, err)
			}
		}
		_, err := db.LearningItem(ctx, B, f.item.ID)
		notFound("reads A's item", err)
		_, err = db.SharedLearningItem(ctx, B, f.item.ID)
		notFound("reads A's draft item as shared", err)
		if l, _ := db.LearningItems(ctx, B, store.ItemFilter{}); len(l) != 0 {
			t.Error("org B lists A's items")
		}
		_, err = db.LearningItemVersions(ctx, B, f.item.ID)
		notFound("reads A's versions", err)
		upd := *f.item
		upd.TitleEN = "hacked"
		notFound("updates A's item", db.UpdateLearningItem(ctx, B, &upd, f.otherOrgP.ID, "x"))
		invalid("uses A's media", db.CreateLearningItem(ctx, B, &catalogue.Item{Type: catalogue.Instruction, TitleEN: "x",
			Instruction: &catalogue.InstructionDetail{Steps: []catalogue.Step{{MediaID: f.media.ID}}}}, f.otherOrgP.ID))
		invalid("targets A's team", db.CreateLearningItem(ctx, B, &catalogue.Item{Type: catalogue.Instruction, TitleEN: "x", TeamIDs: []string{f.team.ID}}, f.otherOrgP.ID))
		invalid("names A's person as author", db.CreateLearningItem(ctx, B, &catalogue.Item{Type: catalogue.Instruction, TitleEN: "x", AuthorID: f.expert.ID}, f.otherOrgP.ID))
		_, err = db.Media(ctx, B, f.media.ID)
		notFound("reads A's media", err)
		_, err = db.Place(ctx, B, f.place.ID)
		notFound("reads A's place", err)
		_, err = db.PlaceByCode(ctx, B, "CNC-01")
		notFound("reads A's place by code", err)
		_, err = db.PlaceView(ctx, B, "CNC-01", "en", time.Now())
		notFound("opens A's place page", err)
		if ps, _ := db.Places(ctx, B, store.PlaceFilter{}); len(ps) != 0 {
			t.Error("org B lists A's places")
		}
		notFound("updates A's place", db.UpdatePlace(ctx, B, &catalogue.Place{ID: f.place.ID, SiteID: f.siteB.ID, Code: "X", NameEN: "x"}))
		notFound("deletes A's place", db.DeletePlace(ctx, B, f.place.ID))
		invalid("puts a place on A's site", db.CreatePlace(ctx, B, &catalogue.Place{SiteID: f.site.ID, Code: "X", NameEN: "x"}))
		invalid("binds A's item to its place", db.CreatePlace(ctx, B, &catalogue.Place{SiteID: f.siteB.ID, Code: "X", NameEN: "x", ItemIDs: []string{f.item.ID}}))
		bp := &catalogue.Place{SiteID: f.siteB.ID, Code: "CNC-01", NameEN: "B's own lathe"}
		must(t, db.CreatePlace(ctx, B, bp)) // codes are per organisation
		notFound("binds A's item", db.AddItemToPlace(ctx, B, bp.ID, f.item.ID))
		notFound("binds to A's place", db.AddItemToPlace(ctx, B, f.place.ID, f.item.ID))
		must(t, db.RemoveItemFromPlace(ctx, B, f.place.ID, f.item.ID))
		if p, _ := db.Place(ctx, A, f.place.ID); len(p.ItemIDs) != 1 {
			t.Error("org B unbound A's item")
		}
		invalid("records usage of A's item", db.RecordUsage(ctx, B, &catalogue.Usage{ItemID: f.item.ID, PersonID: f.otherOrgP.ID, Kind: catalogue.UseView}))
		if st, _ := db.ItemUsage(ctx, B, f.item.ID); st.People != 0 {
			t.Error("org B reads A's usage")
		}
		if v, _ := db.PlaceView(ctx, B, "CNC-01", "en", time.Now()); v.Place.NameEN != "B's own lathe" {
			t.Error("org B's code opens A's place")
		}
		// Sharing: a published public item is readable by B, with its media;
		// a partner-visible one only once the organisations are partners.
		it, _ := db.LearningItem(ctx, A, f.item.ID)
		it.Status, it.Visibility = catalogue.Published, catalogue.VisPartners
		must(t, db.UpdateLearningItem(ctx, A, it, f.expert.ID, "published"))
		_, err = db.SharedLearningItem(ctx, B, f.item.ID)
		notFound("reads A's partner item without partnership", err)
		_, err = db.Media(ctx, B, f.media.ID)
		notFound("reads A's partner media without partnership", err)
		must(t, db.AddPartnership(ctx, A, B))
		if _, err := db.SharedLearningItem(ctx, B, f.item.ID); err != nil {
			t.Errorf("partner reads partner item: %v", err)
		}
		if _, err := db.Media(ctx, B, f.media.ID); err != nil {
			t.Errorf("partner reads partner item's media: %v", err)
		}
	})
}
