package web

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/bakenhq/baken/internal/beacon"
	"github.com/bakenhq/baken/internal/gap"
	"github.com/bakenhq/baken/internal/i18n"
	"github.com/bakenhq/baken/internal/project/projindex"
	"github.com/bakenhq/baken/internal/recommend"
)

// recModel is an organisation's gap model and recommendable catalogue,
// built once and reused until evidence, people, roadmap, items or
// enrolments change (or the day does: dates move on).
type recModel struct {
	key string
	m   *gap.Model
	c   *recommend.Catalog
}

type recCache struct {
	mu     sync.Mutex
	models map[string]*recModel
}

func (s *Server) recModel(ctx context.Context, orgID string) (*recModel, error) {
	// The gap model is the beacon's, shared with the roadmap pages; only the
	// recommendable catalogue is built here, again when the model or the
	// items change.
	m, err := beacon.For(s.db).Model(ctx, orgID, false)
	if err != nil {
		return nil, err
	}
	iv, err := s.db.ItemsVersion(ctx, orgID)
	if err != nil {
		return nil, err
	}
	key := fmt.Sprintf("%p#%s", m, iv)
	s.recs.mu.Lock()
	if s.recs.models == nil {
		s.recs.models = map[string]*recModel{}
	}
	if rm := s.recs.models[orgID]; rm != nil && rm.key == key {
		s.recs.mu.Unlock()
		return rm, nil
	}
	s.recs.mu.Unlock()
	cands, err := s.db.Candidates(ctx, orgID)
	if err != nil {
		return nil, err
	}
	items := make([]recommend.Item, 0, len(cands))
	for _, c := range cands {
		it := recommend.Item{ID: c.ID, OrgID: c.OrgID, Type: c.Type, TitleNL: c.TitleNL, TitleEN: c.TitleEN, Minutes: c.Minutes, Partner: c.Partner}
		ids, levels := c.OutcomeIDs()
		for i, id := range ids {
			if ci := m.CompIndex(id); ci >= 0 {
				it.Outcomes = append(it.Outcomes, recommend.Outcome{Comp: ci, Level: levels[i]})
			}
		}
		if len(it.Outcomes) > 0 {
			items = append(items, it)
		}
	}
	rm := &recModel{key: key, m: m, c: recommend.NewCatalog(items)}
	s.recs.mu.Lock()
	s.recs.models[orgID] = rm
	s.recs.mu.Unlock()
	return rm, nil
}

// recView is a recommendation as a page shows it.
type recView struct {
	ItemID, Title, Type, Partner string
	Minutes                      int
	Reasons                      []string
	Course                       bool   // an open course: its page is under /learning/courses
	URL                          string // where it lives when not in the catalogue (a project)
}

// explain says in words why an item is recommended, e.g. "for Cobot cell
// line 3 (due June 2027): you are at level 1 of 2 in Robot programming".
func explain(m *gap.Model, r recommend.Reason, lang string) string {
	comp := m.Comps[r.Need.Comp].Name(lang)
	var why string
	switch {
	case r.Need.Item >= 0:
		it := m.Items[r.Need.Item]
		why = i18n.T(lang, "learning.reason.roadmap", it.Title(lang), monthYear(r.Need.Date, lang))
	case r.Need.Profile >= 0:
		p := m.Profiles[r.Need.Profile]
		name := p.NameEN
		if lang == "nl" && p.NameNL != "" || name == "" {
			name = p.NameNL
		}
		why = i18n.T(lang, "learning.reason.role", name)
	}
	return why + ": " + i18n.T(lang, "learning.reason.level", r.From, r.Need.Required, comp, r.To)
}

var monthsNL = []string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}

func monthYear(t time.Time, lang string) string {
	if lang == "nl" {
		return fmt.Sprintf("%s %d", monthsNL[t.Month()-1], t.Year())
	}
	return t.Format("January 2006")
}

func (s *Server) recommendationsFor(ctx context.Context, orgID, personID, lang string, n int) ([]recView, error) {
	rm, err := s.recModel(ctx, orgID)
	if err != nil {
		return nil, err
	}
	rep, err := rm.m.Person(personID)
	if err != nil {
		return nil, nil // not in the model (e.g. provider staff): nothing to recommend
	}
	ens, err := s.db.Enrolments(ctx, orgID, personID, "")
	if err != nil {
		return nil, err
	}
	done := map[string]bool{}
	for _, e := range ens {
		if e.Status != "dropped" {
			done[e.ItemID] = true
		}
	}
	needs, now := recommend.Needs(rep), time.Now()
	recs := rm.c.ForPerson(needs, done, now, n)
	// Working groups with an open call compete on the same needs (issue 8).
	if pc, err := s.projectCatalog(ctx, orgID, personID, rm.m); err != nil {
		s.log.Warn("recommendations: projects", "err", err)
	} else if pc != nil {
		recs = recommend.Merge(n, recs, pc.ForPerson(needs, nil, now, n))
	}
	var out []recView
	for _, r := range recs {
		v := recView{ItemID: r.Item.ID, Title: r.Item.Title(lang), Type: r.Item.Type, Partner: r.Item.Partner, Minutes: r.Item.Minutes, Course: r.Item.Type == "open_course"}
		if r.Item.Type == recommend.ProjectType {
			// Its effort is a ranking figure, not a duration to show.
			v.URL, v.Minutes = projindex.ProjectURL(r.Item.ID), 0
		}
		for i, reason := range r.Reasons {
			if i == 2 {
				break
			}
			v.Reasons = append(v.Reasons, explain(rm.m, reason, lang))
		}
		out = append(out, v)
	}
	return out, nil
}
