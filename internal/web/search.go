package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bakenhq/baken/internal/i18n"
	"github.com/bakenhq/baken/internal/project"
	"github.com/bakenhq/baken/internal/project/projindex"
	"github.com/bakenhq/baken/internal/search"
	"github.com/bakenhq/baken/internal/search/reindex"
)

// The global search: the box in the header (every page, a plain GET form
// that works without JavaScript), the results page with facets, and a
// small JSON endpoint that search.js uses to show results while typing.

func (s *Server) registerSearch() {
	s.mux.HandleFunc("GET /search", s.Authed(s.searchPage))
	s.mux.HandleFunc("GET /search/suggest", s.Authed(s.searchSuggest))
}

// searchIndex is the node's shared index (wired by the app), or one this
// server loads itself on first use.
func (s *Server) searchIndex(ctx context.Context) (*search.Index, error) {
	if s.opt.Search != nil {
		return s.opt.Search, nil
	}
	v, _ := ownIndexes.LoadOrStore(s, &lazyIndex{})
	own := v.(*lazyIndex)
	own.once.Do(func() {
		ix := search.NewIndex(s.db)
		if _, err := ix.Load(context.WithoutCancel(ctx)); err != nil {
			own.err = err
			return
		}
		own.ix = ix
	})
	return own.ix, own.err
}

// ownIndexes holds the index of each Server built without one (tests).
var ownIndexes sync.Map // *Server → *lazyIndex

type lazyIndex struct {
	once sync.Once
	ix   *search.Index
	err  error
}

// coreFresh remembers when each organisation's people, sites, teams and
// competences were last brought into the index. Those tables belong to
// other areas that do not call the index on every write, so a search
// refreshes them in the background at most once a minute; unchanged
// documents cost no write (search.Index.Upsert skips them).
var coreFresh = struct {
	sync.Mutex
	at map[string]time.Time
}{at: map[string]time.Time{}}

const coreRefreshEvery = time.Minute

func (s *Server) refreshCore(ix *search.Index, orgID string) {
	coreFresh.Lock()
	last, seen := coreFresh.at[orgID]
	if seen && time.Since(last) < coreRefreshEvery {
		coreFresh.Unlock()
		return
	}
	coreFresh.at[orgID] = time.Now()
	coreFresh.Unlock()
	run := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if err := reindex.Core(ctx, s.db, ix, orgID); err != nil {
			s.log.Error("search: reindex core", "org", orgID, "err", err)
		}
	}
	if !seen && len(ix.IDs(orgID, search.KindPerson)) == 0 {
		// The first search of an organisation whose people are not
		// indexed yet waits for them, so that it finds them.
		run()
		return
	}
	go run()
}

// scope is who searches: the organisation and its partners, and the keys
// of the signed-in person for documents narrowed to some of its people
// (lessons shared with a team: projindex.ReaderKeys).
func (s *Server) searchScope(r *http.Request) (search.Scope, error) {
	st := From(r)
	sc := search.Scope{OrgID: st.Org.ID}
	partners, err := s.db.Partners(r.Context(), st.Org.ID)
	if err != nil {
		return sc, err
	}
	for _, p := range partners {
		sc.PartnerOrgIDs = append(sc.PartnerOrgIDs, p.ID)
	}
	rd := project.Reader{Principal: *st.Principal}
	if st.Person != nil {
		rd.TeamID = st.Person.TeamID
	}
	// A team's lead is whoever the team names, whatever their roles.
	teams, err := s.db.TeamsLedBy(r.Context(), st.Org.ID, st.Principal.PersonID)
	if err != nil {
		return sc, err
	}
	var led []string
	for _, t := range teams {
		led = append(led, t.ID)
	}
	sc.Keys = projindex.ReaderKeys(rd, led)
	return sc, nil
}

type facetView struct {
	Name   string // facet name, also the query parameter
	Label  string
	Values []facetValueView
}

type facetValueView struct {
	Value, Label string
	Count        int
	Selected     bool
	ID           string // input id
}

type searchHit struct {
	search.Result
	TypeLabel string
}

type searchView struct {
	Page
	Q         string
	Hits      []searchHit
	Total     int
	More      bool // more than Total matches
	Facets    []facetView
	Searched  bool
	PrevURL   string
	NextURL   string
	ClearURL  string
	ESCONote  bool
	Filtering bool
}

const searchPageSize = 20

