-- current_levels becomes a WITHOUT ROWID table clustered on its key
-- (org_id, person_id, competence_id): a matrix reads a team's levels as a
-- few range scans instead of one index probe and one table probe per cell.
-- Nothing references current_levels, and it can always be rebuilt from
-- evidence, so it is simply copied over.
CREATE TABLE current_levels_new (
    org_id        TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    person_id     TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    competence_id TEXT NOT NULL REFERENCES competences(id) ON DELETE CASCADE,
    level         INTEGER NOT NULL,
    validated     BOOLEAN NOT NULL,
    self_level    INTEGER NOT NULL,
    evidence_id   TEXT NOT NULL DEFAULT '',
    kind          TEXT NOT NULL DEFAULT '',
    evidence_at   TEXT,
    valid_until   TEXT,
    next_change   TEXT,
    PRIMARY KEY (org_id, person_id, competence_id)
) WITHOUT ROWID;
INSERT INTO current_levels_new SELECT org_id, person_id, competence_id, level, validated, self_level, evidence_id, kind, evidence_at, valid_until, next_change FROM current_levels;
DROP TABLE current_levels;
ALTER TABLE current_levels_new RENAME TO current_levels;
CREATE INDEX current_levels_competence ON current_levels (org_id, competence_id);
CREATE INDEX current_levels_next_change ON current_levels (org_id, next_change) WHERE next_change IS NOT NULL;
