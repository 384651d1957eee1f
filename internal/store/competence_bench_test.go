package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/tenancy"
)

// bulk inserts rows with multi-row VALUES, for benchmark setup only.
func bulk(tb testing.TB, db *store.DB, head string, cols int, rows [][]any) {
	tb.Helper()
	ctx := context.Background()
	per := max(1, 500/cols)
	for start := 0; start < len(rows); start += per {
		end := min(start+per, len(rows))
		var b strings.Builder
		b.WriteString(head + " VALUES ")
		var args []any
		for i, r := range rows[start:end] {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("(" + store.In(len(args)+1, cols) + ")")
			args = append(args, r...)
		}
		if _, err := db.W().ExecContext(ctx, b.String(), args...); err != nil {
			tb.Fatal(err)
		}
	}
}

// bigOrg is a generated organisation at the scale.
type bigOrg struct {
	db       *store.DB
	orgID    string
	people   []string
	comps    []string
	evidence int
	pairs    [][2]string
}

var (
	bigOnce sync.Once
	big     *bigOrg
)

// loadBig builds, once per process, an SQLite organisation with 10,000
// people, 3,000 competences in use and 500,000 evidence rows: each person
// holds 25 competences from their team's pool with two pieces of evidence
// each (self-assessment, then validation or learning or a certificate,
// some of which expire), spread over three years.
func loadBig(b *testing.B) *bigOrg {
	bigOnce.Do(func() {
		if path := os.Getenv("BAKEN_BENCH_DB"); path != "" {
			if _, err := os.Stat(path); err == nil {
				big = reuseBig(b, path)
				return
			}
		}
		start := time.Now()
		path := os.Getenv("BAKEN_BENCH_DB") // kept for the next run when set
		if path == "" {
			dir := b.TempDir()
			path = dir + "/baken.db"
		}
		db, err := store.Open(context.Background(), store.Options{SQLitePath: path})
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		if _, err := db.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		org := &tenancy.Organisation{Kind: tenancy.Company, Name: "Big", Slug: "big-co"}
		if err := db.CreateOrganisation(ctx, org); err != nil {
			b.Fatal(err)
		}
		g := &bigOrg{db: db, orgID: org.ID}
		now := time.Now().UTC()
		ts := store.T(now)
		var rows [][]any
		for i := 0; i < 3000; i++ {
			id := core.NewID()
			g.comps = append(g.comps, id)
			rows = append(rows, []any{id, org.ID, "own", "", fmt.Sprintf("Competentie %d", i), fmt.Sprintf("Competence %d", i), "", "", fmt.Sprintf("cat %d", i%20), "fundamental", false, true, ts, ts})
		}
		bulk(b, db, `INSERT INTO competences (id, org_id, framework, source_ref, name_nl, name_en, description_nl, description_en, category, layer, modified, active, created_at, updated_at)`, 14, rows)
		rows = rows[:0]
		for i := 0; i < 10000; i++ {
			id := core.NewID()
			g.people = append(g.people, id)
			rows = append(rows, []any{id, org.ID, fmt.Sprintf("Person %05d", i), true, ts, ts})
		}
		bulk(b, db, `INSERT INTO people (id, org_id, name, active, created_at, updated_at)`, 6, rows)
		rng := rand.New(rand.NewPCG(1, 2))
		kinds := []competence.Kind{competence.Validation, competence.Learning, competence.Certificate, competence.Quiz, competence.Assessment}
		rows = rows[:0]
		for i, p := range g.people {
			pool := g.comps[(i/50*60)%2940:][:60] // teams of 50 share a pool of 60
			for _, k := range rng.Perm(60)[:25] {
				c := pool[k]
				g.pairs = append(g.pairs, [2]string{p, c})
				t0 := now.Add(-time.Duration(rng.IntN(3*365*24)) * time.Hour)
				rows = append(rows, []any{core.NewID(), org.ID, p, c, 1 + rng.IntN(4), string(competence.SelfAssessment), nil, store.T(t0), nil})
				kind := kinds[rng.IntN(len(kinds))]
				var until any
				if kind == competence.Certificate {
					until = store.T(t0.AddDate(2, 0, 0)) // about a third have expired
				}
				rows = append(rows, []any{core.NewID(), org.ID, p, c, 1 + rng.IntN(4), string(kind), nil, store.T(t0.Add(time.Duration(1+rng.IntN(60*24)) * time.Hour)), until})
			}
			if len(rows) >= 50000 {
				bulk(b, db, `INSERT INTO evidence (id, org_id, person_id, competence_id, level, kind, recorded_by, recorded_at, valid_until)`, 9, rows)
				g.evidence += len(rows)
				rows = rows[:0]
			}
		}
		bulk(b, db, `INSERT INTO evidence (id, org_id, person_id, competence_id, level, kind, recorded_by, recorded_at, valid_until)`, 9, rows)
		g.evidence += len(rows)
		if _, err := db.W().ExecContext(ctx, `ANALYZE`); err != nil {
			b.Fatal(err)
		}
		n, err := db.RebuildCurrentLevels(ctx, org.ID, now)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("generated %d people, %d competences, %d evidence rows, %d current levels in %s", len(g.people), len(g.comps), g.evidence, n, time.Since(start).Round(time.Second))
		big = g
	})
	if big == nil {
		b.Fatal("setup failed")
	}
	return big
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reuseBig opens a database an earlier run generated (BAKEN_BENCH_DB).
func reuseBig(b *testing.B, path string) *bigOrg {
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{SQLitePath: path})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	g := &bigOrg{db: db}
	if err := db.R().QueryRowContext(ctx, `SELECT id FROM organisations WHERE slug = 'big-co'`).Scan(&g.orgID); err != nil {
		b.Fatal(err)
	}
	rows, err := db.R().QueryContext(ctx, `SELECT person_id, competence_id FROM current_levels WHERE org_id = $1`, g.orgID)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var p [2]string
		if err := rows.Scan(&p[0], &p[1]); err != nil {
			b.Fatal(err)
		}
		g.pairs = append(g.pairs, p)
	}
	return g
}

