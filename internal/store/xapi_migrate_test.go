package store

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/bakenhq/baken/internal/tenancy"
)

// Migration 0502 moves the filter index of statements already stored into
// the new table: queries find them as before.
func TestXAPIKeysMigrationKeepsStoredStatements(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, Options{SQLitePath: filepath.Join(t.TempDir(), "baken.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ms, err := db.migrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.name >= "0502" {
			continue
		}
		if _, err := db.write.ExecContext(ctx, m.sql); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
		if _, err := db.write.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES ($1, '')`, m.name); err != nil {
			t.Fatal(err)
		}
	}
	var orgs []string
	for _, slug := range []string{"org-a", "org-b"} {
		o := &tenancy.Organisation{Kind: tenancy.Company, Name: slug, Slug: slug}
		if err := db.CreateOrganisation(ctx, o); err != nil {
			t.Fatal(err)
		}
		orgs = append(orgs, o.ID)
	}
	agent := XAPIKey{Kind: "a", Key: "mbox|mailto:op@example.com", Direct: true}
	verb := XAPIKey{Kind: "v", Key: "http://adlnet.gov/expapi/verbs/completed", Direct: true}
	for i, org := range orgs {
		for j := 0; j < 3; j++ {
			seq := int64(100 + 10*i + j)
			if _, err := db.write.ExecContext(ctx, `INSERT INTO xapi_statements (org_id, id, seq, verb, body) VALUES ($1, $2, $3, $4, '{}')`, org, org[:8]+string(rune('a'+j)), seq, verb.Key); err != nil {
				t.Fatal(err)
			}
			for _, k := range []XAPIKey{agent, verb} {
				if _, err := db.write.ExecContext(ctx, `INSERT INTO xapi_statement_index (org_id, kind, key_hash, seq, direct) VALUES ($1, $2, $3, $4, $5)`, org, k.Kind, XAPIKeyHash(k.Kind, k.Key), seq, j != 2); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if applied, err := db.Migrate(ctx); err != nil || len(applied) == 0 || applied[0] != "0502_xapi_keys" {
		t.Fatalf("migrate: %v %v", applied, err)
	}
	for _, org := range orgs {
		rows, err := db.XAPIStatements(ctx, org, XAPIQuery{Filters: []XAPIKey{agent, verb}, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 || rows[0].ID != org[:8]+"b" || rows[1].ID != org[:8]+"a" {
			t.Fatalf("after the migration: %d rows %v", len(rows), rows)
		}
		agent.Direct = false
		if rows, _ := db.XAPIStatements(ctx, org, XAPIQuery{Filters: []XAPIKey{agent}, Limit: 10}); len(rows) != 3 {
			t.Fatalf("related agents after the migration: %d rows", len(rows))
		}
		agent.Direct = true
	}
}
