package app

import (
	"context"
	"io"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
	// A request is counted when its handler returns, which can be just
	// after the client has read the answer: give the last one a moment.
	wants := []string{`route="GET /signin"`, `route="GET /about"`, `route="GET /healthz"`, `openapi.json"`}
	var body []byte
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		res, err := srv.Client().Get(srv.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ = io.ReadAll(res.Body)
		res.Body.Close()
		missing := false
		for _, want := range wants {
			missing = missing || !strings.Contains(string(body), want)
		}
		if !missing || time.Now().After(deadline) {
			break
		}
	}
	for _, want := range wants {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s:\n%s", want, body)
		}
	}
	if strings.Contains(string(body), `route="/"`) {
		t.Errorf("a request is labelled with the UI's mount, not its route")
	}
}
