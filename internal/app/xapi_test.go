package app_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bakenhq/baken/internal/app"
)

func TestXAPIMounted(t *testing.T) {
	a, err := app.New(context.Background(), app.Config{SQLitePath: filepath.Join(t.TempDir(), "b.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	res, err := http.Get(srv.URL + "/xapi/about")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(b), "2.0.0") || res.Header.Get("X-Experience-API-Version") == "" {
		t.Fatalf("GET /xapi/about: %d %s", res.StatusCode, b)
	}
	res, err = http.Get(srv.URL + "/xapi/statements")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 400 { // no version header
		t.Fatalf("GET /xapi/statements without version: %d", res.StatusCode)
	}
}
