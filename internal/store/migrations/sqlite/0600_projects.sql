-- Learning by doing: projects and working groups, members, a log of
-- updates, confirmed contributions (which become project-work evidence),
-- reflections and their next steps, lessons learned with versions,
-- places, competences, comments, "this helped me" and images, and in-app
-- notifications.
CREATE TABLE projects (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    title_nl   TEXT NOT NULL DEFAULT '',
    title_en   TEXT NOT NULL DEFAULT '',
    goal_nl    TEXT NOT NULL DEFAULT '',
    goal_en    TEXT NOT NULL DEFAULT '',
    site_id    TEXT REFERENCES sites(id) ON DELETE SET NULL,
    owner_id   TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    starts_on  TEXT NOT NULL,
    ends_on    TEXT,
    status     TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    call_open  BOOLEAN NOT NULL DEFAULT FALSE,
    call_text  TEXT NOT NULL DEFAULT '',
    outcome    TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    closed_at  TEXT
);
CREATE INDEX projects_org ON projects (org_id, status, starts_on);

CREATE TABLE project_competences (
    org_id        TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    project_id    TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    competence_id TEXT NOT NULL REFERENCES competences(id) ON DELETE CASCADE,
    level         INTEGER NOT NULL,
    PRIMARY KEY (project_id, competence_id)
);
CREATE INDEX project_competences_org ON project_competences (org_id, competence_id);

CREATE TABLE project_members (
    org_id     TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    person_id  TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    role       TEXT NOT NULL DEFAULT '',
    state      TEXT NOT NULL CHECK (state IN ('applied', 'invited', 'member', 'declined', 'left')),
    message    TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    decided_at TEXT,
    PRIMARY KEY (project_id, person_id)
);
CREATE INDEX project_members_person ON project_members (org_id, person_id);

CREATE TABLE project_updates (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    author_id  TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    body       TEXT NOT NULL,
    milestone  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL
);
CREATE INDEX project_updates_project ON project_updates (org_id, project_id, created_at);

CREATE TABLE project_contributions (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    project_id    TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    person_id     TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    competence_id TEXT NOT NULL REFERENCES competences(id) ON DELETE CASCADE,
    level         INTEGER NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    confirmed_by  TEXT NOT NULL,
    confirmed_at  TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('awaiting_validation', 'recorded', 'rejected')),
    evidence_id   TEXT,
    decided_by    TEXT,
    decided_at    TEXT
);
CREATE INDEX project_contributions_project ON project_contributions (org_id, project_id);
CREATE INDEX project_contributions_status ON project_contributions (org_id, status, person_id);

CREATE TABLE reflections (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    person_id        TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    context          TEXT NOT NULL,
    context_id       TEXT NOT NULL DEFAULT '',
    context_title    TEXT NOT NULL DEFAULT '',
    did              TEXT NOT NULL DEFAULT '',
    learned          TEXT NOT NULL DEFAULT '',
    differently      TEXT NOT NULL DEFAULT '',
    next_need        TEXT NOT NULL DEFAULT '',
    shared_with_lead BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX reflections_person ON reflections (org_id, person_id, created_at);

CREATE TABLE next_steps (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    person_id     TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    reflection_id TEXT REFERENCES reflections(id) ON DELETE SET NULL,
    text          TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('pending', 'planned', 'done')),
    plan_item_id  TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL
);
CREATE INDEX next_steps_person ON next_steps (org_id, person_id, status);

CREATE TABLE lessons (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    author_id    TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    team_id      TEXT NOT NULL DEFAULT '',
    project_id   TEXT REFERENCES projects(id) ON DELETE SET NULL,
    lang         TEXT NOT NULL CHECK (lang IN ('nl', 'en')),
    title        TEXT NOT NULL,
    situation    TEXT NOT NULL DEFAULT '',
    happened     TEXT NOT NULL DEFAULT '',
    cause        TEXT NOT NULL DEFAULT '',
    learned      TEXT NOT NULL DEFAULT '',
    next_time    TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL CHECK (status IN ('draft', 'in_review', 'published')),
    visibility   TEXT NOT NULL CHECK (visibility IN ('team', 'organisation', 'community')),
    name_people  BOOLEAN NOT NULL DEFAULT FALSE,
    name_org     BOOLEAN NOT NULL DEFAULT FALSE,
    reviewer_id  TEXT,
    review_note  TEXT NOT NULL DEFAULT '',
    reviewed_at  TEXT,
    published_at TEXT,
    version      INTEGER NOT NULL DEFAULT 1,
    helped       INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX lessons_org ON lessons (org_id, status, published_at);
-- The community space reads across organisations by this index only.
CREATE INDEX lessons_community ON lessons (visibility, status, published_at);

CREATE TABLE lesson_versions (
    org_id     TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    lesson_id  TEXT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    title      TEXT NOT NULL,
    situation  TEXT NOT NULL DEFAULT '',
    happened   TEXT NOT NULL DEFAULT '',
    cause      TEXT NOT NULL DEFAULT '',
    learned    TEXT NOT NULL DEFAULT '',
    next_time  TEXT NOT NULL DEFAULT '',
    edited_by  TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (lesson_id, version)
);

CREATE TABLE lesson_competences (
    org_id        TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    lesson_id     TEXT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
    competence_id TEXT NOT NULL REFERENCES competences(id) ON DELETE CASCADE,
    PRIMARY KEY (lesson_id, competence_id)
);
CREATE INDEX lesson_competences_org ON lesson_competences (org_id, competence_id);

-- place_id refers to the catalogue's places (issue 5); no foreign key so
-- that this area does not depend on the catalogue's migrations.
CREATE TABLE lesson_places (
    org_id    TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    lesson_id TEXT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
    place_id  TEXT NOT NULL,
    site_id   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (lesson_id, place_id)
);
CREATE INDEX lesson_places_place ON lesson_places (org_id, place_id);
CREATE INDEX lesson_places_site ON lesson_places (org_id, site_id);

CREATE TABLE lesson_comments (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    lesson_id     TEXT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
    author_org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    author_id     TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    body          TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX lesson_comments_lesson ON lesson_comments (lesson_id, created_at);

CREATE TABLE lesson_helped (
    lesson_id  TEXT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
    person_id  TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    org_id     TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (lesson_id, person_id)
);

CREATE TABLE lesson_images (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    lesson_id    TEXT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    data         BLOB NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX lesson_images_lesson ON lesson_images (lesson_id);

CREATE TABLE notifications (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    person_id  TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    subject    TEXT NOT NULL DEFAULT '',
    url        TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    read_at    TEXT,
    emailed_at TEXT
);
CREATE INDEX notifications_person ON notifications (org_id, person_id, read_at, created_at);
CREATE INDEX notifications_digest ON notifications (emailed_at, read_at);
