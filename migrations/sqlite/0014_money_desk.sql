-- Thresholds of the red flags, and the cash desk: money put in or taken out of the drawer,
-- and closed days (a closed day's cash operations are locked).
CREATE TABLE money_settings (
    id                  INTEGER PRIMARY KEY CHECK (id = 1),
    visits_low          INTEGER NOT NULL DEFAULT 2,
    ends_within_days    INTEGER NOT NULL DEFAULT 7,
    expired_within_days INTEGER NOT NULL DEFAULT 30,
    version             BIGINT NOT NULL DEFAULT 1
);
INSERT INTO money_settings (id) VALUES (1);

CREATE TABLE cash_moves (
    id         BLOB PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('in','out')),
    amount     BIGINT NOT NULL CHECK (amount > 0),
    reason     TEXT NOT NULL,
    day        TEXT NOT NULL,
    at         TEXT NOT NULL,
    created_by BLOB REFERENCES users(id)
);
CREATE INDEX cash_moves_day ON cash_moves(day);

CREATE TABLE cash_days (
    day        TEXT PRIMARY KEY,
    expected   BIGINT NOT NULL,
    counted    BIGINT NOT NULL,
    difference BIGINT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    closed_at  TEXT NOT NULL,
    closed_by  BLOB REFERENCES users(id)
);

CREATE INDEX memberships_ends ON memberships(ends_on);

-- Payments, cash moves and closing a day take this row's lock, so a payment never lands on a
-- day that closed meanwhile.
INSERT INTO counters (name, value) VALUES ('cash_desk', 0);

-- Contracts: numbered without gaps like invoices; the centre with a client, a guardian or a
-- company. Invoices may be issued under one (invoices.contract_id).
INSERT INTO counters (name, value) VALUES ('contract', 0);
CREATE TABLE contracts (
    id           BLOB PRIMARY KEY,
    number       BIGINT NOT NULL UNIQUE,
    client_id    BLOB NOT NULL REFERENCES clients(id),
    payer_id     BLOB NOT NULL REFERENCES clients(id),
    starts_on    TEXT NOT NULL,
    ends_on      TEXT NOT NULL,
    cancelled_at TEXT,
    renewed_from BLOB REFERENCES contracts(id),
    note         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    created_by   BLOB REFERENCES users(id),
    updated_at   TEXT NOT NULL,
    updated_by   BLOB REFERENCES users(id),
    version      BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX contracts_client ON contracts(client_id);
CREATE INDEX contracts_payer ON contracts(payer_id);
CREATE INDEX contracts_ends ON contracts(ends_on);
CREATE INDEX invoices_contract ON invoices(contract_id);
