package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
)

// A small but real PDF header is all http.DetectContentType needs.
var testPDF = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

// multipartEvidence builds a multipart evidence body; file may be nil.
func multipartEvidence(t *testing.T, fields map[string]string, name string, file []byte) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	if file != nil {
		fw, _ := mw.CreateFormFile("attachment", name)
		_, _ = fw.Write(file)
	}
	_ = mw.Close()
	return mw.FormDataContentType(), &buf
}

// rawDo is a request whose answer need not be JSON (a downloaded file).
func (w *world) rawDo(method, path, tokenName, contentType string, body io.Reader) *http.Response {
	w.t.Helper()
	req := httptest.NewRequest(method, path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Authorization", "Bearer "+w.token(tokenName))
	rec := httptest.NewRecorder()
	w.srv.ServeHTTP(rec, req)
	return rec.Result()
}

// TestEvidenceAttachmentsAPI: evidence with a file through the API, the
// file's download with the evidence's permissions, the limits of the web
// form, and nothing across organisations.
func TestEvidenceAttachmentsAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		weld := &competence.Competence{NameNL: "MIG/MAG-lassen", NameEN: "MIG/MAG welding"}
		if err := db.CreateCompetence(ctx, w.A.Org.ID, weld); err != nil {
			t.Fatal(err)
		}
		emp := "/api/v1/people/" + w.A.Employee.ID
		fields := map[string]string{"competence_id": weld.ID, "level": "2", "kind": "certificate", "note": "VCA-diploma", "valid_until": "2030-01-31"}

		// The team lead records a certificate with its scan.
		ct, body := multipartEvidence(t, fields, `C:\scans\vca.pdf`, testPDF)
		res := w.rawDo("POST", emp+"/evidence", "lead", ct, body)
		raw, _ := io.ReadAll(res.Body)
		if res.StatusCode != 201 {
			t.Fatalf("multipart evidence: %d %s", res.StatusCode, raw)
		}
		var got evidenceJSON
		if err := json.Unmarshal(raw, &got); err != nil || got.Attachment == nil || got.Attachment.Name != "vca.pdf" ||
			got.Attachment.ContentType != "application/pdf" || got.Attachment.Size != len(testPDF) || got.ValidUntil == nil {
			t.Fatalf("created evidence: %s", raw)
		}
		// It is listed with its file.
		if r := w.do("GET", emp+"/evidence", "employee", ""); r.Status != 200 || !strings.Contains(string(r.Body), got.Attachment.URL) {
			t.Fatalf("listed evidence: %d %s", r.Status, r.Body)
		}
		// The person and L&D download it; a colleague may not.
		for _, who := range []string{"employee", "lnd", "lead"} {
			res := w.rawDo("GET", got.Attachment.URL, who, "", nil)
			data, _ := io.ReadAll(res.Body)
			if res.StatusCode != 200 || !bytes.Equal(data, testPDF) || res.Header.Get("Content-Type") != "application/pdf" ||
				!strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") || !strings.Contains(res.Header.Get("Content-Security-Policy"), "sandbox") {
				t.Errorf("%s downloads: %d %v", who, res.StatusCode, res.Header)
			}
		}
		ct, body = multipartEvidence(t, map[string]string{"competence_id": weld.ID, "level": "1", "kind": "self_assessment"}, "mine.pdf", testPDF)
		res = w.rawDo("POST", "/api/v1/people/"+w.A.LnD.ID+"/evidence", "lnd", ct, body)
		raw, _ = io.ReadAll(res.Body)
		var lnds evidenceJSON
		if err := json.Unmarshal(raw, &lnds); err != nil || lnds.Attachment == nil {
			t.Fatalf("L&D's own evidence with a file: %d %s", res.StatusCode, raw)
		}
		if r := w.do("GET", lnds.Attachment.URL, "employee", ""); r.Status != 403 {
			t.Errorf("a colleague downloads someone's file: %d %s", r.Status, r.Body)
		}
		// Under another person's path the evidence is not found.
		if r := w.do("GET", "/api/v1/people/"+w.A.LnD.ID+"/evidence/"+got.ID+"/attachment", "lnd", ""); r.Status != 404 {
			t.Errorf("evidence under another person: %d %s", r.Status, r.Body)
		}
		// Other organisations see nothing, with any token.
		for _, who := range []string{"adminB", "lndB", "employeeB"} {
			if r := w.do("GET", got.Attachment.URL, who, ""); r.Status != 404 {
				t.Errorf("%s downloads A's file: %d", who, r.Status)
			}
			ct, body := multipartEvidence(t, fields, "vca.pdf", testPDF)
			if res := w.rawDo("POST", emp+"/evidence", who, ct, body); res.StatusCode != 404 {
				t.Errorf("%s posts evidence with a file for A's person: %d", who, res.StatusCode)
			}
		}

		// Refusals, each leaving no evidence behind.
		before, _ := db.Evidence(ctx, w.A.Org.ID, store.EvidenceFilter{PersonID: w.A.Employee.ID})
		self := map[string]string{"competence_id": weld.ID, "level": "3", "kind": "self_assessment"}
		for _, c := range []struct {
			name   string
			fields map[string]string
			file   []byte
			status int
		}{
			{"not a PDF or image", self, []byte("just some text, not a certificate"), 422},
			{"over 5 MB", self, append(append([]byte{}, testPDF...), make([]byte, competence.MaxAttachmentBytes)...), 413},
			{"unknown field", map[string]string{"competence_id": weld.ID, "level": "3", "kind": "self_assessment", "secret": "x"}, nil, 400},
			{"level not a number", map[string]string{"competence_id": weld.ID, "level": "drie", "kind": "self_assessment"}, nil, 422},
			{"bad date", map[string]string{"competence_id": weld.ID, "level": "3", "kind": "self_assessment", "valid_until": "morgen"}, nil, 422},
		} {
			ct, body := multipartEvidence(t, c.fields, "x.pdf", c.file)
			res := w.rawDo("POST", emp+"/evidence", "employee", ct, body)
			raw, _ := io.ReadAll(res.Body)
			if res.StatusCode != c.status || !strings.Contains(string(raw), `"error"`) {
				t.Errorf("%s: %d %s", c.name, res.StatusCode, raw)
			}
		}
		if after, _ := db.Evidence(ctx, w.A.Org.ID, store.EvidenceFilter{PersonID: w.A.Employee.ID}); len(after) != len(before) {
			t.Errorf("refused uploads left evidence: %d → %d", len(before), len(after))
		}
		// Without a file, multipart is just another way to send the fields.
		ct, body = multipartEvidence(t, self, "", nil)
		if res := w.rawDo("POST", emp+"/evidence", "employee", ct, body); res.StatusCode != 201 {
			t.Errorf("multipart without a file: %d", res.StatusCode)
		}
	})
}
