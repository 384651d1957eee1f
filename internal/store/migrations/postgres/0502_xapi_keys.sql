-- A smaller filter index for statements. The rows of xapi_statement_index
-- carried the organisation id as text and the kind beside the key hash
-- (about 60 bytes each, ten per statement); the SQLite writer spent most of
-- its time inserting them. Here an organisation is a small number
-- (xapi_orgs), the kind lives only inside key_hash (a hash of kind and
-- key, as before), and a row is about 20 bytes.
CREATE TABLE xapi_orgs (
    org_id TEXT PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE,
    num    BIGINT NOT NULL UNIQUE
);
INSERT INTO xapi_orgs (org_id, num)
SELECT org_id, ROW_NUMBER() OVER (ORDER BY org_id)
FROM (SELECT DISTINCT org_id FROM xapi_statements) AS o;

-- One row per (statement, filter key). direct marks what the narrow
-- filters match (actor or object, the object activity); the broad ones
-- (related_agents, related_activities) match every row. Queries walk
-- (org, key_hash) in seq order and join the statement by (org_id, seq).
CREATE TABLE xapi_keys (
    org      BIGINT NOT NULL,    -- xapi_orgs.num
    key_hash BIGINT NOT NULL,
    seq      BIGINT NOT NULL,
    direct   BOOLEAN NOT NULL,
    PRIMARY KEY (org, key_hash, seq)
);
INSERT INTO xapi_keys (org, key_hash, seq, direct)
SELECT o.num, i.key_hash, i.seq, i.direct
FROM xapi_statement_index i JOIN xapi_orgs o ON o.org_id = i.org_id;

DROP TABLE xapi_statement_index;
