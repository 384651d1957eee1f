package xapi

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"

	"github.com/bakenhq/baken/internal/store"
)

// rawPart is the data of one attachment part of a multipart/mixed request.
type rawPart struct {
	contentType string
	data        []byte
}

// parseMultipart splits a multipart/mixed statement request: the first
// part holds the statements (application/json), each further part one
// attachment with its X-Experience-API-Hash and Content-Transfer-Encoding
// binary (Communication 1.5.2).
func parseMultipart(body []byte, boundary string) ([]byte, map[string]rawPart, error) {
	if boundary == "" {
		return nil, nil, fail(http.StatusBadRequest, "multipart/mixed needs a boundary")
	}
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	var stmts []byte
	parts := map[string]rawPart{}
	for i := 0; ; i++ {
		p, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fail(http.StatusBadRequest, "the multipart body is malformed: %v", err)
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return nil, nil, fail(http.StatusBadRequest, "the multipart body is malformed: %v", err)
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if i == 0 {
			if ct != "application/json" {
				return nil, nil, fail(http.StatusBadRequest, "the first part of a multipart request must be application/json statements")
			}
			stmts = data
			continue
		}
		hash := strings.ToLower(strings.TrimSpace(p.Header.Get("X-Experience-API-Hash")))
		if hash == "" {
			return nil, nil, fail(http.StatusBadRequest, "attachment part %d has no X-Experience-API-Hash header", i)
		}
		if cte := p.Header.Get("Content-Transfer-Encoding"); !strings.EqualFold(strings.TrimSpace(cte), "binary") {
			return nil, nil, fail(http.StatusBadRequest, "attachment part %d must have Content-Transfer-Encoding: binary", i)
		}
		if !sha2Re.MatchString(hash) || sha2Hex(data, len(hash)) != hash {
			return nil, nil, fail(http.StatusBadRequest, "attachment part %d does not match its X-Experience-API-Hash", i)
		}
		parts[hash] = rawPart{contentType: p.Header.Get("Content-Type"), data: data}
	}
	if stmts == nil {
		return nil, nil, fail(http.StatusBadRequest, "the multipart body has no statements part")
	}
	return stmts, parts, nil
}

// sha2Hex hashes data with the SHA-2 function whose hex digest has n
// characters.
func sha2Hex(data []byte, n int) string {
	switch n {
	case 56:
		h := sha256.Sum224(data)
		return hex.EncodeToString(h[:])
	case 64:
		h := sha256.Sum256(data)
		return hex.EncodeToString(h[:])
	case 96:
		h := sha512.Sum384(data)
		return hex.EncodeToString(h[:])
	case 128:
		h := sha512.Sum512(data)
		return hex.EncodeToString(h[:])
	}
	return ""
}

// checkAttachments matches attachment headers with the parts sent: every
// attachment without a fileUrl needs its data, every part must belong to an
// attachment, and signatures must verify. It returns the data to store.
func checkAttachments(v Version, preps []*prepared, parts map[string]rawPart) ([]store.XAPIAttachment, error) {
	used := map[string]bool{}
	var out []store.XAPIAttachment
	for i, p := range preps {
		for j, a := range p.attach {
			part, ok := parts[a.sha2]
			field := fmt.Sprintf("attachments[%d]", j)
			if len(preps) > 1 {
				field = fmt.Sprintf("[%d].%s", i, field)
			}
			if a.signature {
				if !ok {
					return nil, &ValidationError{Field: field, Rule: "a signature attachment must be sent in the request"}
				}
				if ct, _, _ := mime.ParseMediaType(a.contentType); ct != "application/octet-stream" {
					return nil, &ValidationError{Field: field + ".contentType", Rule: "a signature must be application/octet-stream"}
				}
				if err := verifySignature(v, p.m, part.data); err != nil {
					return nil, &ValidationError{Field: field, Rule: err.Error()}
				}
			}
			if !ok {
				if a.fileURL == "" {
					return nil, &ValidationError{Field: field, Rule: "has neither a fileUrl nor its data in a multipart part"}
				}
				continue
			}
			if !used[a.sha2] {
				used[a.sha2] = true
				out = append(out, store.XAPIAttachment{SHA2: a.sha2, ContentType: a.contentType, Content: part.data})
			}
		}
	}
	for h := range parts {
		if !used[h] {
			return nil, fail(http.StatusBadRequest, "attachment part %s matches no attachment of the statements", h)
		}
	}
	return out, nil
}

// writeMultipart answers a statement query with attachments=true: the
// statements, then each attachment's data once.
func (h *Handler) writeMultipart(req *request, statements []byte, hashes []string) error {
	atts, err := h.db.XAPIAttachments(req.ctx, req.cred.OrgID, uniq(hashes))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	hd := textproto.MIMEHeader{}
	hd.Set("Content-Type", "application/json")
	pw, _ := mw.CreatePart(hd)
	_, _ = pw.Write(statements)
	for _, a := range atts {
		hd := textproto.MIMEHeader{}
		hd.Set("Content-Type", a.ContentType)
		hd.Set("Content-Transfer-Encoding", "binary")
		hd.Set("X-Experience-API-Hash", a.SHA2)
		pw, _ := mw.CreatePart(hd)
		_, _ = pw.Write(a.Content)
	}
	_ = mw.Close()
	req.w.Header().Set("Content-Type", "multipart/mixed; boundary="+mw.Boundary())
	req.w.WriteHeader(http.StatusOK)
	if req.method != http.MethodHead {
		_, _ = req.w.Write(buf.Bytes())
	}
	return nil
}

func uniq(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
