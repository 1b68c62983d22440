-- The search document is bounded (1,600 bytes, clients/index.rs), the same on both engines
-- (PostgreSQL's name index carries it). A longer document is cut to 400 characters here;
-- the app cuts it exactly at the next save.
UPDATE clients SET search_doc = substr(search_doc, 1, 400) WHERE length(CAST(search_doc AS BLOB)) > 1600;