func queryFromRequest(r *http.Request, lang string) search.Query {
	v := r.URL.Query()
	q := search.Query{Text: strings.TrimSpace(v.Get("q")), Lang: lang, Facets: true, Limit: searchPageSize}
	clean := func(vs []string) []string {
		var out []string
		for _, x := range vs {
			if x = strings.TrimSpace(x); x != "" && len(x) <= 200 && len(out) < 20 {
				out = append(out, x)
			}
		}
		return out
	}
	q.Filters = search.Filters{Type: clean(v["type"]), Competence: clean(v["competence"]), Lang: clean(v["lang"]),
		Duration: clean(v["duration"]), Site: clean(v["site"])}
	if p, err := strconv.Atoi(v.Get("page")); err == nil && p > 1 {
		q.Offset = min((p-1)*searchPageSize, 1000)
	}
	return q
}

func (s *Server) runSearch(w http.ResponseWriter, r *http.Request, q search.Query) (*search.Results, bool) {
	ix, err := s.searchIndex(r.Context())
	if err != nil {
		s.Fail(w, r, err)
		return nil, false
	}
	orgID := From(r).Org.ID
	s.refreshCore(ix, orgID)
	sc, err := s.searchScope(r)
	if err != nil {
		s.Fail(w, r, err)
		return nil, false
	}
	res, err := ix.Query(r.Context(), sc, q)
	if err != nil {
		s.Fail(w, r, err)
		return nil, false
	}
	return res, true
}

func (s *Server) typeLabel(lang, typ string) string {
	return tr(lang, "search.type."+typ, typ)
}

func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	q := queryFromRequest(r, st.Lang)
	v := searchView{Page: s.NewPage(r, "search.title"), Q: q.Text}
	if q.Text != "" {
		res, ok := s.runSearch(w, r, q)
		if !ok {
			return
		}
		v.Searched, v.Total, v.More = true, res.Total, res.More
		for _, h := range res.Hits {
			v.Hits = append(v.Hits, searchHit{Result: h, TypeLabel: s.typeLabel(st.Lang, h.Type)})
			if h.Kind == search.KindCompetence && h.OrgID == "" {
				v.ESCONote = true
			}
		}
		for _, name := range search.FacetNames {
			fv := facetView{Name: name, Label: tr(st.Lang, "search.facet."+name, name)}
			for _, x := range res.Facets[name] {
				label := x.Label
				switch name {
				case search.FacetType:
					label = s.typeLabel(st.Lang, x.Value)
				case search.FacetLang, search.FacetDuration:
					label = tr(st.Lang, "search."+name+"."+x.Value, x.Value)
				}
				if label == "" {
					label = x.Value
				}
				v.Filtering = v.Filtering || x.Selected
				fv.Values = append(fv.Values, facetValueView{Value: x.Value, Label: label, Count: x.Count, Selected: x.Selected,
					ID: "f-" + name + "-" + strconv.Itoa(len(fv.Values))})
			}
			if len(fv.Values) > 0 {
				v.Facets = append(v.Facets, fv)
			}
		}
		page := q.Offset/searchPageSize + 1
		link := func(p int) string {
			u := *r.URL
			vals := u.Query()
			vals.Set("page", strconv.Itoa(p))
			u.RawQuery = vals.Encode()
			return u.RequestURI()
		}
		if page > 1 {
			v.PrevURL = link(page - 1)
		}
		if (q.Offset+len(res.Hits) < res.Total || res.More) && len(res.Hits) == searchPageSize && q.Offset+searchPageSize < 1000 {
			v.NextURL = link(page + 1)
		}
		v.ClearURL = "/search?q=" + url.QueryEscape(q.Text)
	}
	s.Render(w, r, http.StatusOK, "search.html", v)
}

// searchSuggest answers the box while typing: the top results as JSON
// (title, type, url), no facets, so it stays within a few milliseconds.
func (s *Server) searchSuggest(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	text := strings.TrimSpace(r.URL.Query().Get("q"))
	type item struct {
		Title string `json:"title"`
		Type  string `json:"type"`
		URL   string `json:"url"`
	}
	out := struct {
		Items []item `json:"items"`
		All   string `json:"all"`
	}{Items: []item{}}
	if text != "" {
		// Keep what the user typed, trailing space included: it says
		// whether the last word is finished.
		res, ok := s.runSearch(w, r, search.Query{Text: r.URL.Query().Get("q"), Lang: st.Lang, Limit: 8})
		if !ok {
			return
		}
		for _, h := range res.Hits {
			out.Items = append(out.Items, item{Title: h.Title, Type: s.typeLabel(st.Lang, h.Type), URL: safeResultURL(h.URL)})
		}
		out.All = "/search?q=" + url.QueryEscape(text)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(out)
}

// safeResultURL keeps result links on this site.
func safeResultURL(u string) string {
	if u == "" {
		return "/search"
	}
	return safeNext(u)
}

// tr translates key, or returns def when the catalogue lacks it (facet
// values come from the data: an unknown type shows as it is).
func tr(lang, key, def string) string {
	if i18n.Has(lang, key) {
		return i18n.T(lang, key)
	}
	return def
}
