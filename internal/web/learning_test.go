package web_test

import (
	"context"
	"net/http"
	"net/url"
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

// A provider shares a course with its partner; an operator with a gap gets
// it recommended with its reason, enrols, completes it with a certificate;
// the evidence awaits validation; the recommendation drops out; the team
// lead's plan proposes the course and assigns it.
func TestOpenLearningJourney(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv := demoServer(t, db)
		hofman, _ := db.OrganisationBySlug(ctx, "hofman")
		ttu, _ := db.OrganisationBySlug(ctx, "ttu-et")
		// Hofman's competence and the university's of the same name.
		own := &competence.Competence{Framework: competence.Own, NameNL: "Lasrobotcel bedienen", NameEN: "Operating a welding robot cell", Layer: competence.New, Active: true}
		if err := db.CreateCompetence(ctx, hofman.ID, own); err != nil {
			t.Fatal(err)
		}
		theirs := &competence.Competence{Framework: competence.Own, NameNL: "Lasrobotcel bedienen", NameEN: "Operating a welding robot cell", Layer: competence.New, Active: true}
		if err := db.CreateCompetence(ctx, ttu.ID, theirs); err != nil {
			t.Fatal(err)
		}
		// Jan's team (CNC) must have two people at level 2 by next autumn.
		people, _, _ := db.People(ctx, hofman.ID, pf("Jan de Vries"))
		jan := people[0]
		due := time.Now().UTC().AddDate(0, 9, 0)
		item := &roadmap.Item{TitleNL: "Cobotcel lijn 3", TitleEN: "Cobot cell line 3", Kind: roadmap.Kind("technology"), TargetDate: roadmap.Day(due), Status: roadmap.Planned,
			Demand: []roadmap.Demand{{CompetenceID: own.ID, Level: 2, People: 2, By: roadmap.Day(due), TeamID: jan.TeamID}}}
		if err := db.CreateItem(ctx, hofman.ID, item, "", time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := db.PublishItem(ctx, hofman.ID, item.ID, true, "", time.Now()); err != nil {
			t.Fatal(err)
		}

		// The university adds a course for its partners.
		uni := newBrowser(t, srv)
		uni.signIn("s.hendriks@ttu.example", demo.Password)
		if code, body := uni.get("/learning/courses/new"); code != 200 || !strings.Contains(body, "Operating a welding robot cell") {
			t.Fatalf("course form: %d", code)
		}
		form := url.Values{"title_nl": {"Lasrobotcel bedienen in de praktijk"}, "title_en": {"Operating a welding robot cell in practice"}, "url": {"https://ttu.example/cobots"},
			"provider": {"Twentse Technische Universiteit"}, "hours": {"16"}, "cost": {"450"}, "currency": {"EUR"}, "certificate": {"on"},
			"visibility": {"partners"}, "competence": {theirs.ID}, "level": {"2"}}
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("url", "javascript:alert(1)")
		if code, _ := uni.post("/learning/courses", bad); code != http.StatusUnprocessableEntity {
			t.Fatalf("course with a javascript link: %d", code)
		}
		if code, body := uni.post("/learning/courses", form); code != http.StatusSeeOther {
			t.Fatalf("add course: %d %s", code, body)
		}

		// Jan (employee number 1001, PIN 1234) sees it recommended, with why.
		op := newBrowser(t, srv)
		op.get("/signin")
		if code, _ := op.post("/signin", url.Values{"login": {"1001"}, "secret": {"1234"}}); code != http.StatusSeeOther {
			t.Fatalf("PIN sign-in: %d", code)
		}
		_, body := op.get("/learning")
		if !strings.Contains(body, "Lasrobotcel bedienen in de praktijk") || !strings.Contains(body, "Cobotcel lijn 3") || !strings.Contains(body, "niveau 0 van 2") {
			t.Fatalf("recommendation with reason missing:\n%s", between(body, "<main", "</main>"))
		}
		if _, home := op.get("/"); !strings.Contains(home, "Aanbevolen voor jou") {
			t.Fatal("the home page has no recommendations")
		}
		if _, beacon := op.get("/beacon"); !strings.Contains(beacon, "Aanbevolen voor jou") {
			t.Fatal("the beacon page has no recommendations")
		}
		cs, _ := db.OpenCourses(ctx, hofman.ID, false)
		var courseID string
		for _, c := range cs {
			if c.TitleNL == "Lasrobotcel bedienen in de praktijk" && c.Partner != "" {
				courseID = c.ItemID
			}
		}
		if courseID == "" {
			t.Fatal("Hofman does not see the partner's course")
		}
		op.get("/learning/courses/" + courseID)
		if code, _ := op.post("/learning/items/"+courseID+"/enrol", url.Values{"next": {"/learning/courses/" + courseID}}); code != http.StatusSeeOther {
			t.Fatalf("enrol: %d", code)
		}
		// Completing without proof is refused; with a certificate it works.
		op.get("/learning/courses/" + courseID)
		if code, _ := op.postMultipart("/learning/items/"+courseID+"/complete", url.Values{"next": {"/learning/courses/" + courseID}}, "", "", nil); code != http.StatusUnprocessableEntity {
			t.Fatalf("complete without proof: %d", code)
		}
		pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
		if code, body := op.postMultipart("/learning/items/"+courseID+"/complete", url.Values{"next": {"/learning/courses/" + courseID}}, "proof", "certificaat.pdf", pdf); code != http.StatusSeeOther {
			t.Fatalf("complete with certificate: %d %s", code, body)
		}
		evs, err := db.Evidence(ctx, hofman.ID, store.EvidenceFilter{PersonID: jan.ID})
		if err != nil {
			t.Fatal(err)
		}
		var found bool
		for _, e := range evs {
			if e.CompetenceID == own.ID && e.Level == 2 && e.Kind == competence.SelfAssessment {
				found = true
			}
		}
		if !found {
			t.Fatalf("no pending evidence for the completed course: %+v", evs)
		}
		if _, body := op.get("/learning"); strings.Contains(between(body, "Aanbevolen voor jou", "<h2>"), "Lasrobotcel bedienen in de praktijk") {
			t.Fatal("a completed course is still recommended")
		}
		// The university sees who takes its course, not more.
		if _, body := uni.get("/learning/courses/" + courseID); !strings.Contains(body, "Jan de Vries") {
			t.Fatal("the provider does not see the enrolment in its own course")
		}

		// The team lead's plan proposes someone else for the second place.
		lead := newBrowser(t, srv)
		lead.signIn("henk.smit@hofman.example", demo.Password)
		code, plan := lead.get("/teams/" + jan.TeamID + "/plan")
		if code != 200 || !strings.Contains(plan, "Lasrobotcel bedienen in de praktijk") {
			t.Fatalf("team plan: %d\n%s", code, between(plan, "<main", "</main>"))
		}
		key := between(plan, `name="row" value="`, `"`)
		if key == "" {
			t.Fatal("no plan row to assign")
		}
		assigned := func() int {
			ens, _ := db.Enrolments(ctx, hofman.ID, "", jan.TeamID)
			n := 0
			for _, e := range ens {
				if e.Status == "assigned" {
					n++
				}
			}
			return n
		}
		before := assigned()
		if code, _ := lead.post("/teams/"+jan.TeamID+"/plan", url.Values{"row": {key}}); code != http.StatusSeeOther {
			t.Fatalf("assign: %d", code)
		}
		if n := assigned(); n != before+1 {
			t.Fatalf("%d assignments after the plan, %d before", n, before)
		}
		// An employee may not open the team plan; a forged row is refused.
		if code, _ := op.get("/teams/" + jan.TeamID + "/plan"); code != http.StatusForbidden {
			t.Fatalf("employee opens the plan: %d", code)
		}
		lead.get("/teams/" + jan.TeamID + "/plan")
		if code, _ := lead.post("/teams/"+jan.TeamID+"/plan", url.Values{"row": {"x|y|z"}}); code != http.StatusUnprocessableEntity {
			t.Fatalf("forged plan row: %d", code)
		}
	})
}

func between(s, a, b string) string {
	i := strings.Index(s, a)
	if i < 0 {
		return ""
	}
	s = s[i+len(a):]
	if j := strings.Index(s, b); j >= 0 {
		return s[:j]
	}
	return s
}

func pf(q string) tenancy.PeopleFilter { return tenancy.PeopleFilter{Query: q} }