// BenchmarkCurrentLevels: derive every current level of 10,000 people ×
// 3,000 competences from 500,000 evidence rows (ms/derive, target < 300 ms),
// and record one new piece of evidence with its maintained current level
// (ms/incremental, target < 1 ms), on SQLite.
func BenchmarkCurrentLevels(b *testing.B) {
	g := loadBig(b)
	ctx := context.Background()
	b.Run("derive", func(b *testing.B) {
		now := time.Now().UTC()
		var n int
		cpu0 := cpuTime()
		for b.Loop() {
			all, err := g.db.DeriveCurrentLevels(ctx, g.orgID, now)
			if err != nil {
				b.Fatal(err)
			}
			n = len(all)
		}
		if n != len(g.pairs) {
			b.Fatalf("derived %d levels, want %d", n, len(g.pairs))
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/derive")
		// CPU time of the whole process per derivation: on a shared
		// machine the wall time above also counts waiting for a core.
		b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/derive")
	})
	b.Run("incremental", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(3, 4))
		cpu0 := cpuTime()
		for b.Loop() {
			p := g.pairs[rng.IntN(len(g.pairs))]
			e := &competence.Evidence{PersonID: p[0], CompetenceID: p[1], Level: 1 + rng.IntN(4), Kind: competence.Validation}
			if err := g.db.AddEvidence(ctx, g.orgID, e); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/incremental")
		b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/incremental")
	})
}

