-- The beacon: objectives, roadmap items with their sites, teams,
-- objectives and competence demand, the items' change history, when each
-- person last looked at the beacon, and development plans.

CREATE TABLE objectives (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    title_nl       TEXT NOT NULL DEFAULT '',
    title_en       TEXT NOT NULL DEFAULT '',
    description_nl TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    owner_id       TEXT REFERENCES people(id) ON DELETE SET NULL,
    horizon        TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX objectives_org ON objectives (org_id, horizon);

CREATE TABLE roadmap_items (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    title_nl     TEXT NOT NULL DEFAULT '',
    title_en     TEXT NOT NULL DEFAULT '',
    why_nl       TEXT NOT NULL DEFAULT '',
    why_en       TEXT NOT NULL DEFAULT '',
    kind         TEXT NOT NULL CHECK (kind IN ('technology', 'change')),
    target_date  TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('planned', 'in_progress', 'done', 'cancelled')),
    published    BOOLEAN NOT NULL DEFAULT FALSE,
    published_at TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX roadmap_items_org ON roadmap_items (org_id, target_date);

CREATE TABLE roadmap_item_sites (
    org_id  TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    item_id TEXT NOT NULL REFERENCES roadmap_items(id) ON DELETE CASCADE,
    site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    PRIMARY KEY (item_id, site_id)
);
CREATE INDEX roadmap_item_sites_org ON roadmap_item_sites (org_id);

CREATE TABLE roadmap_item_teams (
    org_id  TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    item_id TEXT NOT NULL REFERENCES roadmap_items(id) ON DELETE CASCADE,
    team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    PRIMARY KEY (item_id, team_id)
);
CREATE INDEX roadmap_item_teams_org ON roadmap_item_teams (org_id);

CREATE TABLE roadmap_item_objectives (
    org_id       TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    item_id      TEXT NOT NULL REFERENCES roadmap_items(id) ON DELETE CASCADE,
    objective_id TEXT NOT NULL REFERENCES objectives(id) ON DELETE CASCADE,
    PRIMARY KEY (item_id, objective_id)
);
CREATE INDEX roadmap_item_objectives_org ON roadmap_item_objectives (org_id);

CREATE TABLE roadmap_demand (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    item_id       TEXT NOT NULL REFERENCES roadmap_items(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    competence_id TEXT NOT NULL REFERENCES competences(id) ON DELETE CASCADE,
    level         INTEGER NOT NULL CHECK (level > 0),
    people        INTEGER NOT NULL CHECK (people > 0),
    by_date       TEXT NOT NULL,
    site_id       TEXT REFERENCES sites(id) ON DELETE CASCADE,
    team_id       TEXT REFERENCES teams(id) ON DELETE CASCADE
);
CREATE INDEX roadmap_demand_item ON roadmap_demand (org_id, item_id, position);

CREATE TABLE roadmap_history (
    id      TEXT PRIMARY KEY,
    org_id  TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    item_id TEXT NOT NULL REFERENCES roadmap_items(id) ON DELETE CASCADE,
    at      TEXT NOT NULL,
    by_id   TEXT,
    fields  TEXT NOT NULL,
    public  BOOLEAN NOT NULL
);
CREATE INDEX roadmap_history_org ON roadmap_history (org_id, at);
CREATE INDEX roadmap_history_item ON roadmap_history (org_id, item_id, at);

-- When each person last opened the beacon page, for "what changed since
-- you last looked".
CREATE TABLE roadmap_seen (
    org_id    TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    seen_at   TEXT NOT NULL,
    PRIMARY KEY (org_id, person_id)
);

CREATE TABLE development_plans (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    person_id     TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    competence_id TEXT NOT NULL REFERENCES competences(id) ON DELETE CASCADE,
    target_level  INTEGER NOT NULL,
    target_date   TEXT NOT NULL,
    item_id       TEXT REFERENCES roadmap_items(id) ON DELETE SET NULL,
    note          TEXT NOT NULL DEFAULT '',
    done          BOOLEAN NOT NULL DEFAULT FALSE,
    created_by    TEXT,
    created_at    TEXT NOT NULL
);
CREATE INDEX development_plans_person ON development_plans (org_id, person_id, target_date);
