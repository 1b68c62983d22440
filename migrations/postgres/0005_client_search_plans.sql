-- "Birthday this month" with a status: the month index carries the status, so the walk in
-- name order checks it without reading the card.
DROP INDEX clients_birth_month_name;
CREATE INDEX clients_birth_month_name ON clients(birth_month, search_name, id) INCLUDE (status);

-- (The name index stays without the search document: a long document would not fit a
-- btree entry.)
DROP INDEX clients_search_name;
CREATE INDEX clients_search_name ON clients(search_name, id);

-- GIN's fast update keeps new entries in a pending list that every search reads in full
-- until it is merged: at the default 4 MB a search waited milliseconds after an import.
-- A 256 kB list is merged often and cheaply; updating the index at once instead
-- (fastupdate off) made a 50,000-line import twice as slow.
ALTER INDEX clients_search_doc_trgm SET (gin_pending_list_limit = 256);
SELECT gin_clean_pending_list('clients_search_doc_trgm'::regclass);

-- Phone fragments are found through the search document, full numbers by their reversed
-- digits; this index was never read, only written.
DROP INDEX client_phones_digits_trgm;

-- The month alone: the month index above starts with it.
DROP INDEX clients_birth_month;
