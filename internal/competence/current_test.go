package competence

import (
	"fmt"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/core"
)

var now = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

func day(n int) time.Time { return now.AddDate(0, 0, n) }

func ev(k Kind, level, recordedDay int, validUntilDay ...int) Evidence {
	e := Evidence{ID: fmt.Sprintf("e%03d", recordedDay+500), Kind: k, Level: level, RecordedAt: day(recordedDay)}
	if len(validUntilDay) > 0 {
		e.ValidUntil = day(validUntilDay[0])
	}
	return e
}

func TestDerive(t *testing.T) {
	tests := []struct {
		name          string
		evs           []Evidence
		level         int
		validated     bool
		unvalidated   bool
		self          int
		kind          Kind
		nextChangeDay int // 0: none
	}{
		{name: "no evidence is level none", evs: nil, level: 0},
		{name: "only self-assessed shows as unvalidated",
			evs: []Evidence{ev(SelfAssessment, 3, -10)}, level: 3, unvalidated: true, self: 3, kind: SelfAssessment},
		{name: "latest self-assessment wins among self-assessments",
			evs: []Evidence{ev(SelfAssessment, 3, -10), ev(SelfAssessment, 2, -5)}, level: 2, unvalidated: true, self: 2, kind: SelfAssessment},
		{name: "validated outranks a later, higher self-assessment",
			evs: []Evidence{ev(Validation, 2, -20), ev(SelfAssessment, 4, -1)}, level: 2, validated: true, self: 4, kind: Validation},
		{name: "validated outranks an earlier self-assessment",
			evs: []Evidence{ev(SelfAssessment, 4, -20), ev(Validation, 1, -10)}, level: 1, validated: true, self: 4, kind: Validation},
		{name: "latest validation wins, also downwards",
			evs: []Evidence{ev(Validation, 3, -20), ev(Assessment, 1, -10)}, level: 1, validated: true, kind: Assessment},
		{name: "order of the slice does not matter",
			evs: []Evidence{ev(Assessment, 1, -10), ev(Validation, 3, -20)}, level: 1, validated: true, kind: Assessment},
		{name: "learning raises a validated level",
			evs: []Evidence{ev(Validation, 2, -20), ev(Learning, 3, -10)}, level: 3, validated: true, kind: Learning},
		{name: "a lower quiz does not lower a validated level",
			evs: []Evidence{ev(Validation, 3, -20), ev(Quiz, 1, -10)}, level: 3, validated: true, kind: Validation},
		{name: "a later validation overrides learning",
			evs: []Evidence{ev(Learning, 3, -20), ev(Validation, 2, -10)}, level: 2, validated: true, kind: Validation},
		{name: "without a judgement the highest record counts",
			evs: []Evidence{ev(Lab, 3, -20), ev(Project, 2, -10)}, level: 3, validated: true, kind: Lab},
		{name: "a record alone outranks self-assessment",
			evs: []Evidence{ev(SelfAssessment, 4, -5), ev(Quiz, 1, -10)}, level: 1, validated: true, self: 4, kind: Quiz},
		{name: "expired certificate stops counting",
			evs: []Evidence{ev(Certificate, 3, -400, -35)}, level: 0},
		{name: "expired certificate falls back to self-assessment",
			evs: []Evidence{ev(SelfAssessment, 2, -500), ev(Certificate, 3, -400, -35)}, level: 2, unvalidated: true, self: 2, kind: SelfAssessment},
		{name: "expired validation falls back to the earlier validation",
			evs: []Evidence{ev(Validation, 2, -800), ev(Validation, 4, -400, -1)}, level: 2, validated: true, kind: Validation},
		{name: "evidence expiring exactly now has expired",
			evs: []Evidence{ev(Certificate, 3, -400, 0)}, level: 0},
		{name: "valid certificate counts and reports when it expires",
			evs: []Evidence{ev(Certificate, 3, -300, 30)}, level: 3, validated: true, kind: Certificate, nextChangeDay: 30},
		{name: "renewed certificate at the same level takes over",
			evs: []Evidence{ev(Certificate, 3, -300, 30), ev(Certificate, 3, -10, 700)}, level: 3, validated: true, kind: Certificate, nextChangeDay: 30},
		{name: "a validated none is validated",
			evs: []Evidence{ev(SelfAssessment, 2, -20), ev(Validation, 0, -10)}, level: 0, validated: true, self: 2, kind: Validation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Derive("p", "c", tt.evs, now)
			if c.Level != tt.level || c.Validated != tt.validated || c.Unvalidated() != tt.unvalidated || c.SelfLevel != tt.self || c.Kind != tt.kind {
				t.Fatalf("got level %d validated %v unvalidated %v self %d kind %q; want %d %v %v %d %q",
					c.Level, c.Validated, c.Unvalidated(), c.SelfLevel, c.Kind, tt.level, tt.validated, tt.unvalidated, tt.self, tt.kind)
			}
			var want time.Time
			if tt.nextChangeDay != 0 {
				want = day(tt.nextChangeDay)
			}
			if !c.NextChange.Equal(want) {
				t.Fatalf("next change %v, want %v", c.NextChange, want)
			}
			if c.PersonID != "p" || c.CompetenceID != "c" {
				t.Fatalf("ids lost: %+v", c)
			}
		})
	}
}

