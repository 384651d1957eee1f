package web

import (
	"context"
	"html/template"
	"net/http"
	"strings"

	"github.com/bakenhq/baken/internal/catalogue"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/project"
	"github.com/bakenhq/baken/internal/store"
)

// Where lessons learned meet the catalogue: the place page shows the
// lessons learned there beside the instructions, the lesson form links
// lessons to places, and an expert turns a lesson into a just-in-time
// instruction in one step.

// PlaceSection is a block on a place page below its instructions.
type PlaceSection func(r *http.Request, p *catalogue.Place) template.HTML

// AddPlaceSection adds a block to every place page; call it before serving.
func (s *Server) AddPlaceSection(ps PlaceSection) { s.placeSections = append(s.placeSections, ps) }

func (s *Server) placeSectionsFor(r *http.Request, p *catalogue.Place) []template.HTML {
	var out []template.HTML
	for _, ps := range s.placeSections {
		if h := ps(r, p); h != "" {
			out = append(out, h)
		}
	}
	return out
}

func (s *Server) registerLessonCatalogue() {
	s.mux.HandleFunc("POST /lessons/{id}/instruction", s.Allowed(catalogue.CanAuthor, s.lessonToInstruction))
	s.AddPlaceSection(placeLessons)
}

func init() {
	placeLookup = func(ctx context.Context, db *store.DB, orgID, id string) (project.Place, bool) {
		p, err := db.Place(ctx, orgID, id)
		if err != nil {
			return project.Place{}, false
		}
		return project.Place{PlaceID: p.ID, SiteID: p.SiteID}, true
	}
	lessonActions = append(lessonActions, instructionButton)
}

type placeLessonsData struct {
	P Page
	L []*project.Lesson
}

// placeLessons: the published lessons learned at this place that the
// reader may read, most helpful first among the newest.
func placeLessons(r *http.Request, p *catalogue.Place) template.HTML {
	st := From(r)
	s := st.srv
	if s == nil || st.Principal == nil {
		return ""
	}
	ls, err := s.db.Lessons(r.Context(), st.Org.ID, store.LessonFilter{PlaceID: p.ID, Status: project.LessonPublished, Brief: true, Limit: 20})
	if err != nil {
		s.log.Warn("place lessons", "err", err)
		return ""
	}
	if len(ls) == 0 {
		return "" // most places: no further query
	}
	if ls = s.readableLessons(r, ls); len(ls) == 0 {
		return ""
	}
	return s.Partial("place_lessons", placeLessonsData{P: Page{Lang: st.Lang}, L: ls})
}

func instructionButton(r *http.Request, s *Server, l *project.Lesson) template.HTML {
	st := From(r)
	if !catalogue.CanAuthor(*st.Principal) || l.OrgID != st.Org.ID {
		return ""
	}
	return s.Partial("lesson_to_instruction", struct {
		Page
		L *project.Lesson
	}{Page{Lang: st.Lang, CSRF: st.CSRF}, l})
}

// lessonToInstruction makes a draft just-in-time instruction from a
// lesson: its title, the lesson as the body, "what to do next time" as
// the steps (one per line or list item), its competences as outcomes and
// its places; the expert then edits and publishes it in the catalogue.
func (s *Server) lessonToInstruction(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	id := r.PathValue("id")
	if !core.ValidID(id) {
		s.NotFound(w, r)
		return
	}
	l, err := s.db.Lesson(ctx, st.Org.ID, id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	rd, led := s.reader(r)
	if !project.CanRead(rd, l, led[l.TeamID]) {
		s.NotFound(w, r)
		return
	}
	it := InstructionFromLesson(l)
	if err := s.db.CreateLearningItem(ctx, st.Org.ID, it, st.Principal.PersonID); err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, p := range l.Places {
		if err := s.db.AddItemToPlace(ctx, st.Org.ID, p.PlaceID, it.ID); err != nil {
			s.log.Warn("lesson to instruction: place", "err", err)
		}
	}
	s.Flash(w, r, "lesson.instruction_made")
	http.Redirect(w, r, "/learn/"+it.ID+"/edit", http.StatusSeeOther)
}

// InstructionFromLesson builds the draft instruction for a lesson.
func InstructionFromLesson(l *project.Lesson) *catalogue.Item {
	it := &catalogue.Item{Type: catalogue.Instruction, Status: catalogue.Draft, Visibility: catalogue.VisOrg, Lang: l.Lang, Minutes: 2,
		Instruction: &catalogue.InstructionDetail{}}
	var body strings.Builder
	for _, sec := range []struct{ nl, en, text string }{
		{"Situatie", "Situation", l.Situation}, {"Oorzaak", "Cause", l.Cause}, {"Wat we leerden", "What we learned", l.Learned},
	} {
		if strings.TrimSpace(sec.text) == "" {
			continue
		}
		h := sec.en
		if l.Lang == "nl" {
			h = sec.nl
		}
		body.WriteString("**" + h + "**\n\n" + strings.TrimSpace(sec.text) + "\n\n")
	}
	var steps []catalogue.Step
	for _, line := range strings.Split(l.NextTime, "\n") {
		line = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(line), "-*0123456789.)"))
		if line == "" || len(steps) == catalogue.MaxSteps {
			continue
		}
		if len(line) > catalogue.MaxStepText {
			line = line[:catalogue.MaxStepText]
		}
		if l.Lang == "nl" {
			steps = append(steps, catalogue.Step{TextNL: line})
		} else {
			steps = append(steps, catalogue.Step{TextEN: line})
		}
	}
	it.Instruction.Steps = steps
	text := strings.TrimSpace(body.String())
	if len(text) > catalogue.MaxBody {
		text = text[:catalogue.MaxBody]
	}
	if l.Lang == "nl" {
		it.TitleNL, it.BodyNL = l.Title, text
	} else {
		it.TitleEN, it.BodyEN = l.Title, text
	}
	for _, c := range l.Competences {
		it.Outcomes = append(it.Outcomes, catalogue.Outcome{CompetenceID: c, Level: 1})
	}
	return it
}
