package web

import (
	"context"
	"net/http"

	"github.com/bakenhq/baken/internal/catalogue"
	"github.com/bakenhq/baken/internal/project"
	"github.com/bakenhq/baken/internal/xapi"
)

// Baken's own learning events go to the organisation's LRS as statements,
// so that one record holds all of a person's learning. Each is written
// after the event itself is committed; a failure is logged and never
// undoes the event. They do not pass through the statement rules: the
// event already made its own evidence (xapi.applyRules).

// itemActivityType is the xAPI activity type of a catalogue item.
func itemActivityType(t catalogue.Type) string {
	switch t {
	case catalogue.Instruction, catalogue.Lesson:
		return xapi.TypeLesson
	case catalogue.OpenCourse, catalogue.Classroom:
		return xapi.TypeCourse
	case catalogue.Lab:
		return xapi.TypeLab
	case catalogue.Path:
		return xapi.TypeLearnPath
	case catalogue.Project:
		return xapi.TypeProjectWork
	}
	return xapi.TypeMedia
}

// recordOwn writes rec for the signed-in organisation and logs a failure.
func (s *Server) recordOwn(ctx context.Context, orgID string, rec xapi.Record) {
	if rec.VerbDisplay == nil {
		rec.VerbDisplay = xapi.VerbDisplay(rec.Verb)
	}
	if _, err := xapi.RecordStatement(context.WithoutCancel(ctx), s.db, orgID, rec); err != nil {
		s.log.Warn("learning record: statement not written", "org", orgID, "activity", rec.ActivityID, "err", err)
	}
}

// recordItemCompleted notes that the signed-in person completed a learning
// item of their organisation or a partner's (an instruction marked done,
// a course, lab or path finished).
func (s *Server) recordItemCompleted(r *http.Request, itemID string) {
	st := From(r)
	ctx := r.Context()
	it, err := s.db.LearningItem(ctx, st.Org.ID, itemID)
	if err != nil {
		if it, err = s.db.SharedLearningItem(ctx, st.Org.ID, itemID); err != nil {
			s.log.Warn("learning record: item not found", "item", itemID, "err", err)
			return
		}
	}
	done := true
	s.recordOwn(ctx, st.Org.ID, xapi.Record{PersonID: st.Principal.PersonID, PersonName: st.Principal.Name, Verb: xapi.VerbCompleted,
		ActivityID: xapi.ActivityIRI("items", it.ID), ActivityType: itemActivityType(it.Type), ActivityName: titles(it.TitleNL, it.TitleEN),
		Completion: &done})
}

// recordContribution notes project work its owner confirmed: the person
// completed their part of the project for one competence.
func (s *Server) recordContribution(r *http.Request, p *project.Project, c *project.Contribution) {
	st := From(r)
	ctx := r.Context()
	name := titles(p.TitleNL, p.TitleEN)
	if comp, err := s.db.Competence(ctx, st.Org.ID, c.CompetenceID); err == nil {
		for lang, t := range name {
			name[lang] = t + " — " + comp.Name(map[bool]string{true: "nl", false: "en"}[lang == "nl-NL"])
		}
	}
	done := true
	s.recordOwn(ctx, st.Org.ID, xapi.Record{PersonID: c.PersonID, Verb: xapi.VerbCompleted,
		ActivityID: xapi.ActivityIRI("projects", p.ID) + "/competences/" + c.CompetenceID, ActivityType: xapi.TypeProjectWork,
		ActivityName: name, Completion: &done})
}

// titles is a language map of a Dutch and an English title, either may be
// empty.
func titles(nl, en string) map[string]string {
	m := map[string]string{}
	if nl != "" {
		m["nl-NL"] = nl
	}
	if en != "" {
		m["en-US"] = en
	}
	return m
}
