package gap_test

import (
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/gap"
	"github.com/bakenhq/baken/internal/gap/gaptest"
)

// BenchmarkGapAnalyse is the engine part of BenchmarkGapCompany (in
// internal/web, which adds the dashboard page): the whole company's gap
// at every roadmap date, with its risks, and one 50-person team's.
func BenchmarkGapAnalyse(b *testing.B) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	g := gaptest.Generate(gaptest.Large, now)
	t0 := time.Now()
	m := gap.Build(g.Input)
	build := time.Since(t0)
	b.ReportAllocs()
	b.ResetTimer()
	var company, team time.Duration
	for i := 0; i < b.N; i++ {
		t := time.Now()
		a, err := m.Analyse(gap.Scope{})
		if err != nil {
			b.Fatal(err)
		}
		a.Risks(20)
		company += time.Since(t)
		t = time.Now()
		if _, err := m.Analyse(gap.Scope{Kind: gap.TeamScope, ID: g.TeamID}); err != nil {
			b.Fatal(err)
		}
		team += time.Since(t)
	}
	b.ReportMetric(float64(company.Microseconds())/1000/float64(b.N), "ms/company")
	b.ReportMetric(float64(team.Microseconds())/1000/float64(b.N), "ms/team")
	b.ReportMetric(float64(build.Milliseconds()), "ms/build")
	b.ReportMetric(float64(len(m.Dates)), "dates")
}
