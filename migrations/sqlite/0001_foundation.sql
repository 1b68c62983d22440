-- Foundation: centre settings, users and sessions, clients with phones, rooms, audit log.
-- UUIDs are 16-byte BLOBs, instants are RFC 3339 TEXT in UTC, dates are YYYY-MM-DD TEXT.

-- One centre per database: the singleton column makes a second row a unique violation.
CREATE TABLE centre (
    singleton     INTEGER NOT NULL DEFAULT 1 UNIQUE CHECK (singleton = 1),
    id            BLOB PRIMARY KEY,
    name          TEXT NOT NULL,
    time_zone     TEXT NOT NULL,
    currency      TEXT NOT NULL,
    phone_country TEXT NOT NULL,
    logo          TEXT,
    version       BIGINT NOT NULL DEFAULT 1,
    updated_at    TEXT NOT NULL
);

CREATE TABLE users (
    id            BLOB PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('owner','admin','manager','reception','instructor','accountant')),
    password_hash TEXT NOT NULL,
    active        BOOLEAN NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    version       BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE sessions (
    id          BLOB PRIMARY KEY,
    user_id     BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE clients (
    id          BLOB PRIMARY KEY,
    name        TEXT NOT NULL,
    search_name TEXT NOT NULL,
    birth_date  TEXT,
    email       TEXT,
    notes       TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL CHECK (status IN ('potential','current','former')),
    created_at  TEXT NOT NULL,
    created_by  BLOB REFERENCES users(id),
    updated_at  TEXT NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX clients_search_name ON clients(search_name, id);

CREATE TABLE client_phones (
    id        BLOB PRIMARY KEY,
    client_id BLOB NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('mobile','home','work','other')),
    number    TEXT NOT NULL,
    digits    TEXT NOT NULL
);
CREATE INDEX client_phones_client ON client_phones(client_id, position);
CREATE INDEX client_phones_digits ON client_phones(digits);

CREATE TABLE rooms (
    id       BLOB PRIMARY KEY,
    name     TEXT NOT NULL UNIQUE,
    capacity INTEGER NOT NULL CHECK (capacity > 0)
);

CREATE TABLE audit_log (
    id        BLOB PRIMARY KEY,
    at        TEXT NOT NULL,
    user_id   BLOB REFERENCES users(id),
    operation TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id BLOB,
    before    TEXT,
    after     TEXT
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
CREATE INDEX audit_log_at ON audit_log(at);
