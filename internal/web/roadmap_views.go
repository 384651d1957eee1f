package web

import (
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/beacon"
	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/gap"
	"github.com/bakenhq/baken/internal/i18n"
	"github.com/bakenhq/baken/internal/roadmap"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

// ---- The beacon page ----

type rmNeedLine struct {
	Comp, Level, Where string
	People, Covered    int
	Date               time.Time
}

type beaconItem struct {
	It         *roadmap.Item
	Title, Why string
	Touches    bool
	Needs      []rmNeedLine
	Objectives []string
}

// rmMyNeed is one of a person's own gaps in plain words.
type rmMyNeed struct {
	Comp, CompID          string
	Required, Current     string // level names
	AtDate                string
	RequiredN, CurrentN   int
	Date                  time.Time
	Source                string // roadmap item or role profile
	Roadmap, Essential    bool
	Expires               bool
	Gap, Needed, Shortage int
}

type beaconView struct {
	Page
	Timeline   template.HTML
	Items      []beaconItem
	Mine       []rmMyNeed // roadmap demand that concerns the person
	Roles      []rmMyNeed // role-profile requirements not met
	RolesMet   int
	Plans      []*roadmap.Plan
	Changes    []rmChangeView
	LastSeen   time.Time
	CanEdit    bool
	For        *tenancy.Person
	OwnPage    bool
	Objectives []*roadmap.Objective
	Recs       template.HTML // learning recommended for the person's gaps
}

type rmChangeView struct {
	At             time.Time
	Item, ItemID   string
	What, By       string
	Published, New bool
}

func (s *Server) rmChangeViews(r *http.Request, hs []roadmap.HistoryEntry) []rmChangeView {
	lang := From(r).Lang
	var out []rmChangeView
	for _, h := range hs {
		var what []string
		for _, f := range h.Fields {
			what = append(what, i18n.T(lang, "roadmap.change."+f))
		}
		out = append(out, rmChangeView{At: h.At, Item: h.ItemName, ItemID: h.ItemID, What: strings.Join(what, ", "), By: h.ByName,
			Published: len(h.Fields) == 1 && h.Fields[0] == "published", New: len(h.Fields) == 1 && h.Fields[0] == "created"})
	}
	return out
}

func (s *Server) beaconPage(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	v := beaconView{Page: s.NewPage(r, "beacon.title"), CanEdit: roadmap.CanEdit(*st.Principal), For: st.Person, OwnPage: true}
	v.Recs = s.homeRecommendations(r)
	m, err := s.gapModel(r, false)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	scale, err := s.db.Scale(ctx, st.Org.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if v.Objectives, err = s.db.Objectives(ctx, st.Org.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	v.Items = s.beaconItems(m, st.Person, st.Lang, scale, v.Objectives)
	v.Timeline = timelineSVG(v.Items, m.Now, st.Lang)
	s.fillMine(r, &v, m, st.Person, scale)
	now := time.Now().UTC()
	if v.LastSeen, err = s.db.BeaconSeen(ctx, st.Org.ID, st.Person.ID, now); err != nil {
		s.Fail(w, r, err)
		return
	}
	since := v.LastSeen
	if since.IsZero() {
		since = now.AddDate(0, -1, 0)
	}
	hs, err := s.db.RoadmapChanges(ctx, st.Org.ID, since, true, st.Lang)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v.Changes = s.rmChangeViews(r, hs)
	s.Render(w, r, http.StatusOK, "beacon.html", v)
}

// beaconItems describes the published open roadmap items in plain words.
func (s *Server) beaconItems(m *gap.Model, p *tenancy.Person, lang string, scale competence.Scale, objs []*roadmap.Objective) []beaconItem {
	objName := map[string]string{}
	for _, o := range objs {
		objName[o.ID] = o.Title(lang)
	}
	var out []beaconItem
	for _, it := range m.Items {
		bi := beaconItem{It: it, Title: it.Title(lang), Why: it.Why(lang), Touches: p != nil && it.Affects(p.TeamID, p.SiteID)}
		for _, d := range m.ItemDemand(it.ID) {
			bi.Needs = append(bi.Needs, rmNeedLine{Comp: m.Comps[d.Comp].Name(lang), Level: rmLevelName(scale, d.Level, lang),
				Where: rmWhereName(m, d.Kind, d.Where, lang), People: d.Needed, Covered: d.Covered, Date: d.Date})
		}
		for _, o := range it.ObjectiveIDs {
			if n := objName[o]; n != "" {
				bi.Objectives = append(bi.Objectives, n)
			}
		}
		out = append(out, bi)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].It.TargetDate.Before(out[j].It.TargetDate) })
	return out
}

// fillMine puts a person's own gaps and plan into a beacon view.
func (s *Server) fillMine(r *http.Request, v *beaconView, m *gap.Model, p *tenancy.Person, scale competence.Scale) {
	lang := From(r).Lang
	rep, err := m.Person(p.ID)
	if err == nil {
		for _, n := range rep.Roadmap {
			mn := rmMyNeed{Comp: m.Comps[n.Comp].Name(lang), CompID: m.Comps[n.Comp].ID, Required: rmLevelName(scale, n.Required, lang),
				Current: rmLevelName(scale, n.Now, lang), AtDate: rmLevelName(scale, n.AtDate, lang), RequiredN: n.Required, CurrentN: n.Now,
				Date: n.Date, Roadmap: true, Essential: true, Expires: n.Expires(), Gap: n.Gap(), Needed: n.Needed, Shortage: n.Shortfall}
			if n.Item >= 0 {
				mn.Source = m.Items[n.Item].Title(lang)
			}
			v.Mine = append(v.Mine, mn)
		}
		// By date, and within a date the largest gap first.
		sort.SliceStable(v.Mine, func(i, j int) bool {
			a, b := v.Mine[i], v.Mine[j]
			if (a.Gap > 0) != (b.Gap > 0) {
				return a.Gap > 0
			}
			if !a.Date.Equal(b.Date) {
				return a.Date.Before(b.Date)
			}
			return a.Gap > b.Gap
		})
		for _, n := range rep.Roles {
			if n.Gap() == 0 {
				v.RolesMet++
				continue
			}
			mn := rmMyNeed{Comp: m.Comps[n.Comp].Name(lang), CompID: m.Comps[n.Comp].ID, Required: rmLevelName(scale, n.Required, lang),
				Current: rmLevelName(scale, n.Now, lang), RequiredN: n.Required, CurrentN: n.Now, Essential: n.Essential, Gap: n.Gap()}
			if n.Profile >= 0 {
				pr := m.Profiles[n.Profile]
				mn.Source = rmPick(lang, pr.NameNL, pr.NameEN)
			}
			v.Roles = append(v.Roles, mn)
		}
	}
	v.Plans, _ = s.db.Plans(r.Context(), From(r).Org.ID, store.PlanFilter{PersonID: p.ID, Lang: lang})
}

func rmPick(lang, nl, en string) string {
	if lang == "nl" && nl != "" || en == "" {
		return nl
	}
	return en
}

// personGapPage shows one person's gaps: to the person, their team lead,
// L&D and management.
func (s *Server) personGapPage(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	id := r.PathValue("id")
	if !core.ValidID(id) {
		s.NotFound(w, r)
		return
	}
	p, err := s.db.Person(ctx, st.Org.ID, id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if p.ID != st.Person.ID && !s.leads(r, p.TeamID) && !roadmap.CanViewDashboard(*st.Principal) {
		s.Fail(w, r, core.Forbidden("see this person's gaps"))
		return
	}
	m, err := s.gapModel(r, false)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	scale, _ := s.db.Scale(ctx, st.Org.ID)
	v := beaconView{Page: s.NewPage(r, ""), For: p, OwnPage: p.ID == st.Person.ID}
	v.Title = i18n.T(st.Lang, "gaps.person_title", p.Name)
	s.fillMine(r, &v, m, p, scale)
	s.Render(w, r, http.StatusOK, "gaps_person.html", v)
}

func (s *Server) beaconHomeSection(r *http.Request) template.HTML {
	st := From(r)
	m, err := s.gapModel(r, false)
	if err != nil {
		s.log.Error("beacon home", "err", err)
		return ""
	}
	v := struct {
		Page
		Items, Touching, Gaps int
		Next                  *roadmap.Item
		NextTitle             string
	}{Page: s.NewPage(r, "")}
	for _, it := range m.Items {
		v.Items++
		if it.Affects(st.Person.TeamID, st.Person.SiteID) {
			v.Touching++
			if v.Next == nil || it.TargetDate.Before(v.Next.TargetDate) {
				v.Next, v.NextTitle = it, it.Title(st.Lang)
			}
		}
	}
	if rep, err := m.Person(st.Person.ID); err == nil {
		for _, n := range rep.Roadmap {
			if n.Gap() > 0 {
				v.Gaps++
			}
		}
	}
	return s.Partial("beacon_home", v)
}

// ---- The dashboard ----

type rmCellView struct {
	Needed, Covered, Shortfall, Coverage int
	Qualified, Bench                     int
	Single                               bool
}

func rmCell(c gap.Cell) rmCellView {
	return rmCellView{Needed: int(c.Needed), Covered: int(c.Covered), Shortfall: c.Shortfall(), Coverage: c.Coverage(),
		Qualified: int(c.Qualified), Bench: int(c.Bench), Single: c.SinglePoint()}
}

type rmCrumb struct{ Name, Href string }

type rmRiskView struct {
	Level, Kind, Comp, Who string
	Date                   time.Time
	Why                    string
	Cell                   rmCellView
}

type rmCompRow struct {
	Name, ID    string
	Today, Last rmCellView
	FirstShort  time.Time
	MinLevel    string
}

type rmSubRow struct {
	Name, Href  string
	Today, Last rmCellView
	Gaps        int // for people: competences below what is needed
}

type rmItemRow struct {
	ID, Title, Status string
	Published         bool
	Date              time.Time
	Needed, Covered   int
}

type rmDashView struct {
	Page
	ScopeName   string
	Crumbs      []rmCrumb
	Dates       []time.Time
	Total       []rmCellView
	Chart       template.HTML
	Items       []rmItemRow
	Risks       []rmRiskView
	Comps       []rmCompRow
	MoreComps   int
	Subs        []rmSubRow
	SubKind     string // "sites", "teams" or "people"
	Query       string // scope query for links
	Today, Last rmCellView
	HasDates    bool
}

// rmScope reads ?site= or ?team= into a scope.
func rmScope(r *http.Request) gap.Scope {
	q := r.URL.Query()
	if t := q.Get("team"); core.ValidID(t) {
		return gap.Scope{Kind: gap.TeamScope, ID: t}
	}
	if si := q.Get("site"); core.ValidID(si) {
		return gap.Scope{Kind: gap.SiteScope, ID: si}
	}
	return gap.Scope{}
}

func (s *Server) rmAnalysis(r *http.Request, sc gap.Scope) (*gap.Model, *gap.Analysis, error) {
	m, err := s.gapModel(r, false)
	if err != nil {
		return nil, nil, err
	}
	a, err := m.Analyse(sc)
	if err == gap.ErrUnknownScope {
		return nil, nil, core.ErrNotFound
	}
	return m, a, err
}

func (s *Server) rmRiskViews(m *gap.Model, a *gap.Analysis, lang string, limit int) []rmRiskView {
	var out []rmRiskView
	for _, rk := range a.Risks(limit) {
		rv := rmRiskView{Level: rk.Priority.Level, Kind: rk.Kind, Comp: m.Comps[rk.Comp].Name(lang), Date: a.Dates[rk.Date],
			Why: beacon.Reasons(lang, rk.Priority), Cell: rmCell(rk.Cell)}
		if rk.Person >= 0 {
			var names []string
			for i, p := range rk.People {
				if i == 3 {
					names = append(names, fmt.Sprintf("+%d", len(rk.People)-3))
					break
				}
				names = append(names, m.People[p].Name)
			}
			rv.Who = strings.Join(names, ", ")
			rv.Date = rk.ExpiresAt
		}
		out = append(out, rv)
	}
	return out
}

func (s *Server) dashboardView(r *http.Request, sc gap.Scope) (*rmDashView, error) {
	st := From(r)
	lang := st.Lang
	m, a, err := s.rmAnalysis(r, sc)
	if err != nil {
		return nil, err
	}
	scale, err := s.db.Scale(r.Context(), st.Org.ID)
	if err != nil {
		return nil, err
	}
	v := &rmDashView{Page: s.NewPage(r, "gaps.title"), Dates: a.Dates, HasDates: len(a.Dates) > 1}
	v.Crumbs = []rmCrumb{{Name: i18n.T(lang, "gaps.company"), Href: "/gaps"}}
	v.ScopeName = i18n.T(lang, "gaps.company")
	switch sc.Kind {
	case gap.SiteScope:
		si := m.SiteIndex(sc.ID)
		v.ScopeName = m.Sites[si].Name
		v.Query = "site=" + sc.ID
		v.Crumbs = append(v.Crumbs, rmCrumb{Name: v.ScopeName, Href: "/gaps?site=" + sc.ID})
	case gap.TeamScope:
		ti := m.TeamIndex(sc.ID)
		t := m.Teams[ti]
		if si := m.SiteIndex(t.SiteID); si >= 0 {
			v.Crumbs = append(v.Crumbs, rmCrumb{Name: m.Sites[si].Name, Href: "/gaps?site=" + t.SiteID})
		}
		v.ScopeName = t.Name
		v.Query = "team=" + sc.ID
		v.Crumbs = append(v.Crumbs, rmCrumb{Name: t.Name, Href: "/gaps?team=" + sc.ID})
	}
	for _, c := range a.Total {
		v.Total = append(v.Total, rmCell(c))
	}
	v.Today, v.Last = v.Total[0], v.Total[len(v.Total)-1]
	v.Chart = coverageSVG(a.Dates, a.Total, lang)
	for _, it := range m.Items {
		row := rmItemRow{ID: it.ID, Title: it.Title(lang), Status: string(it.Status), Published: it.Published, Date: it.TargetDate}
		for _, d := range m.ItemDemand(it.ID) {
			row.Needed += d.Needed
			row.Covered += d.Covered
		}
		v.Items = append(v.Items, row)
	}
	v.Risks = s.rmRiskViews(m, a, lang, 10)
	last := len(a.Dates) - 1
	for _, ln := range a.Lines {
		row := rmCompRow{Name: m.Comps[ln.Comp].Name(lang), ID: m.Comps[ln.Comp].ID, Today: rmCell(ln.Cells[0]), Last: rmCell(ln.Cells[last])}
		for d, c := range ln.Cells {
			if c.Shortfall() > 0 {
				row.FirstShort = a.Dates[d]
				break
			}
		}
		row.MinLevel = rmLevelName(scale, int(ln.Cells[last].MinLevel), lang)
		v.Comps = append(v.Comps, row)
	}
	sort.SliceStable(v.Comps, func(i, j int) bool {
		a, b := v.Comps[i], v.Comps[j]
		if max(a.Today.Shortfall, a.Last.Shortfall) != max(b.Today.Shortfall, b.Last.Shortfall) {
			return max(a.Today.Shortfall, a.Last.Shortfall) > max(b.Today.Shortfall, b.Last.Shortfall)
		}
		return a.Name < b.Name
	})
	if len(v.Comps) > 40 {
		v.MoreComps = len(v.Comps) - 40
		v.Comps = v.Comps[:40]
	}
	switch sc.Kind {
	case gap.Company:
		v.SubKind = "sites"
		for i, site := range m.Sites {
			if a.Sites[i] != nil {
				v.Subs = append(v.Subs, rmSubRow{Name: site.Name, Href: "/gaps?site=" + site.ID, Today: rmCell(a.Sites[i][0]), Last: rmCell(a.Sites[i][last])})
			}
		}
	case gap.SiteScope:
		v.SubKind = "teams"
		for i, t := range m.Teams {
			if a.Teams[i] != nil && t.SiteID == sc.ID {
				v.Subs = append(v.Subs, rmSubRow{Name: t.Name, Href: "/gaps?team=" + t.ID, Today: rmCell(a.Teams[i][0]), Last: rmCell(a.Teams[i][last])})
			}
		}
	case gap.TeamScope:
		v.SubKind = "people"
		for i, p := range m.People {
			if p.TeamID != sc.ID {
				continue
			}
			row := rmSubRow{Name: p.Name, Href: "/gaps/people/" + p.ID}
			if rep, err := m.Person(p.ID); err == nil {
				for _, n := range rep.Roles {
					if n.Gap() > 0 {
						row.Gaps++
					}
				}
				for _, n := range rep.Roadmap {
					if n.Gap() > 0 {
						row.Gaps++
					}
				}
			}
			_ = i
			v.Subs = append(v.Subs, row)
		}
	}
	return v, nil
}

func (s *Server) gapDashboard(w http.ResponseWriter, r *http.Request) {
	v, err := s.dashboardView(r, rmScope(r))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "gaps.html", v)
}

// ---- The team lead's view ----

type rmGrowView struct {
	Person, PersonID, Comp, CompID string
	From, To                       string
	ToN                            int
	Date                           time.Time
}

type teamGapView struct {
	Page
	Team        *tenancy.Team
	Dash        *rmDashView
	Grow        []rmGrowView
	Plans       []*roadmap.Plan
	Members     []gap.Person
	Competences []*competence.Competence
	Scale       competence.Scale
	Items       []*roadmap.Item
	CanPlan     bool
	Problems    []string
	Draft       *roadmap.Plan
	DefaultDate time.Time
}

func (s *Server) teamGapPage(w http.ResponseWriter, r *http.Request) {
	s.teamGapRender(w, r, http.StatusOK, r.PathValue("id"), nil, nil)
}

func (s *Server) teamGapRender(w http.ResponseWriter, r *http.Request, status int, teamID string, problems []string, draft *roadmap.Plan) {
	st := From(r)
	ctx := r.Context()
	if !core.ValidID(teamID) {
		s.NotFound(w, r)
		return
	}
	t, err := s.db.Team(ctx, st.Org.ID, teamID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	lead := t.LeadID == st.Person.ID
	if !lead && !roadmap.CanViewDashboard(*st.Principal) {
		s.Fail(w, r, core.Forbidden("see this team's gaps"))
		return
	}
	dash, err := s.dashboardView(r, gap.Scope{Kind: gap.TeamScope, ID: teamID})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v := teamGapView{Page: s.NewPage(r, ""), Team: t, Dash: dash, CanPlan: roadmap.CanPlan(*st.Principal, lead), Problems: problems, Draft: draft,
		DefaultDate: time.Now().AddDate(0, 6, 0)}
	v.Title = i18n.T(st.Lang, "team_gaps.title", t.Name)
	m, a, err := s.rmAnalysis(r, gap.Scope{Kind: gap.TeamScope, ID: teamID})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if v.Scale, err = s.db.Scale(ctx, st.Org.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	// Who could grow into what: for each competence short at some date,
	// the people one level below the level asked.
	for _, ln := range a.Lines {
		for d, c := range ln.Cells {
			if c.Shortfall() == 0 || c.MaxLevel < 2 {
				continue
			}
			_, bench := a.Qualified(ln.Comp, int(c.MaxLevel), d)
			for _, p := range bench {
				v.Grow = append(v.Grow, rmGrowView{Person: m.People[p].Name, PersonID: m.People[p].ID, Comp: m.Comps[ln.Comp].Name(st.Lang),
					CompID: m.Comps[ln.Comp].ID, From: rmLevelName(v.Scale, int(c.MaxLevel)-1, st.Lang), To: rmLevelName(v.Scale, int(c.MaxLevel), st.Lang),
					ToN: int(c.MaxLevel), Date: a.Dates[d]})
			}
			break
		}
	}
	if len(v.Grow) > 30 {
		v.Grow = v.Grow[:30]
	}
	for _, p := range m.People {
		if p.TeamID == teamID {
			v.Members = append(v.Members, p)
		}
	}
	if v.Plans, err = s.db.Plans(ctx, st.Org.ID, store.PlanFilter{TeamID: teamID, Lang: st.Lang}); err != nil {
		s.Fail(w, r, err)
		return
	}
	if v.CanPlan {
		if v.Competences, _, err = s.db.Competences(ctx, st.Org.ID, competence.Filter{Limit: 1000}); err != nil {
			s.Fail(w, r, err)
			return
		}
		v.Items = m.Items
	}
	if v.Draft == nil {
		v.Draft = &roadmap.Plan{TargetLevel: 2, TargetDate: v.DefaultDate}
		q := r.URL.Query()
		if core.ValidID(q.Get("person")) {
			v.Draft.PersonID = q.Get("person")
		}
		if core.ValidID(q.Get("competence")) {
			v.Draft.CompetenceID = q.Get("competence")
		}
		if n := q.Get("level"); n != "" {
			fmt.Sscan(n, &v.Draft.TargetLevel)
		}
	}
	s.Render(w, r, status, "team_gaps.html", v)
}
