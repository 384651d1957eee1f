package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/store"
)

type catalogueView struct {
	compPage
	List       []*competence.Competence
	Total      int
	F          competence.Filter
	Categories []string
	Edit       *competence.Competence // the "add your own" form
}

func (s *Server) cataloguePage(w http.ResponseWriter, r *http.Request) {
	s.renderCatalogue(w, r, http.StatusOK, &competence.Competence{Layer: competence.Fundamental}, nil)
}

func (s *Server) renderCatalogue(w http.ResponseWriter, r *http.Request, status int, edit *competence.Competence, ferr error) {
	st := From(r)
	qv := r.URL.Query()
	f := competence.Filter{Query: qv.Get("q"), Layer: competence.Layer(qv.Get("layer")), Category: qv.Get("category"), Limit: 200}
	f.Offset, _ = strconv.Atoi(qv.Get("offset"))
	if f.Layer != "" && !f.Layer.Valid() {
		f.Layer = ""
	}
	v := catalogueView{compPage: s.compPage(r, "comp.title"), F: f, Edit: edit}
	var err error
	if v.List, v.Total, err = s.db.Competences(r.Context(), st.Org.ID, f); err != nil {
		s.Fail(w, r, err)
		return
	}
	v.Categories, _ = s.db.CompetenceCategories(r.Context(), st.Org.ID)
	for _, c := range v.List {
		v.ESCO = v.ESCO || c.ESCOLinked()
	}
	if ferr != nil {
		v.Error, v.FieldErrors = s.Message(r, ferr), s.FieldErrors(r, ferr)
	}
	s.Render(w, r, status, "comp_catalogue.html", v)
}

type competenceView struct {
	compPage
	C        *competence.Competence
	Skill    *competence.ESCOSkill // the ESCO skill it derives from, when imported
	Profiles []*competence.RoleProfile
}

func (s *Server) competencePage(w http.ResponseWriter, r *http.Request) {
	s.renderCompetence(w, r, http.StatusOK, nil, nil)
}

