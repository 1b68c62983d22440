-- The client base: people and companies, contacts, families, categories, tags, age bands, the
-- search index. Same tables and columns as migrations/sqlite/0002 (SQLite's `seq` rowid and
-- FTS5 table are its own; here search_doc carries a trigram index).

CREATE TABLE client_categories (
    id         UUID PRIMARY KEY,
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL UNIQUE,
    rule       TEXT NOT NULL,
    position   INTEGER NOT NULL,
    archived   BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE files (
    id         UUID PRIMARY KEY,
    sha256     TEXT NOT NULL UNIQUE,
    mime       TEXT NOT NULL,
    size       INTEGER NOT NULL,
    content    BYTEA NOT NULL,
    thumbnail  BYTEA,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID REFERENCES users(id)
);

CREATE TABLE age_bands (
    id        UUID PRIMARY KEY,
    name      TEXT NOT NULL,
    min_years INTEGER NOT NULL CHECK (min_years >= 0),
    max_years INTEGER CHECK (max_years IS NULL OR max_years > min_years),
    position  INTEGER NOT NULL
);

ALTER TABLE clients DROP CONSTRAINT clients_status_check;
UPDATE clients SET status = 'lead' WHERE status = 'potential';
ALTER TABLE clients ADD CONSTRAINT clients_status_check CHECK (status IN ('lead','current','former'));
ALTER TABLE clients
    ADD COLUMN kind               TEXT NOT NULL DEFAULT 'person' CHECK (kind IN ('person','company')),
    ADD COLUMN search_doc         TEXT COLLATE "C" NOT NULL DEFAULT '',
    ADD COLUMN card_number        TEXT UNIQUE,
    ADD COLUMN birth_month        INTEGER,
    ADD COLUMN reliability        TEXT NOT NULL DEFAULT 'normal' CHECK (reliability IN ('reliable','normal','doubtful','unreliable')),
    ADD COLUMN category_id        UUID REFERENCES client_categories(id),
    ADD COLUMN manager_id         UUID REFERENCES users(id),
    ADD COLUMN photo_id           UUID REFERENCES files(id),
    ADD COLUMN tax_id             TEXT,
    ADD COLUMN physical_condition TEXT NOT NULL DEFAULT '',
    ADD COLUMN medical_notes      TEXT NOT NULL DEFAULT '',
    ADD COLUMN preferences        TEXT NOT NULL DEFAULT '',
    ADD COLUMN documents          TEXT NOT NULL DEFAULT '[]',
    ADD COLUMN last_contact_at    TIMESTAMPTZ,
    ADD COLUMN updated_by         UUID REFERENCES users(id);

CREATE TABLE client_contacts (
    client_id UUID NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    channel   TEXT NOT NULL CHECK (channel IN ('email','messenger','address')),
    position  INTEGER NOT NULL,
    label     TEXT NOT NULL DEFAULT '',
    value     TEXT NOT NULL,
    value_key TEXT NOT NULL,
    PRIMARY KEY (client_id, channel, position)
);
INSERT INTO client_contacts (client_id, channel, position, label, value, value_key)
SELECT id, 'email', 0, '', email, lower(email) FROM clients WHERE email IS NOT NULL AND email <> '';
ALTER TABLE clients DROP COLUMN email;
UPDATE clients SET birth_month = EXTRACT(MONTH FROM birth_date) WHERE birth_date IS NOT NULL;

DROP INDEX clients_search_name_trgm;
CREATE INDEX clients_search_doc_trgm ON clients USING gin (search_doc public.gin_trgm_ops);
CREATE INDEX clients_name_birth ON clients(search_name, birth_date);
CREATE INDEX clients_created ON clients(created_at, id);
CREATE INDEX clients_category ON clients(category_id);
CREATE INDEX clients_manager ON clients(manager_id);
CREATE INDEX clients_birth ON clients(birth_date);
CREATE INDEX clients_birth_month ON clients(birth_month);
CREATE INDEX client_contacts_key ON client_contacts(channel, value_key);

ALTER TABLE client_phones
    ADD COLUMN raw     TEXT NOT NULL DEFAULT '',
    ADD COLUMN rdigits TEXT COLLATE "C" NOT NULL DEFAULT '';
CREATE INDEX client_phones_rdigits ON client_phones(rdigits);
CREATE INDEX client_phones_number ON client_phones(number);

CREATE TABLE client_tags (
    client_id UUID NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    tag       TEXT NOT NULL,
    PRIMARY KEY (client_id, tag)
);
CREATE INDEX client_tags_tag ON client_tags(tag, client_id);

CREATE TABLE client_guardians (
    child_id    UUID NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    guardian_id UUID NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    relation    TEXT NOT NULL,
    pays        BOOLEAN NOT NULL DEFAULT FALSE,
    position    INTEGER NOT NULL,
    PRIMARY KEY (child_id, guardian_id),
    CHECK (child_id <> guardian_id)
);
CREATE INDEX client_guardians_guardian ON client_guardians(guardian_id);

CREATE TABLE company_contacts (
    company_id UUID NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    person_id  UUID NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    role       TEXT NOT NULL,
    position   INTEGER NOT NULL,
    PRIMARY KEY (company_id, person_id),
    CHECK (company_id <> person_id)
);
CREATE INDEX company_contacts_person ON company_contacts(person_id);

CREATE TABLE name_words (
    variant TEXT COLLATE "C" NOT NULL,
    word    TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (variant, word)
);
