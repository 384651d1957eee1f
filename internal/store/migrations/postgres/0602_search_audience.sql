-- A search document visible to its organisation can be narrowed to some
-- of its people (a lesson shared with one team): a JSON list of keys of
-- which a searcher must hold one; '[]' for everyone in the visibility.
ALTER TABLE search_docs ADD COLUMN audience TEXT NOT NULL DEFAULT '[]';
