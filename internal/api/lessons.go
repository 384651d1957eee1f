package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/project"
	"github.com/bakenhq/baken/internal/store"
)

// Lessons learned through the API: the caller's organisation's lessons
// that the token's person may read (project.CanRead, also in the query so
// that paging and totals hold), the community space of every
// organisation (anonymised as each author chose), and new drafts written
// by the token's person. Reviewing and publishing stay in the web, where
// an expert reads what they publish. Reflections are never served.

type lessonJSON struct {
	ID           string     `json:"id"`
	Title        string     `json:"title"`
	Lang         string     `json:"lang"`
	Status       string     `json:"status"`
	Visibility   string     `json:"visibility"`
	Situation    string     `json:"situation"`
	Happened     string     `json:"happened"`
	Cause        string     `json:"cause"`
	Learned      string     `json:"learned"`
	NextTime     string     `json:"next_time"`
	NamePeople   bool       `json:"name_people"`
	NameOrg      bool       `json:"name_org"`
	AuthorID     *string    `json:"author_id"`
	AuthorName   *string    `json:"author_name"`
	OrgName      *string    `json:"org_name"`
	ProjectID    *string    `json:"project_id"`
	ProjectTitle *string    `json:"project_title"`
	Competences  []string   `json:"competence_ids"`
	Places       []string   `json:"place_ids"`
	Helped       int        `json:"helped"`
	Version      int        `json:"version"`
	PublishedAt  *time.Time `json:"published_at"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	URL          string     `json:"url"`
}

func lessonOut(l *project.Lesson) lessonJSON {
	out := lessonJSON{ID: l.ID, Title: l.Title, Lang: l.Lang, Status: string(l.Status), Visibility: string(l.Visibility),
		Situation: l.Situation, Happened: l.Happened, Cause: l.Cause, Learned: l.Learned, NextTime: l.NextTime,
		NamePeople: l.NamePeople, NameOrg: l.NameOrg, AuthorID: opt(l.AuthorID), AuthorName: opt(l.AuthorName), OrgName: opt(l.OrgName),
		ProjectID: opt(l.ProjectID), ProjectTitle: opt(l.ProjectTitle), Competences: []string{}, Places: []string{},
		Helped: l.Helped, Version: l.Version, CreatedAt: ts(l.CreatedAt), UpdatedAt: ts(l.UpdatedAt), URL: "/lessons/" + l.ID}
	out.Competences = append(out.Competences, l.Competences...)
	for _, p := range l.Places {
		out.Places = append(out.Places, p.PlaceID)
	}
	if !l.PublishedAt.IsZero() {
		t := ts(l.PublishedAt)
		out.PublishedAt = &t
	}
	return out
}

// lessonReader is the caller as project.CanRead and LessonFilter need
// them: their team and the teams they lead.
func (s *server) lessonReader(r *http.Request, p caller) (project.Reader, map[string]bool, error) {
	rd := project.Reader{Principal: p.Principal}
	person, err := s.db.Person(r.Context(), p.OrgID, p.PersonID)
	if err != nil {
		return rd, nil, err
	}
	rd.TeamID = person.TeamID
	teams, err := s.db.TeamsLedBy(r.Context(), p.OrgID, p.PersonID)
	if err != nil {
		return rd, nil, err
	}
	led := map[string]bool{}
	for _, t := range teams {
		led[t.ID] = true
	}
	return rd, led, nil
}

func (s *server) listLessons(w http.ResponseWriter, r *http.Request, p caller) error {
	limit, offset, err := paging(r)
	if err != nil {
		return err
	}
	f := store.LessonFilter{Limit: limit, Offset: offset}
	for _, x := range []struct {
		name string
		dst  *string
	}{{"project_id", &f.ProjectID}, {"place_id", &f.PlaceID}, {"site_id", &f.SiteID}, {"competence_id", &f.CompetenceID}, {"author_id", &f.AuthorID}} {
		if *x.dst, err = queryID(r, x.name); err != nil {
			return err
		}
	}
	q := r.URL.Query()
	switch st := project.LessonStatus(q.Get("status")); st {
	case "", project.LessonDraft, project.LessonInReview, project.LessonPublished:
		f.Status = st
	default:
		return &core.Error{Code: codeBadRequest, Field: "status", Message: "must be draft, in_review or published"}
	}
	if v := project.Visibility(q.Get("visibility")); v != "" {
		if !v.Valid() {
			return &core.Error{Code: codeBadRequest, Field: "visibility", Message: "must be team, organisation or community"}
		}
		f.Visibilities = []project.Visibility{v}
	}
	rd, led, err := s.lessonReader(r, p)
	if err != nil {
		return err
	}
	f.ReadableBy = &store.LessonReader{PersonID: p.PersonID, TeamIDs: []string{rd.TeamID}, Reviewer: project.CanReview(p.Principal)}
	for id := range led {
		f.ReadableBy.TeamIDs = append(f.ReadableBy.TeamIDs, id)
	}
	ls, err := s.db.Lessons(r.Context(), p.OrgID, f)
	if err != nil {
		return err
	}
	total, err := s.db.CountLessons(r.Context(), p.OrgID, f)
	if err != nil {
		return err
	}
	// The query applied the rules already; the rules themselves have the
	// last word, so that the two can never disagree in the reader's
	// disfavour.
	var readable []*project.Lesson
	for _, l := range ls {
		if project.CanRead(rd, l, led[l.TeamID]) {
			readable = append(readable, l)
		}
	}
	if err := s.db.FillLessonLinks(r.Context(), p.OrgID, readable); err != nil {
		return err
	}
	out := list[lessonJSON]{Data: []lessonJSON{}, Total: total, Limit: limit, Offset: offset}
	for _, l := range readable {
		out.Data = append(out.Data, lessonOut(l))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *server) getLesson(w http.ResponseWriter, r *http.Request, p caller) error {
	id, err := pathID(r)
	if err != nil {
		return notFound(err, "lesson")
	}
	l, err := s.db.Lesson(r.Context(), p.OrgID, id)
	if err != nil {
		return notFound(err, "lesson")
	}
	rd, led, err := s.lessonReader(r, p)
	if err != nil {
		return err
	}
	if !project.CanRead(rd, l, led[l.TeamID]) {
		// As for a record of another organisation: whether it exists is
		// not the caller's to know.
		return notFound(core.ErrNotFound, "lesson")
	}
	return writeJSON(w, http.StatusOK, lessonOut(l))
}

// listCommunityLessons lists the lessons every organisation published to
// the community, anonymised for the caller's organisation.
func (s *server) listCommunityLessons(w http.ResponseWriter, r *http.Request, p caller) error {
	limit, offset, err := paging(r)
	if err != nil {
		return err
	}
	ls, err := s.db.CommunityLessons(r.Context(), p.OrgID, limit, offset)
	if err != nil {
		return err
	}
	total, err := s.db.CountCommunityLessons(r.Context())
	if err != nil {
		return err
	}
	out := list[lessonJSON]{Data: []lessonJSON{}, Total: total, Limit: limit, Offset: offset}
	for _, l := range ls {
		out.Data = append(out.Data, lessonOut(l))
	}
	return writeJSON(w, http.StatusOK, out)
}

// lessonInput is the body of POST /lessons: a new draft by the token's
// person.
type lessonInput struct {
	Title       Opt[string]   `json:"title"`
	Lang        Opt[string]   `json:"lang"`
	Situation   Opt[string]   `json:"situation"`
	Happened    Opt[string]   `json:"happened"`
	Cause       Opt[string]   `json:"cause"`
	Learned     Opt[string]   `json:"learned"`
	NextTime    Opt[string]   `json:"next_time"`
	Visibility  Opt[string]   `json:"visibility"`
	NamePeople  Opt[bool]     `json:"name_people"`
	NameOrg     Opt[bool]     `json:"name_org"`
	ProjectID   Opt[string]   `json:"project_id"`
	Competences Opt[[]string] `json:"competence_ids"`
	Places      Opt[[]string] `json:"place_ids"`
}

func (s *server) createLesson(w http.ResponseWriter, r *http.Request, p caller) error {
	var in lessonInput
	if err := decode(r, &in); err != nil {
		return err
	}
	l := &project.Lesson{AuthorID: p.PersonID, Title: in.Title.V, Lang: in.Lang.V, Situation: in.Situation.V, Happened: in.Happened.V,
		Cause: in.Cause.V, Learned: in.Learned.V, NextTime: in.NextTime.V, Visibility: project.Visibility(in.Visibility.V),
		NamePeople: in.NamePeople.V, NameOrg: in.NameOrg.V, ProjectID: in.ProjectID.V, Competences: in.Competences.V}
	if len(in.Places.V) > 30 {
		return core.Invalid("place_ids", "at most 30 places")
	}
	for _, id := range in.Places.V {
		if !core.ValidID(id) {
			return core.Invalid("place_ids", "is not a valid id")
		}
		pl, err := s.db.Place(r.Context(), p.OrgID, id)
		if core.ErrorCode(err) == core.ENotFound {
			return core.Invalid("place_ids", "names a place that does not exist in this organisation")
		} else if err != nil {
			return err
		}
		l.Places = append(l.Places, project.Place{PlaceID: pl.ID, SiteID: pl.SiteID})
	}
	if err := s.db.CreateLesson(r.Context(), p.OrgID, l); err != nil {
		return renameField(err, "competences", "competence_ids")
	}
	created, err := s.db.Lesson(r.Context(), p.OrgID, l.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/lessons/"+l.ID)
	return writeJSON(w, http.StatusCreated, lessonOut(created))
}

// renameField gives a validation error the name the API uses for the
// field; every other error is kept as it is.
func renameField(err error, from, to string) error {
	var e *core.Error
	if errors.As(err, &e) && e.Field == from {
		c := *e
		c.Field = to
		return &c
	}
	return err
}
