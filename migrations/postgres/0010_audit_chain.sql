-- The audit log becomes the change log: each row gets a sequence number (the order rows were
-- committed in, with no gaps), where the write came from, and a SHA-256 hash chained to the
-- previous row's, so an edited or removed row is found (`audit_verify`). Rows written before
-- this get their numbers here and their hashes when the database is next opened.
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
ALTER TABLE audit_log ADD COLUMN source TEXT NOT NULL DEFAULT 'window'
    CHECK (source IN ('window','import','sync','background'));
ALTER TABLE audit_log ADD COLUMN hash TEXT;
UPDATE audit_log SET seq = o.n
    FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY at, id) AS n FROM audit_log) AS o
    WHERE o.id = audit_log.id;
ALTER TABLE audit_log ALTER COLUMN seq SET NOT NULL;
CREATE UNIQUE INDEX audit_log_seq ON audit_log(seq);
CREATE INDEX audit_log_user ON audit_log(user_id, seq);
CREATE INDEX audit_log_operation ON audit_log(operation, seq);

-- An auditor's "reviewed up to here": the next view can start after it.
CREATE TABLE audit_reviews (
    id         UUID PRIMARY KEY,
    user_id    UUID NOT NULL REFERENCES users(id),
    at         TIMESTAMPTZ NOT NULL,
    up_to_seq  BIGINT NOT NULL,
    note       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_reviews_seq ON audit_reviews(up_to_seq);
