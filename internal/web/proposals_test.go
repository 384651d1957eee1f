package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/demo"
	"github.com/bakenhq/baken/internal/openlearning"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/tenancy"
)

func TestCourseProposalBetweenPartners(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv := demoServer(t, db)
		hofman, _ := db.OrganisationBySlug(ctx, "hofman")
		ttu, _ := db.OrganisationBySlug(ctx, "ttu-et")
		comp := &competence.Competence{Framework: competence.Own, NameNL: "Cobot programmeren", NameEN: "Programming cobots", Layer: competence.New, Active: true}
		if err := db.CreateCompetence(ctx, hofman.ID, comp); err != nil {
			t.Fatal(err)
		}
		// A provider that is not Hofman's partner.
		other := &tenancy.Organisation{Kind: tenancy.Provider, Name: "Elders Instituut", Slug: "elders"}
		if err := db.CreateOrganisation(ctx, other); err != nil {
			t.Fatal(err)
		}

		hr := newBrowser(t, srv)
		hr.signIn("marloes.bakker@hofman.example", demo.Password)
		if code, body := hr.get("/proposals/new"); code != 200 || !strings.Contains(body, "Twentse Technische") || strings.Contains(body, "Elders") {
			t.Fatalf("new proposal form: %d", code)
		}
		form := url.Values{"provider_id": {ttu.ID}, "title": {"Cobot-lassen voor operators"}, "description": {"Lijn 3 krijgt een cobot-lascel."},
			"audience_size": {"12"}, "timing": {"voor Q3 2027"}, "format": {"flipped"}, "competence": {comp.ID, ""}, "level": {"2", "2"}}
		// Not a partner: refused, nothing stored.
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("provider_id", other.ID)
		if code, _ := hr.post("/proposals", bad); code != http.StatusUnprocessableEntity {
			t.Fatalf("proposal to a non-partner: %d", code)
		}
		// A level above the scale: refused.
		bad.Set("provider_id", ttu.ID)
		bad["level"] = []string{"9", "2"}
		if code, _ := hr.post("/proposals", bad); code != http.StatusUnprocessableEntity {
			t.Fatalf("proposal with level 9: %d", code)
		}
		code, _ := hr.post("/proposals", form)
		if code != http.StatusSeeOther {
			t.Fatalf("create proposal: %d", code)
		}
		ps, _ := db.Proposals(ctx, hofman.ID)
		var id string
		for _, p := range ps {
			if p.Title == "Cobot-lassen voor operators" {
				id = p.ID
			}
		}
		if id == "" || len(ps) != 2 { // the demo's own proposal and this one
			t.Fatalf("%d proposals stored", len(ps))
		}

		// The provider sees it, answers and accepts.
		uni := newBrowser(t, srv)
		uni.signIn("s.hendriks@ttu.example", demo.Password)
		if _, body := uni.get("/proposals"); !strings.Contains(body, "Cobot-lassen voor operators") {
			t.Fatal("the provider does not see the proposal")
		}
		if code, body := uni.get("/proposals/" + id); code != 200 || !strings.Contains(body, "Programming cobots") {
			t.Fatalf("provider opens the proposal: %d", code)
		}
		if code, _ := uni.post("/proposals/"+id+"/act", url.Values{"kind": {"comment"}, "message": {"Hoeveel laservaring hebben ze?"}}); code != http.StatusSeeOther {
			t.Fatalf("provider comments: %d", code)
		}
		hr.get("/proposals/" + id)
		if code, _ := hr.post("/proposals/"+id+"/act", url.Values{"kind": {"accepted"}}); code != http.StatusForbidden {
			t.Fatalf("the company accepts its own proposal: %d", code)
		}
		uni.get("/proposals/" + id)
		if code, _ := uni.post("/proposals/"+id+"/act", url.Values{"kind": {"accepted"}, "message": {"We ontwikkelen hem samen."}}); code != http.StatusSeeOther {
			t.Fatalf("provider accepts: %d", code)
		}
		p, err := db.Proposal(ctx, hofman.ID, id)
		if err != nil || p.Status != openlearning.Accepted || len(p.Events) != 3 {
			t.Fatalf("after accepting: %v %+v", err, p)
		}
		// The provider turns it into a course offer.
		if code, body := uni.get("/learning/courses/new?proposal=" + id); code != 200 || !strings.Contains(body, "Cobot-lassen voor operators") {
			t.Fatalf("course form from the proposal: %d", code)
		}
		if code, body := uni.post("/learning/courses", url.Values{"proposal": {id}, "title_nl": {"Cobot-lassen voor operators"}, "url": {"https://ttu.example/cobot"},
			"provider": {"TTU"}, "hours": {"12"}, "cost": {"0"}, "currency": {"EUR"}, "visibility": {"partners"}}); code != http.StatusSeeOther {
			t.Fatalf("offer: %d %s", code, body)
		}
		if p, _ := db.Proposal(ctx, hofman.ID, id); p.Status != openlearning.Offered || p.OfferItemID == "" {
			t.Fatalf("after the offer: %s %q", p.Status, p.OfferItemID)
		}
		_, body := hr.get("/proposals/" + id)
		if !regexp.MustCompile(`Hoeveel laservaring`).MatchString(body) || !strings.Contains(body, "We ontwikkelen hem samen.") {
			t.Fatal("the company does not see the provider's answers")
		}

		// An employee may not see proposals; another organisation gets 404.
		fleur := newBrowser(t, srv)
		fleur.signIn("fleur.kok@hofman.example", demo.Password)
		if code, _ := fleur.get("/proposals/" + id); code != http.StatusForbidden {
			t.Fatalf("employee opens a proposal: %d", code)
		}
		op := newBrowser(t, srv)
		op.signIn("anna.visser@hofman.example", demo.Password)
		op.get("/platform")
		op.post("/platform/organisations", url.Values{"org_name": {"Elders BV"}, "slug": {"elders-bv"}, "kind": {"company"}, "default_lang": {"nl"}, "name": {"Els"}, "email": {"els@elders.example"}, "password": {"a-long-password"}})
		els := newBrowser(t, srv)
		els.signIn("els@elders.example", "a-long-password")
		if code, _ := els.get("/proposals/" + id); code != http.StatusNotFound {
			t.Fatalf("another organisation opens the proposal: %d", code)
		}
		els.get("/proposals")
		if code, _ := els.post("/proposals/"+id+"/act", url.Values{"kind": {"comment"}, "message": {"hallo"}}); code != http.StatusNotFound {
			t.Fatalf("another organisation comments: %d", code)
		}
		if p, _ := db.Proposal(ctx, hofman.ID, id); len(p.Events) != 4 {
			t.Fatalf("events after foreign attempts: %d", len(p.Events))
		}
	})
}
