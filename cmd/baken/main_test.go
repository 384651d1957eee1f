package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bakenhq/baken/internal/store"
)

func runCLI(t *testing.T, dir string, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(k string) string {
		if k == "BAKEN_DATA" {
			return dir
		}
		return ""
	}}
	code = run(context.Background(), e, args)
	return code, out.String(), errb.String()
}

func TestWrongCommandOrFlagExits2(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{"frobnicate"}, {"serve", "--bogus"}, {"import"}, {"import", "widgets"}, {"user"}, {"token", "delete"}, {"serve", "extra"}} {
		code, _, stderr := runCLI(t, dir, "", args...)
		if code != 2 || stderr == "" {
			t.Errorf("baken %v: exit %d, stderr %q; want 2 and a message", args, code, stderr)
		}
	}
}

func TestHelpAndVersion(t *testing.T) {
	dir := t.TempDir()
	for _, cmd := range []string{"help", "version"} {
		if code, out, _ := runCLI(t, dir, "", cmd); code != 0 || out == "" {
			t.Errorf("baken %s: exit %d, output %q", cmd, code, out)
		}
	}
}

func TestDemoSeedsOnceAndCommandsWork(t *testing.T) {
	dir := t.TempDir()
	if code, out, errs := runCLI(t, dir, "", "demo"); code != 0 {
		t.Fatalf("baken demo: %d %s %s", code, out, errs)
	}
	if code, _, errs := runCLI(t, dir, "", "demo"); code != 1 || !strings.Contains(errs, "not empty") {
		t.Fatalf("second baken demo: exit %d, %q; want a refusal", code, errs)
	}
	// A people file with a bad row: nothing is imported, the row is named.
	csv := filepath.Join(dir, "people.csv")
	os.WriteFile(csv, []byte("name,employee_number,team\nPiet Pels,5001,CNC-verspanen\nKlaas Kater,5001,Lassen\n"), 0o600)
	code, _, errs := runCLI(t, dir, "", "import", "people", csv, "--org", "hofman")
	if code != 1 || !strings.Contains(errs, "people.csv:3:") {
		t.Fatalf("bad import: exit %d, stderr %q", code, errs)
	}
	os.WriteFile(csv, []byte("name,employee_number,team\nPiet Pels,5001,CNC-verspanen\n"), 0o600)
	if code, out, errs := runCLI(t, dir, "", "import", "people", csv, "--org", "hofman"); code != 0 || !strings.Contains(out, "imported 1") {
		t.Fatalf("good import: %d %s %s", code, out, errs)
	}
	if code, out, errs := runCLI(t, dir, "", "token", "create", "--email", "henk.smit@hofman.example", "--role", "team_lead"); code != 0 || !strings.Contains(out, "bkn_") {
		t.Fatalf("token create: %d %s %s", code, out, errs)
	}
	if code, _, errs := runCLI(t, dir, "", "token", "create", "--email", "fleur.kok@hofman.example", "--role", "org_admin"); code != 1 || !strings.Contains(errs, "does not hold") {
		t.Fatalf("token with a role the user lacks: %d %s", code, errs)
	}
	if code, out, errs := runCLI(t, dir, "a-long-enough-password\n", "user", "add", "--org", "hofman", "--name", "Nieuwe Collega", "--email", "nieuw@hofman.example", "--password-stdin"); code != 0 || !strings.Contains(out, "secret set") {
		t.Fatalf("user add: %d %s %s", code, out, errs)
	}
	if code, _, errs := runCLI(t, dir, "short\n", "user", "passwd", "--email", "nieuw@hofman.example", "--password-stdin"); code != 1 || !strings.Contains(errs, "10 characters") {
		t.Fatalf("short password: %d %s", code, errs)
	}
	backup := filepath.Join(dir, "copy.db")
	if code, out, errs := runCLI(t, dir, "", "backup", backup); code != 0 || !strings.Contains(out, "backed up") {
		t.Fatalf("backup: %d %s %s", code, out, errs)
	}
	// The backup is a working database with the same people.
	db, err := store.Open(context.Background(), store.Options{SQLitePath: backup})
	if err != nil {
		t.Fatal(err)
	}
	org, err := db.OrganisationBySlug(context.Background(), "hofman")
	if err != nil {
		t.Fatalf("backup lacks the organisation: %v", err)
	}
	if n, _ := db.CountPeople(context.Background(), org.ID, false); n < 100 {
		t.Fatalf("backup has %d people", n)
	}
	db.Close()
	if code, _, errs := runCLI(t, dir, "", "backup", backup); code != 1 || !strings.Contains(errs, "exists") {
		t.Fatalf("backup over an existing file: %d %s", code, errs)
	}
	if code, _, errs := runCLI(t, dir, "", "backup", "x", "--database-url", "postgres://localhost/none"); code != 1 || !strings.Contains(errs, "pg_dump") {
		t.Fatalf("backup on PostgreSQL: %d %s", code, errs)
	}
}

// TestReindexRebuildsLostDocuments removes a demo organisation's search
// documents behind Baken's back (as a restore from an older backup would)
// and checks that "baken reindex" brings every kind back.
func TestReindexRebuildsLostDocuments(t *testing.T) {
	dir := t.TempDir()
	if code, out, errs := runCLI(t, dir, "", "demo"); code != 0 {
		t.Fatalf("baken demo: %d %s %s", code, out, errs)
	}
	ctx := context.Background()
	kinds := func() map[string]int {
		db, err := store.Open(ctx, store.Options{DataDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		rows, err := db.R().QueryContext(ctx, `SELECT d.kind, COUNT(*) FROM search_docs d JOIN organisations o ON o.id = d.org_id WHERE o.slug = 'hofman' GROUP BY d.kind`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := map[string]int{}
		for rows.Next() {
			var k string
			var c int
			if err := rows.Scan(&k, &c); err != nil {
				t.Fatal(err)
			}
			n[k] = c
		}
		return n
	}
	before := kinds()
	if len(before) < 4 {
		t.Fatalf("demo search documents by kind: %v; want people, teams, items, lessons…", before)
	}
	db, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.W().ExecContext(ctx, `DELETE FROM search_docs WHERE org_id = (SELECT id FROM organisations WHERE slug = 'hofman')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if n := kinds(); len(n) != 0 {
		t.Fatalf("documents left after the delete: %v", n)
	}
	if code, _, errs := runCLI(t, dir, "", "reindex", "--org", "nosuch"); code != 1 || !strings.Contains(errs, "nosuch") {
		t.Fatalf("reindex of an unknown organisation: %d %s", code, errs)
	}
	code, out, errs := runCLI(t, dir, "", "reindex", "--org", "hofman")
	if code != 0 || !strings.Contains(out, "search index rebuilt") {
		t.Fatalf("reindex: %d %s %s", code, out, errs)
	}
	after := kinds()
	t.Logf("documents by kind: before %v, after %v", before, after)
	// The demo seed indexes what its areas write; people, sites, teams and
	// competences are otherwise indexed by a server at start.
	for _, k := range []string{"person", "site", "team", "competence"} {
		if after[k] == 0 {
			t.Errorf("no %s documents after reindex: %v", k, after)
		}
	}
	for k, n := range before {
		if after[k] != n {
			t.Errorf("kind %s: %d documents after reindex, %d before", k, after[k], n)
		}
	}
}
