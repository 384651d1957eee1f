-- xAPI learning record store: credentials, statements with their filter
-- index, attachments, activity definitions and documents.
CREATE TABLE xapi_credentials (
    id          TEXT PRIMARY KEY,   -- the public key, the Basic user name
    org_id      TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    secret_hash TEXT NOT NULL,      -- hex HMAC-SHA256 of the secret
    scopes      TEXT NOT NULL,      -- space-separated
    authority   TEXT NOT NULL,      -- JSON Agent
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE INDEX xapi_credentials_org ON xapi_credentials (org_id);

CREATE TABLE xapi_statements (
    org_id        TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    id            TEXT NOT NULL,
    seq           INTEGER NOT NULL,  -- stored, microseconds since 1970
    verb          TEXT NOT NULL,
    ref_id        TEXT,              -- object StatementRef
    voided        BOOLEAN NOT NULL DEFAULT FALSE,
    credential_id TEXT NOT NULL DEFAULT '',
    body          TEXT NOT NULL,
    PRIMARY KEY (org_id, id)
);
CREATE UNIQUE INDEX xapi_statements_seq ON xapi_statements (org_id, seq);
CREATE INDEX xapi_statements_ref ON xapi_statements (org_id, ref_id) WHERE ref_id IS NOT NULL;

-- One row per (statement, filter key): agents, verb, activities and
-- registration, the key as a 64-bit hash of its kind and text. direct marks
-- what the narrow filters match (actor or object, the object activity);
-- the broad ones (related_agents, related_activities) match every row.
-- Queries walk (org_id, kind, key_hash) in seq order.
CREATE TABLE xapi_statement_index (
    org_id   TEXT NOT NULL,
    kind     TEXT NOT NULL,
    key_hash INTEGER NOT NULL,
    seq      INTEGER NOT NULL,
    direct   BOOLEAN NOT NULL,
    PRIMARY KEY (org_id, kind, key_hash, seq)
) WITHOUT ROWID;

CREATE TABLE xapi_attachments (
    org_id       TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    sha2         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content      BLOB NOT NULL,
    PRIMARY KEY (org_id, sha2)
);

CREATE TABLE xapi_activities (
    org_id     TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    id         TEXT NOT NULL,
    definition TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (org_id, id)
);

-- State, activity profile and agent profile documents. Unused parts of the
-- key are '' so that the primary key holds them all.
CREATE TABLE xapi_documents (
    org_id       TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('state', 'activity_profile', 'agent_profile')),
    activity_id  TEXT NOT NULL,
    agent_key    TEXT NOT NULL,
    registration TEXT NOT NULL,
    doc_id       TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content      BLOB NOT NULL,
    etag         TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (org_id, kind, activity_id, agent_key, registration, doc_id)
);
