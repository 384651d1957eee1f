package web

import (
	"fmt"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
)

// teamMatrix makes a 50 people × 200 competences matrix like the store
// benchmark's team: two role profiles, evidence in about 60% of cells.
func teamMatrix() *competence.Matrix {
	now := time.Now().UTC()
	var people []competence.MatrixPerson
	var comps []*competence.Competence
	for i := 0; i < 50; i++ {
		people = append(people, competence.MatrixPerson{ID: core.NewID(), Name: fmt.Sprintf("Medewerker %02d", i), TeamName: "Verspaning", SiteName: "Hengelo"})
	}
	for j := 0; j < 200; j++ {
		comps = append(comps, &competence.Competence{ID: core.NewID(), NameNL: fmt.Sprintf("Competentie %03d", j), NameEN: fmt.Sprintf("Competence %03d", j), Category: fmt.Sprintf("Categorie %d", j%8), Layer: competence.Fundamental})
	}
	var cur []competence.Current
	reqs := map[string]map[string]competence.Requirement{}
	for i, p := range people {
		reqs[p.ID] = map[string]competence.Requirement{}
		for j, c := range comps {
			if (i%2 == 0 && j < 120) || (i%2 == 1 && j >= 80) {
				reqs[p.ID][c.ID] = competence.Requirement{CompetenceID: c.ID, Level: 1 + j%4, Essential: j%3 == 0}
			}
			if (i*7+j*3)%10 < 6 {
				l := competence.Current{PersonID: p.ID, CompetenceID: c.ID, Level: (i + j) % 5, Validated: (i+j)%3 != 0}
				if j%17 == 0 {
					l.ValidUntil = now.AddDate(0, 0, 20)
				}
				cur = append(cur, l)
			}
		}
	}
	return competence.BuildMatrix(people, comps, cur, reqs, now)
}

// cpuTime is the process's CPU time: on a shared machine the wall time of a
// benchmark also counts waiting for a core.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkTeamMatrix renders the team matrix page for 50 people × 200
// competences (ms/render, target < 20 ms); the data half (ms/data) is
// measured in the store package.
func BenchmarkTeamMatrix(b *testing.B) {
	s, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	m := teamMatrix()
	scale := competence.DefaultScale()
	r := httptest.NewRequest("GET", "/matrix", nil)
	var size int
	cpu0 := cpuTime()
	for b.Loop() {
		v := matrixView{compPage: compPage{Page: Page{Lang: "nl", Title: "Vaardighedenmatrix"}}, M: m, Scale: scale, CanValidate: true}
		v.Grid = MatrixGrid(m, scale, "nl", true, false)
		w := httptest.NewRecorder()
		s.Render(w, r, 200, "comp_matrix.html", v)
		if w.Code != 200 {
			b.Fatalf("render: %d %s", w.Code, w.Body.String())
		}
		size = w.Body.Len()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/render")
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/render")
	b.ReportMetric(float64(size)/1024, "KiB/page")
}