func TestExpiringAndStale(t *testing.T) {
	c := Derive("p", "c", []Evidence{ev(Certificate, 2, -300, 20)}, now)
	if !c.Expiring(now) {
		t.Fatal("a certificate expiring in 20 days is expiring soon")
	}
	if c.Expiring(day(-100)) {
		t.Fatal("120 days ahead is not soon")
	}
	if c.Stale(now) || !c.Stale(day(20)) {
		t.Fatal("stale only once the expiry has passed")
	}
	later := Derive("p", "c", []Evidence{ev(Certificate, 2, -300, 20)}, day(21))
	if later.Level != 0 {
		t.Fatalf("after expiry level %d", later.Level)
	}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		level, req int
		want       Status
	}{{0, 0, NotRequired}, {3, 0, NotRequired}, {2, 2, Meets}, {3, 2, Meets}, {1, 2, Below}, {0, 2, Missing}}
	for _, tt := range tests {
		if got := Compare(tt.level, tt.req); got != tt.want {
			t.Errorf("Compare(%d, %d) = %s, want %s", tt.level, tt.req, got, tt.want)
		}
	}
}

func TestScale(t *testing.T) {
	s := DefaultScale()
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if s.Max() != 4 || s.Level(2).Name("nl") != "L – Zelfstandig" || s.Level(2).Name("en") != "L – Independent" {
		t.Fatalf("default scale: %+v", s)
	}
	bad := Scale{Levels: []Level{{Level: 0, NameEN: "none"}, {Level: 2, NameEN: "x"}}}
	if core.ErrorCode(bad.Validate()) != core.EInvalid {
		t.Fatal("gap in numbering accepted")
	}
	if core.ErrorCode((&Scale{Levels: []Level{{Level: 0, NameEN: "none"}}}).Validate()) != core.EInvalid {
		t.Fatal("scale without levels accepted")
	}
}

