package api

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/beacon"
	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/gap"
	"github.com/bakenhq/baken/internal/roadmap"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
)

// TestGapEndpoints: who may read which gaps, tenant isolation, bad input,
// and that the API's numbers are the engine's (the same as the pages').
func TestGapEndpoints(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		a := w.A
		weld := &competence.Competence{NameEN: "Welding", NameNL: "Lassen"}
		if err := db.CreateCompetence(ctx, a.Org.ID, weld); err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		for _, it := range []*roadmap.Item{
			{TitleEN: "Cobot cell", TargetDate: now.AddDate(0, 6, 0), Published: true, TeamIDs: []string{a.Team.ID},
				Demand: []roadmap.Demand{{CompetenceID: weld.ID, Level: 2, People: 2, TeamID: a.Team.ID}}},
			{TitleEN: "Secret draft", TargetDate: now.AddDate(1, 0, 0), Demand: []roadmap.Demand{{CompetenceID: weld.ID, Level: 3, People: 5}}},
		} {
			if err := db.CreateItem(ctx, a.Org.ID, it, a.Admin.ID, now); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.AddEvidence(ctx, a.Org.ID, &competence.Evidence{PersonID: a.Employee.ID, CompetenceID: weld.ID, Level: 2, Kind: competence.Validation, RecordedBy: a.Lead.ID}); err != nil {
			t.Fatal(err)
		}
		status := func(path, tok string, want int) response {
			t.Helper()
			res := w.do("GET", w.vars(path), tok, "")
			if res.Status != want {
				t.Errorf("GET %s as %s: %d, want %d: %s", path, tok, res.Status, want, res.Body)
			}
			return res
		}
		// Everyone reads the published roadmap; drafts only management.
		res := status("/api/v1/roadmap", "employee", 200)
		var items struct {
			Data []beacon.Item `json:"data"`
		}
		_ = json.Unmarshal(res.Body, &items)
		if len(items.Data) != 1 || items.Data[0].Title != "Cobot cell" || items.Data[0].Demand[0].Covered != 1 {
			t.Errorf("roadmap = %s", res.Body)
		}
		status("/api/v1/roadmap?drafts=true", "employee", 403)
		status("/api/v1/roadmap?drafts=maybe", "admin", 400)
		res = status("/api/v1/roadmap?drafts=true", "admin", 200)
		_ = json.Unmarshal(res.Body, &items)
		if len(items.Data) != 2 {
			t.Errorf("admin with drafts sees %d items", len(items.Data))
		}
		// Gaps: management-like roles any scope, the lead their team, employees none.
		status("/api/v1/gaps", "employee", 403)
		status("/api/v1/gaps", "lead", 403)
		status("/api/v1/gaps?team_id={teamA}", "lead", 200)
		status("/api/v1/gaps?site_id={siteA}", "lnd", 200)
		status("/api/v1/gaps?site_id={siteA}&team_id={teamA}", "admin", 400)
		status("/api/v1/gaps?team_id=nope", "admin", 400)
		res = status("/api/v1/gaps?team_id={teamA}", "admin", 200)
		var rep beacon.GapReport
		_ = json.Unmarshal(res.Body, &rep)
		m, err := beacon.For(db).Model(ctx, a.Org.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := beacon.Gaps(m, rep2scope(a.Team.ID), "en", 20)
		if len(rep.Total) != 2 || rep.Total[1].Needed != 2 || rep.Total[1].Covered != 1 || rep.Total[1] != want.Total[1] {
			t.Errorf("team gap = %+v, engine says %+v", rep.Total, want.Total)
		}
		// Another organisation's site, team or person is not found.
		status("/api/v1/gaps?team_id={teamB}", "admin", 404)
		status("/api/v1/gaps?site_id={siteB}", "admin", 404)
		status("/api/v1/people/{empB}/gaps", "admin", 404)
		status("/api/v1/gaps?team_id={teamA}", "adminB", 404)
		res = status("/api/v1/roadmap", "adminB", 200)
		_ = json.Unmarshal(res.Body, &items)
		if len(items.Data) != 0 {
			t.Error("organisation B reads A's roadmap")
		}
		// A person's gaps: self, lead, L&D; not a colleague.
		status("/api/v1/people/{empA}/gaps", "employee", 200)
		status("/api/v1/people/{empA}/gaps", "lead", 200)
		status("/api/v1/people/{empA}/gaps", "lnd", 200)
		status("/api/v1/people/{lndA}/gaps", "employee", 403)
		res = status("/api/v1/people/{empA}/gaps?lang=nl", "employee", 200)
		var pg beacon.PersonGaps
		_ = json.Unmarshal(res.Body, &pg)
		if len(pg.Roadmap) != 1 || pg.Roadmap[0].Competence != "Lassen" || pg.Roadmap[0].Gap != 0 || pg.Roadmap[0].Shortfall != 1 {
			t.Errorf("person gaps = %s", res.Body)
		}
	})
}

func rep2scope(teamID string) gap.Scope { return gap.Scope{Kind: gap.TeamScope, ID: teamID} }
