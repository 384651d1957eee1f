// Package projindex turns lessons learned and projects into search
// documents (internal/search) and keeps the index in step: every change
// of a lesson or a project goes through Lesson or Project here.
//
// What is indexed, and what never is:
//   - Published lessons with visibility organisation (VisOrg) or community
//     (VisPublic: every organisation on the platform finds them). Their
//     documents carry the title and the five sections only, never the
//     author's, reviewer's or organisation's name, so a search result
//     can never name what the author chose to keep anonymous.
//   - Published lessons visible to a team only (VisTeam), narrowed to the
//     readers project.CanRead admits (search.Doc.Audience): the author,
//     the team and its lead, and the organisation's reviewers. Searchers
//     carry their keys from ReaderKeys; everyone else in the
//     organisation, and every other organisation, never finds them.
//   - Drafts and lessons in review are not indexed.
//   - Open projects (VisOrg), so that "join this working group" is found.
//   - Reflections are private and never indexed.
package projindex

import (
	"context"
	"strings"

	"github.com/bakenhq/baken/internal/project"
	"github.com/bakenhq/baken/internal/search"
	"github.com/bakenhq/baken/internal/store"
)

// Search kinds of this area. They are kinds of their own (not
// search.KindLearning) so that the catalogue's reindexing of its items
// never drops them; the type facet shows them as learning types.
const (
	KindLesson  search.Kind = "lesson"
	KindProject search.Kind = "project"
)

// Indexer is what this area needs of the search engine; *search.Index
// implements it.
type Indexer interface {
	Upsert(ctx context.Context, orgID string, docs ...search.Doc) error
	Delete(ctx context.Context, orgID string, kind search.Kind, ids ...string) error
}

var _ Indexer = (*search.Index)(nil)

// LessonURL is where a lesson's page lives.
func LessonURL(id string) string { return "/lessons/" + id }

// ProjectURL is where a project's page lives.
func ProjectURL(id string) string { return "/projects/" + id }

// LessonDoc returns the search document of a lesson; ok is false when the
// lesson must not be in the index.
func LessonDoc(l *project.Lesson) (d search.Doc, ok bool) {
	if l.Status != project.LessonPublished {
		return d, false
	}
	vis := search.VisOrg
	var audience []string
	switch l.Visibility {
	case project.VisCommunity:
		vis = search.VisPublic
	case project.VisOrg:
	case project.VisTeam:
		audience = teamAudience(l)
	default:
		return d, false
	}
	var sites []string
	for _, p := range l.Places {
		if p.SiteID != "" {
			sites = append(sites, p.SiteID)
		}
	}
	d = search.Doc{
		Kind:        KindLesson,
		ID:          l.ID,
		OrgID:       l.OrgID,
		Visibility:  vis,
		Lang:        l.Lang,
		Title:       l.Title,
		Body:        l.Text(),
		Labels:      []search.Label{{Lang: l.Lang, Text: l.Title, Title: true}},
		Type:        string(KindLesson),
		Competences: append([]string(nil), l.Competences...),
		Boost:       min(0.3+float64(l.Helped)/100, 0.9),
		URL:         LessonURL(l.ID),
		Audience:    audience,
	}
	if vis == search.VisOrg && len(sites) == 1 {
		d.SiteID = sites[0]
	}
	return d, true
}

// Search keys (search.Scope.Keys, search.Doc.Audience) of this area.
const (
	keyPerson    = "person:"
	keyTeam      = "team:"
	keyReviewers = "lessons:reviewers"
)

// teamAudience is who may find a team lesson, as project.CanRead says:
// its author, its team (members and lead) and the reviewers.
func teamAudience(l *project.Lesson) []string {
	aud := []string{keyPerson + l.AuthorID, keyReviewers}
	if l.TeamID != "" {
		aud = append(aud, keyTeam+l.TeamID)
	}
	return aud
}

// ReaderKeys returns the search keys of a reader of their own
// organisation's lessons: themselves, their team, the teams they lead
// (ledTeams) and, for reviewers, the reviewers' key. The web layer puts
// them in search.Scope.Keys; they must come from the signed-in principal,
// never from the request.
func ReaderKeys(rd project.Reader, ledTeams []string) []string {
	var keys []string
	if rd.Principal.PersonID != "" {
		keys = append(keys, keyPerson+rd.Principal.PersonID)
	}
	if rd.TeamID != "" {
		keys = append(keys, keyTeam+rd.TeamID)
	}
	for _, t := range ledTeams {
		if t != "" && t != rd.TeamID {
			keys = append(keys, keyTeam+t)
		}
	}
	if project.CanReview(rd.Principal) {
		keys = append(keys, keyReviewers)
	}
	return keys
}

