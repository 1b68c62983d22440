-- Roles a centre edits: the six built-in roles (one row each, made at start from the code's
-- templates) and the centre's own. A user's role is `users.role_id`; `users.role` keeps the
-- built-in role the user's role is based on (its template), as before.
CREATE TABLE roles (
    id          UUID PRIMARY KEY,
    key         TEXT UNIQUE,
    base        TEXT NOT NULL CHECK (base IN ('owner','admin','manager','reception','instructor','accountant')),
    name        TEXT NOT NULL,
    permissions TEXT NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX roles_name ON roles(lower(name));

ALTER TABLE users ADD COLUMN role_id UUID REFERENCES roles(id);
-- A one-time password was set: the next session may only change it.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN updated_at TIMESTAMPTZ;

ALTER TABLE sessions ADD COLUMN last_seen_at TIMESTAMPTZ;
ALTER TABLE sessions ADD COLUMN device TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN address TEXT NOT NULL DEFAULT '';

-- Every employee, with or without a login. Instructors are staff.
CREATE TABLE staff (
    id          UUID PRIMARY KEY,
    name        TEXT NOT NULL,
    search_name TEXT NOT NULL,
    position    TEXT NOT NULL DEFAULT '',
    phones      TEXT NOT NULL DEFAULT '[]',
    email       TEXT,
    hire_date   DATE,
    leave_date  DATE,
    services    TEXT NOT NULL DEFAULT '[]',
    notes       TEXT NOT NULL DEFAULT '',
    user_id     UUID UNIQUE REFERENCES users(id),
    created_at  TIMESTAMPTZ NOT NULL,
    created_by  UUID REFERENCES users(id),
    updated_at  TIMESTAMPTZ NOT NULL,
    updated_by  UUID REFERENCES users(id),
    version     BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX staff_search_name ON staff(search_name, id);
