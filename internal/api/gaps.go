package api

import (
	"net/http"

	"github.com/bakenhq/baken/internal/beacon"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/gap"
	"github.com/bakenhq/baken/internal/roadmap"
)

// The beacon over the API (issue 4): the roadmap with its demand and
// coverage, the gap of the company, a site or a team, and one person's
// gaps. The numbers come from the same engine and cache as the pages
// (internal/gap through internal/beacon), in the same JSON shapes.

// apiLang is the language of names and explanations: ?lang=nl, else the
// principal's, else English.
func apiLang(r *http.Request, p caller) string {
	switch l := r.URL.Query().Get("lang"); l {
	case "nl", "en":
		return l
	}
	if p.Lang == "nl" {
		return "nl"
	}
	return "en"
}

// leadsTeam reports whether the caller leads team teamID.
func (s *server) leadsTeam(r *http.Request, p caller, teamID string) bool {
	if teamID == "" || !p.Has(core.RoleTeamLead) {
		return false
	}
	t, err := s.db.Team(r.Context(), p.OrgID, teamID)
	return err == nil && t.LeadID == p.PersonID
}

// listRoadmap: GET /roadmap. Everyone reads the published items;
// management may add ?drafts=true.
func (s *server) listRoadmap(w http.ResponseWriter, r *http.Request, p caller) error {
	limit, offset, err := paging(r)
	if err != nil {
		return err
	}
	drafts := false
	switch r.URL.Query().Get("drafts") {
	case "", "false":
	case "true":
		if !roadmap.CanEdit(p.Principal) {
			return core.Forbidden("see draft roadmap items")
		}
		drafts = true
	default:
		return &core.Error{Code: codeBadRequest, Field: "drafts", Message: "must be true or false"}
	}
	m, err := beacon.For(s.db).Model(r.Context(), p.OrgID, drafts)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, pageOf(beacon.Items(m, apiLang(r, p)), limit, offset))
}

// getGaps: GET /gaps?site_id=…|team_id=…. Management, L&D and admins see
// any scope; a team lead sees their own team.
func (s *server) getGaps(w http.ResponseWriter, r *http.Request, p caller) error {
	siteID, err := queryID(r, "site_id")
	if err != nil {
		return err
	}
	teamID, err := queryID(r, "team_id")
	if err != nil {
		return err
	}
	sc := gap.Scope{}
	switch {
	case siteID != "" && teamID != "":
		return &core.Error{Code: codeBadRequest, Field: "team_id", Message: "give site_id or team_id, not both"}
	case teamID != "":
		sc = gap.Scope{Kind: gap.TeamScope, ID: teamID}
	case siteID != "":
		sc = gap.Scope{Kind: gap.SiteScope, ID: siteID}
	}
	if !roadmap.CanViewDashboard(p.Principal) && !(teamID != "" && s.leadsTeam(r, p, teamID)) {
		return core.Forbidden("see these gaps")
	}
	m, err := beacon.For(s.db).Model(r.Context(), p.OrgID, false)
	if err != nil {
		return err
	}
	rep, err := beacon.Gaps(m, sc, apiLang(r, p), 20)
	if err == gap.ErrUnknownScope {
		return &core.Error{Code: core.ENotFound, Message: "no such site or team in this organisation"}
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rep)
}

// getPersonGaps: GET /people/{id}/gaps. The person, their team lead,
// management, L&D and admins.
func (s *server) getPersonGaps(w http.ResponseWriter, r *http.Request, p caller) error {
	id, err := pathID(r)
	if err != nil {
		return notFound(err, "person")
	}
	person, err := s.db.Person(r.Context(), p.OrgID, id)
	if err != nil {
		return notFound(err, "person")
	}
	if person.ID != p.PersonID && !roadmap.CanViewDashboard(p.Principal) && !s.leadsTeam(r, p, person.TeamID) {
		return core.Forbidden("see this person's gaps")
	}
	m, err := beacon.For(s.db).Model(r.Context(), p.OrgID, false)
	if err != nil {
		return err
	}
	pg, err := beacon.Person(m, person.ID, apiLang(r, p))
	if err == gap.ErrUnknownPerson {
		// Someone who left has no gaps any more.
		pg, err = &beacon.PersonGaps{PersonID: person.ID, Roadmap: []beacon.Need{}, Roles: []beacon.Need{}}, nil
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, pg)
}
