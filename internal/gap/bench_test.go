package gap_test

import (
	"syscall"
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
	// CPU time of the whole process per operation, beside wall time: the
	// development machines are shared, and under load the wall time mostly
	// measures waiting for a core.
	cpu := func() time.Duration {
		var ru syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	var cCompany, cTeam time.Duration
	var company, team time.Duration
	for i := 0; i < b.N; i++ {
		t, c0 := time.Now(), cpu()
		a, err := m.Analyse(gap.Scope{})
		if err != nil {
			b.Fatal(err)
		}
		a.Risks(20)
		company += time.Since(t)
		cCompany += cpu() - c0
		t, c0 = time.Now(), cpu()
		if _, err := m.Analyse(gap.Scope{Kind: gap.TeamScope, ID: g.TeamID}); err != nil {
			b.Fatal(err)
		}
		team += time.Since(t)
		cTeam += cpu() - c0
	}
	b.ReportMetric(float64(company.Microseconds())/1000/float64(b.N), "ms/company")
	b.ReportMetric(float64(team.Microseconds())/1000/float64(b.N), "ms/team")
	b.ReportMetric(float64(cCompany.Microseconds())/1000/float64(b.N), "cpu-ms/company")
	b.ReportMetric(float64(cTeam.Microseconds())/1000/float64(b.N), "cpu-ms/team")
	b.ReportMetric(float64(build.Milliseconds()), "ms/build")
	b.ReportMetric(float64(len(m.Dates)), "dates")
}
