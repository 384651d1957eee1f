package app

import (
	"compress/gzip"
	"mime"
	"net/http"
	"strings"
	"sync"
)

// Pages go out gzipped to browsers that take it: shop-floor Wi-Fi is
// weak, and a team or organisation matrix is megabytes of repetitive
// HTML (the 500 × 300 organisation matrix: 3.4 MB; the demo's matrix page
// goes from 9.8 KB to 3.7 KB). Only text types with a 200 are compressed;
// media, ranges and anything already encoded go out as they are.

// minGzip is the smallest body worth compressing.
const minGzip = 1024

var gzipPool = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return w
}}

func compressible(contentType string) bool {
	t, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch {
	case strings.HasPrefix(t, "text/"), t == "application/json", t == "application/javascript",
		t == "image/svg+xml", t == "application/xml", t == "application/manifest+json":
		return true
	}
	return false
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.ReplaceAll(strings.TrimSpace(params), " ", "") != "q=0" {
			return true
		}
	}
	return false
}

func gzipHandler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding")
		if !acceptsGzip(r) || r.Method == http.MethodHead || r.Header.Get("Range") != "" {
			next.ServeHTTP(w, r)
			return
		}
		gw := &gzipWriter{ResponseWriter: w}
		defer gw.close()
		next.ServeHTTP(gw, r)
	})
}

// gzipWriter decides at the first write whether to compress: by then the
// handler has set the type, status and any encoding of its own.
type gzipWriter struct {
	http.ResponseWriter
	decided bool
	status  int
	buf     []byte // the first bytes, until there are enough to decide
	gz      *gzip.Writer
}

// SetRoute passes a handler's route pattern on to the metrics middleware.
func (g *gzipWriter) SetRoute(pattern string) {
	if rs, ok := g.ResponseWriter.(interface{ SetRoute(string) }); ok {
		rs.SetRoute(pattern)
	}
}

func (g *gzipWriter) WriteHeader(code int) {
	if g.status == 0 {
		g.status = code
	}
	if code != http.StatusOK {
		g.decide(false)
	}
}

func (g *gzipWriter) Write(b []byte) (int, error) {
	if g.status == 0 {
		g.status = http.StatusOK
	}
	if !g.decided {
		h := g.Header()
		if h.Get("Content-Encoding") != "" || h.Get("Content-Range") != "" || !compressible(h.Get("Content-Type")) {
			g.decide(false)
		} else {
			g.buf = append(g.buf, b...)
			if len(g.buf) < minGzip {
				return len(b), nil
			}
			g.decide(true)
			return len(b), nil
		}
	}
	if g.gz != nil {
		return g.gz.Write(b)
	}
	return g.ResponseWriter.Write(b)
}

// decide sends the header, compressed or not, and whatever was held back.
func (g *gzipWriter) decide(compress bool) {
	if g.decided {
		return
	}
	g.decided = true
	h := g.Header()
	if compress {
		h.Set("Content-Encoding", "gzip")
		h.Del("Content-Length")
		if et := h.Get("ETag"); et != "" && !strings.HasPrefix(et, "W/") {
			h.Set("ETag", "W/"+et) // the bytes differ from the uncompressed entity's
		}
		g.gz = gzipPool.Get().(*gzip.Writer)
		g.gz.Reset(g.ResponseWriter)
	}
	if g.status == 0 {
		g.status = http.StatusOK
	}
	g.ResponseWriter.WriteHeader(g.status)
	if len(g.buf) > 0 {
		buf := g.buf
		g.buf = nil
		if g.gz != nil {
			g.gz.Write(buf)
		} else {
			g.ResponseWriter.Write(buf)
		}
	}
}

func (g *gzipWriter) close() {
	if !g.decided {
		if g.status == 0 && len(g.buf) == 0 {
			return // the handler wrote nothing: net/http sends its own 200
		}
		g.decide(false)
	}
	if g.gz != nil {
		g.gz.Close()
		g.gz.Reset(nil)
		gzipPool.Put(g.gz)
		g.gz = nil
	}
}

// Flush sends what is compressed so far, for handlers that stream.
func (g *gzipWriter) Flush() {
	if !g.decided {
		g.decide(len(g.buf) > 0 && compressible(g.Header().Get("Content-Type")) && g.Header().Get("Content-Encoding") == "")
	}
	if g.gz != nil {
		g.gz.Flush()
	}
	if f, ok := g.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
