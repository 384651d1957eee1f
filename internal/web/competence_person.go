package web

import (
	"fmt"
	"html"
	"html/template"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/i18n"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

// skillRow is one competence on a person's profile.
type skillRow struct {
	C        *competence.Competence
	Cur      competence.Current
	Required int
	Status   competence.Status
	Symbol   string
	Expiring bool
}

type skillsView struct {
	compPage
	P         *tenancy.Person
	Rows      []skillRow
	Expiring  []skillRow
	Chart     template.HTML
	History   []*competence.Evidence
	Names     map[string]string // competence id → name
	Held      []*competence.RoleProfile
	Profiles  []*competence.RoleProfile // all, for the L&D form
	HeldIDs   map[string]bool
	Scale     competence.Scale
	Campaigns []*competence.Campaign
	IsSelf    bool
	Now       time.Time
}

// loadSkills gathers a person's profile, or an error when the principal
// may not see it.
func (s *Server) loadSkills(r *http.Request, p *tenancy.Person) (*skillsView, error) {
	st := From(r)
	ctx := r.Context()
	isSelf, leads := s.relation(ctx, st, p)
	if !competence.CanView(*st.Principal, isSelf, leads) {
		return nil, core.Forbidden("see this person's levels")
	}
	now := time.Now().UTC()
	v := &skillsView{compPage: s.compPage(r, ""), P: p, IsSelf: isSelf, Now: now, Names: map[string]string{}}
	v.Title = p.Name + " · " + i18n.T(st.Lang, "skills.title")
	var err error
	if v.Scale, err = s.db.Scale(ctx, st.Org.ID); err != nil {
		return nil, err
	}
	if v.Held, err = s.db.PersonRoleProfiles(ctx, st.Org.ID, p.ID); err != nil {
		return nil, err
	}
	v.HeldIDs = map[string]bool{}
	for _, h := range v.Held {
		v.HeldIDs[h.ID] = true
	}
	reqs := competence.Merge(v.Held...)
	levels, err := s.db.CurrentLevels(ctx, st.Org.ID, store.LevelFilter{PersonIDs: []string{p.ID}}, now)
	if err != nil {
		return nil, err
	}
	cur := map[string]competence.Current{}
	ids := map[string]bool{}
	for _, l := range levels {
		cur[l.CompetenceID] = l
		ids[l.CompetenceID] = true
	}
	for id := range reqs {
		ids[id] = true
	}
	var list []string
	for id := range ids {
		list = append(list, id)
	}
	var comps []*competence.Competence
	if len(list) > 0 {
		if comps, _, err = s.db.Competences(ctx, st.Org.ID, competence.Filter{IDs: list, Limit: 1000}); err != nil {
			return nil, err
		}
	}
	for _, c := range comps {
		v.Names[c.ID] = c.Name(st.Lang)
		row := skillRow{C: c, Cur: cur[c.ID], Required: reqs[c.ID].Level}
		row.Status = competence.Compare(row.Cur.Level, row.Required)
		row.Symbol = cellSymbol(row.Status)
		row.Expiring = row.Cur.Expiring(now)
		v.ESCO = v.ESCO || c.ESCOLinked()
		if row.Required == 0 && row.Cur.Level == 0 {
			continue
		}
		v.Rows = append(v.Rows, row)
		if row.Expiring {
			v.Expiring = append(v.Expiring, row)
		}
	}
	// Requirements first (largest gap first), then other skills by name.
	sort.SliceStable(v.Rows, func(i, j int) bool {
		a, b := v.Rows[i], v.Rows[j]
		if (a.Required > 0) != (b.Required > 0) {
			return a.Required > 0
		}
		ga, gb := a.Required-a.Cur.Level, b.Required-b.Cur.Level
		if ga != gb {
			return ga > gb
		}
		return a.C.Name(st.Lang) < b.C.Name(st.Lang)
	})
	v.Chart = ProfileChart(v.Rows, v.Scale, st.Lang)
	if v.History, err = s.db.Evidence(ctx, st.Org.ID, store.EvidenceFilter{PersonID: p.ID, Limit: 100}); err != nil {
		return nil, err
	}
	if v.CanManage {
		v.Profiles, _ = s.db.RoleProfiles(ctx, st.Org.ID)
	}
	if isSelf {
		all, _ := s.db.Campaigns(ctx, st.Org.ID, p.ID)
		for _, c := range all {
			if c.Status == competence.CampaignOpen {
				v.Campaigns = append(v.Campaigns, c)
			}
		}
	}
	return v, nil
}

func (s *Server) skillsPage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !core.ValidID(id) {
		s.NotFound(w, r)
		return
	}
	p, err := s.db.Person(r.Context(), From(r).Org.ID, id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v, err := s.loadSkills(r, p)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "comp_skills.html", v)
}

