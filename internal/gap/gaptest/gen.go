// Package gaptest generates gap-engine inputs at a stated scale for tests
// and benchmarks: people in teams and sites, competences, role profiles,
// evidence (turned into levels by the evidence rules, expiries included)
// and roadmap items with demand lines.
package gaptest

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/gap"
	"github.com/bakenhq/baken/internal/roadmap"
)

// Size says how much to generate.
type Size struct {
	People, Competences, Profiles, ReqsPerProfile int
	Sites, TeamSize                               int
	Items, LinesPerItem                           int
	Evidence                                      int // rows
}

// Large is issue 4's benchmark scale.
var Large = Size{People: 10000, Competences: 3000, Profiles: 200, ReqsPerProfile: 15, Sites: 5, TeamSize: 50,
	Items: 50, LinesPerItem: 20, Evidence: 500000}

// Result is a generated input with the facts a benchmark needs.
type Result struct {
	Input         *gap.Input
	EvidenceRows  int
	ExpiringPairs int
	TeamID        string // a team of TeamSize people
}

func id(kind string, i int) string { return fmt.Sprintf("%s-%06d", kind, i) }

// Generate builds an input of size sz at now, deterministically.
func Generate(sz Size, now time.Time) *Result {
	r := rand.New(rand.NewPCG(4, 2027))
	in := &gap.Input{Now: now, Scale: competence.DefaultScale()}
	for i := 0; i < sz.Sites; i++ {
		in.Sites = append(in.Sites, gap.Site{ID: id("site", i), Name: fmt.Sprintf("Site %d", i+1)})
	}
	teams := (sz.People + sz.TeamSize - 1) / sz.TeamSize
	for i := 0; i < teams; i++ {
		in.Teams = append(in.Teams, gap.Team{ID: id("team", i), Name: fmt.Sprintf("Team %d", i+1), SiteID: in.Sites[i%sz.Sites].ID})
	}
	for i := 0; i < sz.Competences; i++ {
		in.Competences = append(in.Competences, gap.Competence{ID: id("comp", i), NameNL: fmt.Sprintf("Competentie %d", i+1), NameEN: fmt.Sprintf("Competence %d", i+1)})
	}
	// Profiles draw from a core of 600 competences, so that demand overlaps.
	core := min(600, sz.Competences)
	for i := 0; i < sz.Profiles; i++ {
		p := gap.Profile{ID: id("prof", i), NameEN: fmt.Sprintf("Role %d", i+1)}
		seen := map[int]bool{}
		for len(p.Requirements) < sz.ReqsPerProfile {
			c := r.IntN(core)
			if seen[c] {
				continue
			}
			seen[c] = true
			p.Requirements = append(p.Requirements, competence.Requirement{CompetenceID: in.Competences[c].ID, Level: 1 + r.IntN(4), Essential: r.IntN(10) < 7})
		}
		in.Profiles = append(in.Profiles, p)
	}
	for i := 0; i < sz.People; i++ {
		t := in.Teams[i/sz.TeamSize]
		p := gap.Person{ID: id("person", i), Name: fmt.Sprintf("Person %d", i+1), TeamID: t.ID, SiteID: t.SiteID}
		for k := 0; k < 1+r.IntN(3); k++ {
			p.ProfileIDs = append(p.ProfileIDs, in.Profiles[r.IntN(sz.Profiles)].ID)
		}
		if r.IntN(100) == 0 {
			p.LeftOn = roadmap.Day(now.AddDate(0, 1+r.IntN(24), 0))
		}
		in.People = append(in.People, p)
	}
	// Evidence: two rows per (person, competence) pair, mostly on the
	// competences their profiles require; some certificates expire.
	res := &Result{Input: in, TeamID: in.Teams[0].ID}
	pairs := sz.Evidence / 2
	perPerson := max(1, pairs/sz.People)
	kinds := []competence.Kind{competence.SelfAssessment, competence.Validation, competence.Learning, competence.Certificate}
	for i := 0; i < sz.People; i++ {
		seen := map[int]bool{}
		for k := 0; k < perPerson; k++ {
			c := r.IntN(core)
			if r.IntN(4) == 0 {
				c = r.IntN(sz.Competences)
			}
			if seen[c] {
				continue
			}
			seen[c] = true
			evs := make([]competence.Evidence, 2)
			expiring := false
			for j := range evs {
				e := &evs[j]
				e.ID = fmt.Sprintf("e%d-%d-%d", i, c, j)
				e.Kind = kinds[r.IntN(len(kinds))]
				e.Level = 1 + r.IntN(4)
				e.RecordedAt = now.AddDate(0, 0, -1-r.IntN(900))
				if e.Kind == competence.Certificate {
					e.ValidUntil = now.AddDate(0, 0, r.IntN(1100)-100)
					expiring = expiring || e.ValidUntil.After(now)
				}
			}
			res.EvidenceRows += 2
			if expiring {
				res.ExpiringPairs++
			}
			in.Levels = append(in.Levels, gap.Level{PersonID: in.People[i].ID, CompetenceID: in.Competences[c].ID, Steps: competence.Steps(evs, now)})
		}
	}
	// Roadmap: items with target dates over three years, demand lines for
	// a team, a site or the whole company.
	for i := 0; i < sz.Items; i++ {
		it := &roadmap.Item{ID: id("item", i), TitleEN: fmt.Sprintf("Item %d", i+1), Status: roadmap.Planned, Published: true,
			TargetDate: roadmap.Day(now.AddDate(0, 0, 30+i*1000/max(1, sz.Items)))}
		for k := 0; k < sz.LinesPerItem; k++ {
			d := roadmap.Demand{CompetenceID: in.Competences[r.IntN(core)].ID, Level: 2 + r.IntN(3), People: 1 + r.IntN(10), By: it.TargetDate}
			switch r.IntN(3) {
			case 0:
				d.TeamID = in.Teams[r.IntN(len(in.Teams))].ID
			case 1:
				d.SiteID = in.Sites[r.IntN(len(in.Sites))].ID
			}
			it.Demand = append(it.Demand, d)
		}
		in.Items = append(in.Items, it)
	}
	return res
}
