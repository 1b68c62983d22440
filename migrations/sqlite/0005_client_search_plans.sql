-- "Birthday this month" with a status: the month index carries the status, so the walk in
-- name order checks it without reading the card.
DROP INDEX clients_birth_month_name;
CREATE INDEX clients_birth_month_name ON clients(birth_month, search_name, id, status);

-- Indexes no query reads, each a cost on every card written (an import writes thousands):
-- the month alone (the index above starts with it) and phone digits (fragments are found
-- through the search document, full numbers by their reversed digits).
DROP INDEX clients_birth_month;
DROP INDEX client_phones_digits;

-- A walk of the list in name order tests the search document from the index alone (SQLite
-- keeps a long entry on overflow pages; the name index is replaced, not doubled).
DROP INDEX clients_search_name;
CREATE INDEX clients_search_name ON clients(search_name, id, search_doc);
