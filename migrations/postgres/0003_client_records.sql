-- Custom fields and their values, the card layout, the timeline with its files, saved filters,
-- and the record of merged cards.

CREATE TABLE custom_fields (
    id         UUID PRIMARY KEY,
    -- 'person', 'company' or 'both'.
    applies_to TEXT NOT NULL CHECK (applies_to IN ('person','company','both')),
    label      TEXT NOT NULL,
    label_key  TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('text','number','date','choice','yes_no')),
    -- JSON list of choices for 'choice' fields, '[]' otherwise.
    choices    TEXT NOT NULL DEFAULT '[]',
    -- Digits after the decimal point for 'number' fields (values are kept as scaled integers).
    decimals   INTEGER NOT NULL DEFAULT 0 CHECK (decimals BETWEEN 0 AND 4),
    required   BOOLEAN NOT NULL DEFAULT FALSE,
    searchable BOOLEAN NOT NULL DEFAULT TRUE,
    position   INTEGER NOT NULL,
    archived   BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX custom_fields_label ON custom_fields(label_key) WHERE archived = FALSE;

CREATE TABLE client_field_values (
    client_id UUID NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    field_id  UUID NOT NULL REFERENCES custom_fields(id),
    -- Canonical text: the text, the number as written back ("12.50"), ISO date, the choice,
    -- 'yes' or 'no'.
    value     TEXT NOT NULL,
    -- Folded value for equality filters.
    value_key TEXT NOT NULL,
    -- Numbers as scaled integers, dates as days since 1970-01-01: range filters.
    value_num BIGINT,
    PRIMARY KEY (client_id, field_id)
);
CREATE INDEX client_field_values_key ON client_field_values(field_id, value_key);
CREATE INDEX client_field_values_num ON client_field_values(field_id, value_num);

-- Named layouts of the card (one per centre today: name 'card').
CREATE TABLE layouts (
    name       TEXT PRIMARY KEY,
    layout     TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID REFERENCES users(id),
    version    BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE client_timeline (
    id         UUID PRIMARY KEY,
    client_id  UUID NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('observation','achievement','award','penalty','contact','note')),
    -- For contacts: call, visit, message, email, meeting.
    channel    TEXT,
    -- When it happened (may be earlier than when it was written down).
    at         TIMESTAMPTZ NOT NULL,
    title      TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID REFERENCES users(id),
    updated_at TIMESTAMPTZ NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX client_timeline_client ON client_timeline(client_id, at, id);

CREATE TABLE client_timeline_files (
    entry_id  UUID NOT NULL REFERENCES client_timeline(id) ON DELETE CASCADE,
    file_id   UUID NOT NULL REFERENCES files(id),
    name      TEXT NOT NULL,
    position  INTEGER NOT NULL,
    PRIMARY KEY (entry_id, position)
);

ALTER TABLE files ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE files ADD COLUMN width INTEGER;
ALTER TABLE files ADD COLUMN height INTEGER;

CREATE TABLE saved_filters (
    id         UUID PRIMARY KEY,
    user_id    UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL,
    -- The search arguments (query, filters, sort) as JSON.
    search     TEXT NOT NULL,
    position   INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (user_id, name_key)
);

-- A merged card's id keeps pointing at the card it was merged into.
CREATE TABLE client_merges (
    merged_id UUID PRIMARY KEY,
    kept_id   UUID NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    merged_at TIMESTAMPTZ NOT NULL,
    merged_by UUID REFERENCES users(id)
);
CREATE INDEX client_merges_kept ON client_merges(kept_id);
CREATE INDEX clients_last_contact ON clients(last_contact_at);