// TestMaintainedLevelsMatchDerivation checks on generated data that the
// levels maintained one insert at a time equal a full derivation.
func TestMaintainedLevelsMatchDerivation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		org := &tenancy.Organisation{Kind: tenancy.Company, Name: "G", Slug: "gen-co"}
		must(t, db.CreateOrganisation(ctx, org))
		var people, comps []string
		for i := 0; i < 6; i++ {
			p := &tenancy.Person{Name: fmt.Sprintf("P%d", i)}
			must(t, db.CreatePerson(ctx, org.ID, p))
			people = append(people, p.ID)
			c := &competence.Competence{NameEN: fmt.Sprintf("C%d", i)}
			must(t, db.CreateCompetence(ctx, org.ID, c))
			comps = append(comps, c.ID)
		}
		now := time.Now().UTC()
		rng := rand.New(rand.NewPCG(5, 6))
		for i := 0; i < 150; i++ {
			e := &competence.Evidence{PersonID: people[rng.IntN(6)], CompetenceID: comps[rng.IntN(6)], Level: rng.IntN(5),
				Kind: competence.Kinds[rng.IntN(len(competence.Kinds))], RecordedAt: now.Add(-time.Duration(rng.IntN(1000)) * time.Hour)}
			if rng.IntN(4) == 0 {
				e.ValidUntil = e.RecordedAt.Add(time.Duration(1+rng.IntN(1000)) * time.Hour)
			}
			must(t, db.AddEvidence(ctx, org.ID, e))
		}
		maintained, err := db.CurrentLevels(ctx, org.ID, store.LevelFilter{}, now)
		must(t, err)
		derived, err := db.DeriveCurrentLevels(ctx, org.ID, now)
		must(t, err)
		if len(maintained) != len(derived) {
			t.Fatalf("maintained %d, derived %d", len(maintained), len(derived))
		}
		got := map[[2]string]competence.Current{}
		for _, c := range maintained {
			got[[2]string{c.PersonID, c.CompetenceID}] = c
		}
		for _, d := range derived {
			m := got[[2]string{d.PersonID, d.CompetenceID}]
			if m.Level != d.Level || m.Validated != d.Validated || m.SelfLevel != d.SelfLevel || m.EvidenceID != d.EvidenceID || !m.NextChange.Equal(d.NextChange) {
				t.Fatalf("maintained %+v\nderived %+v", m, d)
			}
		}
		// The full derivation reads the evidence packs: it equals one
		// straight from the evidence table, field by field.
		direct, err := db.DeriveCurrentLevelsFromEvidence(ctx, org.ID, now)
		must(t, err)
		if len(direct) != len(derived) {
			t.Fatalf("from evidence %d, from packs %d", len(direct), len(derived))
		}
		for i := range direct {
			a, b := direct[i], derived[i]
			if a.PersonID != b.PersonID || a.CompetenceID != b.CompetenceID || a.Level != b.Level || a.Validated != b.Validated ||
				a.SelfLevel != b.SelfLevel || a.EvidenceID != b.EvidenceID || a.Kind != b.Kind || !a.At.Equal(b.At) ||
				!a.ValidUntil.Equal(b.ValidUntil) || !a.NextChange.Equal(b.NextChange) {
				t.Fatalf("from evidence %+v\nfrom packs %+v", a, b)
			}
		}
		// The packs kept up one insert at a time equal the packs rebuilt
		// from the evidence table in Go and by the migration's backfill.
		maintainedPacks := evidencePacks(t, db, org.ID)
		if len(maintainedPacks) != len(people) {
			t.Fatalf("%d evidence packs for %d people", len(maintainedPacks), len(people))
		}
		_, err = db.RebuildEvidencePacks(ctx, org.ID)
		must(t, err)
		samePacks(t, "rebuilt", evidencePacks(t, db, org.ID), maintainedPacks)
		mig, err := os.ReadFile("migrations/" + string(db.Engine()) + "/0103_evidence_packs.sql")
		must(t, err)
		backfill := string(mig[strings.Index(string(mig), "INSERT INTO evidence_packs"):])
		_, err = db.W().ExecContext(ctx, `DELETE FROM evidence_packs WHERE org_id = $1`, org.ID)
		must(t, err)
		_, err = db.W().ExecContext(ctx, backfill)
		must(t, err)
		samePacks(t, "backfilled", evidencePacks(t, db, org.ID), maintainedPacks)

		// The matrix reads the per-person packs: they agree too.
		mx, err := db.Matrix(ctx, org.ID, store.MatrixQuery{PersonIDs: people, CompetenceIDs: comps}, now)
		must(t, err)
		for i, p := range mx.People {
			for j, c := range mx.Competences {
				cell, m := mx.Cells[i][j], got[[2]string{p.ID, c.ID}]
				if cell.Level != m.Level || cell.Validated != m.Validated || cell.SelfLevel != m.SelfLevel || !cell.ValidUntil.Equal(m.ValidUntil) {
					t.Fatalf("matrix cell %+v, maintained %+v", cell.Current, m)
				}
			}
		}
	})
}

