package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/demo"
	"github.com/bakenhq/baken/internal/roadmap"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/tenancy"
)

func demoIDs(t *testing.T, db *store.DB) (org *tenancy.Organisation, byName map[string]*tenancy.Person, comps map[string]*competence.Competence, teams map[string]*tenancy.Team) {
	t.Helper()
	ctx := context.Background()
	org, err := db.OrganisationBySlug(ctx, "hofman")
	if err != nil {
		t.Fatal(err)
	}
	people, _, err := db.People(ctx, org.ID, tenancy.PeopleFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	byName = map[string]*tenancy.Person{}
	for _, p := range people {
		byName[p.Name] = p
	}
	cs, _, err := db.Competences(ctx, org.ID, competence.Filter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	comps = map[string]*competence.Competence{}
	for _, c := range cs {
		comps[c.NameNL] = c
	}
	ts, _ := db.Teams(ctx, org.ID, "")
	teams = map[string]*tenancy.Team{}
	for _, tm := range ts {
		teams[tm.Name] = tm
	}
	return
}

var itemIDRe = regexp.MustCompile(`/roadmap/items/([0-9a-f-]{36})`)

// TestBeaconJourney: management drafts a roadmap item with demand (bad
// input first), publishes it; an employee of the affected team sees it
// with their own gap; the team lead plans it; the person sees the plan;
// a validated level changes the dashboard's coverage.
func TestBeaconJourney(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv := demoServer(t, db)
		org, people, comps, teams := demoIDs(t, db)
		cnc := teams["CNC-verspanen"]
		fiveAxis := comps["5-assig frezen"]
		if fiveAxis == nil || cnc == nil {
			t.Fatal("demo lacks the 5-axis competence or the CNC team")
		}
		boss := newBrowser(t, srv)
		boss.signIn("gerrit.hofman@hofman.example", demo.Password)
		if code, body := boss.get("/roadmap/manage"); code != 200 || !strings.Contains(body, "Cobot-lascel lijn 3") {
			t.Fatalf("roadmap editor: %d", code)
		}
		boss.get("/roadmap/items/new")
		past := time.Now().AddDate(0, 0, -10).Format("2006-01-02")
		form := url.Values{"title_nl": {"Freesrobot belading"}, "title_en": {"Robot loading for the mills"}, "why_nl": {"Onbemand 's nachts doorfrezen."},
			"kind": {"technology"}, "status": {"planned"}, "target_date": {past}, "team_ids": {cnc.ID},
			"d_competence": {fiveAxis.ID, fiveAxis.ID}, "d_level": {"9", "2"}, "d_people": {"-3", "2"}, "d_by": {"", ""}, "d_where": {"team:" + cnc.ID, "team:" + cnc.ID}}
		code, body := boss.post("/roadmap/items", form)
		if code != http.StatusUnprocessableEntity {
			t.Fatalf("bad item: %d", code)
		}
		for _, want := range []string{"De streefdatum ligt in het verleden", "Regel 1: niveau 9 ligt boven de schaal van de organisatie, die tot 4 gaat", "Regel 1: het aantal mensen kan niet negatief zijn"} {
			if !strings.Contains(body, want) {
				t.Errorf("bad input page lacks %q", want)
			}
		}
		if items, _ := db.Items(ctx, org.ID, false); len(items) != 5 {
			t.Fatalf("bad input stored something: %d items", len(items))
		}
		target := time.Now().AddDate(0, 8, 0).Format("2006-01-02")
		form.Set("target_date", target)
		form["d_level"] = []string{"3", "2"}
		form["d_people"] = []string{"2", "1"}
		code, _ = boss.post("/roadmap/items", form)
		if code != http.StatusSeeOther {
			t.Fatalf("save draft: %d", code)
		}
		_, body = boss.get("/roadmap/manage")
		m := itemIDRe.FindAllStringSubmatch(body, -1)
		var itemID string
		for _, x := range m {
			if it, err := db.Item(ctx, org.ID, x[1], true); err == nil && it.TitleNL == "Freesrobot belading" {
				itemID = it.ID
			}
		}
		if itemID == "" {
			t.Fatal("draft not listed")
		}

		// An operator of the CNC team does not see the draft.
		jan := newBrowser(t, srv)
		jan.signIn("1001", "1234")
		if _, body := jan.get("/beacon"); strings.Contains(body, "Freesrobot belading") {
			t.Fatal("a draft shows on the beacon")
		}
		boss.get("/roadmap/items/" + itemID)
		if code, _ := boss.post("/roadmap/items/"+itemID+"/publish", url.Values{"publish": {"1"}}); code != http.StatusSeeOther {
			t.Fatalf("publish: %d", code)
		}
		_, body = jan.get("/beacon")
		if !strings.Contains(body, "Freesrobot belading") || !strings.Contains(body, "Raakt jou") {
			t.Fatal("the published item does not show on the employee's beacon as touching them")
		}
		// His own gap: 5-axis milling at level U (3), he has none.
		if !regexp.MustCompile(`5-assig frezen</a> <span class="badge gap">nog [0-9] niveau`).MatchString(body) {
			t.Errorf("the beacon does not show Jan's own 5-axis gap: %s", between(body, "5-assig", "</li>"))
		}
		if !strings.Contains(body, "gepubliceerd") {
			t.Error("what changed does not mention the publication")
		}
		// Second look: nothing new.
		if _, body := jan.get("/beacon"); !strings.Contains(body, "Sindsdien is er niets veranderd") {
			t.Error("what changed should be empty on the second look")
		}

		// Coverage of the item's 3-level line before any validation.
		covered := func() int {
			b := newBrowser(t, srv)
			b.signIn("gerrit.hofman@hofman.example", demo.Password)
			_, js := b.get("/gaps/data.json?team=" + cnc.ID)
			var out struct {
				Competences []struct {
					ID    string `json:"competence_id"`
					Dates []struct {
						Date    string `json:"date"`
						Needed  int    `json:"needed"`
						Covered int    `json:"covered"`
					} `json:"dates"`
				} `json:"competences"`
			}
			if err := json.Unmarshal([]byte(js), &out); err != nil {
				t.Fatalf("json: %v\n%s", err, js)
			}
			for _, c := range out.Competences {
				if c.ID == fiveAxis.ID {
					for _, d := range c.Dates {
						if d.Date == target {
							return d.Covered
						}
					}
				}
			}
			t.Fatalf("no 5-axis line at %s", target)
			return 0
		}
		before := covered()

		// The team lead plans it for Jan.
		henk := newBrowser(t, srv)
		henk.signIn("henk.smit@hofman.example", demo.Password)
		if code, body := henk.get("/teams/" + cnc.ID + "/gaps"); code != 200 || !strings.Contains(body, "5-assig frezen") {
			t.Fatalf("team gaps: %d", code)
		}
		janP := people["Jan de Vries"]
		code, body = henk.post("/teams/"+cnc.ID+"/plans", url.Values{"person_id": {janP.ID}, "competence_id": {fiveAxis.ID}, "target_level": {"3"},
			"target_date": {target}, "item_id": {itemID}, "note": {"Opleiding bij de leverancier"}})
		if code != http.StatusSeeOther {
			t.Fatalf("add plan: %d %s", code, body)
		}
		if _, body := jan.get("/people/" + janP.ID); !strings.Contains(body, "Opleiding bij de leverancier") {
			t.Error("Jan does not see the plan on his own page")
		}
		// Another team's lead may not plan for the CNC team.
		bart := newBrowser(t, srv)
		bart.signIn("bart.meijer@hofman.example", demo.Password)
		bart.get("/")
		if code, _ := bart.post("/teams/"+cnc.ID+"/plans", url.Values{"person_id": {janP.ID}, "competence_id": {fiveAxis.ID}, "target_level": {"2"}, "target_date": {target}}); code != http.StatusForbidden {
			t.Errorf("another team's lead plans for CNC: %d", code)
		}

		// The team lead validates Jan at level 3: the dashboard changes.
		if err := db.AddEvidence(ctx, org.ID, &competence.Evidence{PersonID: janP.ID, CompetenceID: fiveAxis.ID, Level: 3, Kind: competence.Validation, RecordedBy: people["Henk Smit"].ID}); err != nil {
			t.Fatal(err)
		}
		if after := covered(); after != before+1 {
			t.Errorf("coverage of 5-axis at level 3 went from %d to %d, want +1", before, after)
		}
	})
}

func TestGapPagesExportsAndAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv := demoServer(t, db)
		org, people, _, teams := demoIDs(t, db)
		boss := newBrowser(t, srv)
		boss.signIn("gerrit.hofman@hofman.example", demo.Password)
		code, body := boss.get("/gaps")
		if code != 200 || !strings.Contains(body, "<svg") || !strings.Contains(body, "Grootste risico") {
			t.Fatalf("dashboard: %d", code)
		}
		sites, _ := db.Sites(ctx, org.ID)
		if code, body := boss.get("/gaps?site=" + sites[0].ID); code != 200 || !strings.Contains(body, sites[0].Name) {
			t.Errorf("site drill-down: %d", code)
		}
		weld := teams["Lassen"]
		if code, body := boss.get("/gaps?team=" + weld.ID); code != 200 || !strings.Contains(body, "/gaps/people/") {
			t.Errorf("team drill-down: %d", code)
		}
		res, err := boss.c.Get(srv.URL + "/gaps/export.xlsx")
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(res.Body)
		res.Body.Close()
		zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatalf("xlsx is not a zip: %v", err)
		}
		var sheet string
		for _, f := range zr.File {
			if f.Name == "xl/worksheets/sheet1.xml" {
				rc, _ := f.Open()
				var b bytes.Buffer
				_, _ = b.ReadFrom(rc)
				sheet = b.String()
			}
		}
		if !strings.Contains(sheet, "VCA Basis") || !strings.Contains(sheet, "<v>") {
			t.Errorf("xlsx sheet lacks data: %.300s", sheet)
		}
		if code, body := boss.get("/gaps/export.csv"); code != 200 || !strings.Contains(body, "Competentie") {
			t.Errorf("csv: %d", code)
		}
		// Employees see neither the dashboard nor the editor nor others' gaps.
		jan := newBrowser(t, srv)
		jan.signIn("1001", "1234")
		for _, p := range []string{"/gaps", "/gaps/export.csv", "/gaps/data.json", "/roadmap/manage", "/roadmap/items/new", "/gaps/people/" + people["Henk Smit"].ID, "/teams/" + weld.ID + "/gaps"} {
			if code, _ := jan.get(p); code != http.StatusForbidden {
				t.Errorf("employee GET %s: %d, want 403", p, code)
			}
		}
		if code, _ := jan.get("/gaps/people/" + people["Jan de Vries"].ID); code != 200 {
			t.Errorf("own gaps: %d", code)
		}
		if code, body := jan.get("/beacon/data.json"); code != 200 || !strings.Contains(body, "my_roadmap_needs") {
			t.Errorf("beacon json: %d", code)
		}
		// Drafts stay hidden from the beacon JSON too.
		if _, body := jan.get("/beacon/data.json"); strings.Contains(body, "5-assig frezen\",\n  \"why") {
			t.Error("draft in beacon JSON")
		}

		// Tenant isolation: the partner university's admin cannot reach
		// Hofman's roadmap items, plans or people's gaps.
		items, _ := db.Items(ctx, org.ID, false)
		plans, _ := db.Plans(ctx, org.ID, store.PlanFilter{})
		if len(items) == 0 || len(plans) == 0 {
			t.Fatal("demo has no items or plans")
		}
		uni := newBrowser(t, srv)
		uni.signIn("s.hendriks@ttu.example", demo.Password)
		if code, _ := uni.get("/roadmap/items/" + items[0].ID); code != http.StatusNotFound {
			t.Errorf("other org's item: %d, want 404", code)
		}
		uni.get("/roadmap/manage")
		for _, p := range []string{"/roadmap/items/" + items[0].ID + "/publish", "/roadmap/items/" + items[0].ID + "/delete", "/plans/" + plans[0].ID + "/delete", "/plans/" + plans[0].ID + "/done"} {
			if code, _ := uni.post(p, url.Values{"publish": {"0"}}); code != http.StatusNotFound {
				t.Errorf("other org POST %s: %d, want 404", p, code)
			}
		}
		if code, _ := uni.get("/gaps/people/" + people["Jan de Vries"].ID); code != http.StatusNotFound {
			t.Errorf("other org's person gaps: %d", code)
		}
		if code, _ := uni.get("/gaps?team=" + weld.ID); code != http.StatusNotFound {
			t.Errorf("other org's team on the dashboard: %d", code)
		}
		if code, _ := uni.get("/teams/" + weld.ID + "/gaps"); code != http.StatusNotFound {
			t.Errorf("other org's team gaps: %d", code)
		}
		if _, body := uni.get("/beacon"); strings.Contains(body, "Cobot") {
			t.Error("the university sees Hofman's beacon")
		}
		if it, err := db.Item(ctx, org.ID, items[0].ID, true); err != nil || it.Published != items[0].Published {
			t.Error("the other organisation changed an item")
		}
		_ = roadmap.Planned
	})
}
