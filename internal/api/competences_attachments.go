package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/store"
)

// Evidence with a file (a certificate scan, a photo of the work) over the
// API: POST /people/{id}/evidence as multipart/form-data with the same
// fields as the JSON body plus "attachment", and
// GET /people/{id}/evidence/{evidence_id}/attachment. The file's type is
// sniffed, never taken from the client, and the domain allows PDF and
// images up to competence.MaxAttachmentBytes, as on the web form.

// MaxMultipartBody bounds a multipart evidence request: the file and a
// little room for the other fields and the part headers.
const MaxMultipartBody = competence.MaxAttachmentBytes + 64<<10

func isMultipart(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "multipart/form-data"
}

// checkMultipart limits the body of a multipart request.
func checkMultipart(w http.ResponseWriter, r *http.Request) error {
	if r.ContentLength > MaxMultipartBody {
		return &core.Error{Code: core.ETooLarge, Message: fmt.Sprintf("the request body is over the limit of %d bytes", MaxMultipartBody)}
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxMultipartBody)
	return nil
}

// evidenceFromMultipart reads the evidence fields and the optional file of
// a multipart request into in.
func evidenceFromMultipart(r *http.Request, in *evidenceInput) (*competence.Attachment, error) {
	// Everything fits in memory by the body limit; nothing goes to disk.
	if err := r.ParseMultipartForm(MaxMultipartBody); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, &core.Error{Code: core.ETooLarge, Message: fmt.Sprintf("the request body is over the limit of %d bytes", mbe.Limit)}
		}
		return nil, &core.Error{Code: codeBadRequest, Message: "the multipart body could not be read"}
	}
	for k := range r.MultipartForm.Value {
		switch k {
		case "competence_id", "level", "kind", "valid_until", "note":
		default:
			return nil, &core.Error{Code: codeBadRequest, Field: k, Message: "is not a field of evidence"}
		}
	}
	in.CompetenceID, in.Kind, in.Note = r.FormValue("competence_id"), r.FormValue("kind"), r.FormValue("note")
	if v := strings.TrimSpace(r.FormValue("level")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, core.Invalid("level", "must be a whole number")
		}
		in.Level = &n
	}
	if v := strings.TrimSpace(r.FormValue("valid_until")); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			if t, err = time.Parse("2006-01-02", v); err != nil {
				return nil, core.Invalid("valid_until", "must be a date (yyyy-mm-dd) or a date-time (RFC 3339)")
			}
		}
		in.ValidUntil = &t
	}
	files := r.MultipartForm.File["attachment"]
	for k := range r.MultipartForm.File {
		if k != "attachment" {
			return nil, &core.Error{Code: codeBadRequest, Field: k, Message: "only one file, named attachment, is taken"}
		}
	}
	if len(files) == 0 {
		return nil, nil
	}
	if len(files) > 1 {
		return nil, &core.Error{Code: codeBadRequest, Field: "attachment", Message: "only one file, named attachment, is taken"}
	}
	f, err := files[0].Open()
	if err != nil {
		return nil, core.Invalid("attachment", "could not be read")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, competence.MaxAttachmentBytes+1))
	if err != nil {
		return nil, core.Invalid("attachment", "could not be read")
	}
	if len(data) == 0 {
		return nil, core.Invalid("attachment", "is empty")
	}
	ct := http.DetectContentType(data)
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	name := files[0].Filename
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	return &competence.Attachment{Name: name, ContentType: ct, Data: data}, nil
}

// getEvidenceAttachment: GET /people/{id}/evidence/{evidence_id}/attachment.
// Whoever may read the person's evidence may download its file; it is
// sent as an attachment with a sandboxing policy, never rendered inline
// in the API's origin.
func (s *server) getEvidenceAttachment(w http.ResponseWriter, r *http.Request, p caller) error {
	person, isSelf, leads, err := s.personFor(r, p)
	if err != nil {
		return err
	}
	if !competence.CanView(p.Principal, isSelf, leads) {
		return core.Forbidden("see this person's evidence")
	}
	eid := r.PathValue("evidence_id")
	if !core.ValidID(eid) {
		return notFound(core.ErrNotFound, "evidence")
	}
	evs, err := s.db.Evidence(r.Context(), p.OrgID, store.EvidenceFilter{ID: eid, PersonID: person.ID})
	if err != nil {
		return err
	}
	if len(evs) != 1 || evs[0].Attachment == nil {
		return notFound(core.ErrNotFound, "attachment of this person's evidence")
	}
	a, err := s.db.EvidenceAttachment(r.Context(), p.OrgID, eid)
	if err != nil {
		return notFound(err, "attachment")
	}
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(a.Data)))
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(a.Data)
	return nil
}

type attachmentJSON struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int    `json:"size"`
	URL         string `json:"url"`
}

func attachmentOut(e *competence.Evidence) *attachmentJSON {
	if e.Attachment == nil {
		return nil
	}
	size := e.Attachment.Size
	if size == 0 {
		size = len(e.Attachment.Data)
	}
	return &attachmentJSON{Name: e.Attachment.Name, ContentType: e.Attachment.ContentType, Size: size,
		URL: Prefix + "/people/" + e.PersonID + "/evidence/" + e.ID + "/attachment"}
}
