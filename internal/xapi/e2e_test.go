package xapi_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/store/storetest"
)

func repoRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = parent
	}
}

// TestRealClients installs @xapi/xapi and tincanjs from e2e/xapi (npm ci
// into a temporary copy) and runs e2e/xapi/run.js against a live LRS:
// statements sent, read, queried and voided, state and profile documents,
// with xAPI 2.0.0, 1.0.3 and tincanjs's 1.0.2.
func TestRealClients(t *testing.T) {
	if testing.Short() {
		t.Skip("installs npm packages; skipped with -short")
	}
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			storetest.SkipOrFail(t, "the real-client test needs "+tool+" on PATH")
		}
	}
	src := filepath.Join(repoRoot(t), "e2e", "xapi")
	dir := t.TempDir()
	for _, f := range []string{"package.json", "package-lock.json", "run.js"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	npm := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund")
	npm.Dir = dir
	if out, err := npm.CombinedOutput(); err != nil {
		storetest.SkipOrFail(t, "npm ci failed (no registry?): "+err.Error()+"\n"+string(out))
	}
	l := newLRS(t, storetest.SQLite(t))
	node := exec.CommandContext(ctx, "node", "run.js")
	node.Dir = dir
	node.Env = append(os.Environ(), "LRS_ENDPOINT="+l.srv.URL+"/xapi/", "LRS_KEY="+l.key, "LRS_SECRET="+l.secret)
	out, err := node.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("real clients failed: %v", err)
	}
}
