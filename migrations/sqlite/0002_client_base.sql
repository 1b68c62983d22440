-- The client base: people and companies, contacts, families, categories, tags, age bands, the
-- search index. `clients` is rebuilt (SQLite cannot change a CHECK in place) with `seq`, a
-- stable integer rowid the FTS5 index is keyed by. The migration runs in one transaction with
-- foreign keys on, so dropping the old table would cascade to its phones: they are kept aside
-- first and the phones table is made anew after the swap.
CREATE TEMP TABLE old_phones AS SELECT * FROM client_phones;
CREATE TEMP TABLE old_emails AS SELECT id, email FROM clients WHERE email IS NOT NULL AND email <> '';

CREATE TABLE client_categories (
    id         BLOB PRIMARY KEY,
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL UNIQUE,
    -- The discount rule as JSON (see clients/discount.rs).
    rule       TEXT NOT NULL,
    position   INTEGER NOT NULL,
    archived   BOOLEAN NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1
);

-- Photos and attached files, stored once by content hash (SHA-256), with a thumbnail for images.
CREATE TABLE files (
    id         BLOB PRIMARY KEY,
    sha256     TEXT NOT NULL UNIQUE,
    mime       TEXT NOT NULL,
    size       INTEGER NOT NULL,
    content    BLOB NOT NULL,
    thumbnail  BLOB,
    created_at TEXT NOT NULL,
    created_by BLOB REFERENCES users(id)
);

CREATE TABLE age_bands (
    id        BLOB PRIMARY KEY,
    name      TEXT NOT NULL,
    min_years INTEGER NOT NULL CHECK (min_years >= 0),
    -- Exclusive; NULL for "and older".
    max_years INTEGER CHECK (max_years IS NULL OR max_years > min_years),
    position  INTEGER NOT NULL
);

CREATE TABLE clients_new (
    seq                INTEGER PRIMARY KEY,
    id                 BLOB NOT NULL UNIQUE,
    kind               TEXT NOT NULL DEFAULT 'person' CHECK (kind IN ('person','company')),
    name               TEXT NOT NULL,
    search_name        TEXT NOT NULL,
    -- Everything text search matches, folded: name, card number, phone digits, e-mails…
    -- Empty until core indexes the card (cards from before this migration are indexed at start).
    search_doc         TEXT NOT NULL DEFAULT '',
    card_number        TEXT UNIQUE,
    birth_date         TEXT,
    -- 1–12, for "birthday this month".
    birth_month        INTEGER,
    status             TEXT NOT NULL CHECK (status IN ('lead','current','former')),
    reliability        TEXT NOT NULL DEFAULT 'normal' CHECK (reliability IN ('reliable','normal','doubtful','unreliable')),
    category_id        BLOB REFERENCES client_categories(id),
    manager_id         BLOB REFERENCES users(id),
    photo_id           BLOB REFERENCES files(id),
    tax_id             TEXT,
    physical_condition TEXT NOT NULL DEFAULT '',
    medical_notes      TEXT NOT NULL DEFAULT '',
    preferences        TEXT NOT NULL DEFAULT '',
    -- Documents received and permits, JSON (see clients/model.rs).
    documents          TEXT NOT NULL DEFAULT '[]',
    notes              TEXT NOT NULL DEFAULT '',
    last_contact_at    TEXT,
    created_at         TEXT NOT NULL,
    created_by         BLOB REFERENCES users(id),
    updated_at         TEXT NOT NULL,
    updated_by         BLOB REFERENCES users(id),
    version            BIGINT NOT NULL DEFAULT 1
);

INSERT INTO clients_new (id, name, search_name, search_doc, birth_date, birth_month, status, notes,
                         created_at, created_by, updated_at, version)
SELECT id, name, search_name, '', birth_date, CAST(substr(birth_date, 6, 2) AS INTEGER),
       CASE status WHEN 'potential' THEN 'lead' ELSE status END,
       notes, created_at, created_by, updated_at, version
FROM clients;

DROP TABLE client_phones;
DROP TABLE clients;
ALTER TABLE clients_new RENAME TO clients;

