package xapi_test

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
)

type part struct {
	contentType string
	data        []byte
	hash        string // "" computes it; "-" leaves the header out
	cte         string // "" is binary; "-" leaves it out
}

func multipartBody(t *testing.T, statements any, parts ...part) ([]byte, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Type", "application/json")
	w, _ := mw.CreatePart(h)
	json.NewEncoder(w).Encode(statements)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		h.Set("Content-Type", p.contentType)
		switch p.cte {
		case "":
			h.Set("Content-Transfer-Encoding", "binary")
		case "-":
		default:
			h.Set("Content-Transfer-Encoding", p.cte)
		}
		switch p.hash {
		case "":
			h.Set("X-Experience-API-Hash", sha(p.data))
		case "-":
		default:
			h.Set("X-Experience-API-Hash", p.hash)
		}
		w, _ := mw.CreatePart(h)
		w.Write(p.data)
	}
	mw.Close()
	return buf.Bytes(), "multipart/mixed; boundary=" + mw.Boundary()
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func withAttachment(s map[string]any, data []byte, usage, ct string) map[string]any {
	s["attachments"] = []any{map[string]any{
		"usageType": usage, "display": map[string]any{"en-US": "a file"},
		"contentType": ct, "length": len(data), "sha2": sha(data),
	}}
	return s
}

func TestAttachments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		l := newLRS(t, db)
		data := []byte("here is a simple attachment")
		s := withAttachment(stmt(), data, "http://example.com/attachment-usage/test", "text/plain")
		body, ct := multipartBody(t, s, part{contentType: "text/plain", data: data})
		l.expect(200, l.do("POST", "/xapi/statements", body, "Content-Type", ct))

		// Fetch with attachments=true: multipart, statement first, then the data.
		r := l.expect(200, l.do("GET", "/xapi/statements?attachments=true&statementId="+s["id"].(string), nil))
		mt, params, _ := mime.ParseMediaType(r.header.Get("Content-Type"))
		if mt != "multipart/mixed" {
			t.Fatalf("content type %q", r.header.Get("Content-Type"))
		}
		mr := multipart.NewReader(bytes.NewReader(r.body), params["boundary"])
		p1, _ := mr.NextPart()
		first, _ := io.ReadAll(p1)
		if !strings.Contains(string(first), s["id"].(string)) {
			t.Fatalf("first part %s", first)
		}
		p2, err := mr.NextPart()
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(p2)
		if string(got) != string(data) || p2.Header.Get("X-Experience-API-Hash") != sha(data) {
			t.Fatalf("attachment part %q %v", got, p2.Header)
		}
		// Without attachments=true: JSON only.
		r = l.expect(200, l.do("GET", "/xapi/statements?statementId="+s["id"].(string), nil))
		if r.header.Get("Content-Type") != "application/json" {
			t.Fatalf("content type %q", r.header.Get("Content-Type"))
		}

		// Missing data, wrong hash, missing headers, stray parts: 400.
		s2 := withAttachment(stmt(), data, "http://example.com/u", "text/plain")
		l.expect(400, l.do("POST", "/xapi/statements", s2))
		for name, p := range map[string]part{
			"wrong hash":  {contentType: "text/plain", data: data, hash: sha([]byte("other"))},
			"no hash":     {contentType: "text/plain", data: data, hash: "-"},
			"no encoding": {contentType: "text/plain", data: data, cte: "-"},
		} {
			body, ct := multipartBody(t, withAttachment(stmt(), data, "http://example.com/u", "text/plain"), p)
			if r := l.do("POST", "/xapi/statements", body, "Content-Type", ct); r.status != 400 {
				t.Errorf("%s: %d", name, r.status)
			}
		}
		body, ct = multipartBody(t, stmt(), part{contentType: "text/plain", data: data})
		l.expect(400, l.do("POST", "/xapi/statements", body, "Content-Type", ct))
		// fileUrl instead of data is fine in plain JSON.
		s3 := withAttachment(stmt(), data, "http://example.com/u", "text/plain")
		s3["attachments"].([]any)[0].(map[string]any)["fileUrl"] = "https://files.example.com/a.txt"
		l.expect(200, l.do("POST", "/xapi/statements", s3))
		// No attachments in multipart is fine too.
		body, ct = multipartBody(t, []any{stmt()})
		l.expect(200, l.do("POST", "/xapi/statements", body, "Content-Type", ct))
	})
}

