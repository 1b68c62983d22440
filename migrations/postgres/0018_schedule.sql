-- The schedule: services' colours and durations, what instructors teach and when they can,
-- holidays, groups with their weekly slots and members, the waitlist, the one-off changes and
-- state of each class (occurrences are derived from the slots' rules and stored only once
-- something happens to them), attendance, make-up visits, and operations applied once.

UPDATE roles
SET permissions = replace(permissions, '"schedule_configure"',
    '"schedule_configure","schedule_write","attendance_mark","pay_read","pay_configure"')
WHERE key IN ('owner', 'admin', 'manager') AND permissions NOT LIKE '%"attendance_mark"%';
UPDATE roles
SET permissions = replace(permissions, '"schedule_read"', '"schedule_read","schedule_write","attendance_mark"')
WHERE key = 'reception' AND permissions NOT LIKE '%"attendance_mark"%';
UPDATE roles
SET permissions = replace(permissions, '"schedule_read"', '"schedule_read","attendance_mark"')
WHERE key = 'instructor' AND permissions NOT LIKE '%"attendance_mark"%';
UPDATE roles
SET permissions = replace(permissions, '"money_read"', '"money_read","pay_read"')
WHERE key = 'accountant' AND permissions NOT LIKE '%"pay_read"%';

-- A catalogue service as the timetable sees it.
CREATE TABLE service_settings (
    item_id          UUID PRIMARY KEY REFERENCES catalog_items(id),
    colour           TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0),
    -- JSON array of room equipment tags the service needs.
    equipment        TEXT NOT NULL DEFAULT '[]',
    updated_at       TIMESTAMPTZ NOT NULL,
    updated_by       UUID REFERENCES users(id),
    version          BIGINT NOT NULL DEFAULT 1
);

-- JSON array of catalogue service ids the instructor teaches.
ALTER TABLE staff ADD COLUMN teaches TEXT NOT NULL DEFAULT '[]';
-- JSON array of {"weekday", "opens", "closes"} in local time: when they can teach.
ALTER TABLE staff ADD COLUMN availability TEXT NOT NULL DEFAULT '[]';
-- The secret in the address of their calendar feed (none: no feed).
ALTER TABLE staff ADD COLUMN calendar_token TEXT;
CREATE UNIQUE INDEX staff_calendar_token ON staff(calendar_token);

-- Days the centre is closed: no class happens on them.
CREATE TABLE holidays (
    day        DATE PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID REFERENCES users(id)
);

