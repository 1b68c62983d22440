-- Entries Hallpass writes itself (a merge…) keep what happened as data (JSON, see
-- clients/timeline/mod.rs), so each reader sees it in their own language.
ALTER TABLE client_timeline ADD COLUMN event TEXT;