CREATE INDEX clients_search_name ON clients(search_name, id);
CREATE INDEX clients_name_birth ON clients(search_name, birth_date);
CREATE INDEX clients_created ON clients(created_at, id);
CREATE INDEX clients_category ON clients(category_id);
CREATE INDEX clients_manager ON clients(manager_id);
CREATE INDEX clients_birth ON clients(birth_date);
CREATE INDEX clients_birth_month ON clients(birth_month);

CREATE TABLE client_phones (
    id        BLOB PRIMARY KEY,
    client_id BLOB NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('mobile','home','work','other')),
    number    TEXT NOT NULL,
    digits    TEXT NOT NULL,
    -- As typed or imported.
    raw       TEXT NOT NULL DEFAULT '',
    -- The digits reversed: a range scan on it finds every number ending in given digits.
    rdigits   TEXT NOT NULL DEFAULT ''
);
INSERT INTO client_phones (id, client_id, position, kind, number, digits)
SELECT id, client_id, position, kind, number, digits FROM old_phones;
CREATE INDEX client_phones_client ON client_phones(client_id, position);
CREATE INDEX client_phones_digits ON client_phones(digits);
CREATE INDEX client_phones_rdigits ON client_phones(rdigits);
CREATE INDEX client_phones_number ON client_phones(number);

-- E-mails, messengers and addresses: one row each, in the card's order.
CREATE TABLE client_contacts (
    client_id BLOB NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    channel   TEXT NOT NULL CHECK (channel IN ('email','messenger','address')),
    position  INTEGER NOT NULL,
    label     TEXT NOT NULL DEFAULT '',
    value     TEXT NOT NULL,
    -- Folded value for matching (lower-case e-mail, handle).
    value_key TEXT NOT NULL,
    PRIMARY KEY (client_id, channel, position)
);
INSERT INTO client_contacts (client_id, channel, position, label, value, value_key)
SELECT id, 'email', 0, '', email, lower(email) FROM old_emails;
CREATE INDEX client_contacts_key ON client_contacts(channel, value_key);

DROP TABLE old_phones;
DROP TABLE old_emails;

CREATE TABLE client_tags (
    client_id BLOB NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    tag       TEXT NOT NULL,
    PRIMARY KEY (client_id, tag)
);
CREATE INDEX client_tags_tag ON client_tags(tag, client_id);

-- Who is whose guardian, and who pays for whom.
CREATE TABLE client_guardians (
    child_id    BLOB NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    guardian_id BLOB NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    relation    TEXT NOT NULL,
    pays        BOOLEAN NOT NULL DEFAULT 0,
    position    INTEGER NOT NULL,
    PRIMARY KEY (child_id, guardian_id),
    CHECK (child_id <> guardian_id)
);
CREATE INDEX client_guardians_guardian ON client_guardians(guardian_id);

-- A company's contact persons (director, accountant, lawyer…), each a person card.
CREATE TABLE company_contacts (
    company_id BLOB NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    person_id  BLOB NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    role       TEXT NOT NULL,
    position   INTEGER NOT NULL,
    PRIMARY KEY (company_id, person_id),
    CHECK (company_id <> person_id)
);
CREATE INDEX company_contacts_person ON company_contacts(person_id);

-- Typo-tolerant names: every distinct name word and each of its one-letter deletions.
CREATE TABLE name_words (
    variant TEXT NOT NULL,
    word    TEXT NOT NULL,
    PRIMARY KEY (variant, word)
) WITHOUT ROWID;

-- Substring search over search_doc, keyed by clients.seq.
CREATE VIRTUAL TABLE client_search USING fts5(doc, tokenize = 'trigram');
INSERT INTO client_search (rowid, doc) SELECT seq, search_doc FROM clients;
CREATE TRIGGER clients_search_insert AFTER INSERT ON clients BEGIN
    INSERT INTO client_search (rowid, doc) VALUES (new.seq, new.search_doc);
END;
CREATE TRIGGER clients_search_update AFTER UPDATE OF search_doc ON clients BEGIN
    UPDATE client_search SET doc = new.search_doc WHERE rowid = new.seq;
END;
CREATE TRIGGER clients_search_delete AFTER DELETE ON clients BEGIN
    DELETE FROM client_search WHERE rowid = old.seq;
END;
