package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/i18n"
	"github.com/bakenhq/baken/internal/project"
	"github.com/bakenhq/baken/internal/store"
)

// In-place validation in the matrix (competences.js): the script posts the
// cell form with Accept: application/json and swaps in the cell this file
// renders, so the lead stays at their place in a large matrix. Without
// JavaScript the same handler redirects as before.

// wantsJSON is true for the script's requests.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

type cellJSON struct {
	TD      string `json:"td,omitempty"`      // the new <td>, as the matrix draws it
	Message string `json:"message,omitempty"` // what to announce
	Error   string `json:"error,omitempty"`
	Field   string `json:"field,omitempty"`
}

func writeCellJSON(w http.ResponseWriter, status int, v cellJSON) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// cellFailJSON answers a script's failed save in the page's language.
func (s *Server) cellFailJSON(w http.ResponseWriter, r *http.Request, err error) {
	out := cellJSON{Error: s.Message(r, err)}
	for f := range s.FieldErrors(r, err) {
		out.Field = f
	}
	writeCellJSON(w, Status(err), out)
}

// cellSavedJSON renders the saved cell exactly as the matrix would: the
// level, requirement, status and markers are read back from the store.
func (s *Server) cellSavedJSON(w http.ResponseWriter, r *http.Request, pid, cid string) {
	st := From(r)
	ctx := r.Context()
	m, err := s.db.Matrix(ctx, st.Org.ID, store.MatrixQuery{PersonIDs: []string{pid}, CompetenceIDs: []string{cid}}, time.Now().UTC())
	if err != nil {
		s.cellFailJSON(w, r, err)
		return
	}
	out := cellJSON{Message: i18n.T(st.Lang, "matrix.validated")}
	if len(m.People) == 1 && len(m.Competences) == 1 {
		scale, err := s.db.Scale(ctx, st.Org.ID)
		if err != nil {
			s.cellFailJSON(w, r, err)
			return
		}
		pending := s.pendingProjectWork(r, store.ContributionFilter{PersonID: pid})
		var b strings.Builder
		newCellWriter(scale, st.Lang).write(&b, &m.Cells[0][0], pid, cid, gridOptions{Links: true}, pending[pid+"|"+cid])
		out.TD = b.String()
	}
	writeCellJSON(w, http.StatusOK, out)
}

// pendingProjectWork is the set of person|competence pairs with project
// work awaiting validation by the principal (their own contributions are
// left out: nobody validates themselves). Errors only cost the markers.
func (s *Server) pendingProjectWork(r *http.Request, f store.ContributionFilter) map[string]bool {
	f.Status = project.AwaitingValidation
	cs, err := s.db.Contributions(r.Context(), From(r).Org.ID, f)
	if err != nil {
		s.log.Warn("pending project work", "err", err)
		return nil
	}
	out := map[string]bool{}
	for _, c := range cs {
		if c.PersonID != From(r).Principal.PersonID {
			out[c.PersonID+"|"+c.CompetenceID] = true
		}
	}
	return out
}

// cellContributions lists the project work of one cell awaiting
// validation, for the cell page, where the lead validates or rejects it.
func (s *Server) cellContributions(r *http.Request, pid, cid string) []*project.Contribution {
	cs, err := s.db.Contributions(r.Context(), From(r).Org.ID, store.ContributionFilter{PersonID: pid, Status: project.AwaitingValidation})
	if err != nil {
		s.log.Warn("cell contributions", "err", err)
		return nil
	}
	var out []*project.Contribution
	for _, c := range cs {
		if c.CompetenceID == cid {
			out = append(out, c)
		}
	}
	return out
}
