-- Foundation: centre settings, users and sessions, clients with phones, rooms, audit log.
-- Same tables and columns as migrations/sqlite/0001; native uuid, timestamptz and date types.

-- Trigram indexes for fragment search; the extension lives in public so every schema sees it.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

-- One centre per database: the singleton column makes a second row a unique violation.
CREATE TABLE centre (
    singleton     INTEGER NOT NULL DEFAULT 1 UNIQUE CHECK (singleton = 1),
    id            UUID PRIMARY KEY,
    name          TEXT NOT NULL,
    time_zone     TEXT NOT NULL,
    currency      TEXT NOT NULL,
    phone_country TEXT NOT NULL,
    logo          TEXT,
    version       BIGINT NOT NULL DEFAULT 1,
    updated_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id            UUID PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('owner','admin','manager','reception','instructor','accountant')),
    password_hash TEXT NOT NULL,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    TIMESTAMPTZ NOT NULL,
    version       BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE sessions (
    id          UUID PRIMARY KEY,
    user_id     UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE clients (
    id          UUID PRIMARY KEY,
    name        TEXT NOT NULL,
    -- Byte order, as on SQLite, so both engines list clients in the same order.
    search_name TEXT COLLATE "C" NOT NULL,
    birth_date  DATE,
    email       TEXT,
    notes       TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL CHECK (status IN ('potential','current','former')),
    created_at  TIMESTAMPTZ NOT NULL,
    created_by  UUID REFERENCES users(id),
    updated_at  TIMESTAMPTZ NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX clients_search_name ON clients(search_name, id);
-- Fragment search (LIKE '%…%') uses trigram indexes here; SQLite scans.
CREATE INDEX clients_search_name_trgm ON clients USING gin (search_name public.gin_trgm_ops);

CREATE TABLE client_phones (
    id        UUID PRIMARY KEY,
    client_id UUID NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('mobile','home','work','other')),
    number    TEXT NOT NULL,
    digits    TEXT NOT NULL
);
CREATE INDEX client_phones_client ON client_phones(client_id, position);
CREATE INDEX client_phones_digits_trgm ON client_phones USING gin (digits public.gin_trgm_ops);

CREATE TABLE rooms (
    id       UUID PRIMARY KEY,
    name     TEXT NOT NULL UNIQUE,
    capacity INTEGER NOT NULL CHECK (capacity > 0)
);

CREATE TABLE audit_log (
    id        UUID PRIMARY KEY,
    at        TIMESTAMPTZ NOT NULL,
    user_id   UUID REFERENCES users(id),
    operation TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id UUID,
    before    TEXT,
    after     TEXT
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
CREATE INDEX audit_log_at ON audit_log(at);
