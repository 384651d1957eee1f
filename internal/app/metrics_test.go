package app

import (
	"context"
	"io"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

func TestMetricsNameTheRouteNotTheMount(t *testing.T) {
	a, err := New(context.Background(), Config{SQLitePath: filepath.Join(t.TempDir(), "b.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	for _, p := range []string{"/signin", "/about", "/api/v1/openapi.json", "/healthz"} {
		res, err := srv.Client().Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	res, err := srv.Client().Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{`route="GET /signin"`, `route="GET /about"`, `route="GET /healthz"`, `openapi.json"`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s:\n%s", want, body)
		}
	}
	if strings.Contains(string(body), `route="/"`) {
		t.Errorf("a request is labelled with the UI's mount, not its route")
	}
}
