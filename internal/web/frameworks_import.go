package web

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/demo/escosample"
	"github.com/bakenhq/baken/internal/esco"
	"github.com/bakenhq/baken/internal/search/reindex"
	"github.com/bakenhq/baken/internal/store"
)

// Importing the ESCO classification and DigComp from the browser: the
// person uploads the official CSV files (or the ZIP files the ESCO download
// page gives), the import runs in the background, and a page shows its
// progress and outcome from the database, so any node can show it.

// MaxFrameworkUpload bounds one upload of framework files: the unzipped
// English ESCO release is 41 MB of CSV, its ZIP 8 MB.
const MaxFrameworkUpload = 120 << 20

// maxFrameworkUnzipped bounds what the ZIP files of one upload may unpack
// to, so that a small crafted ZIP cannot fill the disk.
const maxFrameworkUnzipped = 400 << 20

// FrameworkImportPath is where the upload form posts; the application
// gives this path a larger body limit than the rest of the UI.
const FrameworkImportPath = "/competences/frameworks/import"

func (s *Server) registerFrameworkImport() {
	allowed := func(h http.HandlerFunc) http.HandlerFunc { return s.Allowed(canImportFrameworks, h) }
	s.mux.HandleFunc("GET /competences/frameworks", s.Authed(s.frameworksPage))
	s.mux.HandleFunc("POST "+FrameworkImportPath, allowed(s.importFrameworks))
	s.mux.HandleFunc("POST /competences/frameworks/sample", allowed(s.importESCOSample))
	s.mux.HandleFunc("GET /competences/frameworks/jobs/{id}", allowed(s.frameworkJobPage))
}

// canImportFrameworks: frameworks are held once for the whole platform, so
// their import is the platform operator's; the L&D coordinator (or admin)
// of a company may run it too, as a company hosting Baken itself has no
// one else to do it. An import only adds or updates official concepts;
// it never removes a competence an organisation picked.
func canImportFrameworks(p core.Principal) bool {
	return p.PlatformAdmin || competence.CanManageCatalogue(p)
}

type frameworksView struct {
	compPage
	Frameworks []store.FrameworkInfo
	Counts     map[string]int
	Jobs       []*store.ImportJob
	CanImport  bool
	HasESCO    bool
	Now        time.Time
}

func (s *Server) frameworksPage(w http.ResponseWriter, r *http.Request) {
	s.renderFrameworks(w, r, http.StatusOK, nil)
}

