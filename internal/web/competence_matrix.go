package web

import (
	"encoding/csv"
	"fmt"
	"html"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/i18n"
	"github.com/bakenhq/baken/internal/project"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

// matrixFilter is the matrix's query string.
type matrixFilter struct {
	Team, Site, Profile, Layer, Category, Sort string
	Org                                        bool // the organisation matrix: everyone, grouped by site and team
}

func (f matrixFilter) values() url.Values {
	v := url.Values{}
	for k, x := range map[string]string{"team": f.Team, "site": f.Site, "profile": f.Profile, "layer": f.Layer, "category": f.Category, "sort": f.Sort} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if f.Org {
		v.Set("org", "1")
	}
	return v
}

type matrixView struct {
	compPage
	M           *competence.Matrix
	Scale       competence.Scale
	Grid        template.HTML
	F           matrixFilter
	Teams       []*tenancy.Team
	Sites       []*tenancy.Site
	Profiles    []*competence.RoleProfile
	Categories  []string
	Query       string // the filter as a query string, for export links
	CanOrg      bool
	CanValidate bool
	Print       bool
	ProjectWork int // contributions of this team's people awaiting validation (issue 8)
}

// canSeeAnyTeam: L&D, management and assessors see every team's matrix;
// a team lead sees the teams they lead.
func canSeeAnyTeam(p core.Principal) bool {
	return p.HasAny(core.RoleLearning, core.RoleManagement, core.RoleAssessor)
}

// matrixFor checks access and builds the matrix the request asks for.
func (s *Server) matrixFor(r *http.Request) (*competence.Matrix, matrixFilter, []*tenancy.Team, error) {
	st := From(r)
	ctx := r.Context()
	qv := r.URL.Query()
	f := matrixFilter{Team: qv.Get("team"), Site: qv.Get("site"), Profile: qv.Get("profile"), Layer: qv.Get("layer"),
		Category: qv.Get("category"), Sort: qv.Get("sort"), Org: qv.Get("org") == "1"}
	for _, id := range []string{f.Team, f.Site, f.Profile} {
		if id != "" && !core.ValidID(id) {
			return nil, f, nil, core.ErrNotFound
		}
	}
	if f.Layer != "" && !competence.Layer(f.Layer).Valid() {
		f.Layer = ""
	}
	var teams []*tenancy.Team
	var err error
	if canSeeAnyTeam(*st.Principal) {
		teams, err = s.db.Teams(ctx, st.Org.ID, "")
	} else if st.Principal.Has(core.RoleTeamLead) {
		teams, err = s.db.TeamsLedBy(ctx, st.Org.ID, st.Principal.PersonID)
		f.Org, f.Site = false, ""
	} else {
		return nil, f, nil, core.Forbidden("see the skills matrix")
	}
	if err != nil {
		return nil, f, nil, err
	}
	if f.Org {
		f.Team = ""
	} else if f.Team == "" && f.Site == "" && f.Profile == "" {
		// Default: the team the principal leads, else their own, else the first.
		for _, t := range teams {
			if t.LeadID == st.Principal.PersonID {
				f.Team = t.ID
				break
			}
		}
		if f.Team == "" && st.Person.TeamID != "" {
			for _, t := range teams {
				if t.ID == st.Person.TeamID {
					f.Team = t.ID
				}
			}
		}
		if f.Team == "" && len(teams) > 0 {
			f.Team = teams[0].ID
		}
	}
	if !canSeeAnyTeam(*st.Principal) {
		ok := false
		for _, t := range teams {
			ok = ok || t.ID == f.Team
		}
		if !ok {
			return nil, f, teams, core.Forbidden("see this team's matrix")
		}
	}
	if f.Sort == "" && f.Org {
		f.Sort = "team"
	}
	m, err := s.db.Matrix(ctx, st.Org.ID, store.MatrixQuery{TeamID: f.Team, SiteID: f.Site, ProfileID: f.Profile,
		Layer: competence.Layer(f.Layer), Category: f.Category, Sort: f.Sort}, time.Now().UTC())
	return m, f, teams, err
}

func (s *Server) matrixPage(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	m, f, teams, err := s.matrixFor(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	scale, err := s.db.Scale(ctx, st.Org.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	switch r.URL.Query().Get("format") {
	case "csv":
		s.matrixCSV(w, r, m, scale)
		return
	case "xlsx":
		s.matrixXLSX(w, r, m, scale)
		return
	}
	v := matrixView{compPage: s.compPage(r, "matrix.title"), M: m, Scale: scale, F: f, Teams: teams, Query: f.values().Encode(),
		CanOrg: canSeeAnyTeam(*st.Principal), Print: r.URL.Query().Get("print") == "1"}
	// A team lead validates in their own team; L&D anywhere (CanRecord
	// decides per person again when the cell is saved).
	v.CanValidate = st.Principal.HasAny(core.RoleLearning) || (f.Team != "" && st.Principal.Has(core.RoleTeamLead) && teamLedBy(teams, f.Team, st.Principal.PersonID))
	var pending map[string]bool
	if v.CanValidate && f.Team != "" {
		v.ProjectWork = s.projectWorkToValidate(r, f.Team)
		if v.ProjectWork > 0 {
			pending = s.pendingProjectWork(r, store.ContributionFilter{TeamIDs: []string{f.Team}})
		}
	}
	if v.CanOrg {
		v.Sites, _ = s.db.Sites(ctx, st.Org.ID)
	}
	v.Profiles, _ = s.db.RoleProfiles(ctx, st.Org.ID)
	v.Categories, _ = s.db.CompetenceCategories(ctx, st.Org.ID)
	for _, c := range m.Competences {
		v.ESCO = v.ESCO || c.ESCOLinked()
	}
	v.Grid = matrixGrid(m, scale, st.Lang, gridOptions{Links: !f.Org && v.CanValidate, Compact: f.Org, Pending: pending})
	s.Render(w, r, http.StatusOK, "comp_matrix.html", v)
}

func teamLedBy(teams []*tenancy.Team, id, person string) bool {
	for _, t := range teams {
		if t.ID == id && t.LeadID == person {
			return true
		}
	}
	return false
}

// cellSymbol is the symbol that goes with a status, so that colour is never
// the only signal.
func cellSymbol(st competence.Status) string {
	switch st {
	case competence.Meets:
		return "✓"
	case competence.Below:
		return "▼"
	case competence.Missing:
		return "✗"
	}
	return ""
}

// MatrixGrid renders the matrix table. It is built in Go rather than in a
// template because a team matrix has 10,000 cells and an organisation
// matrix 150,000: per-cell template actions would dominate the page time.
// Every text is escaped here. links makes each cell a link to its
// validation form; compact (the organisation matrix) drops cell titles.
func MatrixGrid(m *competence.Matrix, scale competence.Scale, lang string, links, compact bool) template.HTML {
	return matrixGrid(m, scale, lang, gridOptions{Links: links, Compact: compact})
}

// gridOptions say how the matrix table is drawn.
type gridOptions struct {
	Links   bool            // cells link to their validation form
	Compact bool            // the organisation matrix: no titles, group rows
	Pending map[string]bool // person id + "|" + competence id: project work awaiting validation
}

// cellWriter writes single cells; it keeps the translated, escaped cell
// titles, since a few level × requirement × marker combinations cover
// 10,000 cells.
type cellWriter struct {
	scale            competence.Scale
	lang             string
	reqWord, unvWord string
	pendingText      string
	titles           map[[4]int]string
}

func newCellWriter(scale competence.Scale, lang string) *cellWriter {
	t := func(key string) string { return i18n.T(lang, key) }
	return &cellWriter{scale: scale, lang: lang, reqWord: t("matrix.required"), unvWord: t("matrix.unvalidated"),
		pendingText: html.EscapeString(t("matrix.project_pending")), titles: map[[4]int]string{}}
}

func (cw *cellWriter) title(c *competence.Cell) string {
	k := [4]int{c.Level, c.Required, 0, 0}
	if c.Unvalidated() {
		k[2] = 1
	}
	if c.Expiring {
		k[3] = int(c.ValidUntil.Unix() / 86400)
	}
	if s, ok := cw.titles[k]; ok {
		return s
	}
	title := cw.scale.Level(c.Level).Name(cw.lang)
	if c.Required > 0 {
		title += " · " + cw.reqWord + " " + cw.scale.Level(c.Required).Name(cw.lang)
	}
	if c.Unvalidated() {
		title += " · " + cw.unvWord
	}
	if c.Expiring {
		title += " · " + i18n.T(cw.lang, "matrix.expires", c.ValidUntil.Format("2006-01-02"))
	}
	s := html.EscapeString(title)
	cw.titles[k] = s
	return s
}

// write writes one <td>. personID and compID are only needed for links.
// Status, unvalidated, expiring and pending project work each have a
// symbol or text as well as a colour or outline.
func (cw *cellWriter) write(b *strings.Builder, c *competence.Cell, personID, compID string, o gridOptions, pending bool) {
	if o.Compact && c.Status == competence.NotRequired && c.Level == 0 && !pending {
		// Most of an organisation matrix: nothing required, nothing known.
		// A blank cell (the legend says so) keeps a 500 × 300 page small.
		b.WriteString(`<td></td>`)
		return
	}
	b.WriteString(`<td class="`)
	b.WriteString(string(c.Status))
	if c.Unvalidated() {
		b.WriteString(` unval`)
	}
	if c.Expiring {
		b.WriteString(` exp`)
	}
	if pending {
		b.WriteString(` pw`)
	}
	b.WriteString(`"`)
	if !o.Compact {
		b.WriteString(` title="`)
		b.WriteString(cw.title(c))
		if pending {
			b.WriteString(` · `)
			b.WriteString(cw.pendingText)
		}
		b.WriteString(`"`)
	}
	b.WriteString(`>`)
	if o.Links {
		b.WriteString(`<a href="/matrix/cell?p=`)
		b.WriteString(personID)
		b.WriteString(`&amp;c=`)
		b.WriteString(compID)
		b.WriteString(`">`)
	}
	b.WriteString(strconv.Itoa(c.Level))
	if c.Required > 0 {
		b.WriteString(`/`)
		b.WriteString(strconv.Itoa(c.Required))
	}
	if s := cellSymbol(c.Status); s != "" {
		b.WriteString(` <span aria-hidden="true">`)
		b.WriteString(s)
		b.WriteString(`</span>`)
	}
	if c.Unvalidated() {
		b.WriteString(`<sup>?</sup>`)
	}
	if c.Expiring {
		b.WriteString(`<sup>!</sup>`)
	}
	if pending {
		// The marker's words are in the title for pointers and in hidden
		// text for screen readers; the symbol is for the eye.
		b.WriteString(`<sup aria-hidden="true">⚒</sup><span class="sr"> `)
		b.WriteString(cw.pendingText)
		b.WriteString(`</span>`)
	}
	if o.Links {
		b.WriteString(`</a>`)
	}
	b.WriteString(`</td>`)
}

func matrixGrid(m *competence.Matrix, scale competence.Scale, lang string, o gridOptions) template.HTML {
	compact := o.Compact
	var b strings.Builder
	b.Grow(len(m.People) * len(m.Competences) * 90)
	esc := html.EscapeString
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	b.WriteString(`<table class="matrix"><caption class="sr">`)
	b.WriteString(esc(t("matrix.caption")))
	b.WriteString(`</caption><thead><tr><th scope="col" class="who">`)
	b.WriteString(esc(t("matrix.person")))
	b.WriteString(`</th>`)
	if !compact {
		b.WriteString(`<th scope="col" class="gaps">`)
		b.WriteString(esc(t("matrix.gaps")))
		b.WriteString(`</th>`)
	}
	for _, c := range m.Competences {
		name := c.Name(lang)
		b.WriteString(`<th scope="col" class="comp`)
		if c.Layer == competence.New {
			b.WriteString(` new`)
		}
		b.WriteString(`"><a href="/competences/`)
		b.WriteString(c.ID)
		b.WriteString(`" title="`)
		b.WriteString(esc(name + " · " + c.Category))
		b.WriteString(`"><span>`)
		b.WriteString(esc(name))
		b.WriteString(`</span></a>`)
		if c.Modified {
			b.WriteString(`<span class="mod" title="`)
			b.WriteString(esc(t("comp.modified")))
			b.WriteString(`">*</span>`)
		}
		b.WriteString(`</th>`)
	}
	b.WriteString(`</tr></thead><tbody>`)
	cw := newCellWriter(scale, lang)
	group := ""
	cols := len(m.Competences) + 2
	if compact {
		cols--
	}
	for i, p := range m.People {
		if compact {
			if g := p.SiteName + " · " + p.TeamName; g != group {
				group = g
				fmt.Fprintf(&b, `<tr class="group"><th colspan="%d" scope="rowgroup"><span>%s</span></th></tr>`, cols, esc(g))
			}
		}
		b.WriteString(`<tr><th scope="row" class="who"><a href="/people/`)
		b.WriteString(p.ID)
		b.WriteString(`/skills">`)
		b.WriteString(esc(p.Name))
		b.WriteString(`</a></th>`)
		if !compact {
			b.WriteString(`<td class="gaps">`)
			b.WriteString(strconv.Itoa(m.Gaps(i)))
			b.WriteString(`</td>`)
		}
		for j, comp := range m.Competences {
			cw.write(&b, &m.Cells[i][j], p.ID, comp.ID, o, o.Pending != nil && o.Pending[p.ID+"|"+comp.ID])
		}
		b.WriteString(`</tr>`)
	}
	b.WriteString(`</tbody></table>`)
	return template.HTML(b.String())
}

// exportRows is the matrix as text cells, for CSV and XLSX.
func exportRows(m *competence.Matrix, scale competence.Scale, lang string) [][]string {
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	head := []string{t("matrix.person"), t("field.team"), t("field.site"), t("matrix.gaps")}
	for _, c := range m.Competences {
		head = append(head, c.Name(lang))
	}
	rows := [][]string{head}
	for i, p := range m.People {
		row := []string{p.Name, p.TeamName, p.SiteName, strconv.Itoa(m.Gaps(i))}
		for j := range m.Competences {
			c := m.Cells[i][j]
			v := strconv.Itoa(c.Level)
			if c.Required > 0 {
				v += "/" + strconv.Itoa(c.Required) + " " + cellSymbol(c.Status)
			}
			if c.Unvalidated() {
				v += " (" + t("matrix.unvalidated") + ")"
			}
			if c.Expiring {
				v += " (" + t("matrix.expires", c.ValidUntil.Format("2006-01-02")) + ")"
			}
			row = append(row, v)
		}
		rows = append(rows, row)
	}
	return rows
}

func (s *Server) matrixCSV(w http.ResponseWriter, r *http.Request, m *competence.Matrix, scale competence.Scale) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="skills-matrix.csv"`)
	_, _ = w.Write([]byte("\ufeff")) // so that spreadsheet programs read UTF-8
	cw := csv.NewWriter(w)
	for _, row := range exportRows(m, scale, From(r).Lang) {
		for i, v := range row {
			row[i] = csvSafe(v)
		}
		_ = cw.Write(row)
	}
	cw.Flush()
}

// csvSafe keeps a cell from being read as a formula by a spreadsheet.
func csvSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

func (s *Server) matrixXLSX(w http.ResponseWriter, r *http.Request, m *competence.Matrix, scale competence.Scale) {
	data, err := XLSX(i18n.T(From(r).Lang, "matrix.title"), exportRows(m, scale, From(r).Lang))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="skills-matrix.xlsx"`)
	_, _ = w.Write(data)
}

// formAttachment reads an optional uploaded file (a certificate scan, a
// photo of the work). The content type is sniffed, not trusted from the
// browser; the domain checks type and size.
func formAttachment(r *http.Request, field string) (*competence.Attachment, error) {
	f, hdr, err := r.FormFile(field)
	if err == http.ErrMissingFile || err == http.ErrNotMultipart {
		return nil, nil
	}
	if err != nil {
		return nil, core.Invalid(field, "could not be read")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, competence.MaxAttachmentBytes+1))
	if err != nil {
		return nil, core.Invalid(field, "could not be read")
	}
	if len(data) == 0 {
		return nil, nil
	}
	ct := http.DetectContentType(data)
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	name := hdr.Filename
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	return &competence.Attachment{Name: name, ContentType: ct, Data: data}, nil
}

