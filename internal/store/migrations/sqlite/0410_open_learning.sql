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
    status       TEXT NOT NULL CHECK (status IN ('assigned', 'started', 'pending', 'completed', 'dropped')),
    assigned_by  TEXT REFERENCES people(id) ON DELETE SET NULL,
    due_on       TEXT,
    started_at   TEXT,
    completed_at TEXT,
    proof_url    TEXT NOT NULL DEFAULT '',
    proof_name   TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    validated_by TEXT REFERENCES people(id) ON DELETE SET NULL,
    validated_at TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (org_id, person_id, item_id)
);
CREATE INDEX enrolments_person ON enrolments (org_id, person_id, status);
CREATE INDEX enrolments_item ON enrolments (item_org_id, item_id);

-- Learning paths: an ordered set of items of any type towards a target (a
-- role profile or a roadmap item); the path itself is a learning item of
-- type path. Steps may be items a partner shares.
CREATE TABLE learning_paths (
    item_id             TEXT PRIMARY KEY REFERENCES learning_items(id) ON DELETE CASCADE,
    org_id              TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    target_kind         TEXT NOT NULL DEFAULT '' CHECK (target_kind IN ('', 'role', 'roadmap')),
    target_id           TEXT NOT NULL DEFAULT '',
    requires_validation BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE learning_path_steps (
    org_id   TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    path_id  TEXT NOT NULL REFERENCES learning_items(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    item_id  TEXT NOT NULL REFERENCES learning_items(id) ON DELETE CASCADE,
    PRIMARY KEY (path_id, position)
);
CREATE INDEX learning_path_steps_item ON learning_path_steps (item_id);