func TestCompetenceValidate(t *testing.T) {
	tests := []struct {
		name string
		c    Competence
		ok   bool
	}{
		{"own with names", Competence{NameNL: "MIG/MAG-lassen", NameEN: "MIG/MAG welding", Layer: Fundamental}, true},
		{"defaults framework and layer", Competence{NameEN: "x"}, true},
		{"no name", Competence{}, false},
		{"bad layer", Competence{NameEN: "x", Layer: "old"}, false},
		{"esco without uri", Competence{Framework: ESCO, NameEN: "x"}, false},
		{"own linked to esco", Competence{NameEN: "x", SourceRef: "http://data.europa.eu/esco/skill/abc"}, true},
		{"own linked to junk", Competence{NameEN: "x", SourceRef: "javascript:alert(1)"}, false},
	}
	for _, tt := range tests {
		err := tt.c.Validate()
		if (err == nil) != tt.ok {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

func TestEvidenceValidate(t *testing.T) {
	id := core.NewID()
	s := DefaultScale()
	ok := Evidence{PersonID: id, CompetenceID: id, Level: 2, Kind: Validation, RecordedAt: now}
	if err := ok.Validate(s); err != nil {
		t.Fatal(err)
	}
	tests := map[string]func(e *Evidence){
		"level off scale":     func(e *Evidence) { e.Level = 5 },
		"unknown kind":        func(e *Evidence) { e.Kind = "rumour" },
		"bad person":          func(e *Evidence) { e.PersonID = "x" },
		"expires before made": func(e *Evidence) { e.ValidUntil = now.Add(-time.Hour) },
		"exe attachment": func(e *Evidence) {
			e.Attachment = &Attachment{Name: "a.exe", ContentType: "application/x-msdownload", Data: []byte("MZ")}
		},
	}
	for name, mut := range tests {
		e := ok
		mut(&e)
		if e.Validate(s) == nil {
			t.Errorf("%s accepted", name)
		}
	}
	big := ok
	big.Attachment = &Attachment{Name: "a.pdf", ContentType: "application/pdf", Data: make([]byte, MaxAttachmentBytes+1)}
	if core.ErrorCode(big.Validate(s)) != core.EInvalid && core.ErrorCode(big.Validate(s)) != core.ETooLarge {
		t.Error("oversized attachment accepted")
	}
}

func TestMergeRequirements(t *testing.T) {
	a := &RoleProfile{Requirements: []Requirement{{CompetenceID: "w", Level: 2}, {CompetenceID: "c", Level: 1, Essential: true}}}
	b := &RoleProfile{Requirements: []Requirement{{CompetenceID: "w", Level: 3, Essential: true}}}
	m := Merge(a, b)
	if m["w"].Level != 3 || !m["w"].Essential || m["c"].Level != 1 || len(m) != 2 {
		t.Fatalf("merge: %+v", m)
	}
}

func TestDiff(t *testing.T) {
	before := []SnapshotRow{{"p1", "c1", 1, true}, {"p1", "c2", 2, false}, {"p2", "c1", 3, true}}
	after := []SnapshotRow{{"p1", "c1", 2, true}, {"p1", "c2", 2, true}, {"p2", "c1", 3, true}, {"p3", "c1", 1, false}}
	d := Diff(before, after)
	if len(d) != 3 || d[0].After != 2 || !d[1].IsValidated || d[2].PersonID != "p3" || d[2].Before != 0 {
		t.Fatalf("diff: %+v", d)
	}
}

func TestCanRecord(t *testing.T) {
	emp := core.Principal{Roles: []core.Role{core.RoleEmployee}}
	lead := core.Principal{Roles: []core.Role{core.RoleEmployee, core.RoleTeamLead}}
	ld := core.Principal{Roles: []core.Role{core.RoleLearning}}
	assessor := core.Principal{Roles: []core.Role{core.RoleAssessor}}
	tests := []struct {
		name          string
		p             core.Principal
		k             Kind
		isSelf, leads bool
		ok            bool
	}{
		{"employee self-assesses", emp, SelfAssessment, true, false, true},
		{"employee cannot self-assess for another", emp, SelfAssessment, false, false, false},
		{"employee cannot validate", emp, Validation, false, false, false},
		{"lead validates own team", lead, Validation, false, true, true},
		{"lead cannot validate another team", lead, Validation, false, false, false},
		{"lead cannot validate self", lead, Validation, true, true, false},
		{"l&d validates", ld, Validation, false, false, true},
		{"assessor assesses", assessor, Assessment, false, false, true},
		{"lead cannot assess", lead, Assessment, false, true, false},
		{"l&d records a certificate", ld, Certificate, false, false, true},
	}
	for _, tt := range tests {
		if err := CanRecord(tt.p, tt.k, tt.isSelf, tt.leads); (err == nil) != tt.ok {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}
