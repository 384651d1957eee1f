package app

import (
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestPagesGoOutGzipped(t *testing.T) {
	a, err := New(context.Background(), Config{SQLitePath: filepath.Join(t.TempDir(), "b.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	// A transport that leaves decompression to the test.
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	get := func(path, accept string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res, body
	}
	plainRes, plain := get("/signin", "")
	if plainRes.Header.Get("Content-Encoding") != "" || !strings.Contains(string(plain), "<html") {
		t.Fatalf("without Accept-Encoding: %q, %.80s", plainRes.Header.Get("Content-Encoding"), plain)
	}
	res, body := get("/signin", "gzip, deflate, br")
	if res.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
		t.Fatalf("with gzip: Content-Encoding %q, Vary %q", res.Header.Get("Content-Encoding"), res.Header.Get("Vary"))
	}
	zr, err := gzip.NewReader(strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	// The sign-in page carries a fresh CSRF token each time; the rest is
	// the same page.
	token := regexp.MustCompile(`value="[A-Za-z0-9_-]{40,}"`)
	if token.ReplaceAllString(string(unzipped), "") != token.ReplaceAllString(string(plain), "") {
		t.Fatal("the gzipped page differs from the plain one")
	}
	if len(body) >= len(plain) {
		t.Fatalf("gzipped %d bytes, plain %d", len(body), len(plain))
	}
	if res, _ := get("/signin", "gzip;q=0"); res.Header.Get("Content-Encoding") != "" {
		t.Fatal("gzip;q=0 was answered gzipped")
	}
	// A stylesheet is text too; a missing page is not worth it.
	css := regexp.MustCompile(`/static/[^"]+\.css`).FindString(string(plain))
	if css == "" {
		t.Fatal("no stylesheet on the sign-in page")
	}
	if res, _ := get(css, "gzip"); res.Header.Get("Content-Encoding") != "gzip" || res.StatusCode != http.StatusOK {
		t.Fatalf("stylesheet: %d %q", res.StatusCode, res.Header.Get("Content-Encoding"))
	}
	if res, _ := get("/no/such/page", "gzip"); res.StatusCode != http.StatusNotFound || res.Header.Get("Content-Encoding") != "" {
		t.Fatalf("missing page: %d %q", res.StatusCode, res.Header.Get("Content-Encoding"))
	}
}
