package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"rsc.io/qr"

	"github.com/bakenhq/baken/internal/catalogue"
	"github.com/bakenhq/baken/internal/catalogue/catindex"
	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

// Places: machines, workstations and areas with a QR label; scanning the
// label opens the place page with its instructions and who can help.

func (s *Server) registerPlaces() {
	m := s.mux
	manage := func(h http.HandlerFunc) http.HandlerFunc { return s.Allowed(catalogue.CanManagePlaces, h) }
	m.HandleFunc("GET /places", manage(s.placesPage))
	m.HandleFunc("GET /places/new", manage(s.newPlacePage))
	m.HandleFunc("POST /places", manage(s.savePlace))
	m.HandleFunc("GET /places/labels", manage(s.labelsPage))
	m.HandleFunc("GET /places/{id}", manage(s.editPlacePage))
	m.HandleFunc("POST /places/{id}", manage(s.savePlace))
	m.HandleFunc("POST /places/{id}/delete", manage(s.deletePlace))
	m.HandleFunc("GET /p/{code}", s.Authed(s.placePage))
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

type placesView struct {
	Page
	Sites  []*tenancy.Site
	SiteID string
	Places []*catalogue.Place
}

func (s *Server) placesPage(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	v := placesView{Page: s.NewPage(r, "places.title"), SiteID: r.URL.Query().Get("site")}
	var err error
	if v.Sites, err = s.db.Sites(r.Context(), st.Org.ID); err == nil {
		v.Places, err = s.db.Places(r.Context(), st.Org.ID, store.PlaceFilter{SiteID: v.SiteID})
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "places.html", v)
}

type placeFormView struct {
	Page
	Place       *catalogue.Place
	New         bool
	Sites       []*tenancy.Site
	Kinds       []catalogue.PlaceKind
	Competences []*competence.Competence
	Rows        []catalogue.Outcome
	Scale       competence.Scale
	Items       []*catalogue.Item
	ItemSet     map[string]bool
}

func (s *Server) renderPlaceForm(w http.ResponseWriter, r *http.Request, status int, p *catalogue.Place, isNew bool, ferr error) {
	st := From(r)
	ctx := r.Context()
	v := placeFormView{Page: s.NewPage(r, "places.edit"), Place: p, New: isNew, Kinds: catalogue.PlaceKinds, ItemSet: map[string]bool{}}
	if isNew {
		v.Title = v.T("places.new")
	}
	var err error
	if v.Sites, err = s.db.Sites(ctx, st.Org.ID); err == nil {
		if v.Competences, _, err = s.db.Competences(ctx, st.Org.ID, competence.Filter{Limit: 1000}); err == nil {
			if v.Scale, err = s.db.Scale(ctx, st.Org.ID); err == nil {
				v.Items, err = s.db.LearningItems(ctx, st.Org.ID, store.ItemFilter{Status: []catalogue.Status{catalogue.Draft, catalogue.InReview, catalogue.Published}})
			}
		}
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, id := range p.ItemIDs {
		v.ItemSet[id] = true
	}
	v.Rows = append(v.Rows, p.Competences...)
	for len(v.Rows) < len(p.Competences)+2 || len(v.Rows) < 3 {
		v.Rows = append(v.Rows, catalogue.Outcome{Level: catalogue.HelpLevel})
	}
	if ferr != nil {
		v.Error, v.FieldErrors = s.Message(r, ferr), s.FieldErrors(r, ferr)
	}
	s.Render(w, r, status, "place_form.html", v)
}

func (s *Server) newPlacePage(w http.ResponseWriter, r *http.Request) {
	s.renderPlaceForm(w, r, http.StatusOK, &catalogue.Place{Kind: catalogue.Machine, SiteID: r.URL.Query().Get("site")}, true, nil)
}

func (s *Server) editPlacePage(w http.ResponseWriter, r *http.Request) {
	p, err := s.db.Place(r.Context(), From(r).Org.ID, r.PathValue("id"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.renderPlaceForm(w, r, http.StatusOK, p, false, nil)
}

func (s *Server) savePlace(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	ctx := r.Context()
	f := r.PostForm
	p := &catalogue.Place{ID: r.PathValue("id"), SiteID: f.Get("site_id"), Code: f.Get("code"), Kind: catalogue.PlaceKind(f.Get("kind")),
		NameNL: f.Get("name_nl"), NameEN: f.Get("name_en"), ItemIDs: f["item"]}
	levels := f["level"]
	for i, id := range f["competence"] {
		if id == "" {
			continue
		}
		lvl := catalogue.HelpLevel
		if i < len(levels) {
			if n, err := strconv.Atoi(levels[i]); err == nil && n > 0 {
				lvl = n
			}
		}
		p.Competences = append(p.Competences, catalogue.Outcome{CompetenceID: id, Level: lvl})
	}
	isNew := p.ID == ""
	var err error
	if isNew {
		err = s.db.CreatePlace(ctx, st.Org.ID, p)
	} else {
		err = s.db.UpdatePlace(ctx, st.Org.ID, p)
	}
	if err != nil {
		if isNew {
			p.ID = ""
		}
		s.renderPlaceForm(w, r, Status(err), p, isNew, err)
		return
	}
	if full, err := s.db.Place(ctx, st.Org.ID, p.ID); err == nil {
		if err := catindex.Place(ctx, s.indexer(), full); err != nil {
			s.log.Error("search index: place", "place", p.ID, "err", err)
		}
	}
	s.audit(r, st.Org.ID, st.Principal.PersonID, "place.save", p.ID, p.Code)
	s.Flash(w, r, "places.saved")
	http.Redirect(w, r, "/p/"+p.Code, http.StatusSeeOther)
}

func (s *Server) deletePlace(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	id := r.PathValue("id")
	if err := s.db.DeletePlace(r.Context(), st.Org.ID, id); err != nil {
		s.Fail(w, r, err)
		return
	}
	if err := catindex.DeletePlace(r.Context(), s.indexer(), st.Org.ID, id); err != nil {
		s.log.Error("search index: place", "place", id, "err", err)
	}
	s.audit(r, st.Org.ID, st.Principal.PersonID, "place.delete", id, "")
	s.Flash(w, r, "places.deleted")
	http.Redirect(w, r, "/places", http.StatusSeeOther)
}

type placeView struct {
	Page
	*catalogue.PlaceView
	OtherName string // the name in the other language, when it differs
	CanManage bool
	CanAuthor bool
	Sections  []template.HTML // other areas' blocks (lessons learned), AddPlaceSection
}

// placePage is what a QR label opens: mobile-first and light, so that it
// loads at once on shop-floor Wi-Fi and again from the service worker's
// cache without any network.
func (s *Server) placePage(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	v, err := s.db.PlaceView(r.Context(), st.Org.ID, r.PathValue("code"), st.Lang, time.Now())
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	pv := placeView{Page: s.NewPage(r, ""), PlaceView: v, CanManage: catalogue.CanManagePlaces(*st.Principal), CanAuthor: catalogue.CanAuthor(*st.Principal)}
	pv.Title = v.Place.Name(st.Lang)
	pv.Sections = s.placeSectionsFor(r, v.Place)
	if o := v.Place.Name(pv.Page.Other()); o != pv.Title {
		pv.OtherName = o
	}
	s.Render(w, r, http.StatusOK, "place.html", pv)
}

// Labels.

type label struct {
	Place *catalogue.Place
	URL   string
	QR    template.HTML
}

type labelsView struct {
	Page
	Sheets [][]label // 8 labels an A4 sheet
	Sites  []*tenancy.Site
	SiteID string
}

const labelsPerSheet = 8

// baseURL is the scheme and host the labels point at: the one this page
// was requested on, so that a label printed from the company's address
// opens there.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) labelsPage(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	q := r.URL.Query()
	v := labelsView{Page: s.NewPage(r, "places.labels"), SiteID: q.Get("site")}
	var err error
	if v.Sites, err = s.db.Sites(r.Context(), st.Org.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	f := store.PlaceFilter{SiteID: v.SiteID}
	for _, id := range q["id"] {
		if core.ValidID(id) {
			f.IDs = append(f.IDs, id)
		}
	}
	places, err := s.db.Places(r.Context(), st.Org.ID, f)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	base := baseURL(r)
	var sheet []label
	for _, p := range places {
		u := base + catindex.PlaceURL(p.Code)
		svg, err := qrSVG(u)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		sheet = append(sheet, label{Place: p, URL: u, QR: svg})
		if len(sheet) == labelsPerSheet {
			v.Sheets, sheet = append(v.Sheets, sheet), nil
		}
	}
	if len(sheet) > 0 {
		v.Sheets = append(v.Sheets, sheet)
	}
	s.Render(w, r, http.StatusOK, "place_labels.html", v)
}

// qrSVG draws a QR code of text as an SVG with one path: crisp at any print
// size and a few hundred bytes. Error correction level M survives a
// scratched or oily label (15% of the code).
func qrSVG(text string) (template.HTML, error) {
	c, err := qr.Encode(text, qr.M)
	if err != nil {
		return "", fmt.Errorf("qr: %w", err)
	}
	const quiet = 4 // the quiet zone the standard asks for
	n := c.Size + 2*quiet
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges" role="img" aria-label="QR"><rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n, n, n)
	for y := 0; y < c.Size; y++ {
		for x := 0; x < c.Size; x++ {
			if c.Black(x, y) {
				// Runs of dark modules as one rectangle keep the path short.
				run := 1
				for x+run < c.Size && c.Black(x+run, y) {
					run++
				}
				fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x+quiet, y+quiet, run, run)
				x += run - 1
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return template.HTML(b.String()), nil
}
