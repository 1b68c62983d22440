-- Instructors' pay: the value of each visit written off (the pass's price shared over its
-- visits, fixed when the class is held), effective-dated pay rules, and pay periods whose
-- statements are kept as they were approved.
ALTER TABLE attendance ADD COLUMN value BIGINT NOT NULL DEFAULT 0;

-- A rule for one instructor and one service (or every service: service_key ''), in force from
-- a day until the next rule for the same pair. A change is a new rule: past pay never moves.
CREATE TABLE pay_rules (
    id                   UUID PRIMARY KEY,
    staff_id             UUID NOT NULL REFERENCES staff(id),
    service_id           UUID REFERENCES catalog_items(id),
    service_key          TEXT NOT NULL,
    effective_from       DATE NOT NULL,
    per_class            BIGINT NOT NULL DEFAULT 0 CHECK (per_class >= 0),
    per_attendee         BIGINT NOT NULL DEFAULT 0 CHECK (per_attendee >= 0),
    -- [{"min_attendees": n, "amount": minor units}]: the highest tier reached adds its amount.
    tiers                TEXT NOT NULL DEFAULT '[]',
    -- Hundredths of a percent of the visits' value.
    percent_points       INTEGER NOT NULL DEFAULT 0 CHECK (percent_points BETWEEN 0 AND 10000),
    empty_class          BIGINT NOT NULL DEFAULT 0 CHECK (empty_class >= 0),
    -- Teaching another instructor's class: this for the class instead (none: as their own).
    substitute_per_class BIGINT CHECK (substitute_per_class >= 0),
    note                 TEXT NOT NULL DEFAULT '',
    created_at           TIMESTAMPTZ NOT NULL,
    created_by           UUID REFERENCES users(id),
    UNIQUE (staff_id, service_key, effective_from)
);

-- A span of days whose pay is approved: locked from then on.
CREATE TABLE pay_periods (
    id          UUID PRIMARY KEY,
    starts_on   DATE NOT NULL UNIQUE,
    ends_on     DATE NOT NULL,
    total       BIGINT NOT NULL,
    approved_at TIMESTAMPTZ NOT NULL,
    approved_by UUID REFERENCES users(id)
);

-- Each held class's pay as approved.
CREATE TABLE pay_lines (
    period_id   UUID NOT NULL REFERENCES pay_periods(id),
    slot_id     UUID NOT NULL,
    original    TEXT NOT NULL,
    staff_id    UUID NOT NULL REFERENCES staff(id),
    line        TEXT NOT NULL,
    amount      BIGINT NOT NULL,
    PRIMARY KEY (slot_id, original)
);
CREATE INDEX pay_lines_staff ON pay_lines(staff_id, period_id);
