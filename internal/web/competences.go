package web

import (
	"context"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

// Competences (issue 3): the catalogue and ESCO, the proficiency scale,
// role profiles, the skills matrix, a person's profile and review
// campaigns. Permission rules are competence.CanManageCatalogue,
// CanRecord and CanView; this file holds what the pages share.

func (s *Server) registerCompetences() {
	m := s.mux
	manage := func(h http.HandlerFunc) http.HandlerFunc { return s.Allowed(competence.CanManageCatalogue, h) }
	m.HandleFunc("GET /competences", s.Authed(s.cataloguePage))
	m.HandleFunc("POST /competences", manage(s.saveCompetence))
	m.HandleFunc("GET /competences/{id}", s.Authed(s.competencePage))
	m.HandleFunc("POST /competences/{id}", manage(s.saveCompetence))
	m.HandleFunc("GET /competences/esco", s.Authed(s.escoPage))
	m.HandleFunc("POST /competences/esco/pick", manage(s.pickESCO))
	m.HandleFunc("GET /competences/digcomp", s.Authed(s.digcompPage))
	m.HandleFunc("POST /competences/digcomp/pick", manage(s.pickDigComp))
	m.HandleFunc("GET /competences/scale", s.Authed(s.scalePage))
	m.HandleFunc("POST /competences/scale", manage(s.saveScale))
	m.HandleFunc("GET /roles", s.Authed(s.rolesPage))
	m.HandleFunc("GET /roles/new", manage(s.newRolePage))
	m.HandleFunc("POST /roles", manage(s.saveRole))
	m.HandleFunc("GET /roles/occupation", manage(s.occupationPage))
	m.HandleFunc("POST /roles/occupation", manage(s.createRoleFromOccupation))
	m.HandleFunc("GET /roles/{id}", s.Authed(s.rolePage))
	m.HandleFunc("POST /roles/{id}", manage(s.saveRole))
	m.HandleFunc("POST /roles/{id}/delete", manage(s.deleteRole))
	m.HandleFunc("POST /people/{id}/roles", manage(s.savePersonRoles))
	m.HandleFunc("GET /matrix", s.Authed(s.matrixPage))
	m.HandleFunc("GET /matrix/cell", s.Authed(s.cellPage))
	m.HandleFunc("POST /matrix/cell", s.Authed(s.saveCell))
	m.HandleFunc("GET /people/{id}/skills", s.Authed(s.skillsPage))
	m.HandleFunc("GET /evidence/{id}/attachment", s.Authed(s.evidenceAttachment))
	m.HandleFunc("GET /campaigns", s.Authed(s.campaignsPage))
	m.HandleFunc("POST /campaigns", manage(s.createCampaign))
	m.HandleFunc("GET /campaigns/{id}", s.Authed(s.campaignPage))
	m.HandleFunc("POST /campaigns/{id}/close", manage(s.closeCampaign))
	m.HandleFunc("GET /campaigns/{id}/review", s.Authed(s.reviewPage))
	m.HandleFunc("POST /campaigns/{id}/review", s.Authed(s.saveReview))
	s.AddNav(NavEntry{Href: "/competences", LabelKey: "nav.competences"})
	s.AddNav(NavEntry{Href: "/matrix", LabelKey: "nav.matrix", Show: func(p core.Principal) bool {
		return p.HasAny(core.RoleTeamLead, core.RoleLearning, core.RoleManagement, core.RoleAssessor)
	}})
	s.AddNav(NavEntry{Href: "/campaigns", LabelKey: "nav.campaigns"})
	s.AddPersonSection(PersonSection{Order: 10, Render: s.personSkillsSection})
}

// compPage is what every competence page shares.
type compPage struct {
	Page
	CanManage bool
	// ESCO is true when the page shows ESCO data: the layout then shows
	// the attribution the ESCO terms of use require.
	ESCO bool
}

func (s *Server) compPage(r *http.Request, titleKey string) compPage {
	p := s.NewPage(r, titleKey)
	return compPage{Page: p, CanManage: competence.CanManageCatalogue(*From(r).Principal)}
}

// Attribution is the ESCO statement in the page's language.
func (p compPage) Attribution() string { return competence.ESCOAttribution[p.Lang] }

// relation is what the principal is to a person: themself, their team
// lead, or neither.
func (s *Server) relation(ctx context.Context, st *Request, person *tenancy.Person) (isSelf, leads bool) {
	isSelf = person.ID == st.Principal.PersonID
	if person.TeamID != "" && st.Principal.Has(core.RoleTeamLead) {
		if t, err := s.db.Team(ctx, st.Org.ID, person.TeamID); err == nil && t.LeadID == st.Principal.PersonID {
			leads = true
		}
	}
	return isSelf, leads
}

func formInt(r *http.Request, key string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(r.FormValue(key)))
	return n
}

// formDate parses a yyyy-mm-dd field ("" is the zero time).
func formDate(r *http.Request, key string) (time.Time, error) {
	v := strings.TrimSpace(r.FormValue(key))
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", v)
	if err != nil {
		return time.Time{}, core.Invalid(key, "is not a date (yyyy-mm-dd)")
	}
	return t, nil
}

// back returns a same-site path from the form or query, or def.
func back(r *http.Request, def string) string {
	if b := r.FormValue("back"); b != "" {
		if n := safeNext(b); n != "/" || b == "/" {
			return n
		}
	}
	return def
}

var _ = template.HTML("")
var _ = store.T