func (s *Server) renderFrameworks(w http.ResponseWriter, r *http.Request, status int, ferr error) {
	st := From(r)
	ctx := r.Context()
	v := frameworksView{compPage: s.compPage(r, "fwimport.title"), CanImport: canImportFrameworks(*st.Principal), Now: time.Now()}
	v.ESCO = true
	var err error
	if v.Frameworks, err = s.db.Frameworks(ctx); err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, f := range v.Frameworks {
		v.HasESCO = v.HasESCO || f.ID == "esco"
	}
	if v.Counts, err = s.db.ESCOCounts(ctx); err != nil {
		s.Fail(w, r, err)
		return
	}
	if v.CanImport {
		if v.Jobs, err = s.db.ImportJobs(ctx, st.Org.ID, 5); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	if ferr != nil {
		v.Error = s.Message(r, ferr)
	}
	s.Render(w, r, status, "fw_import.html", v)
}

// importFrameworks unpacks the uploaded files into a temporary folder laid
// out as the importers expect, starts the import in the background and
// sends the browser to its progress page.
func (s *Server) importFrameworks(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	var files []*multipart.FileHeader
	if r.MultipartForm != nil {
		files = r.MultipartForm.File["files"]
	}
	if len(files) == 0 {
		s.renderFrameworks(w, r, http.StatusBadRequest, &core.Error{Code: core.EInvalid, Field: "files", Message: "choose the framework files to upload", Key: "fwimport.no_files"})
		return
	}
	dir, err := os.MkdirTemp("", "baken-frameworks-")
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	up, err := unpackFrameworkFiles(dir, files)
	if err != nil {
		os.RemoveAll(dir)
		s.renderFrameworks(w, r, Status(err), err)
		return
	}
	s.startFrameworkImport(w, r, st, dir, up)
}

// startFrameworkImport records the job, starts it and sends the browser
// to its progress page. The job removes dir when it ends.
func (s *Server) startFrameworkImport(w http.ResponseWriter, r *http.Request, st *Request, dir string, up frameworkUpload) {
	job := &store.ImportJob{Kind: up.kind(), StartedBy: st.Principal.PersonID, Stage: esco.StageReading}
	if err := s.db.CreateImportJob(r.Context(), st.Org.ID, job); err != nil {
		os.RemoveAll(dir)
		s.Fail(w, r, err)
		return
	}
	s.audit(r, st.Org.ID, st.Principal.PersonID, "frameworks.import", job.ID, up.kind())
	go s.runFrameworkImport(st.Org.ID, job.ID, dir, up)
	http.Redirect(w, r, "/competences/frameworks/jobs/"+job.ID, http.StatusSeeOther)
}

// importESCOSample imports the manufacturing part of ESCO that Baken
// carries (internal/demo/escosample), for trying Baken without a download.
func (s *Server) importESCOSample(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	dir, err := os.MkdirTemp("", "baken-frameworks-")
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	var up frameworkUpload
	if up.escoEN, up.escoNL, err = escosample.Unpack(dir); err != nil {
		os.RemoveAll(dir)
		s.Fail(w, r, err)
		return
	}
	s.startFrameworkImport(w, r, st, dir, up)
}

// frameworkUpload is where the uploaded files went.
type frameworkUpload struct {
	escoEN, escoNL, digcomp string // folders; "" when the upload had none
}

func (u frameworkUpload) kind() string {
	switch {
	case u.escoEN != "" && u.digcomp != "":
		return "esco+digcomp"
	case u.escoEN != "":
		return "esco"
	}
	return "digcomp"
}

var (
	escoVersion  = regexp.MustCompile(`v\d+\.\d+(\.\d+)?`)
	digcompFiles = []string{"core-framework_", "levels_", "statements_", "outcomes_", "glossary_", "acronyms_"}
	dutchFile    = regexp.MustCompile(`_nl([_.]|$)`)
)

// unpackFrameworkFiles writes the CSV files of the upload, or those inside
// uploaded ZIP files, into dir: ESCO English files in dir/VERSION/en (the
// importer reads the version from the folder name), Dutch ones in dir/nl,
// DigComp's in dir/digcomp. Files are told apart by their official names;
// anything else (READMEs, JSON-LD) is passed over.
func unpackFrameworkFiles(dir string, files []*multipart.FileHeader) (frameworkUpload, error) {
	var up frameworkUpload
	version := "unknown"
	for _, fh := range files {
		if m := escoVersion.FindString(fh.Filename); m != "" {
			version = m
		}
	}
	unzipped := int64(0)
	var written []string // base names, to find what the upload holds
	place := func(name string, src io.Reader) error {
		base := path.Base(strings.ReplaceAll(name, `\`, "/"))
		if !strings.EqualFold(path.Ext(base), ".csv") || strings.HasPrefix(base, ".") {
			return nil
		}
		sub := filepath.Join("en")
		switch {
		case hasAnyPrefix(base, digcompFiles):
			sub = "digcomp"
		case dutchFile.MatchString(strings.TrimSuffix(base, path.Ext(base))):
			sub = "nl"
		}
		target := filepath.Join(dir, sub, base)
		if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
			return err
		}
		f, err := os.Create(target)
		if err != nil {
			return err
		}
		n, err := io.Copy(f, io.LimitReader(src, maxFrameworkUnzipped-unzipped+1))
		unzipped += n
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		if unzipped > maxFrameworkUnzipped {
			return &core.Error{Code: core.ETooLarge, Field: "files", Message: fmt.Sprintf("the files unpack to more than %d MB", maxFrameworkUnzipped>>20), Key: "fwimport.too_large", Args: []any{maxFrameworkUnzipped >> 20}}
		}
		written = append(written, sub+"/"+base)
		return nil
	}
	for _, fh := range files {
		f, err := fh.Open()
		if err != nil {
			return up, err
		}
		if strings.EqualFold(path.Ext(fh.Filename), ".zip") {
			err = unpackZip(f, fh, place, &version)
		} else {
			err = place(fh.Filename, f)
		}
		f.Close()
		if err != nil {
			return up, err
		}
	}
	has := func(name string) bool {
		for _, w := range written {
			if w == name {
				return true
			}
		}
		return false
	}
	if has("en/skills_en.csv") {
		up.escoEN = filepath.Join(dir, version, "en")
		if err := os.MkdirAll(filepath.Dir(up.escoEN), 0o700); err != nil {
			return up, err
		}
		if err := os.Rename(filepath.Join(dir, "en"), up.escoEN); err != nil {
			return up, err
		}
		if _, err := os.Stat(filepath.Join(dir, "nl")); err == nil {
			up.escoNL = filepath.Join(dir, "nl")
		}
	}
	if has("digcomp/core-framework_en.csv") {
		up.digcomp = filepath.Join(dir, "digcomp")
	}
	if up.escoEN == "" && up.digcomp == "" {
		return up, &core.Error{Code: core.EInvalid, Field: "files", Message: "the upload holds neither ESCO's skills_en.csv nor DigComp's core-framework_en.csv", Key: "fwimport.nothing"}
	}
	return up, nil
}

func unpackZip(f multipart.File, fh *multipart.FileHeader, place func(string, io.Reader) error, version *string) error {
	zr, err := zip.NewReader(f, fh.Size)
	if err != nil {
		return &core.Error{Code: core.EInvalid, Field: "files", Message: fmt.Sprintf("%s is not a readable ZIP file", fh.Filename), Key: "fwimport.bad_zip", Args: []any{fh.Filename}}
	}
	for _, zf := range zr.File {
		if m := escoVersion.FindString(zf.Name); m != "" && *version == "unknown" {
			*version = m
		}
		if zf.FileInfo().IsDir() {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return &core.Error{Code: core.EInvalid, Field: "files", Message: fmt.Sprintf("%s: %s cannot be unpacked", fh.Filename, zf.Name), Key: "fwimport.bad_entry", Args: []any{fh.Filename, zf.Name}}
		}
		err = place(zf.Name, rc)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// fileErrorText is esco.FileError's text: FILE:LINE: MESSAGE.
var fileErrorText = regexp.MustCompile(`^([^:/\\]+\.csv):(\d+): (.*)$`)

// parseFileError reads back the file and line of a stored failure so that
// the page can say them in the reader's language.
func parseFileError(msg string) *esco.FileError {
	m := fileErrorText.FindStringSubmatch(msg)
	if m == nil {
		return nil
	}
	line, _ := strconv.Atoi(m[2])
	return &esco.FileError{File: m[1], Line: line, Msg: m[3]}
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// liveJobs holds the progress of the imports running in this process.
// Progress goes to the job's row too, for other nodes, but on SQLite the
// import's own write transaction holds the only write connection while it
// writes, so the row can only catch up afterwards; this node's pages read
// the live figures.
var liveJobs sync.Map // job id → *liveJob

type liveJob struct {
	mu          sync.Mutex
	stage       string
	done, total int
	changed     bool
}

func (j *liveJob) set(stage string, done, total int) {
	j.mu.Lock()
	j.stage, j.done, j.total, j.changed = stage, done, total, true
	j.mu.Unlock()
}

// get returns the progress; taking it marks it as written to the row.
func (j *liveJob) get(take bool) (stage string, done, total int, changed bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	stage, done, total, changed = j.stage, j.done, j.total, j.changed
	if take {
		j.changed = false
	}
	return
}

// runFrameworkImport imports what the upload held and records progress
// and the outcome on the job. It runs after the request has ended.
func (s *Server) runFrameworkImport(orgID, jobID, dir string, up frameworkUpload) {
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	live := &liveJob{stage: esco.StageReading}
	liveJobs.Store(jobID, live)
	defer liveJobs.Delete(jobID)
	flushed := make(chan struct{})
	go func() { // copies live progress to the job's row for other nodes
		defer close(flushed)
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			if stage, done, total, changed := live.get(true); changed {
				if err := s.db.ImportJobProgress(ctx, orgID, jobID, stage, done, total); err != nil && ctx.Err() == nil {
					s.log.Warn("framework import progress", "job", jobID, "err", err)
				}
			}
		}
	}()
	finish := func(failure bool, msg string) {
		cancel()
		<-flushed
		if err := s.db.FinishImportJob(context.Background(), orgID, jobID, failure, msg); err != nil {
			s.log.Error("framework import", "job", jobID, "err", err)
		}
	}
	fail := func(err error) {
		msg := err.Error()
		if e, ok := err.(*core.Error); ok {
			msg = e.Message
		}
		finish(true, msg)
	}
	var report []string
	if up.escoEN != "" {
		rep, err := esco.ImportReporting(ctx, s.db, up.escoEN, up.escoNL, live.set)
		if err != nil {
			fail(err)
			return
		}
		report = append(report, rep.String())
	}
	if up.digcomp != "" {
		live.set("digcomp", 0, 0)
		set, err := esco.ImportDigComp(ctx, s.db, up.digcomp)
		if err != nil {
			fail(err)
			return
		}
		report = append(report, fmt.Sprintf("DigComp %s: %d items, %d proficiency levels", set.Version, len(set.Items), len(set.Levels)))
	}
	finish(false, strings.Join(report, "\n"))
	// The skills are imported; making them searchable is this node's own
	// business (other nodes follow the index in the database) and takes
	// a while for the whole of ESCO, so it is not part of the job.
	if ix := s.opt.Search; ix != nil && up.escoEN != "" {
		ictx, icancel := context.WithTimeout(context.Background(), 30*time.Minute)
		defer icancel()
		if err := reindex.ESCO(ictx, s.db, ix); err != nil {
			s.log.Error("framework import: search index", "err", err)
		}
	}
}

type frameworkJobView struct {
	compPage
	Problem     *esco.FileError // a failed job's message, when it names a file
	Stages      []string        // every stage a job passes, for the progress script
	Job         *store.ImportJob
	Percent     int
	Interrupted bool
}

// frameworkJobStatus is the JSON a progress page polls.
type frameworkJobStatus struct {
	Status  string `json:"status"`
	Stage   string `json:"stage"`
	Done    int    `json:"done"`
	Total   int    `json:"total"`
	Percent int    `json:"percent"`
}

func (s *Server) frameworkJobPage(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	id := r.PathValue("id")
	if !core.ValidID(id) {
		s.NotFound(w, r)
		return
	}
	job, err := s.db.ImportJob(r.Context(), st.Org.ID, id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if l, ok := liveJobs.Load(id); ok && job.Status == store.ImportRunning {
		job.Stage, job.Done, job.Total, _ = l.(*liveJob).get(false)
		job.UpdatedAt = time.Now()
	}
	v := frameworkJobView{compPage: s.compPage(r, "fwimport.job_title"), Job: job, Interrupted: job.Interrupted(time.Now()),
		Stages: []string{esco.StageReading, esco.StageWriting, "digcomp"}}
	v.ESCO = true
	if job.Total > 0 {
		v.Percent = job.Done * 100 / job.Total
	}
	if job.Status == store.ImportFailed {
		v.Problem = parseFileError(job.Message)
	}
	if r.URL.Query().Get("format") == "json" {
		status := job.Status
		if v.Interrupted {
			status = store.ImportFailed
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(frameworkJobStatus{Status: status, Stage: job.Stage, Done: job.Done, Total: job.Total, Percent: v.Percent})
		return
	}
	s.Render(w, r, http.StatusOK, "fw_job.html", v)
}
