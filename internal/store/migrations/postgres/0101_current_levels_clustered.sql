-- SQLite only: current_levels becomes a WITHOUT ROWID table there.
-- PostgreSQL keeps its heap table with the primary-key index; this file
-- exists because both engines share migration names.
SELECT 1;
