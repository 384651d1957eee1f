-- Rules that turn arriving xAPI statements into competence evidence: a
-- statement whose object is the activity (or has the activity type), with
-- the verb and at least the scaled score, is evidence of the competence at
-- the level, of the kind.
CREATE TABLE xapi_rules (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    activity_id   TEXT NOT NULL DEFAULT '',
    activity_type TEXT NOT NULL DEFAULT '',
    verb          TEXT NOT NULL,
    min_scaled    REAL,
    competence_id TEXT NOT NULL REFERENCES competences(id) ON DELETE CASCADE,
    level         INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    valid_days    INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
);
CREATE INDEX xapi_rules_org ON xapi_rules (org_id);
