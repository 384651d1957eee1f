-- One row per person with all their current levels packed into one
-- fixed-layout string, maintained in the same transaction as
-- current_levels (see the SQLite file for the layout).
CREATE TABLE level_packs (
    org_id    TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    packed    TEXT NOT NULL,
    PRIMARY KEY (org_id, person_id)
);
INSERT INTO level_packs (org_id, person_id, packed)
SELECT org_id, person_id, string_agg(competence_id || level::text || CASE WHEN validated THEN '1' ELSE '0' END || self_level::text
    || COALESCE(to_char(valid_until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), '-'), '')
FROM current_levels GROUP BY org_id, person_id;
