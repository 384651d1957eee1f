-- Competences: ESCO and DigComp held once for the platform; each
-- organisation's catalogue, proficiency scale, role profiles, evidence,
-- maintained current levels and review campaigns.

CREATE TABLE frameworks (
    id          TEXT PRIMARY KEY,
    version     TEXT NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL,
    detail      TEXT NOT NULL DEFAULT ''
);

CREATE TABLE esco_skills (
    uri            TEXT PRIMARY KEY,
    skill_type     TEXT NOT NULL DEFAULT '',
    reuse_level    TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL DEFAULT '',
    label_en       TEXT NOT NULL,
    label_nl       TEXT NOT NULL DEFAULT '',
    alt_en         TEXT NOT NULL DEFAULT '',
    alt_nl         TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    description_nl TEXT NOT NULL DEFAULT '',
    search         TEXT NOT NULL DEFAULT ''
);

CREATE TABLE esco_groups (
    uri            TEXT PRIMARY KEY,
    code           TEXT NOT NULL DEFAULT '',
    label_en       TEXT NOT NULL,
    label_nl       TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    description_nl TEXT NOT NULL DEFAULT '',
    top            BOOLEAN NOT NULL DEFAULT FALSE
);

-- narrower concept (skill or group) to broader concept (skill or group)
CREATE TABLE esco_broader (
    uri         TEXT NOT NULL,
    broader_uri TEXT NOT NULL,
    PRIMARY KEY (uri, broader_uri)
);
CREATE INDEX esco_broader_broader ON esco_broader (broader_uri);

CREATE TABLE esco_related (
    skill_uri   TEXT NOT NULL REFERENCES esco_skills(uri),
    related_uri TEXT NOT NULL REFERENCES esco_skills(uri),
    relation    TEXT NOT NULL,
    PRIMARY KEY (skill_uri, related_uri)
);

CREATE TABLE esco_tags (
    skill_uri TEXT NOT NULL REFERENCES esco_skills(uri),
    tag       TEXT NOT NULL,
    PRIMARY KEY (skill_uri, tag)
);
CREATE INDEX esco_tags_tag ON esco_tags (tag);

CREATE TABLE esco_occupations (
    uri            TEXT PRIMARY KEY,
    isco_group     TEXT NOT NULL DEFAULT '',
    code           TEXT NOT NULL DEFAULT '',
    label_en       TEXT NOT NULL,
    label_nl       TEXT NOT NULL DEFAULT '',
    alt_en         TEXT NOT NULL DEFAULT '',
    alt_nl         TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    description_nl TEXT NOT NULL DEFAULT '',
    search         TEXT NOT NULL DEFAULT ''
);

CREATE TABLE esco_occupation_skills (
    occupation_uri TEXT NOT NULL REFERENCES esco_occupations(uri),
    skill_uri      TEXT NOT NULL REFERENCES esco_skills(uri),
    essential      BOOLEAN NOT NULL,
    PRIMARY KEY (occupation_uri, skill_uri)
);
CREATE INDEX esco_occupation_skills_skill ON esco_occupation_skills (skill_uri);

CREATE TABLE framework_items (
    framework      TEXT NOT NULL,
    code           TEXT NOT NULL,
    parent_code    TEXT NOT NULL DEFAULT '',
    kind           TEXT NOT NULL,
    position       INTEGER NOT NULL DEFAULT 0,
    name_en        TEXT NOT NULL,
    name_nl        TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    description_nl TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (framework, code)
);

CREATE TABLE framework_levels (
    framework      TEXT NOT NULL,
    level          INTEGER NOT NULL,
    name_en        TEXT NOT NULL,
    name_nl        TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    description_nl TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (framework, level)
);

CREATE TABLE competences (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    framework      TEXT NOT NULL CHECK (framework IN ('esco', 'digcomp', 'own')),
    source_ref     TEXT NOT NULL DEFAULT '',
    name_nl        TEXT NOT NULL DEFAULT '',
    name_en        TEXT NOT NULL DEFAULT '',
    description_nl TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    category       TEXT NOT NULL DEFAULT '',
    layer          TEXT NOT NULL CHECK (layer IN ('fundamental', 'new')),
    modified       BOOLEAN NOT NULL DEFAULT FALSE,
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX competences_org ON competences (org_id, active);
CREATE UNIQUE INDEX competences_org_source ON competences (org_id, framework, source_ref) WHERE framework <> 'own';

CREATE TABLE proficiency_levels (
    org_id         TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    level          INTEGER NOT NULL,
    name_nl        TEXT NOT NULL DEFAULT '',
    name_en        TEXT NOT NULL DEFAULT '',
    description_nl TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, level)
);

