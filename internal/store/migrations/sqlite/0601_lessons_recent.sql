-- Lessons are listed newest first (by publication, else by last change)
-- within an organisation and status, e.g. the 20 on a place page. Without
-- this index PostgreSQL sorts every matching lesson before taking 20;
-- with it both engines walk the newest first and stop early.
CREATE INDEX lessons_org_recent ON lessons (org_id, status, (COALESCE(published_at, updated_at)) DESC, id DESC);
