package main

import (
	"strings"
	"testing"
)

func TestLRSCredentialsCreate(t *testing.T) {
	dir := t.TempDir()
	if code, out, errs := runCLI(t, dir, "", "demo"); code != 0 {
		t.Fatalf("baken demo: %d %s %s", code, out, errs)
	}
	code, out, errs := runCLI(t, dir, "", "lrs", "credentials", "create", "--org", "hofman", "--scopes", "statements/write,statements/read")
	if code != 0 || !strings.Contains(out, "key:") || !strings.Contains(out, "secret:") {
		t.Fatalf("lrs credentials create: exit %d, %q %q", code, out, errs)
	}
	for _, args := range [][]string{{"lrs"}, {"lrs", "credentials", "create"}, {"lrs", "credentials", "create", "--org", "hofman", "--scopes", "everything"}} {
		if code, _, _ := runCLI(t, dir, "", args...); code != 2 {
			t.Errorf("baken %v: exit %d, want 2", args, code)
		}
	}
	if code, _, _ := runCLI(t, dir, "", "lrs", "credentials", "create", "--org", "nosuchorg"); code != 1 {
		t.Errorf("unknown org: exit %d, want 1", code)
	}
}
