// Package app builds the whole Baken system from a typed Config: database,
// migrations, demo data, the web UI, the JSON API and operations endpoints.
// cmd/baken and end-to-end tests start it the same way.
package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/digest"
	"github.com/bakenhq/baken/internal/search"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/web"
)

// Version is set at build time with -ldflags "-X …/internal/app.Version=…".
var Version = "dev"

// Config is everything Baken needs to start.
type Config struct {
	Addr          string // host:port to listen on
	DataDir       string // SQLite database and other local data
	DatabaseURL   string // PostgreSQL; empty means embedded SQLite
	SQLitePath    string // overrides DataDir/baken.db (tests)
	Demo          bool   // seed the demo into an empty database
	SecureCookies bool
	Logger        *slog.Logger
	// Digest sends the daily email digest of notifications when its Addr
	// (an SMTP server) is set.
	Digest digest.Config
}

// App is a running Baken.
type App struct {
	cfg     Config
	DB      *store.DB
	Web     *web.Server
	Search  *search.Index
	log     *slog.Logger
	handler http.Handler
	server  *http.Server
	ln      net.Listener
	metrics *metrics
	stop    context.CancelFunc
	// Seeded reports whether this start seeded the demo.
	Seeded bool
}

// New opens and migrates the database, seeds the demo when asked and the
// database is empty, and builds the HTTP handler. It does not listen yet.
func New(ctx context.Context, cfg Config) (*App, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	db, err := store.Open(ctx, store.Options{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir, SQLitePath: cfg.SQLitePath})
	if err != nil {
		return nil, err
	}
	applied, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if len(applied) > 0 {
		cfg.Logger.Info("database migrated", "applied", strings.Join(applied, ", "))
	}
	a := &App{cfg: cfg, DB: db, log: cfg.Logger, metrics: newMetrics(db)}
	if cfg.Demo {
		if a.Seeded, err = SeedDemoOnce(ctx, db, cfg.Logger); err != nil {
			db.Close()
			return nil, fmt.Errorf("demo: %w", err)
		}
	}
	if err := a.openSearch(ctx); err != nil {
		db.Close()
		return nil, err
	}
	a.Web, err = web.New(web.Options{DB: db, Logger: cfg.Logger, SecureCookies: cfg.SecureCookies, Version: Version, Search: a.Search})
	if err != nil {
		db.Close()
		return nil, err
	}
	a.handler = a.routes()
	return a, nil
}

// Handler is the complete HTTP handler (for tests with httptest).
func (a *App) Handler() http.Handler { return a.handler }

func (a *App) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := a.DB.Ping(ctx); err != nil {
			a.log.Error("readyz", "err", err)
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		if pending, err := a.DB.Pending(ctx); err != nil || len(pending) > 0 {
			http.Error(w, "database not migrated", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", a.metrics)
	for _, m := range mounts {
		mux.Handle(m.pattern, http.MaxBytesHandler(m.make(a), m.maxBody))
	}
	mux.Handle("/", http.MaxBytesHandler(gzipHandler(a.Web.Handler()), 25<<20))
	// The official ESCO files are larger than anything else people upload.
	mux.Handle("POST "+web.FrameworkImportPath, http.MaxBytesHandler(a.Web.Handler(), web.MaxFrameworkUpload))
	return a.observe(mux)
}

// Mount is a delivery package served beside the UI under its own prefix
// (the JSON API, the xAPI LRS), with its own auth and error rules.
type Mount struct {
	pattern string
	maxBody int64
	make    func(*App) http.Handler
}

var mounts []Mount

// AddMount registers a handler for a path prefix such as "/api/v1/". Call
// it from an init function in this package before New.
func AddMount(pattern string, maxBody int64, make func(*App) http.Handler) {
	mounts = append(mounts, Mount{pattern, maxBody, make})
}

type statusWriter struct {
	http.ResponseWriter
	code  int
	wrote bool
	route string
}

// SetRoute lets a mounted handler report the route pattern it matched:
// the mounts are wrapped in http.MaxBytesHandler, which serves a copy of
// the request, so the outer request's Pattern only says the mount.
func (s *statusWriter) SetRoute(pattern string) { s.route = pattern }

func (s *statusWriter) WriteHeader(code int) {
	if !s.wrote {
		s.code, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if !s.wrote {
		s.code, s.wrote = http.StatusOK, true
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// observe adds a request id, structured logs, metrics and panic recovery.
func (a *App) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 64 {
			var b [8]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-Id", id)
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				a.log.Error("panic", "request_id", id, "panic", p, "stack", string(debug.Stack()))
				if !sw.wrote {
					http.Error(sw, "internal error", http.StatusInternalServerError)
				}
			}
			route := sw.route
			if route == "" {
				route = r.Pattern
			}
			if route == "" {
				route = "unmatched"
			}
			d := time.Since(start)
			a.metrics.observe(route, r.Method, sw.code, d)
			level := slog.LevelInfo
			if sw.code >= 500 {
				level = slog.LevelError
			}
			if r.URL.Path != "/healthz" && !strings.HasPrefix(r.URL.Path, "/static/") {
				a.log.Log(r.Context(), level, "request", "request_id", id, "method", r.Method, "path", r.URL.Path, "route", route,
					"status", sw.code, "duration_ms", float64(d.Microseconds())/1000, "ip", r.RemoteAddr)
			}
		}()
		next.ServeHTTP(sw, r)
	})
}

// Listen binds the address; Addr tells where (useful with port 0).
func (a *App) Listen() error {
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return err
	}
	a.ln = ln
	return nil
}

// Addr is the bound address after Listen.
func (a *App) Addr() string { return a.ln.Addr().String() }

// Serve serves until ctx ends, then shuts down gracefully, waiting up to
// ten seconds for requests in flight.
func (a *App) Serve(ctx context.Context) error {
	if a.ln == nil {
		if err := a.Listen(); err != nil {
			return err
		}
	}
	a.server = &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute, // uploads on weak shop-floor Wi-Fi
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	bg, stop := context.WithCancel(context.Background())
	a.stop = stop
	go a.housekeeping(bg)
	go digest.Run(bg, a.DB, a.cfg.Digest, a.log)
	go a.searchLoop(bg)
	errc := make(chan error, 1)
	go func() { errc <- a.server.Serve(a.ln) }()
	select {
	case err := <-errc:
		stop()
		return err
	case <-ctx.Done():
	}
	stop()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.server.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// housekeeping removes expired sessions and old sign-in failures.
func (a *App) housekeeping(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if err := a.DB.DeleteExpired(ctx, time.Now()); err != nil && ctx.Err() == nil {
			a.log.Warn("housekeeping", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Close releases the database.
func (a *App) Close() error {
	if a.stop != nil {
		a.stop()
	}
	return a.DB.Close()
}