func evidencePacks(t *testing.T, db *store.DB, orgID string) map[string]string {
	t.Helper()
	rows, err := db.R().QueryContext(context.Background(), `SELECT person_id, packed FROM evidence_packs WHERE org_id = $1`, orgID)
	must(t, err)
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var p, v string
		must(t, rows.Scan(&p, &v))
		out[p] = v
	}
	must(t, rows.Err())
	return out
}

func samePacks(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d packs, want %d", what, len(got), len(want))
	}
	for p, v := range want {
		if got[p] != v {
			t.Fatalf("%s pack of %s:\n%s\nwant\n%s", what, p, got[p], v)
		}
	}
}

// teamFixture is one team of 50 people with two role profiles that
// together require 200 competences, and evidence for about 60% of cells.
type teamFixture struct {
	db     *store.DB
	orgID  string
	teamID string
}

func loadTeam(tb testing.TB, db *store.DB) *teamFixture {
	ctx := context.Background()
	org := &tenancy.Organisation{Kind: tenancy.Company, Name: "Team", Slug: "team-co"}
	must2(tb, db.CreateOrganisation(ctx, org))
	site := &tenancy.Site{Name: "Hengelo"}
	must2(tb, db.CreateSite(ctx, org.ID, site))
	team := &tenancy.Team{Name: "Verspaning", SiteID: site.ID}
	must2(tb, db.CreateTeam(ctx, org.ID, team))
	var comps []string
	var reqA, reqB []competence.Requirement
	for i := 0; i < 200; i++ {
		c := &competence.Competence{NameNL: fmt.Sprintf("Competentie %03d", i), NameEN: fmt.Sprintf("Competence %03d", i), Category: fmt.Sprintf("Categorie %d", i%8)}
		if i%5 == 0 {
			c.Layer = competence.New
		}
		must2(tb, db.CreateCompetence(ctx, org.ID, c))
		comps = append(comps, c.ID)
		r := competence.Requirement{CompetenceID: c.ID, Level: 1 + i%4, Essential: i%3 == 0}
		if i < 120 {
			reqA = append(reqA, r)
		}
		if i >= 80 {
			reqB = append(reqB, r)
		}
	}
	pa := &competence.RoleProfile{NameNL: "Operator A", Requirements: reqA}
	pb := &competence.RoleProfile{NameNL: "Operator B", Requirements: reqB}
	must2(tb, db.CreateRoleProfile(ctx, org.ID, pa))
	must2(tb, db.CreateRoleProfile(ctx, org.ID, pb))
	rng := rand.New(rand.NewPCG(7, 8))
	now := time.Now().UTC()
	var evs []*competence.Evidence
	for i := 0; i < 50; i++ {
		p := &tenancy.Person{Name: fmt.Sprintf("Medewerker %02d", i), TeamID: team.ID, SiteID: site.ID}
		must2(tb, db.CreatePerson(ctx, org.ID, p))
		profiles := []string{pa.ID}
		if i%2 == 1 {
			profiles = []string{pb.ID}
		}
		if i%7 == 0 {
			profiles = []string{pa.ID, pb.ID}
		}
		must2(tb, db.SetPersonRoleProfiles(ctx, org.ID, p.ID, profiles))
		for _, c := range comps {
			if rng.IntN(10) < 6 {
				at := now.Add(-time.Duration(rng.IntN(700*24)) * time.Hour)
				evs = append(evs, &competence.Evidence{PersonID: p.ID, CompetenceID: c, Kind: competence.SelfAssessment, Level: rng.IntN(5), RecordedAt: at})
				if rng.IntN(2) == 0 {
					e := &competence.Evidence{PersonID: p.ID, CompetenceID: c, Kind: competence.Validation, Level: rng.IntN(5), RecordedAt: at.Add(time.Hour)}
					if rng.IntN(5) == 0 {
						e.Kind, e.ValidUntil = competence.Certificate, at.AddDate(1, 0, 0)
					}
					evs = append(evs, e)
				}
			}
		}
	}
	must2(tb, db.AddEvidenceBatch(ctx, org.ID, evs))
	return &teamFixture{db: db, orgID: org.ID, teamID: team.ID}
}

