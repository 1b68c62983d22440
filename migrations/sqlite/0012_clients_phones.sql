-- Phones became a permission of their own (`clients_phones`). Roles that already worked
-- with cards keep seeing them: the owner's and administrators', and any role that changes
-- cards. Instructors and accountants, which only read cards, no longer see phone numbers.
UPDATE roles
SET permissions = replace(permissions, '"clients_read"', '"clients_read","clients_phones"')
WHERE permissions NOT LIKE '%"clients_phones"%'
  AND (base IN ('owner', 'admin') OR permissions LIKE '%"clients_write"%');
