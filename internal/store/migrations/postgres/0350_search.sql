-- Search: the documents of the search index and a change counter.
-- The index itself lives in memory on every node (internal/search); these
-- tables let any node load it and follow the others' writes. org_id is ''
-- for platform-wide documents (ESCO competences), so it has no foreign key.
CREATE TABLE search_docs (
    org_id        TEXT NOT NULL,
    kind          TEXT NOT NULL,
    id            TEXT NOT NULL,
    visibility    TEXT NOT NULL CHECK (visibility IN ('org', 'partners', 'public')),
    lang          TEXT NOT NULL DEFAULT '',
    type          TEXT NOT NULL DEFAULT '',
    title         TEXT NOT NULL DEFAULT '',
    body          TEXT NOT NULL DEFAULT '',
    labels        TEXT NOT NULL DEFAULT '[]',
    competences   TEXT NOT NULL DEFAULT '[]',
    minutes       INTEGER NOT NULL DEFAULT 0,
    site_id       TEXT NOT NULL DEFAULT '',
    boost         DOUBLE PRECISION NOT NULL DEFAULT 0,
    url           TEXT NOT NULL DEFAULT '',
    terms         TEXT NOT NULL DEFAULT '',
    terms_version INTEGER NOT NULL DEFAULT 0,
    seq           BIGINT NOT NULL,
    deleted       BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, kind, id)
);
CREATE INDEX search_docs_seq ON search_docs (seq);

-- One row: the last change number handed out. Writers bump it in their
-- transaction, so change numbers follow commit order.
CREATE TABLE search_seq (
    id    INTEGER PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO search_seq (id, value) VALUES (1, 0);
