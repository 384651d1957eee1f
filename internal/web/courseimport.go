package web

import (
	"github.com/bakenhq/baken/internal/catalogue/catindex"
	"net/http"
	"strconv"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/openlearning"
	"github.com/bakenhq/baken/internal/store"
)

// Import of open courses from CSV or JSON: upload, a preview with every
// row's problems, then an all-or-nothing commit — the people import's
// pattern.

func (s *Server) registerCourseImport() {
	m := s.mux
	curate := func(h http.HandlerFunc) http.HandlerFunc { return s.Allowed(core.Principal.CanCurateCourses, h) }
	m.HandleFunc("GET /learning/courses/import", curate(s.courseImportPage))
	m.HandleFunc("POST /learning/courses/import", curate(s.courseImportPreview))
	m.HandleFunc("POST /learning/courses/import/commit", curate(s.courseImportCommit))
}

type courseImportView struct {
	Page
	Result *openlearning.CourseImportResult
	Data   string // the file, carried to the commit step
	Done   int
}

func (s *Server) courseImportPage(w http.ResponseWriter, r *http.Request) {
	s.Render(w, r, http.StatusOK, "course_import.html", courseImportView{Page: s.NewPage(r, "courseimport.title")})
}

// courseImportPreview parses the uploaded file and lists every course
// with its problems; nothing is stored until a clean file is committed.
func (s *Server) courseImportPreview(w http.ResponseWriter, r *http.Request) {
	v := courseImportView{Page: s.NewPage(r, "courseimport.title")}
	data, err := readUpload(r, "file")
	if err == nil {
		v.Result, err = PreviewCourseImport(r, s.db, From(r).Org.ID, data)
	}
	if err != nil {
		v.Error = s.Message(r, err)
		s.Render(w, r, Status(err), "course_import.html", v)
		return
	}
	v.Data = string(data)
	status := http.StatusOK
	if !v.Result.Valid() {
		status = http.StatusUnprocessableEntity
	}
	s.Render(w, r, status, "course_import.html", v)
}

func (s *Server) courseImportCommit(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	v := courseImportView{Page: s.NewPage(r, "courseimport.title")}
	data := []byte(r.PostFormValue("data"))
	// Parsed again: the hidden field comes from the browser, and the
	// catalogue may have changed since the preview.
	res, err := PreviewCourseImport(r, s.db, st.Org.ID, data)
	if err == nil && !res.Valid() {
		v.Result, v.Data = res, string(data)
		v.Error = v.T("courseimport.fix_first")
		s.Render(w, r, http.StatusUnprocessableEntity, "course_import.html", v)
		return
	}
	if err == nil {
		err = s.db.ImportOpenCourses(r.Context(), st.Org.ID, st.Principal.PersonID, ImportedCourses(res))
	}
	if err != nil {
		v.Error = s.Message(r, err)
		s.Render(w, r, Status(err), "course_import.html", v)
		return
	}
	s.audit(r, st.Org.ID, st.Principal.PersonID, "courses.import", "", strconv.Itoa(len(res.Rows))+" open courses")
	// The new courses become findable at once; unchanged documents cost
	// the index nothing.
	if _, err := catindex.Reindex(r.Context(), s.db, s.indexer(), st.Org.ID); err != nil {
		s.log.Error("search index after course import", "err", err)
	}
	v.Done = len(res.Rows)
	s.Render(w, r, http.StatusOK, "course_import.html", v)
}

// PreviewCourseImport parses a course file against the organisation's
// competences, scale and courses. The CLI import uses the same parser.
func PreviewCourseImport(r *http.Request, db *store.DB, orgID string, data []byte) (*openlearning.CourseImportResult, error) {
	lk, err := db.CourseImportLookup(r.Context(), orgID)
	if err != nil {
		return nil, err
	}
	return openlearning.ParseCourses(data, lk)
}

// ImportedCourses returns the courses of a parsed file for the store.
func ImportedCourses(res *openlearning.CourseImportResult) []store.ImportedCourse {
	out := make([]store.ImportedCourse, len(res.Rows))
	for i, row := range res.Rows {
		out[i] = store.ImportedCourse{Item: row.Item, Detail: row.Detail}
	}
	return out
}
