-- Memberships and money. Amounts are integer minor units of the centre's currency; rates are
-- basis points (1 % = 100). A client's debt and credit are never stored: they are sums over
-- invoices and payments.

-- Numbers that must have no gaps and no repeats (invoices, contracts): taken inside the
-- transaction that writes the numbered record, so a rolled-back sale gives its number back.
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('invoice', 0);

CREATE TABLE catalog_categories (
    id       UUID PRIMARY KEY,
    name     TEXT NOT NULL,
    position INTEGER NOT NULL,
    archived BOOLEAN NOT NULL DEFAULT FALSE,
    version  BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX catalog_categories_name ON catalog_categories(lower(name));

-- Services and goods the centre sells.
CREATE TABLE catalog_items (
    id           UUID PRIMARY KEY,
    category_id  UUID REFERENCES catalog_categories(id),
    kind         TEXT NOT NULL CHECK (kind IN ('service','good')),
    name         TEXT NOT NULL,
    search_name  TEXT NOT NULL,
    price        BIGINT NOT NULL CHECK (price >= 0),
    tax_points   INTEGER NOT NULL DEFAULT 0 CHECK (tax_points >= 0 AND tax_points <= 10000),
    tax_included BOOLEAN NOT NULL DEFAULT TRUE,
    unit         TEXT NOT NULL DEFAULT '',
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    created_at   TIMESTAMPTZ NOT NULL,
    created_by   UUID REFERENCES users(id),
    updated_at   TIMESTAMPTZ NOT NULL,
    updated_by   UUID REFERENCES users(id),
    version      BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX catalog_items_name ON catalog_items(search_name, id);

-- What a pass gives: visits (NULL = unlimited) for a validity, over some services.
CREATE TABLE membership_plans (
    id             UUID PRIMARY KEY,
    name           TEXT NOT NULL,
    search_name    TEXT NOT NULL,
    visits         INTEGER CHECK (visits IS NULL OR visits > 0),
    validity_count INTEGER NOT NULL CHECK (validity_count > 0),
    validity_unit  TEXT NOT NULL CHECK (validity_unit IN ('days','months')),
    starts         TEXT NOT NULL CHECK (starts IN ('sale','first_visit')),
    -- JSON array of catalogue service ids; empty: every service.
    covers         TEXT NOT NULL DEFAULT '[]',
    cap_count      INTEGER CHECK (cap_count IS NULL OR cap_count > 0),
    cap_period     TEXT CHECK (cap_period IS NULL OR cap_period IN ('week','month')),
    price          BIGINT NOT NULL CHECK (price >= 0),
    tax_points     INTEGER NOT NULL DEFAULT 0 CHECK (tax_points >= 0 AND tax_points <= 10000),
    tax_included   BOOLEAN NOT NULL DEFAULT TRUE,
    freeze_days    INTEGER NOT NULL DEFAULT 0 CHECK (freeze_days >= 0),
    family         BOOLEAN NOT NULL DEFAULT FALSE,
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    created_at     TIMESTAMPTZ NOT NULL,
    created_by     UUID REFERENCES users(id),
    updated_at     TIMESTAMPTZ NOT NULL,
    updated_by     UUID REFERENCES users(id),
    version        BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX membership_plans_name ON membership_plans(search_name, id);

CREATE TABLE invoices (
    id            UUID PRIMARY KEY,
    number        BIGINT NOT NULL UNIQUE,
    -- Whom it is for, and who pays (the client, a guardian or a company).
    client_id     UUID NOT NULL REFERENCES clients(id),
    payer_id      UUID NOT NULL REFERENCES clients(id),
    contract_id   UUID,
    issued_on     DATE NOT NULL,
    currency      TEXT NOT NULL,
    subtotal      BIGINT NOT NULL,
    discount      BIGINT NOT NULL,
    tax           BIGINT NOT NULL,
    total         BIGINT NOT NULL CHECK (total >= 0),
    status        TEXT NOT NULL CHECK (status IN ('issued','cancelled')),
    cancel_reason TEXT,
    note          TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    created_by    UUID REFERENCES users(id),
    updated_at    TIMESTAMPTZ NOT NULL,
    updated_by    UUID REFERENCES users(id),
    version       BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX invoices_payer ON invoices(payer_id, status);
CREATE INDEX invoices_client ON invoices(client_id);
CREATE INDEX invoices_issued ON invoices(issued_on, number);

CREATE TABLE invoice_lines (
    id              UUID PRIMARY KEY,
    invoice_id      UUID NOT NULL REFERENCES invoices(id),
    position        INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('membership','item')),
    item_id         UUID REFERENCES catalog_items(id),
    plan_id         UUID REFERENCES membership_plans(id),
    membership_id   UUID,
    description     TEXT NOT NULL,
    quantity        INTEGER NOT NULL CHECK (quantity > 0),
    unit_price      BIGINT NOT NULL CHECK (unit_price >= 0),
    discount_points INTEGER NOT NULL DEFAULT 0,
    discount        BIGINT NOT NULL DEFAULT 0,
    tax_points      INTEGER NOT NULL DEFAULT 0,
    tax_included    BOOLEAN NOT NULL DEFAULT TRUE,
    tax             BIGINT NOT NULL DEFAULT 0,
    total           BIGINT NOT NULL CHECK (total >= 0)
);
CREATE INDEX invoice_lines_invoice ON invoice_lines(invoice_id, position);

-- Money in and out, and credit spent. A row with an invoice counts towards that invoice;
-- a row without one is the payer's credit (an overpayment in, a refund of credit out).
-- The payer's credit is what came in for real (any method but `credit`) less what went to
-- invoices; an invoice's paid sum is its rows' sum.
CREATE TABLE payments (
    id         UUID PRIMARY KEY,
    payer_id   UUID NOT NULL REFERENCES clients(id),
    invoice_id UUID REFERENCES invoices(id),
    kind       TEXT NOT NULL CHECK (kind IN ('payment','refund')),
    method     TEXT NOT NULL CHECK (method IN ('cash','card','transfer','credit')),
    amount     BIGINT NOT NULL CHECK (amount <> 0),
    -- The centre's local date it happened on (the cash desk's day).
    day        DATE NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    refund_of  UUID REFERENCES payments(id),
    paid_at    TIMESTAMPTZ NOT NULL,
    created_by UUID REFERENCES users(id)
);
CREATE INDEX payments_payer ON payments(payer_id);
CREATE INDEX payments_invoice ON payments(invoice_id);
CREATE INDEX payments_day ON payments(day, method);

-- A sold pass. Visits left changes only by guarded statements (never below zero).
CREATE TABLE memberships (
    id             UUID PRIMARY KEY,
    client_id      UUID NOT NULL REFERENCES clients(id),
    plan_id        UUID NOT NULL REFERENCES membership_plans(id),
    payer_id       UUID NOT NULL REFERENCES clients(id),
    invoice_id     UUID REFERENCES invoices(id),
    name           TEXT NOT NULL,
    visits_total   INTEGER,
    visits_left    INTEGER CHECK (visits_left IS NULL OR visits_left >= 0),
    -- Empty until the first visit for a plan counted from it.
    starts_on      DATE,
    ends_on        DATE,
    validity_count INTEGER NOT NULL,
    validity_unit  TEXT NOT NULL,
    covers         TEXT NOT NULL DEFAULT '[]',
    cap_count      INTEGER,
    cap_period     TEXT,
    freeze_days    INTEGER NOT NULL DEFAULT 0,
    family         BOOLEAN NOT NULL DEFAULT FALSE,
    cancelled_at   TIMESTAMPTZ,
    cancel_reason  TEXT,
    created_at     TIMESTAMPTZ NOT NULL,
    created_by     UUID REFERENCES users(id),
    updated_at     TIMESTAMPTZ NOT NULL,
    updated_by     UUID REFERENCES users(id),
    version        BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX memberships_client ON memberships(client_id, ends_on);
CREATE INDEX memberships_payer ON memberships(payer_id);
CREATE INDEX memberships_invoice ON memberships(invoice_id);

CREATE TABLE membership_freezes (
    id            UUID PRIMARY KEY,
    membership_id UUID NOT NULL REFERENCES memberships(id),
    from_on       DATE NOT NULL,
    until_on      DATE NOT NULL,
    reason        TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    created_by    UUID REFERENCES users(id)
);
CREATE INDEX membership_freezes_membership ON membership_freezes(membership_id, from_on);

-- Money permissions for the built-in roles that handle money.
UPDATE roles
SET permissions = replace(permissions, '"clients_read"',
    '"clients_read","money_read","money_sell","money_refund","cash_close","catalog_configure"')
WHERE key IN ('owner', 'admin', 'manager') AND permissions NOT LIKE '%"money_read"%';
UPDATE roles
SET permissions = replace(permissions, '"clients_read"', '"clients_read","money_read","money_sell","cash_close"')
WHERE key = 'reception' AND permissions NOT LIKE '%"money_read"%';
UPDATE roles
SET permissions = replace(permissions, '"clients_read"', '"clients_read","money_read"')
WHERE key = 'accountant' AND permissions NOT LIKE '%"money_read"%';
