-- Printed documents: the centre's own templates (a kind without a row uses the built-in one)
-- and the centre's details printed on them (address, phone, tax number, bank account).
ALTER TABLE centre ADD COLUMN details TEXT NOT NULL DEFAULT '';

CREATE TABLE document_templates (
    kind        TEXT PRIMARY KEY,
    source      TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  BLOB REFERENCES users(id),
    version     BIGINT NOT NULL DEFAULT 1
);
