package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/project"
	"github.com/bakenhq/baken/internal/store"
)

// Projects and working groups through the API: everyone of the
// organisation reads them (as on the web); the token's person volunteers
// for an open call. Members are shown once accepted; who applied or was
// invited, with their messages, only to those who manage the project,
// and each caller sees their own standing. Reflections and unvalidated
// contributions are never served.

type projectCompetenceJSON struct {
	CompetenceID string `json:"competence_id"`
	Level        int    `json:"level"`
	NameNL       string `json:"name_nl"`
	NameEN       string `json:"name_en"`
}

type projectMemberJSON struct {
	PersonID string  `json:"person_id"`
	Name     string  `json:"name"`
	Role     string  `json:"role"`
	State    string  `json:"state"`
	Message  *string `json:"message"`
}

type projectJSON struct {
	ID          string                  `json:"id"`
	TitleNL     string                  `json:"title_nl"`
	TitleEN     string                  `json:"title_en"`
	GoalNL      string                  `json:"goal_nl"`
	GoalEN      string                  `json:"goal_en"`
	Status      string                  `json:"status"`
	SiteID      *string                 `json:"site_id"`
	SiteName    *string                 `json:"site_name"`
	OwnerID     string                  `json:"owner_id"`
	OwnerName   string                  `json:"owner_name"`
	StartsOn    string                  `json:"starts_on"`
	EndsOn      *string                 `json:"ends_on"`
	CallOpen    bool                    `json:"call_open"`
	CallText    string                  `json:"call_text"`
	Outcome     string                  `json:"outcome"`
	MemberCount int                     `json:"member_count"`
	Competences []projectCompetenceJSON `json:"competences"`
	// Members and MyState come with GET /projects/{id} only.
	Members   []projectMemberJSON `json:"members,omitempty"`
	MyState   *string             `json:"my_state,omitempty"`
	CreatedAt time.Time           `json:"created_at"`
	UpdatedAt time.Time           `json:"updated_at"`
	URL       string              `json:"url"`
}

func projectOut(p *project.Project) projectJSON {
	out := projectJSON{ID: p.ID, TitleNL: p.TitleNL, TitleEN: p.TitleEN, GoalNL: p.GoalNL, GoalEN: p.GoalEN, Status: string(p.Status),
		SiteID: opt(p.SiteID), SiteName: opt(p.SiteName), OwnerID: p.OwnerID, OwnerName: p.OwnerName,
		StartsOn: p.StartsOn.Format(dateLayout), EndsOn: optDate(p.EndsOn), CallOpen: p.CallOpen, CallText: p.CallText,
		Outcome: p.Outcome, MemberCount: p.Members, Competences: []projectCompetenceJSON{},
		CreatedAt: ts(p.CreatedAt), UpdatedAt: ts(p.UpdatedAt), URL: "/projects/" + p.ID}
	for _, c := range p.Competences {
		out.Competences = append(out.Competences, projectCompetenceJSON{CompetenceID: c.CompetenceID, Level: c.Level, NameNL: c.NameNL, NameEN: c.NameEN})
	}
	return out
}

