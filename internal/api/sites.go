package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/tenancy"
)

type siteJSON struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Address   string    `json:"address"`
	CreatedAt time.Time `json:"created_at"`
}

func siteOut(s *tenancy.Site) siteJSON {
	return siteJSON{ID: s.ID, Name: s.Name, Address: s.Address, CreatedAt: ts(s.CreatedAt)}
}

// siteInput is the body of POST /sites and PATCH /sites/{id}.
type siteInput struct {
	Name    Opt[string] `json:"name"`
	Address Opt[string] `json:"address"`
}

func (in *siteInput) apply(s *tenancy.Site) {
	if in.Name.Set {
		s.Name = in.Name.V
	}
	if in.Address.Set {
		s.Address = in.Address.V
	}
}

// siteConflict names the field of a duplicate site.
func siteConflict(err error) error {
	if core.ErrorCode(err) == core.EConflict {
		return &core.Error{Code: core.EConflict, Field: "name", Message: "is already used by another site"}
	}
	return err
}

func (s *server) listSites(w http.ResponseWriter, r *http.Request, p caller) error {
	if !p.CanReadDirectory() {
		return core.Forbidden("read sites")
	}
	limit, offset, err := paging(r)
	if err != nil {
		return err
	}
	q := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("q")))
	sites, err := s.db.Sites(r.Context(), p.OrgID)
	if err != nil {
		return err
	}
	out := []siteJSON{}
	for _, x := range sites {
		if q == "" || strings.Contains(strings.ToLower(x.Name), q) || strings.Contains(strings.ToLower(x.Address), q) {
			out = append(out, siteOut(x))
		}
	}
	return writeJSON(w, http.StatusOK, pageOf(out, limit, offset))
}

func (s *server) getSite(w http.ResponseWriter, r *http.Request, p caller) error {
	site, err := s.loadSite(r, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, siteOut(site))
}

func (s *server) createSite(w http.ResponseWriter, r *http.Request, p caller) error {
	if !p.CanManageOrganisation() {
		return core.Forbidden("create sites")
	}
	var in siteInput
	if err := decode(r, &in); err != nil {
		return err
	}
	var site tenancy.Site
	in.apply(&site)
	if err := s.db.CreateSite(r.Context(), p.OrgID, &site); err != nil {
		return siteConflict(err)
	}
	w.Header().Set("Location", Prefix+"/sites/"+site.ID)
	return writeJSON(w, http.StatusCreated, siteOut(&site))
}

func (s *server) updateSite(w http.ResponseWriter, r *http.Request, p caller) error {
	// Look the record up before checking permission: another
	// organisation's id is 404 for everyone, never 403.
	site, err := s.loadSite(r, p)
	if err != nil {
		return err
	}
	if !p.CanManageOrganisation() {
		return core.Forbidden("change sites")
	}
	var in siteInput
	if err := decode(r, &in); err != nil {
		return err
	}
	in.apply(site)
	if err := s.db.UpdateSite(r.Context(), p.OrgID, site); err != nil {
		return siteConflict(err)
	}
	return writeJSON(w, http.StatusOK, siteOut(site))
}

func (s *server) deleteSite(w http.ResponseWriter, r *http.Request, p caller) error {
	site, err := s.loadSite(r, p)
	if err != nil {
		return err
	}
	if !p.CanManageOrganisation() {
		return core.Forbidden("delete sites")
	}
	if err := s.db.DeleteSite(r.Context(), p.OrgID, site.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// loadSite returns the site named by the path, in the caller's
// organisation. Errors: ENotFound, EForbidden.
func (s *server) loadSite(r *http.Request, p caller) (*tenancy.Site, error) {
	if !p.CanReadDirectory() {
		return nil, core.Forbidden("read sites")
	}
	id, err := pathID(r)
	if err != nil {
		return nil, notFound(err, "site")
	}
	x, err := s.db.Site(r.Context(), p.OrgID, id)
	return x, notFound(err, "site")
}
