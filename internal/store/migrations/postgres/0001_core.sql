-- Core: organisations, partnerships, sites, teams, people, roles,
-- sessions, API tokens, sign-in throttling, audit log, settings.
CREATE TABLE organisations (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('company', 'provider')),
    name         TEXT NOT NULL,
    slug         TEXT NOT NULL UNIQUE,
    default_lang TEXT NOT NULL DEFAULT 'nl',
    created_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE partnerships (
    org_id     TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    partner_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, partner_id)
);

CREATE TABLE sites (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    address    TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE people (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    email           TEXT UNIQUE,
    employee_number TEXT,
    job_title       TEXT NOT NULL DEFAULT '',
    team_id         TEXT,
    site_id         TEXT REFERENCES sites(id) ON DELETE SET NULL,
    start_date      DATE,
    language        TEXT NOT NULL DEFAULT '',
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    left_on         DATE,
    password_hash   TEXT NOT NULL DEFAULT '',
    pin_hash        TEXT NOT NULL DEFAULT '',
    platform_admin  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, employee_number)
);
CREATE INDEX people_org_name ON people (org_id, name);
CREATE INDEX people_org_team ON people (org_id, team_id);

CREATE TABLE teams (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    site_id    TEXT REFERENCES sites(id) ON DELETE SET NULL,
    name       TEXT NOT NULL,
    lead_id    TEXT REFERENCES people(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE person_roles (
    org_id    TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    role      TEXT NOT NULL,
    PRIMARY KEY (person_id, role)
);
CREATE INDEX person_roles_org ON person_roles (org_id, role);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    person_id    TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    org_id       TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    csrf         TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_person ON sessions (person_id);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    person_id    TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);

CREATE TABLE signin_failures (
    id  TEXT PRIMARY KEY,
    key TEXT NOT NULL,
    at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX signin_failures_key ON signin_failures (key, at);

CREATE TABLE audit_log (
    id        TEXT PRIMARY KEY,
    org_id    TEXT REFERENCES organisations(id) ON DELETE CASCADE,
    at        TIMESTAMPTZ NOT NULL,
    actor_id  TEXT,
    action    TEXT NOT NULL,
    target    TEXT NOT NULL DEFAULT '',
    ip        TEXT NOT NULL DEFAULT '',
    detail    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_org_at ON audit_log (org_id, at);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
