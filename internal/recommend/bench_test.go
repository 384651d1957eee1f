package recommend

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/gap"
	"github.com/bakenhq/baken/internal/roadmap"
)

// scale builds the scale: 10,000 people in 200 teams of 50,
// 3,000 competences, 200 role profiles of 15 requirements, 50 levels per
// person (500,000 in all), 50 roadmap items with 1,000 demand lines, and a
// catalogue of 50,000 items with one to three outcomes each.
func scale(b *testing.B) (*gap.Model, *Catalog) {
	rng := rand.New(rand.NewPCG(6, 6))
	in := &gap.Input{Now: now, Scale: competence.DefaultScale()}
	for i := 0; i < 3000; i++ {
		in.Competences = append(in.Competences, gap.Competence{ID: fmt.Sprint("c", i), NameEN: fmt.Sprint("Competence ", i)})
	}
	for i := 0; i < 200; i++ {
		p := gap.Profile{ID: fmt.Sprint("r", i), NameEN: fmt.Sprint("Role ", i)}
		for j := 0; j < 15; j++ {
			p.Requirements = append(p.Requirements, competence.Requirement{CompetenceID: fmt.Sprint("c", rng.IntN(3000)), Level: 1 + rng.IntN(4), Essential: rng.IntN(2) == 0})
		}
		in.Profiles = append(in.Profiles, p)
	}
	for t := 0; t < 200; t++ {
		in.Teams = append(in.Teams, gap.Team{ID: fmt.Sprint("t", t), Name: fmt.Sprint("Team ", t)})
	}
	for i := 0; i < 10000; i++ {
		id := fmt.Sprint("p", i)
		in.People = append(in.People, gap.Person{ID: id, TeamID: fmt.Sprint("t", i/50), ProfileIDs: []string{fmt.Sprint("r", rng.IntN(200)), fmt.Sprint("r", rng.IntN(200))}})
		seen := map[int]bool{}
		for j := 0; j < 50; j++ {
			c := rng.IntN(3000)
			if seen[c] {
				continue
			}
			seen[c] = true
			in.Levels = append(in.Levels, gap.Level{PersonID: id, CompetenceID: fmt.Sprint("c", c), Steps: flat(rng.IntN(5))})
		}
	}
	for i := 0; i < 50; i++ {
		it := &roadmap.Item{ID: fmt.Sprint("ri", i), TitleEN: fmt.Sprint("Roadmap item ", i), Status: roadmap.Planned, Published: true,
			TargetDate: now.AddDate(0, 1+rng.IntN(24), 0)}
		for j := 0; j < 20; j++ {
			it.Demand = append(it.Demand, roadmap.Demand{CompetenceID: fmt.Sprint("c", rng.IntN(3000)), Level: 1 + rng.IntN(4), People: 1 + rng.IntN(5),
				By: it.TargetDate, TeamID: fmt.Sprint("t", rng.IntN(200))})
		}
		in.Items = append(in.Items, it)
	}
	m := gap.Build(in)
	items := make([]Item, 50000)
	for i := range items {
		items[i] = Item{ID: fmt.Sprint("i", i), TitleEN: fmt.Sprint("Course ", i), Minutes: 5 + rng.IntN(2400)}
		for j := 0; j <= rng.IntN(3); j++ {
			items[i].Outcomes = append(items[i].Outcomes, Outcome{Comp: rng.IntN(3000), Level: 1 + rng.IntN(4)})
		}
	}
	return m, NewCatalog(items)
}

// BenchmarkRecommend measures a person's top 20 (the gap report and the
// ranking) and a 50-person team plan at the scale.
func BenchmarkRecommend(b *testing.B) {
	m, c := scale(b)
	b.Run("person", func(b *testing.B) {
		b.ReportAllocs()
		start := time.Now()
		for i := 0; i < b.N; i++ {
			r, err := m.Person(m.People[(i*7919)%len(m.People)].ID)
			if err != nil {
				b.Fatal(err)
			}
			_ = c.ForPerson(Needs(r), nil, now, 20)
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/person")
	})
	b.Run("team-plan", func(b *testing.B) {
		b.ReportAllocs()
		start := time.Now()
		for i := 0; i < b.N; i++ {
			team := (i * 37) % 200
			var reports []*gap.PersonReport
			for p := team * 50; p < team*50+50; p++ {
				r, err := m.Person(m.People[p].ID)
				if err != nil {
					b.Fatal(err)
				}
				reports = append(reports, r)
			}
			_, _ = c.TeamPlan(reports, nil)
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/team-plan")
	})
}
