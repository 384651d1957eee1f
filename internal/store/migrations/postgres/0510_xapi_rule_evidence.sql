-- Which evidence a rule made from which statement, so that voiding the
-- statement withdraws the evidence. No foreign key to evidence: the link
-- is written just before the evidence (a link to evidence that was never
-- written is harmless; evidence without its link could never be withdrawn).
CREATE TABLE xapi_rule_evidence (
    org_id       TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    statement_id TEXT NOT NULL,
    evidence_id  TEXT NOT NULL,
    PRIMARY KEY (org_id, statement_id, evidence_id)
);
