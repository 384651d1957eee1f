package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/tenancy"
)

type rolesView struct {
	compPage
	Profiles []*competence.RoleProfile
}

func (s *Server) rolesPage(w http.ResponseWriter, r *http.Request) {
	ps, err := s.db.RoleProfiles(r.Context(), From(r).Org.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "comp_roles.html", rolesView{compPage: s.compPage(r, "roles.title"), Profiles: ps})
}

type roleView struct {
	compPage
	R           *competence.RoleProfile
	Competences []*competence.Competence
	Scale       competence.Scale
	Rows        []competence.Requirement // requirement rows of the form
	Holders     []*tenancy.Person
	New         bool
}

const extraRoleRows = 5

func (s *Server) newRolePage(w http.ResponseWriter, r *http.Request) {
	s.renderRole(w, r, http.StatusOK, &competence.RoleProfile{}, nil)
}

func (s *Server) rolePage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !core.ValidID(id) {
		s.NotFound(w, r)
		return
	}
	rp, err := s.db.RoleProfile(r.Context(), From(r).Org.ID, id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.renderRole(w, r, http.StatusOK, rp, nil)
}

func (s *Server) renderRole(w http.ResponseWriter, r *http.Request, status int, rp *competence.RoleProfile, ferr error) {
	st := From(r)
	ctx := r.Context()
	v := roleView{compPage: s.compPage(r, "roles.new"), R: rp, New: rp.ID == ""}
	if !v.New {
		v.Title = rp.Name(st.Lang)
	}
	var err error
	if v.Scale, err = s.db.Scale(ctx, st.Org.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	if v.CanManage {
		if v.Competences, _, err = s.db.Competences(ctx, st.Org.ID, competence.Filter{Limit: 1000}); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	v.Rows = append(v.Rows, rp.Requirements...)
	for i := 0; i < extraRoleRows; i++ {
		v.Rows = append(v.Rows, competence.Requirement{Level: 2, Essential: true})
	}
	if !v.New {
		if v.Holders, err = s.db.RoleProfileHolders(ctx, st.Org.ID, rp.ID); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	for _, q := range rp.Requirements {
		if q.Competence != nil && q.Competence.ESCOLinked() {
			v.ESCO = true
		}
	}
	if ferr != nil {
		v.Error, v.FieldErrors = s.Message(r, ferr), s.FieldErrors(r, ferr)
	}
	s.Render(w, r, status, "comp_role.html", v)
}

func (s *Server) saveRole(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	rp := &competence.RoleProfile{ID: r.PathValue("id"), NameNL: r.FormValue("name_nl"), NameEN: r.FormValue("name_en"),
		DescriptionNL: r.FormValue("description_nl"), DescriptionEN: r.FormValue("description_en")}
	if rp.ID != "" && !core.ValidID(rp.ID) {
		s.NotFound(w, r)
		return
	}
	comps, levels, crit := r.Form["competence"], r.Form["level"], r.Form["crit"]
	for i, id := range comps {
		if id == "" || i >= len(levels) || levels[i] == "0" {
			continue
		}
		lvl, _ := strconv.Atoi(levels[i])
		rp.Requirements = append(rp.Requirements, competence.Requirement{CompetenceID: id, Level: lvl, Essential: i >= len(crit) || crit[i] != "optional"})
	}
	var err error
	if rp.ID == "" {
		err = s.db.CreateRoleProfile(r.Context(), st.Org.ID, rp)
	} else {
		err = s.db.UpdateRoleProfile(r.Context(), st.Org.ID, rp)
	}
	if err != nil {
		s.renderRole(w, r, Status(err), rp, err)
		return
	}
	s.Flash(w, r, "flash.saved")
	http.Redirect(w, r, "/roles/"+rp.ID, http.StatusSeeOther)
}

func (s *Server) deleteRole(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !core.ValidID(id) {
		s.NotFound(w, r)
		return
	}
	if err := s.db.DeleteRoleProfile(r.Context(), From(r).Org.ID, id); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Flash(w, r, "roles.deleted")
	http.Redirect(w, r, "/roles", http.StatusSeeOther)
}

type occupationView struct {
	compPage
	Query   string
	Results []*competence.ESCOOccupation
	Occ     *competence.ESCOOccupation
	Scale   competence.Scale
	Level   int
}

// occupationPage: search an ESCO occupation, then pick its skills (the
// essential ones pre-selected) for a new role profile.
func (s *Server) occupationPage(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	v := occupationView{compPage: s.compPage(r, "roles.from_occupation"), Query: strings.TrimSpace(r.FormValue("q")), Level: 2}
	v.ESCO = true
	var err error
	if v.Scale, err = s.db.Scale(ctx, st.Org.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	if uri := r.FormValue("uri"); uri != "" {
		if v.Occ, err = s.db.ESCOOccupation(ctx, uri); err != nil {
			s.Fail(w, r, err)
			return
		}
	} else if v.Query != "" {
		if v.Results, err = s.db.SearchESCOOccupations(ctx, v.Query, 30); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	s.Render(w, r, http.StatusOK, "comp_occupation.html", v)
}

func (s *Server) createRoleFromOccupation(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	rp, err := s.db.RoleProfileFromOccupation(r.Context(), st.Org.ID, r.FormValue("uri"), r.Form["skill"], formInt(r, "level"),
		r.FormValue("name_nl"), r.FormValue("name_en"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Flash(w, r, "roles.created")
	http.Redirect(w, r, "/roles/"+rp.ID, http.StatusSeeOther)
}

// savePersonRoles sets the role profiles a person holds.
func (s *Server) savePersonRoles(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	id := r.PathValue("id")
	if !core.ValidID(id) {
		s.NotFound(w, r)
		return
	}
	if err := s.db.SetPersonRoleProfiles(r.Context(), st.Org.ID, id, r.Form["profile"]); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Flash(w, r, "flash.saved")
	http.Redirect(w, r, "/people/"+id+"/skills", http.StatusSeeOther)
}