// cellView is the validation form of one matrix cell.
type cellView struct {
	compPage
	P         *tenancy.Person
	C         *competence.Competence
	Cur       competence.Current
	Required  int
	Scale     competence.Scale
	History   []*competence.Evidence
	CanRecord bool
	Kinds     []competence.Kind // what the principal may record here
	Back      string
	// Project work of this cell awaiting validation, which the principal
	// may validate here (issue 8).
	Contributions []*project.Contribution
	Self          string // this page, for the contribution forms' next
}

func (s *Server) cellPage(w http.ResponseWriter, r *http.Request) {
	s.renderCell(w, r, http.StatusOK, nil)
}

func (s *Server) renderCell(w http.ResponseWriter, r *http.Request, status int, ferr error) {
	st := From(r)
	ctx := r.Context()
	pid, cid := r.FormValue("p"), r.FormValue("c")
	if !core.ValidID(pid) || !core.ValidID(cid) {
		s.NotFound(w, r)
		return
	}
	p, err := s.db.Person(ctx, st.Org.ID, pid)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	isSelf, leads := s.relation(ctx, st, p)
	if !competence.CanView(*st.Principal, isSelf, leads) {
		s.Fail(w, r, core.Forbidden("see this person's levels"))
		return
	}
	c, err := s.db.Competence(ctx, st.Org.ID, cid)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v := cellView{compPage: s.compPage(r, ""), P: p, C: c}
	for _, k := range competence.Kinds {
		if k != competence.SelfAssessment && competence.CanRecord(*st.Principal, k, isSelf, leads) == nil {
			v.Kinds = append(v.Kinds, k)
		}
	}
	v.CanRecord = len(v.Kinds) > 0
	if competence.CanRecord(*st.Principal, competence.Project, isSelf, leads) == nil {
		v.Contributions = s.cellContributions(r, pid, cid)
		v.Self = "/matrix/cell?" + url.Values{"p": {pid}, "c": {cid}}.Encode()
	}
	v.Title = p.Name + " · " + c.Name(st.Lang)
	v.ESCO = c.ESCOLinked()
	if v.Scale, err = s.db.Scale(ctx, st.Org.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	levels, err := s.db.CurrentLevels(ctx, st.Org.ID, store.LevelFilter{PersonIDs: []string{pid}, CompetenceIDs: []string{cid}}, time.Now().UTC())
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if len(levels) == 1 {
		v.Cur = levels[0]
	}
	profiles, err := s.db.PersonRoleProfiles(ctx, st.Org.ID, pid)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v.Required = competence.Merge(profiles...)[cid].Level
	if v.History, err = s.db.Evidence(ctx, st.Org.ID, store.EvidenceFilter{PersonID: pid, CompetenceID: cid}); err != nil {
		s.Fail(w, r, err)
		return
	}
	v.Back = "/matrix"
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host && strings.HasPrefix(ref.Path, "/matrix") && ref.Path != "/matrix/cell" {
		v.Back = ref.RequestURI()
	}
	if b := r.FormValue("back"); b != "" {
		v.Back = back(r, "/matrix")
	}
	if ferr != nil {
		v.Error, v.FieldErrors = s.Message(r, ferr), s.FieldErrors(r, ferr)
	}
	s.Render(w, r, status, "comp_cell.html", v)
}

// saveCell records the team lead's (or L&D's) validation of one cell.
func (s *Server) saveCell(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	pid, cid := r.FormValue("p"), r.FormValue("c")
	js := wantsJSON(r)
	fail := func(err error) {
		if js {
			s.cellFailJSON(w, r, err)
		} else {
			s.Fail(w, r, err)
		}
	}
	if !core.ValidID(pid) || !core.ValidID(cid) {
		fail(core.ErrNotFound)
		return
	}
	p, err := s.db.Person(ctx, st.Org.ID, pid)
	if err != nil {
		fail(err)
		return
	}
	isSelf, leads := s.relation(ctx, st, p)
	kind := competence.Kind(r.FormValue("kind"))
	if kind == "" {
		kind = competence.Validation
	}
	if err := competence.CanRecord(*st.Principal, kind, isSelf, leads); err != nil || kind == competence.SelfAssessment {
		fail(core.Forbidden("record this evidence here"))
		return
	}
	e := &competence.Evidence{PersonID: pid, CompetenceID: cid, Level: formInt(r, "level"), Kind: kind,
		RecordedBy: st.Principal.PersonID, Note: r.FormValue("note")}
	if att, err := formAttachment(r, "attachment"); err != nil && js {
		s.cellFailJSON(w, r, err)
		return
	} else if err != nil {
		s.renderCell(w, r, Status(err), err)
		return
	} else if att != nil {
		e.Attachment = att
	}
	// A validation counts towards the open review campaign that covers
	// this person and competence, if any.
	if e.CampaignID, err = s.db.OpenCampaignFor(ctx, st.Org.ID, pid, cid); err != nil {
		fail(err)
		return
	}
	if e.ValidUntil, err = formDate(r, "valid_until"); err == nil {
		err = s.db.AddEvidence(ctx, st.Org.ID, e)
	}
	if err != nil && js {
		s.cellFailJSON(w, r, err)
		return
	} else if err != nil {
		s.renderCell(w, r, Status(err), err)
		return
	}
	if js {
		s.cellSavedJSON(w, r, pid, cid)
		return
	}
	s.Flash(w, r, "matrix.validated")
	http.Redirect(w, r, back(r, "/matrix"), http.StatusSeeOther)
}
