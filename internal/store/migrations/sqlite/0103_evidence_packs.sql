-- One row per person with a copy of all their evidence packed into one
-- fixed-layout string in the order the rules apply it, rewritten in the
-- same transaction as every evidence insert; the evidence table stays the
-- source of truth (store.RebuildEvidencePacks rebuilds this from it). A
-- full derivation reads one row per person instead of one per evidence.
-- Entry: competence_id(36) recorded_at(27) id(36) level(1) kind(1 code)
-- valid_until(27, or "-" when it does not expire).
CREATE TABLE evidence_packs (
    org_id    TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    packed    TEXT NOT NULL,
    PRIMARY KEY (org_id, person_id)
) WITHOUT ROWID;
INSERT INTO evidence_packs (org_id, person_id, packed)
SELECT org_id, person_id, group_concat(competence_id || recorded_at || id || level
    || CASE kind WHEN 'self_assessment' THEN 's' WHEN 'validation' THEN 'v' WHEN 'assessment' THEN 'a' WHEN 'learning' THEN 'l'
        WHEN 'quiz' THEN 'q' WHEN 'lab' THEN 'b' WHEN 'project' THEN 'p' WHEN 'certificate' THEN 'c' END
    || COALESCE(valid_until, '-'), '' ORDER BY competence_id, recorded_at, id)
FROM evidence GROUP BY org_id, person_id;
