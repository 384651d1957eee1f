package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/tenancy"
)

// loadOrg makes an organisation of 500 people in 3 sites × 4 teams with 300
// competences in use: 12 role profiles of 60 requirements each (every
// competence is required somewhere), one or two profiles per person, and
// evidence (self-assessed, half of it validated) for about 60% of what
// each person is required to have.
func loadOrg(tb testing.TB, db *store.DB) string {
	ctx := context.Background()
	org := &tenancy.Organisation{Kind: tenancy.Company, Name: "Org", Slug: "org-500"}
	must2(tb, db.CreateOrganisation(ctx, org))
	var teams []*tenancy.Team
	for s := 0; s < 3; s++ {
		site := &tenancy.Site{Name: fmt.Sprintf("Vestiging %d", s+1)}
		must2(tb, db.CreateSite(ctx, org.ID, site))
		for t := 0; t < 4; t++ {
			team := &tenancy.Team{Name: fmt.Sprintf("Team %d.%d", s+1, t+1), SiteID: site.ID}
			must2(tb, db.CreateTeam(ctx, org.ID, team))
			teams = append(teams, team)
		}
	}
	var comps []string
	for i := 0; i < 300; i++ {
		c := &competence.Competence{NameNL: fmt.Sprintf("Competentie %03d", i), NameEN: fmt.Sprintf("Competence %03d", i), Category: fmt.Sprintf("Categorie %d", i%12)}
		must2(tb, db.CreateCompetence(ctx, org.ID, c))
		comps = append(comps, c.ID)
	}
	var profiles []*competence.RoleProfile
	for p := 0; p < 12; p++ {
		rp := &competence.RoleProfile{NameNL: fmt.Sprintf("Rol %02d", p)}
		for k := 0; k < 60; k++ {
			j := (p*25 + k) % 300
			rp.Requirements = append(rp.Requirements, competence.Requirement{CompetenceID: comps[j], Level: 1 + (j+p)%4, Essential: k%3 == 0})
		}
		must2(tb, db.CreateRoleProfile(ctx, org.ID, rp))
		profiles = append(profiles, rp)
	}
	rng := rand.New(rand.NewPCG(5, 0))
	now := time.Now().UTC()
	var evs []*competence.Evidence
	for i := 0; i < 500; i++ {
		team := teams[i%len(teams)]
		p := &tenancy.Person{Name: fmt.Sprintf("Medewerker %03d", i), TeamID: team.ID, SiteID: team.SiteID}
		must2(tb, db.CreatePerson(ctx, org.ID, p))
		held := []*competence.RoleProfile{profiles[i%12]}
		if i%5 == 0 {
			held = append(held, profiles[(i+3)%12])
		}
		ids := []string{}
		for _, h := range held {
			ids = append(ids, h.ID)
		}
		must2(tb, db.SetPersonRoleProfiles(ctx, org.ID, p.ID, ids))
		for cid := range competence.Merge(held...) {
			if rng.IntN(10) < 6 {
				at := now.Add(-time.Duration(rng.IntN(700*24)) * time.Hour)
				evs = append(evs, &competence.Evidence{PersonID: p.ID, CompetenceID: cid, Kind: competence.SelfAssessment, Level: rng.IntN(5), RecordedAt: at})
				if rng.IntN(2) == 0 {
					evs = append(evs, &competence.Evidence{PersonID: p.ID, CompetenceID: cid, Kind: competence.Validation, Level: rng.IntN(5), RecordedAt: at.Add(time.Hour)})
				}
			}
		}
	}
	must2(tb, db.AddEvidenceBatch(ctx, org.ID, evs))
	return org.ID
}

// BenchmarkOrgMatrix builds the data of the organisation matrix, 500 people
// × 300 competences grouped by site and team, on SQLite (ms/data). The
// page is measured in the web package (BenchmarkOrgMatrix there).
func BenchmarkOrgMatrix(b *testing.B) {
	db := storetest.SQLite(b)
	orgID := loadOrg(b, db)
	ctx := context.Background()
	now := time.Now().UTC()
	cpu0 := cpuTime()
	for b.Loop() {
		m, err := db.Matrix(ctx, orgID, store.MatrixQuery{Sort: "team"}, now)
		if err != nil {
			b.Fatal(err)
		}
		if len(m.People) != 500 || len(m.Competences) != 300 {
			b.Fatalf("matrix %d × %d", len(m.People), len(m.Competences))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/data")
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/data")
}
