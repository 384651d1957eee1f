package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/tenancy"
)

type teamJSON struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	SiteID      *string   `json:"site_id"`
	SiteName    *string   `json:"site_name"`
	LeadID      *string   `json:"lead_id"`
	LeadName    *string   `json:"lead_name"`
	MemberCount int       `json:"member_count"`
	CreatedAt   time.Time `json:"created_at"`
}

func teamOut(t *tenancy.Team) teamJSON {
	return teamJSON{ID: t.ID, Name: t.Name, SiteID: opt(t.SiteID), SiteName: opt(t.SiteName),
		LeadID: opt(t.LeadID), LeadName: opt(t.LeadName), MemberCount: t.MemberCount, CreatedAt: ts(t.CreatedAt)}
}

// opt is nil for "", so that an absent value is null in JSON.
func opt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// teamInput is the body of POST /teams and PATCH /teams/{id}.
type teamInput struct {
	Name   Opt[string] `json:"name"`
	SiteID Opt[string] `json:"site_id"`
	LeadID Opt[string] `json:"lead_id"`
}

func (in *teamInput) apply(t *tenancy.Team) {
	if in.Name.Set {
		t.Name = in.Name.V
	}
	if in.SiteID.Set {
		t.SiteID = in.SiteID.V
	}
	if in.LeadID.Set {
		t.LeadID = in.LeadID.V
	}
}

func teamConflict(err error) error {
	if core.ErrorCode(err) == core.EConflict {
		return &core.Error{Code: core.EConflict, Field: "name", Message: "is already used by another team"}
	}
	return err
}

func (s *server) listTeams(w http.ResponseWriter, r *http.Request, p caller) error {
	if !p.CanReadDirectory() {
		return core.Forbidden("read teams")
	}
	limit, offset, err := paging(r)
	if err != nil {
		return err
	}
	siteID, err := queryID(r, "site_id")
	if err != nil {
		return err
	}
	leadID, err := queryID(r, "lead_id")
	if err != nil {
		return err
	}
	q := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("q")))
	teams, err := s.db.Teams(r.Context(), p.OrgID, siteID)
	if err != nil {
		return err
	}
	out := []teamJSON{}
	for _, t := range teams {
		if leadID != "" && t.LeadID != leadID {
			continue
		}
		if q != "" && !strings.Contains(strings.ToLower(t.Name), q) {
			continue
		}
		out = append(out, teamOut(t))
	}
	return writeJSON(w, http.StatusOK, pageOf(out, limit, offset))
}

// loadTeam returns the team named by the path, in the caller's
// organisation. Errors: ENotFound, EForbidden.
func (s *server) loadTeam(r *http.Request, p caller) (*tenancy.Team, error) {
	if !p.CanReadDirectory() {
		return nil, core.Forbidden("read teams")
	}
	id, err := pathID(r)
	if err != nil {
		return nil, notFound(err, "team")
	}
	x, err := s.db.Team(r.Context(), p.OrgID, id)
	return x, notFound(err, "team")
}

func (s *server) getTeam(w http.ResponseWriter, r *http.Request, p caller) error {
	t, err := s.loadTeam(r, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, teamOut(t))
}

func (s *server) createTeam(w http.ResponseWriter, r *http.Request, p caller) error {
	if !p.CanManageOrganisation() {
		return core.Forbidden("create teams")
	}
	var in teamInput
	if err := decode(r, &in); err != nil {
		return err
	}
	var t tenancy.Team
	in.apply(&t)
	if err := s.db.CreateTeam(r.Context(), p.OrgID, &t); err != nil {
		return teamConflict(err)
	}
	// Read it back for the site and lead names.
	created, err := s.db.Team(r.Context(), p.OrgID, t.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/teams/"+t.ID)
	return writeJSON(w, http.StatusCreated, teamOut(created))
}

func (s *server) updateTeam(w http.ResponseWriter, r *http.Request, p caller) error {
	t, err := s.loadTeam(r, p)
	if err != nil {
		return err
	}
	if !p.CanManageOrganisation() {
		return core.Forbidden("change teams")
	}
	var in teamInput
	if err := decode(r, &in); err != nil {
		return err
	}
	in.apply(t)
	if err := s.db.UpdateTeam(r.Context(), p.OrgID, t); err != nil {
		return teamConflict(err)
	}
	updated, err := s.db.Team(r.Context(), p.OrgID, t.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, teamOut(updated))
}

func (s *server) deleteTeam(w http.ResponseWriter, r *http.Request, p caller) error {
	t, err := s.loadTeam(r, p)
	if err != nil {
		return err
	}
	if !p.CanManageOrganisation() {
		return core.Forbidden("delete teams")
	}
	if err := s.db.DeleteTeam(r.Context(), p.OrgID, t.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
