// Package sqlitebench compares the write path of the two SQLite drivers for
// Go: modernc.org/sqlite (pure Go, Baken's choice) and mattn/go-sqlite3
// (cgo). It is a module of its own so that Baken itself never depends on
// cgo. Run: cd tools/sqlitebench && go test -bench . -benchtime 2s
package sqlitebench

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
	_ "modernc.org/sqlite"
)

var drivers = []struct{ name, driver, dsn string }{
	{"modernc", "sqlite", "file:%s?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_txlock=immediate"},
	{"mattn", "sqlite3", "file:%s?_busy_timeout=10000&_journal_mode=WAL&_synchronous=NORMAL&_foreign_keys=1&_txlock=immediate"},
}

const schema = `CREATE TABLE evidence (id TEXT PRIMARY KEY, org_id TEXT NOT NULL, person_id TEXT NOT NULL, competence_id TEXT NOT NULL,
	level INTEGER NOT NULL, kind TEXT NOT NULL, note TEXT NOT NULL, created_at TEXT NOT NULL);
	CREATE INDEX evidence_person ON evidence (org_id, person_id, competence_id)`

func open(b *testing.B, driver, dsn string) *sql.DB {
	db, err := sql.Open(driver, fmt.Sprintf(dsn, filepath.Join(b.TempDir(), "bench.db")))
	if err != nil {
		b.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(schema); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

const insert = `INSERT INTO evidence (id, org_id, person_id, competence_id, level, kind, note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`

// BenchmarkSingleInsert is one row per transaction, as a web request that
// records one piece of evidence does.
func BenchmarkSingleInsert(b *testing.B) {
	for _, d := range drivers {
		b.Run(d.name, func(b *testing.B) {
			db := open(b, d.driver, d.dsn)
			now := time.Now().UTC().Format(time.RFC3339Nano)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := db.Exec(insert, fmt.Sprintf("id-%09d", i), "org-1", fmt.Sprintf("p-%d", i%500), fmt.Sprintf("c-%d", i%300), i%5, "validation", "validated on the floor", now); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkBatchInsert is 100 rows per transaction, as an import or an xAPI
// batch does.
func BenchmarkBatchInsert(b *testing.B) {
	for _, d := range drivers {
		b.Run(d.name, func(b *testing.B) {
			db := open(b, d.driver, d.dsn)
			now := time.Now().UTC().Format(time.RFC3339Nano)
			b.ResetTimer()
			n := 0
			for i := 0; i < b.N; i++ {
				tx, err := db.Begin()
				if err != nil {
					b.Fatal(err)
				}
				st, err := tx.Prepare(insert)
				if err != nil {
					b.Fatal(err)
				}
				for j := 0; j < 100; j++ {
					n++
					if _, err := st.Exec(fmt.Sprintf("id-%09d", n), "org-1", fmt.Sprintf("p-%d", n%500), fmt.Sprintf("c-%d", n%300), n%5, "validation", "validated on the floor", now); err != nil {
						b.Fatal(err)
					}
				}
				st.Close()
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