// personSkillsSection is the short competence block on a person's page.
func (s *Server) personSkillsSection(r *http.Request, p *tenancy.Person) template.HTML {
	v, err := s.loadSkills(r, p)
	if err != nil {
		return "" // not allowed to see it: show nothing
	}
	return s.Partial("comp_person_section", v)
}

// ProfileChart draws a person's levels against their requirements as a
// server-side SVG bar chart: one row per competence, a bar for the current
// level, a line for the required level, and the numbers as text, so that
// nothing depends on colour alone.
func ProfileChart(rows []skillRow, scale competence.Scale, lang string) template.HTML {
	if len(rows) == 0 {
		return ""
	}
	if len(rows) > 40 {
		rows = rows[:40]
	}
	const (
		labelW = 230
		barW   = 300
		rowH   = 26
		top    = 24
	)
	max := scale.Max()
	if max < 1 {
		max = 1
	}
	unit := float64(barW) / float64(max)
	h := top + len(rows)*rowH + 8
	w := labelW + barW + 70
	esc := html.EscapeString
	var b strings.Builder
	title := i18n.T(lang, "skills.chart_title")
	fmt.Fprintf(&b, `<svg class="profile-chart" viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg"><title id="chart-title">%s</title>`, w, h, esc(title))
	for l := 0; l <= max; l++ {
		x := labelW + int(float64(l)*unit)
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="grid"/><text x="%d" y="14" class="axis">%d</text>`, x, top-6, x, h-4, x-3, l)
	}
	for i, r := range rows {
		y := top + i*rowH
		name := r.C.Name(lang)
		short := name
		if len([]rune(short)) > 32 {
			short = string([]rune(short)[:31]) + "…"
		}
		fmt.Fprintf(&b, `<g><title>%s</title>`, esc(fmt.Sprintf("%s: %d / %d", name, r.Cur.Level, r.Required)))
		fmt.Fprintf(&b, `<text x="0" y="%d" class="label">%s</text>`, y+17, esc(short))
		cls := string(r.Status)
		if r.Cur.Unvalidated() {
			cls += " unval"
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="16" class="bar %s"/>`, labelW, y+5, int(float64(r.Cur.Level)*unit), cls)
		if r.Required > 0 {
			x := labelW + int(float64(r.Required)*unit)
			fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="req"/>`, x, y+1, x, y+rowH-1)
		}
		txt := fmt.Sprint(r.Cur.Level)
		if r.Required > 0 {
			txt += "/" + fmt.Sprint(r.Required) + " " + cellSymbol(r.Status)
		}
		if r.Cur.Unvalidated() {
			txt += " ?"
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="value">%s</text></g>`, labelW+barW+8, y+17, esc(txt))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func (s *Server) evidenceAttachment(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	id := r.PathValue("id")
	if !core.ValidID(id) {
		s.NotFound(w, r)
		return
	}
	// Only someone who may see the person's evidence may open the file.
	evs, err := s.db.Evidence(r.Context(), st.Org.ID, store.EvidenceFilter{ID: id})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if len(evs) != 1 {
		s.NotFound(w, r)
		return
	}
	p, err := s.db.Person(r.Context(), st.Org.ID, evs[0].PersonID)
	if err != nil {
		s.NotFound(w, r)
		return
	}
	isSelf, leads := s.relation(r.Context(), st, p)
	if !competence.CanView(*st.Principal, isSelf, leads) {
		s.Fail(w, r, core.Forbidden("see this evidence"))
		return
	}
	a, err := s.db.EvidenceAttachment(r.Context(), st.Org.ID, id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", a.ContentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", a.Name))
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	_, _ = w.Write(a.Data)
}