func (s *Server) renderCompetence(w http.ResponseWriter, r *http.Request, status int, edit *competence.Competence, ferr error) {
	st := From(r)
	id := r.PathValue("id")
	if !core.ValidID(id) {
		s.NotFound(w, r)
		return
	}
	c, err := s.db.Competence(r.Context(), st.Org.ID, id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v := competenceView{compPage: s.compPage(r, ""), C: c}
	if edit != nil {
		v.C = edit
	}
	v.Title = c.Name(st.Lang)
	if c.ESCOLinked() {
		v.ESCO = true
		v.Skill, _ = s.db.ESCOSkill(r.Context(), c.SourceRef)
	}
	all, _ := s.db.RoleProfiles(r.Context(), st.Org.ID)
	for _, p := range all {
		for _, q := range p.Requirements {
			if q.CompetenceID == c.ID {
				v.Profiles = append(v.Profiles, p)
			}
		}
	}
	if ferr != nil {
		v.Error, v.FieldErrors = s.Message(r, ferr), s.FieldErrors(r, ferr)
	}
	s.Render(w, r, status, "comp_competence.html", v)
}

// saveCompetence creates an own competence (POST /competences) or edits
// one (POST /competences/{id}).
func (s *Server) saveCompetence(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	c := &competence.Competence{ID: r.PathValue("id"), NameNL: r.FormValue("name_nl"), NameEN: r.FormValue("name_en"),
		DescriptionNL: r.FormValue("description_nl"), DescriptionEN: r.FormValue("description_en"),
		Category: r.FormValue("category"), Layer: competence.Layer(r.FormValue("layer")), SourceRef: strings.TrimSpace(r.FormValue("source_ref")), Active: r.FormValue("archive") == ""}
	var err error
	if c.ID == "" {
		err = s.db.CreateCompetence(r.Context(), st.Org.ID, c)
	} else {
		if !core.ValidID(c.ID) {
			s.NotFound(w, r)
			return
		}
		err = s.db.UpdateCompetence(r.Context(), st.Org.ID, c)
	}
	if err != nil {
		if c.ID == "" {
			s.renderCatalogue(w, r, Status(err), c, err)
		} else {
			s.renderCompetence(w, r, Status(err), c, err)
		}
		return
	}
	s.Flash(w, r, "flash.saved")
	if !c.Active {
		http.Redirect(w, r, "/competences", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/competences/"+c.ID, http.StatusSeeOther)
}

type escoView struct {
	compPage
	Imported bool
	Query    string
	Tag      string
	Group    *competence.ESCOGroup
	Groups   []competence.ESCOGroup
	Skills   []*competence.ESCOSkill
	Total    int
	Picked   map[string]string // ESCO URI → competence id in the catalogue
	Tags     []string
}

// escoPage browses ESCO's skill groups and searches its skills by label
// and alternative label in both languages.
func (s *Server) escoPage(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	qv := r.URL.Query()
	v := escoView{compPage: s.compPage(r, "esco.title"), Query: strings.TrimSpace(qv.Get("q")), Tag: qv.Get("tag"),
		Tags: []string{"digital", "green", "transversal", "language", "digcomp"}, Picked: map[string]string{}}
	v.ESCO = true
	fws, err := s.db.Frameworks(ctx)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, f := range fws {
		v.Imported = v.Imported || f.ID == "esco"
	}
	if !v.Imported {
		s.Render(w, r, http.StatusOK, "comp_esco.html", v)
		return
	}
	group := qv.Get("group")
	if group != "" {
		if v.Group, err = s.db.ESCOGroup(ctx, group); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	if v.Query == "" && v.Tag == "" {
		if v.Groups, err = s.db.ESCOGroups(ctx, group); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	if v.Query != "" || v.Tag != "" || group != "" {
		if v.Skills, v.Total, err = s.db.SearchESCOSkills(ctx, store.ESCOSkillFilter{Query: v.Query, Tag: v.Tag, GroupURI: group, Limit: 50}); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	mine, _, err := s.db.Competences(ctx, st.Org.ID, competence.Filter{Framework: competence.ESCO, Limit: 1000})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, c := range mine {
		v.Picked[c.SourceRef] = c.ID
	}
	s.Render(w, r, http.StatusOK, "comp_esco.html", v)
}

// pickESCO adds an ESCO skill to the organisation's catalogue.
func (s *Server) pickESCO(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	c, err := s.db.PickESCOSkill(r.Context(), st.Org.ID, r.FormValue("uri"), competence.Layer(r.FormValue("layer")), "")
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Flash(w, r, "esco.picked")
	http.Redirect(w, r, back(r, "/competences/"+c.ID), http.StatusSeeOther)
}

type scaleView struct {
	compPage
	Scale   competence.Scale
	DigComp []competence.Level
}

func (s *Server) scalePage(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	sc, err := s.db.Scale(r.Context(), st.Org.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v := scaleView{compPage: s.compPage(r, "scale.title"), Scale: sc}
	v.DigComp, _ = s.db.FrameworkLevels(r.Context(), competence.DigComp)
	s.Render(w, r, http.StatusOK, "comp_scale.html", v)
}

func (s *Server) saveScale(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	var sc competence.Scale
	n := formInt(r, "count")
	if add := r.FormValue("add"); add != "" {
		n++
	}
	if r.FormValue("remove") != "" {
		n--
	}
	if n > 10 {
		n = 10
	}
	for i := 0; i < n; i++ {
		p := "l" + strconv.Itoa(i) + "_"
		sc.Levels = append(sc.Levels, competence.Level{Level: i, NameNL: r.FormValue(p + "name_nl"), NameEN: r.FormValue(p + "name_en"),
			DescriptionNL: r.FormValue(p + "desc_nl"), DescriptionEN: r.FormValue(p + "desc_en")})
		if sc.Levels[i].NameNL == "" && sc.Levels[i].NameEN == "" {
			sc.Levels[i].NameNL, sc.Levels[i].NameEN = strconv.Itoa(i), strconv.Itoa(i)
		}
	}
	if err := s.db.SetScale(r.Context(), st.Org.ID, sc); err != nil {
		v := scaleView{compPage: s.compPage(r, "scale.title"), Scale: sc}
		v.Error = s.Message(r, err)
		s.Render(w, r, Status(err), "comp_scale.html", v)
		return
	}
	s.Flash(w, r, "flash.saved")
	http.Redirect(w, r, "/competences/scale", http.StatusSeeOther)
}

type digcompView struct {
	compPage
	Items  []competence.FrameworkItem
	Levels []competence.Level
	Picked map[string]string // DigComp code → competence id
}

// digcompPage lists DigComp 3.0's areas and competences to pick from.
func (s *Server) digcompPage(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	v := digcompView{compPage: s.compPage(r, "digcomp.title"), Picked: map[string]string{}}
	var err error
	if v.Items, err = s.db.FrameworkItems(ctx, competence.DigComp); err != nil {
		s.Fail(w, r, err)
		return
	}
	v.Levels, _ = s.db.FrameworkLevels(ctx, competence.DigComp)
	mine, _, err := s.db.Competences(ctx, st.Org.ID, competence.Filter{Framework: competence.DigComp, Limit: 1000})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, c := range mine {
		v.Picked[c.SourceRef] = c.ID
	}
	s.Render(w, r, http.StatusOK, "comp_digcomp.html", v)
}

func (s *Server) pickDigComp(w http.ResponseWriter, r *http.Request) {
	c, err := s.db.PickDigComp(r.Context(), From(r).Org.ID, r.FormValue("code"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Flash(w, r, "esco.picked")
	http.Redirect(w, r, back(r, "/competences/"+c.ID), http.StatusSeeOther)
}
