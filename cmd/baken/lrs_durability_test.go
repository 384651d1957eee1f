package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/xapi"
)

// TestLRSDurabilityUnderSIGKILL builds the baken binary, serves an LRS on
// a temporary data folder, posts batches from several clients, kills the
// server with SIGKILL in the middle, restarts it and checks that every
// statement answered 200 is there and that every batch is there whole or
// not at all.
func TestLRSDurabilityUnderSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a server; skipped with -short")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "baken")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "data")
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(bin, append(args, "--data", data)...).CombinedOutput()
		if err != nil {
			t.Fatalf("baken %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	run("demo")
	out := run("lrs", "credentials", "create", "--org", "hofman", "--scopes", "all")
	var key, secret string
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) == 2 && f[0] == "key:" {
			key = f[1]
		}
		if len(f) == 2 && f[0] == "secret:" {
			secret = f[1]
		}
	}
	if key == "" || secret == "" {
		t.Fatalf("no credential in %q", out)
	}
	addr := freeAddr(t)
	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "serve", "--data", data, "--addr", addr)
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			if res, err := http.Get("http://" + addr + "/healthz"); err == nil {
				res.Body.Close()
				return cmd
			}
			time.Sleep(50 * time.Millisecond)
		}
		cmd.Process.Kill()
		t.Fatal("server did not start")
		return nil
	}
	client := &http.Client{Timeout: 30 * time.Second}
	send := func(ctx context.Context, method, path string, body []byte) (int, []byte, error) {
		req, _ := http.NewRequestWithContext(ctx, method, "http://"+addr+"/xapi"+path, bytes.NewReader(body))
		req.Header.Set("X-Experience-API-Version", "2.0.0")
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth(key, secret)
		res, err := client.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		return res.StatusCode, b, err
	}

	srv := start()
	var mu sync.Mutex
	var acked, unacked [][]string // batches answered 200, and the others
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for c := 0; c < 4; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(c), 7))
			for ctx.Err() == nil {
				var list []any
				var ids []string
				for i := 0; i < 20; i++ {
					s := xapi.GenStatement(r, 100, 20)
					ids = append(ids, s["id"].(string))
					list = append(list, s)
				}
				body, _ := json.Marshal(list)
				code, _, err := send(context.Background(), "POST", "/statements", body)
				mu.Lock()
				if err == nil && code == http.StatusOK {
					acked = append(acked, ids)
				} else {
					unacked = append(unacked, ids)
				}
				mu.Unlock()
				if err != nil {
					return // the server is gone
				}
			}
		}(c)
	}
	time.Sleep(1500 * time.Millisecond)
	if err := srv.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	srv.Wait()
	cancel()
	wg.Wait()
	if len(acked) == 0 {
		t.Fatal("no batch was acknowledged before the kill")
	}

	srv = start()
	defer func() { srv.Process.Kill(); srv.Wait() }()
	present := func(id string) bool {
		code, b, err := send(context.Background(), "GET", "/statements?statementId="+id, nil)
		if err != nil {
			t.Fatal(err)
		}
		if code != 200 && code != 404 {
			t.Fatalf("GET %s: %d %s", id, code, b)
		}
		return code == 200
	}
	n := 0
	for _, batch := range acked {
		for _, id := range batch {
			if !present(id) {
				t.Fatalf("statement %s was answered 200 but is missing after SIGKILL", id)
			}
			n++
		}
	}
	partial := 0
	for _, batch := range unacked {
		got := 0
		for _, id := range batch {
			if present(id) {
				got++
			}
		}
		if got != 0 && got != len(batch) {
			partial++
		}
	}
	if partial > 0 {
		t.Fatalf("%d unanswered batches are partly stored", partial)
	}
	t.Logf("%d acknowledged statements all present after SIGKILL; %d unanswered batches whole or absent", n, len(unacked))
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
