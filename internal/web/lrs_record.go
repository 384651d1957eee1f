package web

import (
	"bufio"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
	"github.com/bakenhq/baken/internal/xapi"
)

// A person's learning record: every statement of the organisation's LRS
// about them (from Baken itself and from outside sources), in plain words,
// and as xAPI JSON to take along.

// recordPageSize is how many statements one page of the record shows.
const recordPageSize = 25

type recordView struct {
	Page
	P       *tenancy.Person
	IsSelf  bool
	Entries []xapi.Plain
	NextURL string
	First   bool
}

// recordPerson loads the person of the path and checks that the
// principal may see their record: who may see their levels may see it.
func (s *Server) recordPerson(r *http.Request) (*tenancy.Person, bool, error) {
	st := From(r)
	id := r.PathValue("id")
	if !core.ValidID(id) {
		return nil, false, core.ErrNotFound
	}
	p, err := s.db.Person(r.Context(), st.Org.ID, id)
	if err != nil {
		return nil, false, err
	}
	isSelf, leads := s.relation(r.Context(), st, p)
	if !competence.CanView(*st.Principal, isSelf, leads) {
		return nil, false, core.Forbidden("see this person's learning record")
	}
	return p, isSelf, nil
}

func (s *Server) ownRecord(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/people/"+From(r).Principal.PersonID+"/record", http.StatusSeeOther)
}

func (s *Server) recordPage(w http.ResponseWriter, r *http.Request) {
	p, isSelf, err := s.recordPerson(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	var before int64
	if b := r.URL.Query().Get("before"); b != "" {
		if before, err = strconv.ParseInt(b, 10, 64); err != nil || before <= 0 {
			s.Fail(w, r, &core.Error{Code: core.EInvalid, Field: "before", Message: "the page link is broken", Key: "lrs.err.cursor"})
			return
		}
	}
	entries, next, err := s.describeRecord(r, p, isSelf, before, recordPageSize)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v := recordView{Page: s.NewPage(r, "lrs.record.title"), P: p, IsSelf: isSelf, Entries: entries, First: before == 0}
	if !isSelf {
		v.Title = p.Name + " · " + v.Title
	}
	if next != 0 {
		v.NextURL = "/people/" + p.ID + "/record?before=" + strconv.FormatInt(next, 10)
	}
	s.Render(w, r, http.StatusOK, "lrs_record.html", v)
}

// describeRecord loads a page of p's record and puts it in words.
func (s *Server) describeRecord(r *http.Request, p *tenancy.Person, isSelf bool, before int64, limit int) ([]xapi.Plain, int64, error) {
	st := From(r)
	ctx := r.Context()
	list, next, err := xapi.PersonRecord(ctx, s.db, st.Org.ID, p.ID, p.Email, before, limit)
	if err != nil || len(list) == 0 {
		return nil, next, err
	}
	sources, err := s.lrsSources(r)
	if err != nil {
		return nil, 0, err
	}
	names := xapi.ActivityNames(ctx, s.db, st.Org.ID, list)
	who := ""
	if !isSelf {
		who = p.Name
	}
	out := make([]xapi.Plain, len(list))
	for i, row := range list {
		out[i] = xapi.Describe(row.Body, st.Lang, who, names)
		out[i].Seq = row.Seq
		out[i].Source = sources[row.CredentialID]
	}
	return out, next, nil
}

// lrsSources names the credentials statements came with.
func (s *Server) lrsSources(r *http.Request) (map[string]string, error) {
	creds, err := s.db.XAPICredentials(r.Context(), From(r).Org.ID)
	if err != nil {
		return nil, err
	}
	out := map[string]string{"baken": "Baken"}
	for _, c := range creds {
		out[c.ID] = c.Name
	}
	return out, nil
}

// recordJSON sends the whole record as an xAPI StatementResult, as a file.
func (s *Server) recordJSON(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	p, _, err := s.recordPerson(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	// Page through the record so that a long one is streamed, not held.
	const page = 1000
	first, next, err := xapi.PersonRecord(r.Context(), s.db, st.Org.ID, p.ID, p.Email, 0, page)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	name := strings.Map(func(c rune) rune {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			return c
		}
		return '-'
	}, strings.ToLower(p.Name))
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="learning-record-`+name+"-"+time.Now().Format("2006-01-02")+`.json"`)
	h.Set("X-Experience-API-Version", "2.0.0")
	h.Set("Cache-Control", "private, no-store")
	bw := bufio.NewWriter(w)
	bw.WriteString(`{"statements":[`)
	n := 0
	write := func(list []*store.XAPIStatement) {
		for _, row := range list {
			if n > 0 {
				bw.WriteByte(',')
			}
			bw.Write(row.Body)
			n++
		}
	}
	write(first)
	for next != 0 && n < 100_000 {
		var list []*store.XAPIStatement
		if list, next, err = xapi.PersonRecord(r.Context(), s.db, st.Org.ID, p.ID, p.Email, next, page); err != nil {
			// Headers are gone: an unfinished file is the only signal left.
			s.log.Error("learning record download", "person", p.ID, "err", err)
			return
		}
		write(list)
	}
	bw.WriteString(`],"more":""}`)
	if err := bw.Flush(); err != nil {
		s.log.Warn("learning record download", "err", err)
	}
}

type recordSectionView struct {
	Page
	P       *tenancy.Person
	IsSelf  bool
	Entries []xapi.Plain
}

// recordSection shows the newest few statements on the person page of
// whoever may see the record.
func recordSection(r *http.Request, p *tenancy.Person) template.HTML {
	st := From(r)
	// The section is registered once per process: the server is the
	// request's, not the one that registered it.
	s := st.srv
	isSelf, leads := s.relation(r.Context(), st, p)
	if !competence.CanView(*st.Principal, isSelf, leads) {
		return ""
	}
	entries, _, err := s.describeRecord(r, p, isSelf, 0, 3)
	if err != nil {
		s.log.Warn("learning record section", "err", err)
		return ""
	}
	return s.Partial("lrs_person_section", recordSectionView{Page: s.NewPage(r, ""), P: p, IsSelf: isSelf, Entries: entries})
}
