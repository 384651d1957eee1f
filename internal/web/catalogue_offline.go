package web

import (
	"bytes"
	"net/http"
)

// serviceWorker serves /sw.js at the root so that its scope is the whole
// site. Browsers check it for updates themselves; no-cache makes every
// check reach the server.
func (s *Server) serviceWorker(w http.ResponseWriter, r *http.Request) {
	a, ok := s.assets["sw.js"]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", `"`+a.hash+`"`)
	http.ServeContent(w, r, "", s.started, bytes.NewReader(a.body))
}
