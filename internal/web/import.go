package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

type importView struct {
	Page
	Result *tenancy.ImportResult
	Data   string // the file, carried to the commit step
	Done   int
	// Problems are each row's problems in the reader's language, by line.
	Problems map[int][]string
}

// translate fills Problems from the parsed rows.
func (v *importView) translate(s *Server, r *http.Request) {
	if v.Result == nil {
		return
	}
	v.Problems = map[int][]string{}
	for _, row := range v.Result.Rows {
		for _, p := range row.Problems {
			v.Problems[row.Line] = append(v.Problems[row.Line], s.Message(r, p))
		}
	}
}

func (s *Server) importPage(w http.ResponseWriter, r *http.Request) {
	s.Render(w, r, http.StatusOK, "admin_import.html", importView{Page: s.NewPage(r, "import.title")})
}

// importPreview parses the uploaded file and lists every row with its
// problems; nothing is stored until the user commits a clean file.
func (s *Server) importPreview(w http.ResponseWriter, r *http.Request) {
	v := importView{Page: s.NewPage(r, "import.title")}
	data, err := readUpload(r, "file")
	if err == nil {
		v.Result, err = PreviewPeopleImport(r, s.db, From(r).Org.ID, data)
	}
	if err != nil {
		v.Error = s.Message(r, err)
		s.Render(w, r, Status(err), "admin_import.html", v)
		return
	}
	v.Data = string(data)
	v.translate(s, r)
	status := http.StatusOK
	if !v.Result.Valid() {
		status = http.StatusUnprocessableEntity
	}
	s.Render(w, r, status, "admin_import.html", v)
}

func (s *Server) importCommit(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	v := importView{Page: s.NewPage(r, "import.title")}
	data := []byte(r.PostFormValue("data"))
	res, err := PreviewPeopleImport(r, s.db, st.Org.ID, data)
	if err == nil && !res.Valid() {
		v.Result, v.Data = res, string(data)
		v.translate(s, r)
		v.Error = v.T("import.fix_first")
		s.Render(w, r, http.StatusUnprocessableEntity, "admin_import.html", v)
		return
	}
	if err == nil {
		err = s.db.ImportPeople(r.Context(), st.Org.ID, res.People())
	}
	if err != nil {
		v.Error = s.Message(r, err)
		s.Render(w, r, Status(err), "admin_import.html", v)
		return
	}
	s.audit(r, st.Org.ID, st.Principal.PersonID, "people.import", "", strconv.Itoa(len(res.Rows))+" people")
	v.Done = len(res.Rows)
	s.Render(w, r, http.StatusOK, "admin_import.html", v)
}

// PreviewPeopleImport parses a people file against the organisation's
// teams, sites and existing people. The CLI import uses it too.
func PreviewPeopleImport(r *http.Request, db *store.DB, orgID string, data []byte) (*tenancy.ImportResult, error) {
	lk, err := db.ImportLookup(r.Context(), orgID)
	if err != nil {
		return nil, err
	}
	return tenancy.ParsePeopleCSV(data, lk)
}

// readUpload reads one uploaded file, refusing anything over the import
// limit with a clear error instead of a truncated read.
func readUpload(r *http.Request, field string) ([]byte, error) {
	f, _, err := r.FormFile(field)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) || strings.Contains(err.Error(), "too large") {
			return nil, &core.Error{Code: core.ETooLarge, Message: "the file is too large", Key: "import.too_large", Args: []any{tenancy.MaxImportBytes >> 20}}
		}
		return nil, &core.Error{Code: core.EInvalid, Message: "choose a file to upload", Key: "import.no_file"}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, tenancy.MaxImportBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > tenancy.MaxImportBytes {
		return nil, &core.Error{Code: core.ETooLarge, Message: "the file is too large", Key: "import.too_large", Args: []any{tenancy.MaxImportBytes >> 20}}
	}
	return data, nil
}
