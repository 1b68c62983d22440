-- The schedule's permissions for the built-in roles, and rooms grown for the timetable:
-- equipment tags, opening hours per weekday (local time), archiving, authors, a version.
UPDATE roles
SET permissions = replace(permissions, '"clients_read"', '"clients_read","schedule_read","schedule_configure"')
WHERE key IN ('owner', 'admin', 'manager') AND permissions NOT LIKE '%"schedule_read"%';
UPDATE roles
SET permissions = replace(permissions, '"clients_read"', '"clients_read","schedule_read"')
WHERE key IN ('reception', 'instructor') AND permissions NOT LIKE '%"schedule_read"%';

-- The name folded by the application (unique however it is written).
ALTER TABLE rooms ADD COLUMN name_key TEXT;
UPDATE rooms SET name_key = lower(name);
CREATE UNIQUE INDEX rooms_folded_name ON rooms(name_key);
-- JSON array of tags: ["mirrors", "piano"].
ALTER TABLE rooms ADD COLUMN equipment TEXT NOT NULL DEFAULT '[]';
-- JSON array of {"weekday": 1-7 (Monday 1), "opens": "HH:MM", "closes": "HH:MM"}.
ALTER TABLE rooms ADD COLUMN opening_hours TEXT NOT NULL DEFAULT '[]';
ALTER TABLE rooms ADD COLUMN archived BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE rooms ADD COLUMN created_at TEXT NOT NULL DEFAULT '1970-01-01 00:00:00+00:00';
ALTER TABLE rooms ADD COLUMN created_by BLOB REFERENCES users(id);
ALTER TABLE rooms ADD COLUMN updated_at TEXT NOT NULL DEFAULT '1970-01-01 00:00:00+00:00';
ALTER TABLE rooms ADD COLUMN updated_by BLOB REFERENCES users(id);
ALTER TABLE rooms ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
UPDATE rooms SET created_at = strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'),
                 updated_at = strftime('%Y-%m-%d %H:%M:%f+00:00', 'now');