func must2(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkTeamMatrix builds the data of a 50 people × 200 competences team
// matrix on SQLite (ms/data, target < 5 ms). The page render is measured
// in the web package.
func BenchmarkTeamMatrix(b *testing.B) {
	db := storetest.SQLite(b)
	f := loadTeam(b, db)
	ctx := context.Background()
	now := time.Now().UTC()
	cpu0 := cpuTime()
	for b.Loop() {
		m, err := db.Matrix(ctx, f.orgID, store.MatrixQuery{TeamID: f.teamID}, now)
		if err != nil {
			b.Fatal(err)
		}
		if len(m.People) != 50 || len(m.Competences) != 200 {
			b.Fatalf("matrix %d × %d", len(m.People), len(m.Competences))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/data")
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/data")
}

// TestConcurrentEvidenceKeepsPacks records evidence for one person from
// several goroutines at once (on PostgreSQL these are concurrent
// transactions, as from several nodes): no pack loses an entry and the
// maintained levels still equal a derivation from the evidence table.
func TestConcurrentEvidenceKeepsPacks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		org := &tenancy.Organisation{Kind: tenancy.Company, Name: "C", Slug: "conc-co"}
		must(t, db.CreateOrganisation(ctx, org))
		p := &tenancy.Person{Name: "Busy"}
		must(t, db.CreatePerson(ctx, org.ID, p))
		var comps []string
		for i := 0; i < 4; i++ {
			c := &competence.Competence{NameEN: fmt.Sprintf("C%d", i)}
			must(t, db.CreateCompetence(ctx, org.ID, c))
			comps = append(comps, c.ID)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 4*15+2*15)
		for g := 0; g < 2; g++ { // matrices read meanwhile, through the kept statements
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 15; i++ {
					_, err := db.Matrix(ctx, org.ID, store.MatrixQuery{PersonIDs: []string{p.ID}, CompetenceIDs: comps}, time.Now().UTC())
					errs <- err
				}
			}()
		}
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 15; i++ {
					errs <- db.AddEvidence(ctx, org.ID, &competence.Evidence{PersonID: p.ID, CompetenceID: comps[(g+i)%4], Level: 1 + (g+i)%4, Kind: competence.Validation})
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			must(t, err)
		}
		packs := evidencePacks(t, db, org.ID)
		if n := len(packs[p.ID]) / 102; n != 4*15 { // 102 bytes an entry without expiry
			t.Fatalf("pack holds %d entries, want %d", n, 4*15)
		}
		_, err := db.RebuildEvidencePacks(ctx, org.ID)
		must(t, err)
		samePacks(t, "rebuilt", evidencePacks(t, db, org.ID), packs)
		now := time.Now().UTC()
		maintained, err := db.CurrentLevels(ctx, org.ID, store.LevelFilter{}, now)
		must(t, err)
		direct, err := db.DeriveCurrentLevelsFromEvidence(ctx, org.ID, now)
		must(t, err)
		if len(maintained) != len(direct) {
			t.Fatalf("maintained %d levels, derived %d", len(maintained), len(direct))
		}
		for i := range direct {
			if m, d := maintained[i], direct[i]; m.CompetenceID != d.CompetenceID || m.Level != d.Level || m.EvidenceID != d.EvidenceID {
				t.Fatalf("maintained %+v\nderived %+v", m, d)
			}
		}
		mx, err := db.Matrix(ctx, org.ID, store.MatrixQuery{PersonIDs: []string{p.ID}, CompetenceIDs: comps}, now)
		must(t, err)
		for j, c := range mx.Competences {
			for _, d := range direct {
				if d.CompetenceID == c.ID && mx.Cells[0][j].Level != d.Level {
					t.Fatalf("matrix cell %s level %d, derived %d", c.ID, mx.Cells[0][j].Level, d.Level)
				}
			}
		}
	})
}