func signJWS(t *testing.T, key *rsa.PrivateKey, cert []byte, alg string, payload any) []byte {
	hdr := map[string]any{"alg": alg}
	if cert != nil {
		hdr["x5c"] = []string{base64.StdEncoding.EncodeToString(cert)}
	}
	hb, _ := json.Marshal(hdr)
	pb, _ := json.Marshal(payload)
	in := base64.RawURLEncoding.EncodeToString(hb) + "." + base64.RawURLEncoding.EncodeToString(pb)
	sum := sha256.Sum256([]byte(in))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return []byte(in + "." + base64.RawURLEncoding.EncodeToString(sig))
}

func TestSignedStatements(t *testing.T) {
	l := newLRS(t, storetest.SQLite(t))
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "signer"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	cert, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)

	post := func(payload map[string]any, jws []byte) resp {
		s := stmt()
		for k, v := range payload {
			s[k] = v
		}
		signed := withAttachment(s, jws, "http://adlnet.gov/expapi/attachments/signature", "application/octet-stream")
		body, ct := multipartBody(t, signed, part{contentType: "application/octet-stream", data: jws})
		return l.do("POST", "/xapi/statements", body, "Content-Type", ct)
	}
	s := stmt()
	l.expect(200, post(s, signJWS(t, key, cert, "RS256", s)))
	// Payload differs from the statement.
	s = stmt()
	other2 := stmt()
	other2["verb"] = map[string]any{"id": "http://adlnet.gov/expapi/verbs/failed"}
	l.expect(400, post(s, signJWS(t, key, cert, "RS256", other2)))
	// Not a JWS.
	l.expect(400, post(stmt(), []byte("not a signature")))
	// Signed with a key that is not the certificate's.
	s = stmt()
	l.expect(400, post(s, signJWS(t, other, cert, "RS256", s)))
	// Unsupported algorithm.
	s = stmt()
	bad := signJWS(t, key, cert, "RS256", s)
	hb, _ := json.Marshal(map[string]any{"alg": "HS256"})
	parts := strings.SplitN(string(bad), ".", 2)
	bad = []byte(base64.RawURLEncoding.EncodeToString(hb) + "." + parts[1])
	l.expect(400, post(s, bad))
}

func TestAlternateRequestSyntax(t *testing.T) {
	l := newLRS(t, storetest.SQLite(t))
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte(l.key+":"+l.secret))
	alt := func(method string, query string, form url.Values) resp {
		req, _ := http.NewRequest("POST", l.srv.URL+"/xapi/statements?method="+method+query, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return resp{res.StatusCode, res.Header, b}
	}
	s := stmt()
	content, _ := json.Marshal(s)
	id := s["id"].(string)
	form := url.Values{"statementId": {id}, "content": {string(content)}, "Authorization": {auth},
		"X-Experience-API-Version": {"1.0.3"}, "Content-Type": {"application/json"}}
	l.expect(204, alt("PUT", "", form))
	r := l.expect(200, alt("GET", "", url.Values{"statementId": {id}, "Authorization": {auth}, "X-Experience-API-Version": {"1.0.3"}}))
	if !strings.Contains(string(r.body), id) {
		t.Fatalf("GET via alternate syntax: %s", r.body)
	}
	// Other query parameters are refused.
	l.expect(400, alt("PUT", "&statementId="+id, form))
	// xAPI 2.0 has no alternate syntax.
	form.Set("X-Experience-API-Version", "2.0.0")
	l.expect(400, alt("PUT", "", form))
	l.expect(400, alt("GET", "", url.Values{"Authorization": {auth}, "X-Experience-API-Version": {"2.0.0"}}))
}
