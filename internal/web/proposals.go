package web

import (
	"net/http"
	"strconv"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/openlearning"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

// Course proposals: a company asks a partner provider for a course; both
// sides see the proposal and its history.

func canSeeProposals(p core.Principal) bool { return p.CanProposeCourses() || p.CanAnswerProposals() }

func (s *Server) registerProposals() {
	s.mux.HandleFunc("GET /proposals", s.Allowed(canSeeProposals, s.proposalsPage))
	s.mux.HandleFunc("GET /proposals/new", s.Allowed(core.Principal.CanProposeCourses, s.newProposalPage))
	s.mux.HandleFunc("POST /proposals", s.Allowed(core.Principal.CanProposeCourses, s.createProposal))
	s.mux.HandleFunc("GET /proposals/{id}", s.Allowed(canSeeProposals, s.proposalPage))
	s.mux.HandleFunc("POST /proposals/{id}/act", s.Allowed(canSeeProposals, s.actOnProposal))
	s.AddNav(NavEntry{Href: "/proposals", LabelKey: "nav.proposals", Show: canSeeProposals})
}

type proposalsView struct {
	Page
	Made, Received []*openlearning.Proposal
	CanPropose     bool
}

func (s *Server) proposalsPage(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	all, err := s.db.Proposals(r.Context(), st.Org.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v := proposalsView{Page: s.NewPage(r, "proposals.title"), CanPropose: st.Org.Kind == tenancy.Company && st.Principal.CanProposeCourses()}
	for _, p := range all {
		if p.OrgID == st.Org.ID {
			v.Made = append(v.Made, p)
		} else {
			v.Received = append(v.Received, p)
		}
	}
	s.Render(w, r, http.StatusOK, "proposals.html", v)
}

type proposalFormView struct {
	Page
	P           *openlearning.Proposal
	Providers   []store.ProviderRef
	Competences []*competence.Competence
	Scale       competence.Scale
	Rows        []openlearning.NeededCompetence // the competence rows of the form
	Formats     []string
}

const proposalRows = 5

func (s *Server) renderProposalForm(w http.ResponseWriter, r *http.Request, status int, p *openlearning.Proposal, err error) {
	st := From(r)
	ctx := r.Context()
	v := proposalFormView{Page: s.NewPage(r, "proposals.new"), P: p, Formats: openlearning.Formats}
	var lerr error
	if v.Providers, lerr = s.db.PartnerProviders(ctx, st.Org.ID); lerr == nil {
		if v.Competences, _, lerr = s.db.Competences(ctx, st.Org.ID, competence.Filter{Limit: 1000}); lerr == nil {
			v.Scale, lerr = s.db.Scale(ctx, st.Org.ID)
		}
	}
	if lerr != nil {
		s.Fail(w, r, lerr)
		return
	}
	v.Rows = append(v.Rows, p.Competences...)
	for len(v.Rows) < proposalRows {
		v.Rows = append(v.Rows, openlearning.NeededCompetence{Level: 2})
	}
	if err != nil {
		v.Error, v.FieldErrors = s.Message(r, err), s.FieldErrors(r, err)
	}
	s.Render(w, r, status, "proposal_form.html", v)
}

func (s *Server) newProposalPage(w http.ResponseWriter, r *http.Request) {
	if From(r).Org.Kind != tenancy.Company {
		s.NotFound(w, r)
		return
	}
	s.renderProposalForm(w, r, http.StatusOK, &openlearning.Proposal{AudienceSize: 10, Format: "flipped", ProviderID: r.URL.Query().Get("provider")}, nil)
}

func (s *Server) createProposal(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	if st.Org.Kind != tenancy.Company {
		s.NotFound(w, r)
		return
	}
	f := r.PostForm
	p := &openlearning.Proposal{ProviderID: f.Get("provider_id"), Title: f.Get("title"), Description: f.Get("description"),
		Timing: f.Get("timing"), Format: f.Get("format"), CreatedBy: st.Principal.PersonID}
	p.AudienceSize, _ = strconv.Atoi(f.Get("audience_size"))
	comps, levels := f["competence"], f["level"]
	for i, id := range comps {
		if id == "" {
			continue
		}
		lvl := 0
		if i < len(levels) {
			lvl, _ = strconv.Atoi(levels[i])
		}
		p.Competences = append(p.Competences, openlearning.NeededCompetence{CompetenceID: id, Level: lvl})
	}
	if err := s.db.CreateProposal(r.Context(), st.Org.ID, p); err != nil {
		s.renderProposalForm(w, r, Status(err), p, err)
		return
	}
	s.Flash(w, r, "proposals.sent")
	http.Redirect(w, r, "/proposals/"+p.ID, http.StatusSeeOther)
}

type proposalView struct {
	Page
	P           *openlearning.Proposal
	Side        openlearning.Side
	CanComment  bool
	CanAccept   bool
	CanDecline  bool
	CanOffer    bool
	CanWithdraw bool
}

func (s *Server) proposalPage(w http.ResponseWriter, r *http.Request) {
	s.renderProposal(w, r, http.StatusOK, nil)
}

func (s *Server) renderProposal(w http.ResponseWriter, r *http.Request, status int, err error) {
	st := From(r)
	id := r.PathValue("id")
	if !core.ValidID(id) {
		s.NotFound(w, r)
		return
	}
	p, lerr := s.db.Proposal(r.Context(), st.Org.ID, id)
	if lerr != nil {
		s.Fail(w, r, lerr)
		return
	}
	side := p.SideOf(st.Org.ID)
	mayAct := (side == openlearning.CompanySide && st.Principal.CanProposeCourses()) || (side == openlearning.ProviderSide && st.Principal.CanAnswerProposals())
	v := proposalView{Page: s.NewPage(r, ""), P: p, Side: side,
		CanComment:  mayAct && p.CanAct(side, openlearning.EventComment),
		CanAccept:   mayAct && p.CanAct(side, openlearning.EventAccepted),
		CanDecline:  mayAct && p.CanAct(side, openlearning.EventDeclined),
		CanOffer:    mayAct && p.CanAct(side, openlearning.EventOffered),
		CanWithdraw: mayAct && p.CanAct(side, openlearning.EventWithdrawn)}
	v.Title = p.Title
	if err != nil {
		v.Error, v.FieldErrors = s.Message(r, err), s.FieldErrors(r, err)
	}
	s.Render(w, r, status, "proposal.html", v)
}

func (s *Server) actOnProposal(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	id := r.PathValue("id")
	if !core.ValidID(id) {
		s.NotFound(w, r)
		return
	}
	// Company staff act only with the right role on their side, provider
	// staff on theirs; the store checks the proposal's own rules.
	p, err := s.db.Proposal(r.Context(), st.Org.ID, id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	side := p.SideOf(st.Org.ID)
	if (side == openlearning.CompanySide && !st.Principal.CanProposeCourses()) || (side == openlearning.ProviderSide && !st.Principal.CanAnswerProposals()) {
		s.Fail(w, r, core.Forbidden("act on this proposal"))
		return
	}
	kind := openlearning.EventKind(r.PostFormValue("kind"))
	if err := s.db.ActOnProposal(r.Context(), st.Org.ID, st.Principal.PersonID, id, kind, r.PostFormValue("message"), ""); err != nil {
		s.renderProposal(w, r, Status(err), err)
		return
	}
	s.Flash(w, r, "flash.saved")
	http.Redirect(w, r, "/proposals/"+id, http.StatusSeeOther)
}