CREATE TABLE role_profiles (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    name_nl        TEXT NOT NULL DEFAULT '',
    name_en        TEXT NOT NULL DEFAULT '',
    description_nl TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    occupation_uri TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX role_profiles_org ON role_profiles (org_id);

CREATE TABLE role_requirements (
    org_id        TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    profile_id    TEXT NOT NULL REFERENCES role_profiles(id) ON DELETE CASCADE,
    competence_id TEXT NOT NULL REFERENCES competences(id) ON DELETE CASCADE,
    level         INTEGER NOT NULL,
    essential     BOOLEAN NOT NULL DEFAULT TRUE,
    PRIMARY KEY (profile_id, competence_id)
);
CREATE INDEX role_requirements_org ON role_requirements (org_id, competence_id);

CREATE TABLE person_role_profiles (
    org_id     TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    person_id  TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    profile_id TEXT NOT NULL REFERENCES role_profiles(id) ON DELETE CASCADE,
    PRIMARY KEY (person_id, profile_id)
);
CREATE INDEX person_role_profiles_org ON person_role_profiles (org_id, profile_id);

CREATE TABLE evidence (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    person_id      TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    competence_id  TEXT NOT NULL REFERENCES competences(id) ON DELETE CASCADE,
    level          INTEGER NOT NULL,
    kind           TEXT NOT NULL,
    recorded_by    TEXT,
    recorded_at    TIMESTAMPTZ NOT NULL,
    valid_until    TIMESTAMPTZ,
    note           TEXT NOT NULL DEFAULT '',
    campaign_id    TEXT,
    has_attachment BOOLEAN NOT NULL DEFAULT FALSE
);
-- Covers the one ordered scan that derives every current level.
CREATE INDEX evidence_pair ON evidence (org_id, person_id, competence_id, recorded_at, id, level, kind, valid_until);
CREATE INDEX evidence_org_recorded ON evidence (org_id, recorded_at);
CREATE INDEX evidence_campaign ON evidence (org_id, campaign_id);

CREATE TABLE evidence_attachments (
    evidence_id  TEXT PRIMARY KEY REFERENCES evidence(id) ON DELETE CASCADE,
    org_id       TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    data         BYTEA NOT NULL
);

-- Maintained in the same transaction as every evidence insert, and
-- re-derived when next_change (the earliest expiry) has passed.
CREATE TABLE current_levels (
    org_id        TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    person_id     TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    competence_id TEXT NOT NULL REFERENCES competences(id) ON DELETE CASCADE,
    level         INTEGER NOT NULL,
    validated     BOOLEAN NOT NULL,
    self_level    INTEGER NOT NULL,
    evidence_id   TEXT NOT NULL DEFAULT '',
    kind          TEXT NOT NULL DEFAULT '',
    evidence_at   TIMESTAMPTZ,
    valid_until   TIMESTAMPTZ,
    next_change   TIMESTAMPTZ,
    PRIMARY KEY (org_id, person_id, competence_id)
);
CREATE INDEX current_levels_competence ON current_levels (org_id, competence_id);
CREATE INDEX current_levels_next_change ON current_levels (org_id, next_change) WHERE next_change IS NOT NULL;

CREATE TABLE campaigns (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    site_id     TEXT REFERENCES sites(id) ON DELETE SET NULL,
    team_id     TEXT REFERENCES teams(id) ON DELETE SET NULL,
    deadline    DATE NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    created_by  TEXT,
    created_at  TIMESTAMPTZ NOT NULL,
    closed_at   TIMESTAMPTZ,
    previous_id TEXT
);
CREATE INDEX campaigns_org ON campaigns (org_id, created_at);

CREATE TABLE campaign_people (
    org_id      TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    campaign_id TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    person_id   TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    PRIMARY KEY (campaign_id, person_id)
);

CREATE TABLE campaign_competences (
    org_id        TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    campaign_id   TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    competence_id TEXT NOT NULL REFERENCES competences(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, competence_id)
);

CREATE TABLE campaign_snapshots (
    org_id        TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    campaign_id   TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    person_id     TEXT NOT NULL,
    competence_id TEXT NOT NULL,
    level         INTEGER NOT NULL,
    validated     BOOLEAN NOT NULL,
    PRIMARY KEY (campaign_id, person_id, competence_id)
);