// ProjectDoc returns the search document of a project; ok is false for
// closed projects (their lessons stay findable).
func ProjectDoc(p *project.Project) (d search.Doc, ok bool) {
	if p.Status != project.Open {
		return d, false
	}
	d = search.Doc{
		Kind:       KindProject,
		ID:         p.ID,
		OrgID:      p.OrgID,
		Visibility: search.VisOrg,
		Title:      project.Pick("", p.TitleNL, p.TitleEN),
		Body:       strings.Join([]string{p.GoalNL, p.GoalEN, p.CallText}, "\n"),
		Type:       string(KindProject),
		SiteID:     p.SiteID,
		Boost:      0.4,
		URL:        ProjectURL(p.ID),
	}
	if p.TitleNL != "" {
		d.Lang = "nl"
		d.Labels = append(d.Labels, search.Label{Lang: "nl", Text: p.TitleNL, Title: true})
	}
	if p.TitleEN != "" {
		if p.TitleNL == "" {
			d.Lang = "en"
		} else {
			d.Lang = ""
		}
		d.Labels = append(d.Labels, search.Label{Lang: "en", Text: p.TitleEN, Title: true})
	}
	if p.CallOpen {
		d.Boost = 0.6
	}
	for _, c := range p.Competences {
		d.Competences = append(d.Competences, c.CompetenceID)
	}
	return d, true
}

// Lesson puts a lesson in the index or takes it out, as LessonDoc says.
// A nil index does nothing.
func Lesson(ctx context.Context, ix Indexer, l *project.Lesson) error {
	if ix == nil {
		return nil
	}
	if d, ok := LessonDoc(l); ok {
		return ix.Upsert(ctx, l.OrgID, d)
	}
	return ix.Delete(ctx, l.OrgID, KindLesson, l.ID)
}

// Project puts a project in the index or takes it out.
func Project(ctx context.Context, ix Indexer, p *project.Project) error {
	if ix == nil {
		return nil
	}
	if d, ok := ProjectDoc(p); ok {
		return ix.Upsert(ctx, p.OrgID, d)
	}
	return ix.Delete(ctx, p.OrgID, KindProject, p.ID)
}

// Source is what Reindex reads; *store.DB implements it.
type Source interface {
	Lessons(ctx context.Context, orgID string, f store.LessonFilter) ([]*project.Lesson, error)
	FillLessonLinks(ctx context.Context, orgID string, ls []*project.Lesson) error
	Projects(ctx context.Context, orgID string, f store.ProjectFilter) ([]*project.Project, error)
	Project(ctx context.Context, orgID, id string) (*project.Project, error)
}

// Reindex brings orgID's lessons and projects in the index in step with
// the database (after a restore, or when the rules of LessonDoc change).
func Reindex(ctx context.Context, ix Indexer, src Source, orgID string) (int, error) {
	n := 0
	for offset := 0; ; offset += 1000 {
		ls, err := src.Lessons(ctx, orgID, store.LessonFilter{Limit: 1000, Offset: offset})
		if err != nil {
			return n, err
		}
		// Places and competences for the whole page in two queries.
		if err := src.FillLessonLinks(ctx, orgID, ls); err != nil {
			return n, err
		}
		var docs []search.Doc
		var drop []string
		for _, l := range ls {
			if d, ok := LessonDoc(l); ok {
				docs = append(docs, d)
			} else {
				drop = append(drop, l.ID)
			}
		}
		if err := ix.Upsert(ctx, orgID, docs...); err != nil {
			return n, err
		}
		if err := ix.Delete(ctx, orgID, KindLesson, drop...); err != nil {
			return n, err
		}
		n += len(docs)
		if len(ls) < 1000 {
			break
		}
	}
	ps, err := src.Projects(ctx, orgID, store.ProjectFilter{Limit: 1000})
	if err != nil {
		return n, err
	}
	for _, p := range ps {
		full, err := src.Project(ctx, orgID, p.ID)
		if err != nil {
			return n, err
		}
		if err := Project(ctx, ix, full); err != nil {
			return n, err
		}
	}
	return n, nil
}
