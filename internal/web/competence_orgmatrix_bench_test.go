package web

import (
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
)

// orgMatrix makes the organisation matrix of the store's BenchmarkOrgMatrix
// in memory: 500 people in 3 sites × 4 teams, 300 competences, 12 role
// profiles of 60 requirements, evidence in about 60% of required cells.
func orgMatrix() *competence.Matrix {
	now := time.Now().UTC()
	var people []competence.MatrixPerson
	var comps []*competence.Competence
	for i := 0; i < 500; i++ {
		t := i % 12
		people = append(people, competence.MatrixPerson{ID: core.NewID(), Name: fmt.Sprintf("Medewerker %03d", i),
			TeamID: fmt.Sprint(t), TeamName: fmt.Sprintf("Team %d.%d", t/4+1, t%4+1), SiteName: fmt.Sprintf("Vestiging %d", t/4+1)})
	}
	for j := 0; j < 300; j++ {
		comps = append(comps, &competence.Competence{ID: core.NewID(), NameNL: fmt.Sprintf("Competentie %03d", j), NameEN: fmt.Sprintf("Competence %03d", j), Category: fmt.Sprintf("Categorie %d", j%12)})
	}
	var cur []competence.Current
	reqs := map[string]map[string]competence.Requirement{}
	for i, p := range people {
		reqs[p.ID] = map[string]competence.Requirement{}
		for _, prof := range []int{i % 12, (i + 3) % 12} {
			if prof != i%12 && i%5 != 0 {
				continue
			}
			for k := 0; k < 60; k++ {
				j := (prof*25 + k) % 300
				reqs[p.ID][comps[j].ID] = competence.Requirement{CompetenceID: comps[j].ID, Level: 1 + (j+prof)%4, Essential: k%3 == 0}
			}
		}
		for j, c := range comps {
			if _, ok := reqs[p.ID][c.ID]; ok && (i*7+j*3)%10 < 6 {
				cur = append(cur, competence.Current{PersonID: p.ID, CompetenceID: c.ID, Level: (i + j) % 5, Validated: (i+j)%3 != 0})
			}
		}
	}
	m := competence.BuildMatrix(people, comps, cur, reqs, now)
	m.SortPeople("team")
	return m
}

// BenchmarkOrgMatrix renders the organisation matrix page, 500 people × 300
// competences grouped by site and team (ms/render; the issue asks for it
// to be usable, which we read as well under a second). The data half is
// measured in the store package.
func BenchmarkOrgMatrix(b *testing.B) {
	s, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	m := orgMatrix()
	scale := competence.DefaultScale()
	r := httptest.NewRequest("GET", "/matrix?org=1", nil)
	var size int
	cpu0 := cpuTime()
	for b.Loop() {
		v := matrixView{compPage: compPage{Page: Page{Lang: "nl", Title: "Organisatiematrix"}}, M: m, Scale: scale, F: matrixFilter{Org: true, Sort: "team"}, CanOrg: true}
		v.Grid = MatrixGrid(m, scale, "nl", false, true)
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
