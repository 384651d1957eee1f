-- Open courses (the fields of a learning item of type open_course that the
-- catalogue's common columns lack) and enrolments in any learning item,
-- including items a partner shares (item_org_id is then the partner).
CREATE TABLE open_courses (
    item_id     TEXT PRIMARY KEY REFERENCES learning_items(id) ON DELETE CASCADE,
    org_id      TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    provider    TEXT NOT NULL,
    cost_cents  INTEGER NOT NULL DEFAULT 0,
    currency    TEXT NOT NULL DEFAULT 'EUR',
    certificate BOOLEAN NOT NULL DEFAULT FALSE,
    schedule    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX open_courses_org ON open_courses (org_id);

CREATE TABLE enrolments (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    person_id    TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    item_id      TEXT NOT NULL REFERENCES learning_items(id) ON DELETE CASCADE,
    item_org_id  TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('assigned', 'started', 'completed', 'dropped')),
    assigned_by  TEXT REFERENCES people(id) ON DELETE SET NULL,
    due_on       TEXT,
    started_at   TEXT,
    completed_at TEXT,
    proof_url    TEXT NOT NULL DEFAULT '',
    proof_name   TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (org_id, person_id, item_id)
);
CREATE INDEX enrolments_person ON enrolments (org_id, person_id, status);
CREATE INDEX enrolments_item ON enrolments (item_org_id, item_id);
