-- One row per person with all their current levels packed into one
-- fixed-layout string, maintained in the same transaction as
-- current_levels. A skills matrix reads one row per person instead of one
-- per cell. Entry: competence_id(36) level(1) validated(1) self_level(1)
-- valid_until(27, or "-" when it does not expire).
CREATE TABLE level_packs (
    org_id    TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    packed    TEXT NOT NULL,
    PRIMARY KEY (org_id, person_id)
) WITHOUT ROWID;
INSERT INTO level_packs (org_id, person_id, packed)
SELECT org_id, person_id, group_concat(competence_id || level || CASE WHEN validated THEN '1' ELSE '0' END || self_level || COALESCE(valid_until, '-'), '')
FROM current_levels GROUP BY org_id, person_id;
