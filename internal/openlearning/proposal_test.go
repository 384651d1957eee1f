package openlearning

import "testing"

func TestProposalRules(t *testing.T) {
	p := &Proposal{OrgID: "c", ProviderID: "u", Status: Submitted}
	steps := []struct {
		side    Side
		kind    EventKind
		allowed bool
		after   ProposalStatus
	}{
		{NoSide, EventComment, false, Submitted},
		{CompanySide, EventAccepted, false, Submitted},
		{CompanySide, EventComment, true, Submitted},
		{ProviderSide, EventComment, true, Discussed},
		{CompanySide, EventComment, true, Discussed},
		{ProviderSide, EventAccepted, true, Accepted},
		{ProviderSide, EventAccepted, false, Accepted},
		{CompanySide, EventComment, true, Accepted},
		{ProviderSide, EventOffered, true, Offered},
		{CompanySide, EventWithdrawn, false, Offered},
		{ProviderSide, EventComment, false, Offered},
	}
	for i, s := range steps {
		if got := p.CanAct(s.side, s.kind); got != s.allowed {
			t.Fatalf("step %d: CanAct(%v, %s) = %v in %s", i, s.side, s.kind, got, p.Status)
		}
		if s.allowed {
			p.Status = p.StatusAfter(s.side, s.kind)
		}
		if p.Status != s.after {
			t.Fatalf("step %d: status %s, want %s", i, p.Status, s.after)
		}
	}
	if p.SideOf("x") != NoSide || p.SideOf("c") != CompanySide || p.SideOf("u") != ProviderSide {
		t.Fatal("SideOf")
	}
}

func TestProposalValidate(t *testing.T) {
	good := Proposal{Title: "Cobot welding for operators", ProviderID: "0190c2a0-0000-7000-8000-000000000001", AudienceSize: 12, Format: "flipped",
		Competences: []NeededCompetence{{CompetenceID: "0190c2a0-0000-7000-8000-000000000002", Level: 2}}}
	if err := good.Validate(4); err != nil {
		t.Fatal(err)
	}
	for name, mutate := range map[string]func(p *Proposal){
		"no title":       func(p *Proposal) { p.Title = " " },
		"no audience":    func(p *Proposal) { p.AudienceSize = 0 },
		"bad format":     func(p *Proposal) { p.Format = "telepathy" },
		"no competences": func(p *Proposal) { p.Competences = nil },
		"level too high": func(p *Proposal) {
			p.Competences = []NeededCompetence{{CompetenceID: good.Competences[0].CompetenceID, Level: 5}}
		},
		"bad provider id": func(p *Proposal) { p.ProviderID = "x" },
	} {
		p := good
		mutate(&p)
		if p.Validate(4) == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
