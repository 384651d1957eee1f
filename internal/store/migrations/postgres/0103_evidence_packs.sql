-- One row per person with a copy of all their evidence packed into one
-- fixed-layout string in the order the rules apply it (see the SQLite file
-- for the layout); the evidence table stays the source of truth.
CREATE TABLE evidence_packs (
    org_id    TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    packed    TEXT NOT NULL,
    PRIMARY KEY (org_id, person_id)
);
INSERT INTO evidence_packs (org_id, person_id, packed)
SELECT org_id, person_id, string_agg(competence_id || to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || id || level::text
    || CASE kind WHEN 'self_assessment' THEN 's' WHEN 'validation' THEN 'v' WHEN 'assessment' THEN 'a' WHEN 'learning' THEN 'l'
        WHEN 'quiz' THEN 'q' WHEN 'lab' THEN 'b' WHEN 'project' THEN 'p' WHEN 'certificate' THEN 'c' END
    || COALESCE(to_char(valid_until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), '-'), ''
    ORDER BY competence_id COLLATE "C", recorded_at, id COLLATE "C")
FROM evidence GROUP BY org_id, person_id;
