package web

import (
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/bakenhq/baken/internal/catalogue"
	"github.com/bakenhq/baken/internal/catalogue/catindex"
	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/i18n"
	"github.com/bakenhq/baken/internal/markdown"
	"github.com/bakenhq/baken/internal/search"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

// The learning catalogue: the list, the instruction page with "Done" and
// "I can do this now", the editor for experts with photo upload, review,
// history and usage. Places and their labels are in places.go.

func (s *Server) registerCatalogue() {
	m := s.mux
	author := func(h http.HandlerFunc) http.HandlerFunc { return s.Allowed(catalogue.CanAuthor, h) }
	m.HandleFunc("GET /learn", s.Authed(s.learnList))
	m.HandleFunc("GET /learn/new", author(s.newItemPage))
	m.HandleFunc("POST /learn", author(s.createItem))
	m.HandleFunc("GET /learn/{id}", s.Authed(s.itemPage))
	m.HandleFunc("GET /learn/{id}/edit", author(s.editItemPage))
	m.HandleFunc("POST /learn/{id}", author(s.updateItem))
	m.HandleFunc("POST /learn/{id}/review", author(s.reviewItem))
	m.HandleFunc("POST /learn/{id}/use", s.Authed(s.useItem))
	m.HandleFunc("GET /learn/{id}/about", s.Authed(s.itemAbout))
	m.HandleFunc("GET /media/{id}", s.Authed(s.serveMedia))
	m.HandleFunc("GET /sw.js", s.serviceWorker)
	s.registerPlaces()
	s.AddNav(NavEntry{Href: "/learn", LabelKey: "nav.learn"})
	s.AddNav(NavEntry{Href: "/places", LabelKey: "nav.places", Show: catalogue.CanManagePlaces})
}

// indexer is the search index the catalogue keeps in step: the node's
// shared index when the app wired one, else a private one that only
// writes search_docs (the shared index reads them on Refresh).
func (s *Server) indexer() catindex.Indexer {
	if s.opt.Search != nil {
		return s.opt.Search
	}
	return search.NewIndex(s.db)
}

// reindexItem brings the search index in step after a change. A failure
// is logged, not shown: the change itself is saved, and the next
// reindex repairs the index.
func (s *Server) reindexItem(r *http.Request, it *catalogue.Item) {
	if err := catindex.Item(r.Context(), s.indexer(), it); err != nil {
		s.log.Error("search index: item", "item", it.ID, "err", err)
	}
}

type learnListView struct {
	Page
	Published []*catalogue.Item
	Mine      []*catalogue.Item // drafts and items in review the user may work on
	CanAuthor bool
}

func (s *Server) learnList(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	v := learnListView{Page: s.NewPage(r, "learn.title"), CanAuthor: catalogue.CanAuthor(*st.Principal)}
	var err error
	if v.Published, err = s.db.LearningItems(ctx, st.Org.ID, store.ItemFilter{Status: []catalogue.Status{catalogue.Published}}); err != nil {
		s.Fail(w, r, err)
		return
	}
	if v.CanAuthor {
		if v.Mine, err = s.db.LearningItems(ctx, st.Org.ID, store.ItemFilter{Status: []catalogue.Status{catalogue.Draft, catalogue.InReview}}); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	s.Render(w, r, http.StatusOK, "learn_list.html", v)
}

// itemFor loads an item the signed-in person may read: of their own
// organisation (drafts only for authors), or shared with it. shared
// reports the latter: such an item is read-only here.
func (s *Server) itemFor(r *http.Request) (it *catalogue.Item, shared bool, err error) {
	st := From(r)
	id := r.PathValue("id")
	if !core.ValidID(id) {
		return nil, false, core.ErrNotFound
	}
	it, err = s.db.LearningItem(r.Context(), st.Org.ID, id)
	if errors.Is(err, core.ErrNotFound) {
		it, err = s.db.SharedLearningItem(r.Context(), st.Org.ID, id)
		shared = true
	}
	if err != nil {
		return nil, false, err
	}
	if !catalogue.Readable(*st.Principal, it, shared) {
		return nil, false, core.ErrNotFound
	}
	return it, shared, nil
}

type stepView struct {
	N     int
	HTML  template.HTML
	Media *catalogue.Media
	Link  string
}

type itemView struct {
	Page
	Item       *catalogue.Item
	Body       template.HTML
	Steps      []stepView
	Safety     []string
	Tools      []string
	Place      *catalogue.Place // opened from this place (its QR code)
	Shared     bool
	CanEdit    bool
	CanReview  bool
	CanUsage   bool
	CanSubmit  bool
	HasOutcome bool
	Done       string // the usage just recorded, for the thank-you line
}

func (s *Server) itemPage(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	it, shared, err := s.itemFor(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := *st.Principal
	v := itemView{Page: s.NewPage(r, ""), Item: it, Shared: shared, Done: r.URL.Query().Get("done")}
	v.Title = it.Title(st.Lang)
	v.Body = markdown.HTML(it.Body(st.Lang))
	v.HasOutcome = len(it.Outcomes) > 0
	if !shared {
		v.CanEdit = catalogue.CanEdit(p, it)
		v.CanReview = it.Status == catalogue.InReview && catalogue.CanReview(p, it)
		v.CanSubmit = it.Status == catalogue.Draft && v.CanEdit
		v.CanUsage = catalogue.CanSeeUsage(p, it)
		if code := r.URL.Query().Get("place"); code != "" {
			if pl, err := s.db.PlaceByCode(ctx, st.Org.ID, code); err == nil {
				v.Place = pl
			}
		}
	}
	if in := it.Instruction; in != nil {
		v.Safety, v.Tools = in.Safety(st.Lang), in.Tools(st.Lang)
		media, err := s.db.MediaInfo(ctx, it.OrgID, it.MediaIDs())
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		for i, step := range in.Steps {
			v.Steps = append(v.Steps, stepView{N: i + 1, HTML: markdown.HTML(step.Text(st.Lang)), Media: media[step.MediaID], Link: step.Link})
		}
	}
	// The service worker keeping a page for offline use is not a reader.
	if !shared && it.Status == catalogue.Published && v.Done == "" && r.Header.Get("X-Baken-Prefetch") == "" {
		u := &catalogue.Usage{ItemID: it.ID, PersonID: p.PersonID, Kind: catalogue.UseView}
		if v.Place != nil {
			u.PlaceID = v.Place.ID
		}
		if err := s.db.RecordUsage(ctx, st.Org.ID, u); err != nil {
			s.log.Warn("record view", "err", err)
		}
	}
	s.Render(w, r, http.StatusOK, "learn_item.html", v)
}

// useItem records "Done", "I can do this now" and "this helped"; the
// first two also record self-declared evidence for the competences the
// item develops, which the team lead validates in the matrix.
func (s *Server) useItem(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	it, shared, err := s.itemFor(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if shared || it.Status != catalogue.Published {
		s.Fail(w, r, &core.Error{Code: core.EConflict, Message: "only published items of your organisation can be marked", Key: "learn.err.not_usable"})
		return
	}
	kind := catalogue.UsageKind(r.PostFormValue("kind"))
	if kind == catalogue.UseView || !kind.Valid() {
		s.Fail(w, r, core.Invalid("kind", "unknown usage"))
		return
	}
	u := &catalogue.Usage{ItemID: it.ID, PersonID: st.Principal.PersonID, Kind: kind, Comment: r.PostFormValue("comment")}
	code := r.PostFormValue("place")
	if code != "" {
		if pl, err := s.db.PlaceByCode(ctx, st.Org.ID, code); err == nil {
			u.PlaceID = pl.ID
		} else {
			code = ""
		}
	}
	if err := s.db.RecordUsage(ctx, st.Org.ID, u); err != nil {
		s.Fail(w, r, err)
		return
	}
	if kind == catalogue.UseDone || kind == catalogue.UseCanDo {
		if err := s.declare(r, it, kind); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	if kind == catalogue.UseDone {
		s.recordItemCompleted(r, it.ID)
	}
	q := url.Values{"done": {string(kind)}}
	if code != "" {
		q.Set("place", code)
	}
	http.Redirect(w, r, "/learn/"+it.ID+"?"+q.Encode()+"#feedback", http.StatusSeeOther)
}

// declare records self-assessment evidence for each outcome of it, unless
// the person already declared that level or more: marking an instruction
// done again never lowers what they said before.
func (s *Server) declare(r *http.Request, it *catalogue.Item, kind catalogue.UsageKind) error {
	st := From(r)
	ctx := r.Context()
	if len(it.Outcomes) == 0 {
		return nil
	}
	scale, err := s.db.Scale(ctx, st.Org.ID)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	cur, err := s.db.CurrentLevels(ctx, st.Org.ID, store.LevelFilter{PersonIDs: []string{st.Principal.PersonID}, CompetenceIDs: it.CompetenceIDs()}, now)
	if err != nil {
		return err
	}
	had := map[string]int{}
	for _, c := range cur {
		had[c.CompetenceID] = c.SelfLevel
	}
	var evs []*competence.Evidence
	for _, o := range it.Outcomes {
		lvl := min(catalogue.SelfLevel(kind, o), scale.Max())
		if lvl <= 0 || had[o.CompetenceID] >= lvl {
			continue
		}
		evs = append(evs, &competence.Evidence{PersonID: st.Principal.PersonID, CompetenceID: o.CompetenceID, Level: lvl,
			Kind: competence.SelfAssessment, RecordedBy: st.Principal.PersonID, RecordedAt: now,
			Note: fmt.Sprintf("%s: %s", i18n.T(st.Lang, "learn.usage."+string(kind)), it.Title(st.Lang))})
	}
	return s.db.AddEvidenceBatch(ctx, st.Org.ID, evs)
}

// reviewItem moves an item through its review cycle.
func (s *Server) reviewItem(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	it, err := s.db.LearningItem(r.Context(), st.Org.ID, r.PathValue("id"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	act := catalogue.Action(r.PostFormValue("action"))
	if act == catalogue.ActSave {
		act = ""
	}
	next, err := catalogue.Transition(*st.Principal, it, act)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	note := string(act)
	if c := r.PostFormValue("note"); c != "" {
		note += ": " + truncate(c, 500)
	}
	if act == catalogue.ActPublish || act == catalogue.ActReject {
		it.ReviewerID = st.Principal.PersonID
	}
	it.Status = next
	if v, _ := strconv.Atoi(r.PostFormValue("version")); v > 0 {
		it.Version = v
	}
	if err := s.db.UpdateLearningItem(r.Context(), st.Org.ID, it, st.Principal.PersonID, note); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.reindexItem(r, it)
	s.audit(r, st.Org.ID, st.Principal.PersonID, "learning_item."+string(act), it.ID, it.Title("en"))
	s.Flash(w, r, "learn.flash."+string(act))
	http.Redirect(w, r, "/learn/"+it.ID, http.StatusSeeOther)
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

type itemAboutView struct {
	Page
	Item     *catalogue.Item
	Usage    *catalogue.UsageStats
	Versions []catalogue.Version
	Places   []*catalogue.Place
}

// itemAbout shows an item's use and history to its authors.
func (s *Server) itemAbout(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	it, err := s.db.LearningItem(ctx, st.Org.ID, r.PathValue("id"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if !catalogue.CanSeeUsage(*st.Principal, it) {
		s.Fail(w, r, core.Forbidden("see how this item is used"))
		return
	}
	v := itemAboutView{Page: s.NewPage(r, "learn.about"), Item: it}
	if v.Usage, err = s.db.ItemUsage(ctx, st.Org.ID, it.ID); err == nil {
		if v.Versions, err = s.db.LearningItemVersions(ctx, st.Org.ID, it.ID); err == nil {
			v.Places, err = s.db.Places(ctx, st.Org.ID, store.PlaceFilter{ItemID: it.ID})
		}
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "learn_about.html", v)
}

// The editor.

type itemFormView struct {
	Page
	Item         *catalogue.Item
	New          bool
	Types        []catalogue.Type
	Visibilities []catalogue.Visibility
	Competences  []*competence.Competence
	Scale        competence.Scale
	Outcomes     []catalogue.Outcome // form rows
	Roles        []*competence.RoleProfile
	Teams        []*tenancy.Team
	Places       []*catalogue.Place
	PlaceIDs     map[string]bool // places the item is bound to
	Steps        []catalogue.Step
	Media        map[string]*catalogue.Media
	RoleSet      map[string]bool
	TeamSet      map[string]bool
	SafetyNL     string
	SafetyEN     string
	ToolsNL      string
	ToolsEN      string
}

func joinLines(l []string) string {
	out := ""
	for i, s := range l {
		if i > 0 {
			out += "\n"
		}
		out += s
	}
	return out
}

func (s *Server) renderItemForm(w http.ResponseWriter, r *http.Request, status int, it *catalogue.Item, placeIDs map[string]bool, isNew bool, ferr error) {
	st := From(r)
	ctx := r.Context()
	v := itemFormView{Page: s.NewPage(r, "learn.edit"), Item: it, New: isNew, Types: catalogue.Types, PlaceIDs: placeIDs,
		Visibilities: []catalogue.Visibility{catalogue.VisOrg, catalogue.VisPartners, catalogue.VisPublic},
		RoleSet:      map[string]bool{}, TeamSet: map[string]bool{}}
	if isNew {
		v.Title = v.T("learn.new")
	}
	var err error
	if v.Competences, _, err = s.db.Competences(ctx, st.Org.ID, competence.Filter{Limit: 1000}); err == nil {
		if v.Scale, err = s.db.Scale(ctx, st.Org.ID); err == nil {
			if v.Roles, err = s.db.RoleProfiles(ctx, st.Org.ID); err == nil {
				if v.Teams, err = s.db.Teams(ctx, st.Org.ID, ""); err == nil {
					if v.Places, err = s.db.Places(ctx, st.Org.ID, store.PlaceFilter{}); err == nil {
						v.Media, err = s.db.MediaInfo(ctx, st.Org.ID, it.MediaIDs())
					}
				}
			}
		}
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, id := range it.RoleIDs {
		v.RoleSet[id] = true
	}
	for _, id := range it.TeamIDs {
		v.TeamSet[id] = true
	}
	v.Outcomes = append(v.Outcomes, it.Outcomes...)
	for len(v.Outcomes) < len(it.Outcomes)+2 || len(v.Outcomes) < 3 {
		v.Outcomes = append(v.Outcomes, catalogue.Outcome{Level: 2})
	}
	in := it.Instruction
	if in == nil {
		in = &catalogue.InstructionDetail{}
	}
	v.Steps = append(v.Steps, in.Steps...)
	for len(v.Steps) < len(in.Steps)+2 || len(v.Steps) < 4 {
		v.Steps = append(v.Steps, catalogue.Step{})
	}
	v.SafetyNL, v.SafetyEN, v.ToolsNL, v.ToolsEN = joinLines(in.SafetyNL), joinLines(in.SafetyEN), joinLines(in.ToolsNL), joinLines(in.ToolsEN)
	if ferr != nil {
		v.Error, v.FieldErrors = s.Message(r, ferr), s.FieldErrors(r, ferr)
	}
	s.Render(w, r, status, "learn_form.html", v)
}

func (s *Server) newItemPage(w http.ResponseWriter, r *http.Request) {
	it := &catalogue.Item{Type: catalogue.Instruction, Minutes: 5, Visibility: catalogue.VisOrg, Instruction: &catalogue.InstructionDetail{}}
	places := map[string]bool{}
	if id := r.URL.Query().Get("place"); core.ValidID(id) {
		places[id] = true
	}
	s.renderItemForm(w, r, http.StatusOK, it, places, true, nil)
}

func (s *Server) editItemPage(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	it, err := s.db.LearningItem(r.Context(), st.Org.ID, r.PathValue("id"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if !catalogue.CanEdit(*st.Principal, it) {
		s.Fail(w, r, core.Forbidden("edit this item"))
		return
	}
	bound, err := s.db.Places(r.Context(), st.Org.ID, store.PlaceFilter{ItemID: it.ID})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	places := map[string]bool{}
	for _, p := range bound {
		places[p.ID] = true
	}
	s.renderItemForm(w, r, http.StatusOK, it, places, false, nil)
}

// itemFromForm reads the editor into it, storing uploaded photos and
// videos first. A refused upload is reported for its step; the other
// steps keep what they had.
func (s *Server) itemFromForm(r *http.Request, it *catalogue.Item) (places map[string]bool, err error) {
	st := From(r)
	f := r.PostForm
	if r.MultipartForm != nil {
		f = r.MultipartForm.Value
	}
	get := func(k string) string {
		if v := f[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	it.Type = catalogue.Type(get("type"))
	it.Visibility = catalogue.Visibility(get("visibility"))
	it.TitleNL, it.TitleEN = get("title_nl"), get("title_en")
	it.BodyNL, it.BodyEN = get("body_nl"), get("body_en")
	it.URL = get("url")
	it.Minutes, _ = strconv.Atoi(get("minutes"))
	it.Outcomes = nil
	levels := f["outcome_level"]
	for i, id := range f["outcome_competence"] {
		if id == "" {
			continue
		}
		lvl := 0
		if i < len(levels) {
			lvl, _ = strconv.Atoi(levels[i])
		}
		it.Outcomes = append(it.Outcomes, catalogue.Outcome{CompetenceID: id, Level: lvl})
	}
	it.RoleIDs, it.TeamIDs = f["role"], f["team"]
	in := &catalogue.InstructionDetail{SafetyNL: catalogue.Lines(get("safety_nl")), SafetyEN: catalogue.Lines(get("safety_en")),
		ToolsNL: catalogue.Lines(get("tools_nl")), ToolsEN: catalogue.Lines(get("tools_en"))}
	nl, en, media, links := f["step_text_nl"], f["step_text_en"], f["step_media"], f["step_link"]
	at := func(l []string, i int) string {
		if i < len(l) {
			return l[i]
		}
		return ""
	}
	var uploadErr error
	for i := range max(len(nl), len(en)) {
		step := catalogue.Step{TextNL: at(nl, i), TextEN: at(en, i), MediaID: at(media, i), Link: at(links, i)}
		if r.MultipartForm != nil {
			fhs := r.MultipartForm.File[fmt.Sprintf("step_file_%d", i)]
			if len(fhs) == 0 || fhs[0].Size == 0 {
				fhs = r.MultipartForm.File[fmt.Sprintf("step_video_%d", i)]
			}
			if len(fhs) > 0 && fhs[0].Size > 0 {
				m, err := s.saveUpload(r, fhs[0].Filename, func() (io.ReadCloser, error) { return fhs[0].Open() })
				if err != nil {
					if uploadErr == nil {
						uploadErr = stepError(r, i, err)
					}
				} else {
					step.MediaID = m.ID
				}
			}
		}
		if get(fmt.Sprintf("step_remove_%d", i)) != "" {
			step.MediaID = ""
		}
		in.Steps = append(in.Steps, step)
	}
	if it.Type == catalogue.Instruction {
		it.Instruction = in
	}
	places = map[string]bool{}
	for _, id := range f["place"] {
		places[id] = true
	}
	_ = st
	return places, uploadErr
}

// stepError names the step whose upload was refused, keeping the
// translated reason.
func stepError(r *http.Request, i int, err error) error {
	var e *core.Error
	if errors.As(err, &e) {
		c := *e
		c.Field = "steps"
		c.Message = fmt.Sprintf("step %d: %s", i+1, e.Message)
		return &c
	}
	return err
}

// saveUpload stores one uploaded file, read up to the largest size
// allowed plus one byte (so that an oversized file is recognised without
// reading all of it).
func (s *Server) saveUpload(r *http.Request, name string, open func() (io.ReadCloser, error)) (*catalogue.Media, error) {
	st := From(r)
	f, err := open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, catalogue.MaxVideoBytes+1))
	if err != nil {
		return nil, err
	}
	m := &catalogue.Media{Name: name, Data: data, CreatedBy: st.Principal.PersonID}
	if err := s.db.SaveMedia(r.Context(), st.Org.ID, m); err != nil {
		return nil, err
	}
	return m, nil
}

func (s *Server) createItem(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	it := &catalogue.Item{AuthorID: st.Principal.PersonID, Status: catalogue.Draft}
	places, err := s.itemFromForm(r, it)
	if err == nil {
		err = s.db.CreateLearningItem(r.Context(), st.Org.ID, it, st.Principal.PersonID)
	}
	if err != nil {
		it.ID = ""
		s.renderItemForm(w, r, Status(err), it, places, true, err)
		return
	}
	s.afterSave(w, r, it, places, nil)
}

func (s *Server) updateItem(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	it, err := s.db.LearningItem(r.Context(), st.Org.ID, r.PathValue("id"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	next, err := catalogue.Transition(*st.Principal, it, catalogue.ActSave)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	was := it.Status
	places, err := s.itemFromForm(r, it)
	it.Status = next
	if v, _ := strconv.Atoi(r.PostFormValue("version")); v > 0 {
		it.Version = v
	}
	if err == nil {
		err = s.db.UpdateLearningItem(r.Context(), st.Org.ID, it, st.Principal.PersonID, "saved")
	}
	if err != nil {
		it.Status = was
		s.renderItemForm(w, r, Status(err), it, places, false, err)
		return
	}
	bound, err := s.db.Places(r.Context(), st.Org.ID, store.PlaceFilter{ItemID: it.ID})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.afterSave(w, r, it, places, bound)
}

// afterSave binds the item to the places ticked (and unbinds the others),
// updates the search index, and submits for review when asked.
func (s *Server) afterSave(w http.ResponseWriter, r *http.Request, it *catalogue.Item, places map[string]bool, bound []*catalogue.Place) {
	st := From(r)
	ctx := r.Context()
	for id := range places {
		if err := s.db.AddItemToPlace(ctx, st.Org.ID, id, it.ID); err != nil && !errors.Is(err, core.ErrNotFound) {
			s.Fail(w, r, err)
			return
		}
	}
	for _, p := range bound {
		if !places[p.ID] {
			if err := s.db.RemoveItemFromPlace(ctx, st.Org.ID, p.ID, it.ID); err != nil {
				s.Fail(w, r, err)
				return
			}
		}
	}
	flash := "learn.flash.saved"
	if r.PostFormValue("submit") != "" {
		if next, err := catalogue.Transition(*st.Principal, it, catalogue.ActSubmit); err == nil {
			it.Status = next
			if err := s.db.UpdateLearningItem(ctx, st.Org.ID, it, st.Principal.PersonID, "submit"); err != nil {
				s.Fail(w, r, err)
				return
			}
			flash = "learn.flash.submit"
		}
	}
	s.reindexItem(r, it)
	s.audit(r, st.Org.ID, st.Principal.PersonID, "learning_item.save", it.ID, it.Title("en"))
	s.Flash(w, r, flash)
	http.Redirect(w, r, "/learn/"+it.ID, http.StatusSeeOther)
}

// serveMedia sends a photo or video. Media never change (a new upload
// gets a new id), so browsers and the service worker may keep them for a
// year; private, because they belong to an organisation.
func (s *Server) serveMedia(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	id := r.PathValue("id")
	if !core.ValidID(id) {
		s.NotFound(w, r)
		return
	}
	m, err := s.db.Media(r.Context(), st.Org.ID, id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", m.ContentType)
	h.Set("Cache-Control", "private, max-age=31536000, immutable")
	h.Set("ETag", `"`+m.SHA256[:16]+`"`)
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Content-Disposition", "inline")
	http.ServeContent(w, r, "", m.CreatedAt, bytesReader(m.Data))
}
