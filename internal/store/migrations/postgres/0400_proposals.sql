-- Course proposals from a company to a partner provider, and their history.
-- Both organisations see a proposal: org_id is the company, provider_id the
-- provider, and every query names one of them.
CREATE TABLE course_proposals (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    provider_id   TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    title         TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    audience_size INTEGER NOT NULL,
    timing        TEXT NOT NULL DEFAULT '',
    format        TEXT NOT NULL,
    status        TEXT NOT NULL,
    created_by    TEXT REFERENCES people(id) ON DELETE SET NULL,
    offer_item_id TEXT,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX course_proposals_org ON course_proposals (org_id, updated_at);
CREATE INDEX course_proposals_provider ON course_proposals (provider_id, updated_at);

CREATE TABLE course_proposal_competences (
    proposal_id   TEXT NOT NULL REFERENCES course_proposals(id) ON DELETE CASCADE,
    competence_id TEXT NOT NULL,
    name_nl       TEXT NOT NULL,
    name_en       TEXT NOT NULL,
    level         INTEGER NOT NULL,
    PRIMARY KEY (proposal_id, competence_id)
);

CREATE TABLE course_proposal_events (
    id           TEXT PRIMARY KEY,
    proposal_id  TEXT NOT NULL REFERENCES course_proposals(id) ON DELETE CASCADE,
    at           TIMESTAMPTZ NOT NULL,
    actor_org_id TEXT NOT NULL,
    actor_id     TEXT,
    kind         TEXT NOT NULL,
    message      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX course_proposal_events_proposal ON course_proposal_events (proposal_id, at);
