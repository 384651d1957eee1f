package api

import (
	"net/http"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

// Competences over the API (issue 3): the catalogue, role profiles, a
// person's current levels and evidence (read and record), and the skills
// matrix. Who may see or record what is decided by the competence
// package's rules, exactly as on the pages.

type competenceJSON struct {
	ID            string    `json:"id"`
	Framework     string    `json:"framework"`
	SourceRef     string    `json:"source_ref,omitempty"`
	NameNL        string    `json:"name_nl"`
	NameEN        string    `json:"name_en"`
	DescriptionNL string    `json:"description_nl"`
	DescriptionEN string    `json:"description_en"`
	Category      string    `json:"category"`
	Layer         string    `json:"layer"`
	Modified      bool      `json:"modified"`
	UpdatedAt     time.Time `json:"updated_at"`
}

func competenceOut(c *competence.Competence) competenceJSON {
	return competenceJSON{ID: c.ID, Framework: string(c.Framework), SourceRef: c.SourceRef, NameNL: c.NameNL, NameEN: c.NameEN,
		DescriptionNL: c.DescriptionNL, DescriptionEN: c.DescriptionEN, Category: c.Category, Layer: string(c.Layer), Modified: c.Modified, UpdatedAt: ts(c.UpdatedAt)}
}

// listCompetences: GET /competences?q=&layer=&category=. Everyone in the
// organisation reads its catalogue.
func (s *server) listCompetences(w http.ResponseWriter, r *http.Request, p caller) error {
	limit, offset, err := paging(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := competence.Filter{Query: q.Get("q"), Layer: competence.Layer(q.Get("layer")), Category: q.Get("category"), Limit: limit, Offset: offset}
	if f.Layer != "" && !f.Layer.Valid() {
		return &core.Error{Code: codeBadRequest, Field: "layer", Message: "must be fundamental or new"}
	}
	cs, total, err := s.db.Competences(r.Context(), p.OrgID, f)
	if err != nil {
		return err
	}
	out := list[competenceJSON]{Data: []competenceJSON{}, Total: total, Limit: limit, Offset: offset}
	for _, c := range cs {
		out.Data = append(out.Data, competenceOut(c))
	}
	return writeJSON(w, http.StatusOK, out)
}

type requirementJSON struct {
	CompetenceID string `json:"competence_id"`
	Level        int    `json:"level"`
	Essential    bool   `json:"essential"`
}

type roleProfileJSON struct {
	ID            string            `json:"id"`
	NameNL        string            `json:"name_nl"`
	NameEN        string            `json:"name_en"`
	OccupationURI string            `json:"occupation_uri,omitempty"`
	Holders       int               `json:"holders"`
	Requirements  []requirementJSON `json:"requirements"`
}

// listRoleProfiles: GET /role-profiles, with their requirements.
func (s *server) listRoleProfiles(w http.ResponseWriter, r *http.Request, p caller) error {
	limit, offset, err := paging(r)
	if err != nil {
		return err
	}
	ps, err := s.db.RoleProfiles(r.Context(), p.OrgID)
	if err != nil {
		return err
	}
	all := make([]roleProfileJSON, 0, len(ps))
	for _, rp := range ps {
		j := roleProfileJSON{ID: rp.ID, NameNL: rp.NameNL, NameEN: rp.NameEN, OccupationURI: rp.OccupationURI, Holders: rp.HolderCount, Requirements: []requirementJSON{}}
		for _, q := range rp.Requirements {
			j.Requirements = append(j.Requirements, requirementJSON{CompetenceID: q.CompetenceID, Level: q.Level, Essential: q.Essential})
		}
		all = append(all, j)
	}
	return writeJSON(w, http.StatusOK, pageOf(all, limit, offset))
}

// personFor loads the person of the path and says how the caller relates
// to them; a person the caller may not see is 403, one of another
// organisation 404.
func (s *server) personFor(r *http.Request, p caller) (person *tenancy.Person, isSelf, leads bool, err error) {
	id, err := pathID(r)
	if err != nil {
		return nil, false, false, notFound(err, "person")
	}
	person, err = s.db.Person(r.Context(), p.OrgID, id)
	if err != nil {
		return nil, false, false, notFound(err, "person")
	}
	isSelf = person.ID == p.PersonID
	leads = s.leadsTeam(r, p, person.TeamID)
	return person, isSelf, leads, nil
}

type levelJSON struct {
	CompetenceID string     `json:"competence_id"`
	Level        int        `json:"level"`
	Validated    bool       `json:"validated"`
	SelfLevel    int        `json:"self_level"`
	Required     int        `json:"required"`
	Status       string     `json:"status"`
	Kind         string     `json:"kind,omitempty"`
	At           *time.Time `json:"at,omitempty"`
	ValidUntil   *time.Time `json:"valid_until,omitempty"`
	Expiring     bool       `json:"expiring"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	v := ts(t)
	return &v
}

// getPersonLevels: GET /people/{id}/levels – current levels against the
// requirements of the person's role profiles.
func (s *server) getPersonLevels(w http.ResponseWriter, r *http.Request, p caller) error {
	person, isSelf, leads, err := s.personFor(r, p)
	if err != nil {
		return err
	}
	if !competence.CanView(p.Principal, isSelf, leads) {
		return core.Forbidden("see this person's levels")
	}
	ctx := r.Context()
	now := time.Now().UTC()
	levels, err := s.db.CurrentLevels(ctx, p.OrgID, store.LevelFilter{PersonIDs: []string{person.ID}}, now)
	if err != nil {
		return err
	}
	held, err := s.db.PersonRoleProfiles(ctx, p.OrgID, person.ID)
	if err != nil {
		return err
	}
	reqs := competence.Merge(held...)
	out := []levelJSON{}
	seen := map[string]bool{}
	for _, l := range levels {
		seen[l.CompetenceID] = true
		q := reqs[l.CompetenceID].Level
		out = append(out, levelJSON{CompetenceID: l.CompetenceID, Level: l.Level, Validated: l.Validated, SelfLevel: l.SelfLevel, Required: q,
			Status: string(competence.Compare(l.Level, q)), Kind: string(l.Kind), At: optTime(l.At), ValidUntil: optTime(l.ValidUntil), Expiring: l.Expiring(now)})
	}
	for id, q := range reqs {
		if !seen[id] {
			out = append(out, levelJSON{CompetenceID: id, Required: q.Level, Status: string(competence.Compare(0, q.Level))})
		}
	}
	return writeJSON(w, http.StatusOK, list[levelJSON]{Data: out, Total: len(out), Limit: len(out), Offset: 0})
}

type evidenceJSON struct {
	ID           string          `json:"id"`
	CompetenceID string          `json:"competence_id"`
	Level        int             `json:"level"`
	Kind         string          `json:"kind"`
	RecordedBy   string          `json:"recorded_by,omitempty"`
	RecordedAt   time.Time       `json:"recorded_at"`
	ValidUntil   *time.Time      `json:"valid_until,omitempty"`
	Note         string          `json:"note"`
	CampaignID   string          `json:"campaign_id,omitempty"`
	Attachment   *attachmentJSON `json:"attachment,omitempty"`
}

func evidenceOut(e *competence.Evidence) evidenceJSON {
	return evidenceJSON{ID: e.ID, CompetenceID: e.CompetenceID, Level: e.Level, Kind: string(e.Kind), RecordedBy: e.RecordedBy,
		RecordedAt: ts(e.RecordedAt), ValidUntil: optTime(e.ValidUntil), Note: e.Note, CampaignID: e.CampaignID, Attachment: attachmentOut(e)}
}

// listPersonEvidence: GET /people/{id}/evidence?competence_id=, newest first.
func (s *server) listPersonEvidence(w http.ResponseWriter, r *http.Request, p caller) error {
	person, isSelf, leads, err := s.personFor(r, p)
	if err != nil {
		return err
	}
	if !competence.CanView(p.Principal, isSelf, leads) {
		return core.Forbidden("see this person's evidence")
	}
	limit, offset, err := paging(r)
	if err != nil {
		return err
	}
	cid, err := queryID(r, "competence_id")
	if err != nil {
		return err
	}
	evs, err := s.db.Evidence(r.Context(), p.OrgID, store.EvidenceFilter{PersonID: person.ID, CompetenceID: cid, Limit: 2000})
	if err != nil {
		return err
	}
	all := make([]evidenceJSON, 0, len(evs))
	for _, e := range evs {
		all = append(all, evidenceOut(e))
	}
	return writeJSON(w, http.StatusOK, pageOf(all, limit, offset))
}

type evidenceInput struct {
	CompetenceID string     `json:"competence_id"`
	Level        *int       `json:"level"`
	Kind         string     `json:"kind"`
	ValidUntil   *time.Time `json:"valid_until"`
	Note         string     `json:"note"`
}

// addPersonEvidence: POST /people/{id}/evidence. A person self-assesses;
// their team lead (or L&D) validates; assessors assess; L&D, assessors and
// the team lead record learning, quiz, lab, project and certificate
// results. Answers the stored evidence with 201. A multipart/form-data
// body carries the same fields and a file named attachment.
func (s *server) addPersonEvidence(w http.ResponseWriter, r *http.Request, p caller) error {
	person, isSelf, leads, err := s.personFor(r, p)
	if err != nil {
		return err
	}
	var in evidenceInput
	var att *competence.Attachment
	if isMultipart(r) {
		att, err = evidenceFromMultipart(r, &in)
	} else {
		err = decode(r, &in)
	}
	if err != nil {
		return err
	}
	if in.Level == nil {
		return core.Invalid("level", "is required")
	}
	kind := competence.Kind(in.Kind)
	if !kind.Valid() {
		return core.Invalid("kind", "must be one of self_assessment, validation, assessment, learning, quiz, lab, project, certificate")
	}
	if err := competence.CanRecord(p.Principal, kind, isSelf, leads); err != nil {
		return err
	}
	e := &competence.Evidence{PersonID: person.ID, CompetenceID: in.CompetenceID, Level: *in.Level, Kind: kind, RecordedBy: p.PersonID, Note: in.Note, Attachment: att}
	if in.ValidUntil != nil {
		e.ValidUntil = in.ValidUntil.UTC()
	}
	if err := s.db.AddEvidence(r.Context(), p.OrgID, e); err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/people/"+person.ID+"/evidence")
	return writeJSON(w, http.StatusCreated, evidenceOut(e))
}

type matrixCellJSON struct {
	Level       int    `json:"level"`
	Required    int    `json:"required"`
	Status      string `json:"status"`
	Unvalidated bool   `json:"unvalidated"`
	Expiring    bool   `json:"expiring"`
}

type matrixRowJSON struct {
	PersonID string           `json:"person_id"`
	Name     string           `json:"name"`
	TeamID   string           `json:"team_id,omitempty"`
	Gaps     int              `json:"gaps"`
	Cells    []matrixCellJSON `json:"cells"`
}

type matrixJSON struct {
	Competences []competenceJSON `json:"competences"`
	Rows        []matrixRowJSON  `json:"rows"`
}

// getMatrix: GET /matrix?team_id=|site_id=|profile_id=&layer=&category=.
// Cells follow the order of competences. L&D, management and assessors
// read any scope; a team lead reads a team they lead.
func (s *server) getMatrix(w http.ResponseWriter, r *http.Request, p caller) error {
	var mq store.MatrixQuery
	var err error
	if mq.TeamID, err = queryID(r, "team_id"); err != nil {
		return err
	}
	if mq.SiteID, err = queryID(r, "site_id"); err != nil {
		return err
	}
	if mq.ProfileID, err = queryID(r, "profile_id"); err != nil {
		return err
	}
	q := r.URL.Query()
	mq.Layer, mq.Category, mq.Sort = competence.Layer(q.Get("layer")), q.Get("category"), q.Get("sort")
	if mq.Layer != "" && !mq.Layer.Valid() {
		return &core.Error{Code: codeBadRequest, Field: "layer", Message: "must be fundamental or new"}
	}
	if !p.HasAny(core.RoleLearning, core.RoleManagement, core.RoleAssessor) {
		if mq.TeamID == "" || !s.leadsTeam(r, p, mq.TeamID) {
			return core.Forbidden("see this matrix (give the team_id of a team you lead)")
		}
	}
	m, err := s.db.Matrix(r.Context(), p.OrgID, mq, time.Now().UTC())
	if err != nil {
		return err
	}
	out := matrixJSON{Competences: []competenceJSON{}, Rows: []matrixRowJSON{}}
	for _, c := range m.Competences {
		out.Competences = append(out.Competences, competenceOut(c))
	}
	for i, person := range m.People {
		row := matrixRowJSON{PersonID: person.ID, Name: person.Name, TeamID: person.TeamID, Gaps: m.Gaps(i), Cells: make([]matrixCellJSON, len(m.Competences))}
		for j := range m.Competences {
			c := m.Cells[i][j]
			row.Cells[j] = matrixCellJSON{Level: c.Level, Required: c.Required, Status: string(c.Status), Unvalidated: c.Unvalidated(), Expiring: c.Expiring}
		}
		out.Rows = append(out.Rows, row)
	}
	return writeJSON(w, http.StatusOK, out)
}
