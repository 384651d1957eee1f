-- Long imports started from the web (ESCO, DigComp): one row per run, so
-- that any node can show its progress and its outcome. org_id is the
-- organisation of the person who started it; the data imported may be
-- platform-wide.
CREATE TABLE import_jobs (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    started_by  TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,
    stage       TEXT NOT NULL DEFAULT '',
    done        INTEGER NOT NULL DEFAULT 0,
    total       INTEGER NOT NULL DEFAULT 0,
    message     TEXT NOT NULL DEFAULT '',
    started_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX import_jobs_org ON import_jobs (org_id, started_at);
