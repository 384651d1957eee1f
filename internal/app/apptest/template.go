package apptest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/app"
	"github.com/bakenhq/baken/internal/store"
)

// Seeding the demo takes seconds (argon2id hashes, two years of evidence),
// more under -race. With Main, a test binary seeds it once per engine into
// a template (a SQLite file; a PostgreSQL database) and every Start with
// Demo gets a copy: a file copy, or CREATE DATABASE … TEMPLATE. Without
// Main, every Start seeds afresh.

var (
	useTemplates bool
	tmplMu       sync.Mutex
	templates    = map[store.Engine]*demoTemplate{}
)

type demoTemplate struct {
	once    sync.Once
	err     error
	sqlite  string // template file
	pgAdmin string // URL of the database that holds the template
	pgName  string // template database
}

// Main runs the tests of a package with demo templates enabled and removes
// the templates afterwards. Use it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(apptest.Main(m)) }
func Main(m *testing.M) int {
	useTemplates = true
	code := m.Run()
	tmplMu.Lock()
	defer tmplMu.Unlock()
	for _, tp := range templates {
		tp.remove()
	}
	return code
}

func templateFor(engine store.Engine) *demoTemplate {
	tmplMu.Lock()
	defer tmplMu.Unlock()
	tp := templates[engine]
	if tp == nil {
		tp = &demoTemplate{}
		templates[engine] = tp
	}
	return tp
}

func randomName(prefix string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// seed builds the demo once into a database that outlives the test that
// first asked for it.
func (tp *demoTemplate) seed(engine store.Engine) error {
	tp.once.Do(func() {
		ctx := context.Background()
		cfg := app.Config{Demo: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
		if engine == store.SQLite {
			dir, err := os.MkdirTemp("", "baken-apptest-")
			if err != nil {
				tp.err = err
				return
			}
			tp.sqlite = filepath.Join(dir, "demo.db")
			cfg.SQLitePath = tp.sqlite
		} else {
			base := os.Getenv("BAKEN_TEST_DATABASE_URL")
			u, err := url.Parse(base)
			if err != nil {
				tp.err = err
				return
			}
			tp.pgAdmin, tp.pgName = base, randomName("baken_tpl_")
			if tp.err = pgExec(base, `CREATE DATABASE `+tp.pgName); tp.err != nil {
				return
			}
			u.Path = "/" + tp.pgName
			cfg.DatabaseURL = u.String()
		}
		a, err := app.New(ctx, cfg)
		if err != nil {
			tp.err = fmt.Errorf("seed the demo template: %w", err)
			return
		}
		tp.err = a.Close()
	})
	return tp.err
}

func (tp *demoTemplate) remove() {
	if tp.sqlite != "" {
		os.RemoveAll(filepath.Dir(tp.sqlite))
	}
	if tp.pgName != "" {
		_ = pgExec(tp.pgAdmin, `DROP DATABASE IF EXISTS `+tp.pgName+` WITH (FORCE)`)
	}
}

// demoCopy returns options for a private copy of the seeded demo, or false
// when templates are off.
func demoCopy(t testing.TB, engine store.Engine) (store.Options, bool) {
	t.Helper()
	if !useTemplates {
		return store.Options{}, false
	}
	tp := templateFor(engine)
	if err := tp.seed(engine); err != nil {
		t.Fatalf("apptest: %v", err)
	}
	if engine == store.SQLite {
		dst := filepath.Join(t.TempDir(), "baken.db")
		for _, suffix := range []string{"", "-wal"} {
			if err := copyFile(tp.sqlite+suffix, dst+suffix); err != nil && !(suffix != "" && os.IsNotExist(err)) {
				t.Fatalf("apptest: copy demo template: %v", err)
			}
		}
		return store.Options{SQLitePath: dst}, true
	}
	name := randomName("baken_t_")
	var err error
	for range 50 { // the template is busy while another copy is made
		if err = pgExec(tp.pgAdmin, `CREATE DATABASE `+name+` TEMPLATE `+tp.pgName); err == nil || !strings.Contains(err.Error(), "being accessed") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("apptest: copy demo template: %v", err)
	}
	t.Cleanup(func() { _ = pgExec(tp.pgAdmin, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`) })
	u, _ := url.Parse(tp.pgAdmin)
	u.Path = "/" + name
	return store.Options{DatabaseURL: u.String()}, true
}

func pgExec(dsn, stmt string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Exec(stmt)
	return err
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
