-- The centre's arrangement of the client card: groups of fields in order (JSON, see
-- clients/layout.rs). One row at most; none until an admin saves one.
CREATE TABLE card_layout (
    singleton  INTEGER NOT NULL DEFAULT 1 UNIQUE CHECK (singleton = 1),
    groups     TEXT NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID REFERENCES users(id)
);