func (s *server) listProjects(w http.ResponseWriter, r *http.Request, p caller) error {
	limit, offset, err := paging(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := store.ProjectFilter{Limit: 1000}
	switch st := project.Status(q.Get("status")); st {
	case "", project.Open, project.Closed:
		f.Status = st
	default:
		return &core.Error{Code: codeBadRequest, Field: "status", Message: "must be open or closed"}
	}
	switch q.Get("call_open") {
	case "":
	case "true":
		f.CallOpen = true
	default:
		return &core.Error{Code: codeBadRequest, Field: "call_open", Message: "must be true when given"}
	}
	if f.MemberID, err = queryID(r, "member_id"); err != nil {
		return err
	}
	siteID, err := queryID(r, "site_id")
	if err != nil {
		return err
	}
	competenceID, err := queryID(r, "competence_id")
	if err != nil {
		return err
	}
	text := strings.ToLower(strings.TrimSpace(q.Get("q")))
	// An organisation runs tens of projects: filtered and paged in memory,
	// like sites and teams.
	ps, err := s.db.Projects(r.Context(), p.OrgID, f)
	if err != nil {
		return err
	}
	var comps map[string][]project.Competence
	if competenceID != "" {
		if comps, err = s.db.ProjectCompetences(r.Context(), p.OrgID); err != nil {
			return err
		}
	}
	out := []projectJSON{}
	for _, x := range ps {
		if siteID != "" && x.SiteID != siteID {
			continue
		}
		if text != "" && !strings.Contains(strings.ToLower(x.TitleNL+"\n"+x.TitleEN+"\n"+x.GoalNL+"\n"+x.GoalEN), text) {
			continue
		}
		x.Competences = comps[x.ID]
		if competenceID != "" && !exercises(x, competenceID) {
			continue
		}
		out = append(out, projectOut(x))
	}
	page := pageOf(out, limit, offset)
	// Competences for the page only, in one query.
	if competenceID == "" && len(page.Data) > 0 {
		if comps, err = s.db.ProjectCompetences(r.Context(), p.OrgID); err != nil {
			return err
		}
		for i := range page.Data {
			for _, c := range comps[page.Data[i].ID] {
				page.Data[i].Competences = append(page.Data[i].Competences, projectCompetenceJSON{CompetenceID: c.CompetenceID, Level: c.Level, NameNL: c.NameNL, NameEN: c.NameEN})
			}
		}
	}
	return writeJSON(w, http.StatusOK, page)
}

func exercises(p *project.Project, competenceID string) bool {
	for _, c := range p.Competences {
		if c.CompetenceID == competenceID {
			return true
		}
	}
	return false
}

// loadProject returns the project named by the path, in the caller's
// organisation. Errors: ENotFound.
func (s *server) loadProject(r *http.Request, p caller) (*project.Project, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, notFound(err, "project")
	}
	x, err := s.db.Project(r.Context(), p.OrgID, id)
	return x, notFound(err, "project")
}

func (s *server) getProject(w http.ResponseWriter, r *http.Request, p caller) error {
	x, err := s.loadProject(r, p)
	if err != nil {
		return err
	}
	members, err := s.db.Members(r.Context(), p.OrgID, x.ID)
	if err != nil {
		return err
	}
	out := projectOut(x)
	out.Members = []projectMemberJSON{}
	manage := project.CanManage(p.Principal, x)
	for _, m := range members {
		if m.PersonID == p.PersonID {
			st := string(m.State)
			out.MyState = &st
		}
		if m.State != project.Accepted && !manage {
			continue
		}
		mj := projectMemberJSON{PersonID: m.PersonID, Name: m.PersonName, Role: m.Role, State: string(m.State)}
		if manage {
			mj.Message = opt(m.Message)
		}
		out.Members = append(out.Members, mj)
	}
	return writeJSON(w, http.StatusOK, out)
}

// volunteerInput is the body of POST /projects/{id}/volunteer.
type volunteerInput struct {
	Message Opt[string] `json:"message"`
}

type volunteerJSON struct {
	State string `json:"state"`
}

// volunteer: the token's person applies to an open call, or accepts an
// invitation (then they are a member at once).
func (s *server) volunteer(w http.ResponseWriter, r *http.Request, p caller) error {
	x, err := s.loadProject(r, p)
	if err != nil {
		return err
	}
	var in volunteerInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if m, err := s.db.Membership(r.Context(), p.OrgID, x.ID, p.PersonID); err == nil && m.State == project.Invited {
		// An invitation is accepted whether or not the call is open.
	} else if err := project.CanApply(p.Principal, x); err != nil {
		return err
	}
	state, err := s.db.Volunteer(r.Context(), p.OrgID, x.ID, p.PersonID, in.Message.V)
	if err != nil {
		return err
	}
	kind := project.NoticeApplication
	if state == project.Accepted {
		kind = project.NoticeJoined
	}
	// The owner hears of it as from the web; the application stands
	// whether or not the notice could be stored.
	if err := s.db.Notify(r.Context(), p.OrgID, &project.Notification{PersonID: x.OwnerID, Kind: kind,
		Subject: p.Name + " · " + x.Title(p.Lang), URL: "/projects/" + x.ID}); err != nil {
		s.log.WarnContext(r.Context(), "api: notify project owner", "project", x.ID, "err", err)
	}
	return writeJSON(w, http.StatusOK, volunteerJSON{State: string(state)})
}
