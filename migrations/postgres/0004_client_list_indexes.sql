-- The list is read in name order under a filter: status, birth month ("birthday this month").
-- With the filter column first, the walk reads only the matching cards, already in order.
CREATE INDEX clients_status_name ON clients(status, search_name, id);
CREATE INDEX clients_birth_month_name ON clients(birth_month, search_name, id);