-- A group (or one client's individual lessons): a service taught by an instructor in a room.
CREATE TABLE class_groups (
    id                UUID PRIMARY KEY,
    name              TEXT NOT NULL,
    name_key          TEXT NOT NULL UNIQUE,
    kind              TEXT NOT NULL CHECK (kind IN ('group','individual')),
    service_id        UUID NOT NULL REFERENCES catalog_items(id),
    instructor_id     UUID REFERENCES staff(id),
    room_id           UUID REFERENCES rooms(id),
    capacity          INTEGER NOT NULL CHECK (capacity > 0),
    age_min           INTEGER,
    age_max           INTEGER,
    -- Visits one class takes from a pass.
    price_visits      INTEGER NOT NULL DEFAULT 1 CHECK (price_visits >= 0),
    duration_minutes  INTEGER NOT NULL CHECK (duration_minutes > 0),
    sessions_per_week INTEGER NOT NULL DEFAULT 1 CHECK (sessions_per_week >= 0),
    starts_on         DATE NOT NULL,
    ends_on           DATE,
    archived          BOOLEAN NOT NULL DEFAULT FALSE,
    created_at        TIMESTAMPTZ NOT NULL,
    created_by        UUID REFERENCES users(id),
    updated_at        TIMESTAMPTZ NOT NULL,
    updated_by        UUID REFERENCES users(id),
    version           BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX class_groups_instructor ON class_groups(instructor_id);

-- When a group meets: a recurrence rule (RFC 5545, e.g. FREQ=WEEKLY;BYDAY=MO) from a local
-- start time, in the centre's zone, valid over a span of days. A changed timetable closes the
-- old slot the day before and opens a new one, so past classes keep who, where and when.
CREATE TABLE group_slots (
    id               UUID PRIMARY KEY,
    group_id         UUID NOT NULL REFERENCES class_groups(id),
    rule             TEXT NOT NULL,
    start_time       TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0),
    room_id          UUID REFERENCES rooms(id),
    instructor_id    UUID REFERENCES staff(id),
    -- Kept by the automatic timetable.
    locked           BOOLEAN NOT NULL DEFAULT FALSE,
    valid_from       DATE NOT NULL,
    valid_until      DATE,
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX group_slots_group ON group_slots(group_id);

CREATE TABLE group_members (
    group_id   UUID NOT NULL REFERENCES class_groups(id),
    client_id  UUID NOT NULL REFERENCES clients(id),
    joined_on  DATE NOT NULL,
    left_on    DATE,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID REFERENCES users(id),
    PRIMARY KEY (group_id, client_id)
);
CREATE INDEX group_members_client ON group_members(client_id);

-- Clients waiting for a place; a freed place is offered to the first waiting.
CREATE TABLE waitlist (
    id          UUID PRIMARY KEY,
    group_id    UUID NOT NULL REFERENCES class_groups(id),
    client_id   UUID NOT NULL REFERENCES clients(id),
    status      TEXT NOT NULL CHECK (status IN ('waiting','offered','accepted','declined','removed')),
    note        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    created_by  UUID REFERENCES users(id),
    offered_at  TIMESTAMPTZ,
    resolved_at TIMESTAMPTZ,
    version     BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX waitlist_open ON waitlist(group_id, client_id) WHERE status IN ('waiting','offered');
CREATE INDEX waitlist_group ON waitlist(group_id, status, created_at);

-- One class that has been changed or has happened. Keyed by its slot and its start as the
-- rule gives it (local time, YYYY-MM-DDTHH:MM), which stays its identity when it moves.
CREATE TABLE occurrences (
    slot_id       UUID NOT NULL REFERENCES group_slots(id),
    original      TEXT NOT NULL,
    group_id      UUID NOT NULL REFERENCES class_groups(id),
    status        TEXT NOT NULL CHECK (status IN ('scheduled','cancelled','held')),
    starts_at     TIMESTAMPTZ NOT NULL,
    ends_at       TIMESTAMPTZ NOT NULL,
    room_id       UUID REFERENCES rooms(id),
    instructor_id UUID REFERENCES staff(id),
    substitute    BOOLEAN NOT NULL DEFAULT FALSE,
    reason        TEXT NOT NULL DEFAULT '',
    held_at       TIMESTAMPTZ,
    held_by       UUID REFERENCES users(id),
    updated_at    TIMESTAMPTZ NOT NULL,
    updated_by    UUID REFERENCES users(id),
    version       BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (slot_id, original)
);
CREATE INDEX occurrences_starts ON occurrences(starts_at);
CREATE INDEX occurrences_instructor ON occurrences(instructor_id, status, starts_at);

-- Who came to a class. A held class writes off `visits` from `membership_id`; with no valid
-- pass the visit is `to_settle` (a debt at the desk) until one is sold.
CREATE TABLE attendance (
    id            UUID PRIMARY KEY,
    slot_id       UUID NOT NULL REFERENCES group_slots(id),
    original      TEXT NOT NULL,
    group_id      UUID NOT NULL REFERENCES class_groups(id),
    client_id     UUID NOT NULL REFERENCES clients(id),
    status        TEXT NOT NULL CHECK (status IN ('present','late','absent','excused')),
    kind          TEXT NOT NULL CHECK (kind IN ('member','walk_in','trial','makeup')),
    membership_id UUID REFERENCES memberships(id),
    visits        INTEGER NOT NULL DEFAULT 0,
    to_settle     BOOLEAN NOT NULL DEFAULT FALSE,
    day           DATE NOT NULL,
    marked_at     TIMESTAMPTZ NOT NULL,
    marked_by     UUID REFERENCES users(id),
    version       BIGINT NOT NULL DEFAULT 1,
    UNIQUE (slot_id, original, client_id)
);
CREATE INDEX attendance_client ON attendance(client_id, day);
CREATE INDEX attendance_membership ON attendance(membership_id);
CREATE INDEX attendance_settle ON attendance(client_id) WHERE to_settle;

-- A make-up visit earned by an excused absence, spent on a later class.
CREATE TABLE makeups (
    id           UUID PRIMARY KEY,
    client_id    UUID NOT NULL REFERENCES clients(id),
    group_id     UUID NOT NULL REFERENCES class_groups(id),
    earned_by    UUID NOT NULL REFERENCES attendance(id) UNIQUE,
    expires_on   DATE NOT NULL,
    used_by      UUID REFERENCES attendance(id),
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX makeups_client ON makeups(client_id, expires_on);

CREATE TABLE schedule_settings (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    -- A present member without a valid pass: 'record' a visit to settle, or 'refuse'.
    no_pass       TEXT NOT NULL CHECK (no_pass IN ('record','refuse')),
    -- Days an excused absence's make-up visit lasts; 0: no make-ups.
    makeup_days   INTEGER NOT NULL CHECK (makeup_days >= 0),
    version       BIGINT NOT NULL DEFAULT 1
);
INSERT INTO schedule_settings (id, no_pass, makeup_days) VALUES (1, 'record', 30);

-- Operations a device sent with its own id, applied at most once: a replay answers the
-- stored result.
CREATE TABLE applied_ops (
    op_id      UUID PRIMARY KEY,
    operation  TEXT NOT NULL,
    result     TEXT NOT NULL,
    user_id    UUID REFERENCES users(id),
    applied_at TIMESTAMPTZ NOT NULL
);

-- A visit on a client's timeline points at its attendance row (an undone hold takes it away).
ALTER TABLE client_timeline ADD COLUMN attendance_id UUID REFERENCES attendance(id);
CREATE INDEX client_timeline_attendance ON client_timeline(attendance_id);
