-- Learning catalogue: one table of learning items for every type
-- (instructions now; courses, paths, labs, projects, lessons later), what
-- they develop, who they are for, their version history and uploaded
-- media; places with the competences they need and their items; and what
-- people did with the items.

CREATE TABLE learning_items (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    type         TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'in_review', 'published', 'archived')),
    visibility   TEXT NOT NULL CHECK (visibility IN ('org', 'partners', 'public')),
    lang         TEXT NOT NULL DEFAULT '',
    title_nl     TEXT NOT NULL DEFAULT '',
    title_en     TEXT NOT NULL DEFAULT '',
    body_nl      TEXT NOT NULL DEFAULT '',
    body_en      TEXT NOT NULL DEFAULT '',
    minutes      INTEGER NOT NULL DEFAULT 0,
    url          TEXT NOT NULL DEFAULT '',
    detail       TEXT NOT NULL DEFAULT '{}',
    author_id    TEXT REFERENCES people(id) ON DELETE SET NULL,
    reviewer_id  TEXT REFERENCES people(id) ON DELETE SET NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    published_at TIMESTAMPTZ
);
CREATE INDEX learning_items_org ON learning_items (org_id, status, type);
CREATE INDEX learning_items_shared ON learning_items (visibility, status) WHERE visibility <> 'org';

CREATE TABLE learning_item_outcomes (
    org_id        TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    item_id       TEXT NOT NULL REFERENCES learning_items(id) ON DELETE CASCADE,
    competence_id TEXT NOT NULL REFERENCES competences(id) ON DELETE CASCADE,
    level         INTEGER NOT NULL,
    PRIMARY KEY (item_id, competence_id)
);
CREATE INDEX learning_item_outcomes_competence ON learning_item_outcomes (org_id, competence_id);

-- audience: kind 'role' (a role profile) or 'team'
CREATE TABLE learning_item_audience (
    org_id  TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    item_id TEXT NOT NULL REFERENCES learning_items(id) ON DELETE CASCADE,
    kind    TEXT NOT NULL CHECK (kind IN ('role', 'team')),
    ref_id  TEXT NOT NULL,
    PRIMARY KEY (item_id, kind, ref_id)
);
CREATE INDEX learning_item_audience_ref ON learning_item_audience (org_id, kind, ref_id);

CREATE TABLE learning_item_versions (
    org_id   TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    item_id  TEXT NOT NULL REFERENCES learning_items(id) ON DELETE CASCADE,
    version  INTEGER NOT NULL,
    status   TEXT NOT NULL,
    saved_by TEXT REFERENCES people(id) ON DELETE SET NULL,
    saved_at TIMESTAMPTZ NOT NULL,
    note     TEXT NOT NULL DEFAULT '',
    snapshot TEXT NOT NULL,
    PRIMARY KEY (item_id, version)
);

CREATE TABLE learning_media (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    width        INTEGER NOT NULL DEFAULT 0,
    height       INTEGER NOT NULL DEFAULT 0,
    name         TEXT NOT NULL DEFAULT '',
    sha256       TEXT NOT NULL,
    created_by   TEXT REFERENCES people(id) ON DELETE SET NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    data         BYTEA NOT NULL
);
CREATE INDEX learning_media_org ON learning_media (org_id, created_at);

CREATE TABLE places (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    site_id    TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    code       TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('machine', 'workstation', 'area')),
    name_nl    TEXT NOT NULL DEFAULT '',
    name_en    TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX places_org_code ON places (org_id, code);
CREATE INDEX places_org_site ON places (org_id, site_id);

CREATE TABLE place_competences (
    org_id        TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    place_id      TEXT NOT NULL REFERENCES places(id) ON DELETE CASCADE,
    competence_id TEXT NOT NULL REFERENCES competences(id) ON DELETE CASCADE,
    level         INTEGER NOT NULL,
    PRIMARY KEY (place_id, competence_id)
);

CREATE TABLE place_items (
    org_id   TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    place_id TEXT NOT NULL REFERENCES places(id) ON DELETE CASCADE,
    item_id  TEXT NOT NULL REFERENCES learning_items(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (place_id, item_id)
);
CREATE INDEX place_items_item ON place_items (org_id, item_id);

CREATE TABLE learning_usage (
    id        TEXT PRIMARY KEY,
    org_id    TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    item_id   TEXT NOT NULL REFERENCES learning_items(id) ON DELETE CASCADE,
    person_id TEXT REFERENCES people(id) ON DELETE SET NULL,
    place_id  TEXT REFERENCES places(id) ON DELETE SET NULL,
    kind      TEXT NOT NULL,
    comment   TEXT NOT NULL DEFAULT '',
    at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX learning_usage_item ON learning_usage (org_id, item_id, at);
