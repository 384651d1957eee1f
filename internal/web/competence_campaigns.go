package web

import (
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

type campaignsView struct {
	compPage
	List         []*competence.Campaign
	Mine         []*competence.Campaign
	Teams        []*tenancy.Team
	Sites        []*tenancy.Site
	Competences  []*competence.Competence
	Form         *competence.Campaign
	PeopleByTeam []peopleGroup // for scoping a campaign to named people
	Chosen       map[string]bool
}

// peopleGroup is one team's people in the campaign form's people picker.
type peopleGroup struct {
	Team   string
	People []*tenancy.Person
}

// pickablePeople lists the organisation's active people grouped by team
// (teams by name, people without a team last), paging through the store.
func (s *Server) pickablePeople(r *http.Request) ([]peopleGroup, error) {
	active := true
	var all []*tenancy.Person
	for off := 0; off < 20000; off += 500 {
		ps, _, err := s.db.People(r.Context(), From(r).Org.ID, tenancy.PeopleFilter{Active: &active, Limit: 500, Offset: off})
		if err != nil {
			return nil, err
		}
		all = append(all, ps...)
		if len(ps) < 500 {
			break
		}
	}
	byTeam := map[string]*peopleGroup{}
	var out []peopleGroup
	var order []string
	for _, p := range all {
		g := byTeam[p.TeamName]
		if g == nil {
			g = &peopleGroup{Team: p.TeamName}
			byTeam[p.TeamName] = g
			order = append(order, p.TeamName)
		}
		g.People = append(g.People, p)
	}
	sort.Slice(order, func(i, j int) bool {
		if (order[i] == "") != (order[j] == "") {
			return order[j] == ""
		}
		return order[i] < order[j]
	})
	for _, t := range order {
		out = append(out, *byTeam[t])
	}
	return out, nil
}

func (s *Server) campaignsPage(w http.ResponseWriter, r *http.Request) {
	s.renderCampaigns(w, r, http.StatusOK, &competence.Campaign{Deadline: time.Now().AddDate(0, 0, 21)}, nil)
}

func (s *Server) renderCampaigns(w http.ResponseWriter, r *http.Request, status int, form *competence.Campaign, ferr error) {
	st := From(r)
	ctx := r.Context()
	v := campaignsView{compPage: s.compPage(r, "campaigns.title"), Form: form}
	var err error
	if v.Mine, err = s.db.Campaigns(ctx, st.Org.ID, st.Principal.PersonID); err != nil {
		s.Fail(w, r, err)
		return
	}
	if v.CanManage || st.Principal.HasAny(core.RoleTeamLead, core.RoleManagement) {
		if v.List, err = s.db.Campaigns(ctx, st.Org.ID, ""); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	if v.CanManage {
		v.Teams, _ = s.db.Teams(ctx, st.Org.ID, "")
		v.Sites, _ = s.db.Sites(ctx, st.Org.ID)
		v.Competences, _, _ = s.db.Competences(ctx, st.Org.ID, competence.Filter{Limit: 1000})
		if v.PeopleByTeam, err = s.pickablePeople(r); err != nil {
			s.Fail(w, r, err)
			return
		}
		v.Chosen = map[string]bool{}
		for _, id := range form.PersonIDs {
			v.Chosen[id] = true
		}
	}
	if ferr != nil {
		v.Error, v.FieldErrors = s.Message(r, ferr), s.FieldErrors(r, ferr)
	}
	s.Render(w, r, status, "comp_campaigns.html", v)
}

func (s *Server) createCampaign(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	c := &competence.Campaign{Name: r.FormValue("name"), TeamID: r.FormValue("team"), SiteID: r.FormValue("site"),
		PersonIDs: r.Form["person"], CompetenceIDs: r.Form["competence"], CreatedBy: st.Principal.PersonID}
	d, err := formDate(r, "deadline")
	c.Deadline = d
	if err == nil {
		err = s.db.CreateCampaign(r.Context(), st.Org.ID, c)
	}
	if err != nil {
		s.renderCampaigns(w, r, Status(err), c, err)
		return
	}
	s.Flash(w, r, "campaigns.started")
	http.Redirect(w, r, "/campaigns/"+c.ID, http.StatusSeeOther)
}

type campaignView struct {
	compPage
	C        *competence.Campaign
	Progress []competence.Progress
	Open     []competence.Progress // who has not finished
	Changes  []competence.Change
	Names    map[string]string // person and competence ids → names
	Done     int
	Member   bool
	Team     *tenancy.Team
}

func (s *Server) loadCampaign(r *http.Request) (*competence.Campaign, error) {
	id := r.PathValue("id")
	if !core.ValidID(id) {
		return nil, core.ErrNotFound
	}
	return s.db.Campaign(r.Context(), From(r).Org.ID, id)
}

func (s *Server) campaignPage(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	c, err := s.loadCampaign(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v := campaignView{compPage: s.compPage(r, ""), C: c, Names: map[string]string{}}
	v.Title = c.Name
	for _, p := range c.PersonIDs {
		v.Member = v.Member || p == st.Principal.PersonID
	}
	staff := v.CanManage || st.Principal.HasAny(core.RoleTeamLead, core.RoleManagement)
	if !staff {
		if v.Member {
			http.Redirect(w, r, "/campaigns/"+c.ID+"/review", http.StatusSeeOther)
			return
		}
		s.Fail(w, r, core.Forbidden("see this campaign"))
		return
	}
	if v.Progress, err = s.db.CampaignProgress(ctx, st.Org.ID, c.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, p := range v.Progress {
		v.Names[p.PersonID] = p.PersonName
		if p.Done() {
			v.Done++
		} else {
			v.Open = append(v.Open, p)
		}
	}
	comps, _, _ := s.db.Competences(ctx, st.Org.ID, competence.Filter{IDs: c.CompetenceIDs, Limit: 1000})
	for _, k := range comps {
		v.Names[k.ID] = k.Name(st.Lang)
	}
	if v.Changes, err = s.db.CampaignChanges(ctx, st.Org.ID, c.ID, time.Now().UTC()); err != nil {
		s.Fail(w, r, err)
		return
	}
	if c.TeamID != "" {
		v.Team, _ = s.db.Team(ctx, st.Org.ID, c.TeamID)
	}
	s.Render(w, r, http.StatusOK, "comp_campaign.html", v)
}

func (s *Server) closeCampaign(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadCampaign(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if err := s.db.CloseCampaign(r.Context(), From(r).Org.ID, c.ID, time.Now().UTC()); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Flash(w, r, "campaigns.closed")
	http.Redirect(w, r, "/campaigns/"+c.ID, http.StatusSeeOther)
}

// reviewRow is one competence on the self-assessment form.
type reviewRow struct {
	C       *competence.Competence
	Current competence.Current
	Mine    int // the level self-assessed in this campaign, 0 if none yet
	Done    bool
}

type reviewView struct {
	compPage
	C     *competence.Campaign
	Rows  []reviewRow
	Scale competence.Scale
	Done  int
}

// reviewPage is the phone-friendly self-assessment form of a campaign.
func (s *Server) reviewPage(w http.ResponseWriter, r *http.Request) {
	s.renderReview(w, r, http.StatusOK, nil)
}

func (s *Server) renderReview(w http.ResponseWriter, r *http.Request, status int, ferr error) {
	st := From(r)
	ctx := r.Context()
	c, err := s.loadCampaign(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	me := st.Principal.PersonID
	ok, err := s.db.CampaignMember(ctx, st.Org.ID, c.ID, me)
	if err != nil || !ok {
		s.Fail(w, r, core.Forbidden("take part in this campaign"))
		return
	}
	v := reviewView{compPage: s.compPage(r, ""), C: c}
	v.Title = c.Name
	if v.Scale, err = s.db.Scale(ctx, st.Org.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	comps, _, err := s.db.Competences(ctx, st.Org.ID, competence.Filter{IDs: c.CompetenceIDs, Limit: 1000})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	byID := map[string]*competence.Competence{}
	for _, k := range comps {
		byID[k.ID] = k
		v.ESCO = v.ESCO || k.ESCOLinked()
	}
	cur, _ := s.db.CurrentLevels(ctx, st.Org.ID, store.LevelFilter{PersonIDs: []string{me}, CompetenceIDs: c.CompetenceIDs}, time.Now().UTC())
	curBy := map[string]competence.Current{}
	for _, l := range cur {
		curBy[l.CompetenceID] = l
	}
	mine, _ := s.db.Evidence(ctx, st.Org.ID, store.EvidenceFilter{PersonID: me, CampaignID: c.ID})
	selfBy := map[string]int{}
	for i := len(mine) - 1; i >= 0; i-- { // oldest first, so the latest wins
		if mine[i].Kind == competence.SelfAssessment {
			selfBy[mine[i].CompetenceID] = mine[i].Level
		}
	}
	for _, id := range c.CompetenceIDs {
		k := byID[id]
		if k == nil {
			continue
		}
		lvl, done := selfBy[id]
		row := reviewRow{C: k, Current: curBy[id], Mine: lvl, Done: done}
		if !done {
			row.Mine = -1 // nothing pre-selected: the person judges afresh
		}
		if done {
			v.Done++
		}
		v.Rows = append(v.Rows, row)
	}
	if ferr != nil {
		v.Error, v.FieldErrors = s.Message(r, ferr), s.FieldErrors(r, ferr)
	}
	s.Render(w, r, status, "comp_review.html", v)
}

// saveReview stores a person's self-assessment of every competence of
// the campaign in one go.
func (s *Server) saveReview(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	c, err := s.loadCampaign(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	me := st.Principal.PersonID
	if ok, err := s.db.CampaignMember(ctx, st.Org.ID, c.ID, me); err != nil || !ok {
		s.Fail(w, r, core.Forbidden("take part in this campaign"))
		return
	}
	if c.Status != competence.CampaignOpen {
		s.renderReview(w, r, http.StatusConflict, &core.Error{Code: core.EConflict, Message: "the campaign is closed", Key: "campaign.already_closed"})
		return
	}
	var evs []*competence.Evidence
	for _, id := range c.CompetenceIDs {
		v := strings.TrimSpace(r.FormValue("level_" + id))
		if v == "" {
			continue
		}
		lvl := 0
		for _, ch := range v {
			if ch < '0' || ch > '9' {
				lvl = -1
				break
			}
			lvl = lvl*10 + int(ch-'0')
		}
		e := &competence.Evidence{PersonID: me, CompetenceID: id, Level: lvl, Kind: competence.SelfAssessment,
			RecordedBy: me, CampaignID: c.ID, Note: r.FormValue("note_" + id)}
		// A photo of the work or a certificate scan goes with the answer.
		att, err := formAttachment(r, "attachment_"+id)
		if err != nil {
			s.renderReview(w, r, Status(err), err)
			return
		}
		e.Attachment = att
		evs = append(evs, e)
	}
	for _, id := range c.CompetenceIDs {
		if strings.TrimSpace(r.FormValue("level_"+id)) != "" {
			continue
		}
		if att, _ := formAttachment(r, "attachment_"+id); att != nil {
			err := core.Invalid("attachment_"+id, "choose a level to go with the file")
			s.renderReview(w, r, Status(err), err)
			return
		}
	}
	if err := s.db.AddEvidenceBatch(ctx, st.Org.ID, evs); err != nil {
		s.renderReview(w, r, Status(err), err)
		return
	}
	s.Flash(w, r, "review.saved")
	http.Redirect(w, r, "/campaigns/"+c.ID+"/review", http.StatusSeeOther)
}
