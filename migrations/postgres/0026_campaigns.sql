-- Campaigns: a template sent once at a set time, or every day to those it concerns that day
-- (a pass that ends in N days, a birthday), to everyone or to some cards, a group or what a
-- saved search finds. Each client is written to once per occasion.

CREATE TABLE campaigns (
    id              UUID PRIMARY KEY,
    name            TEXT NOT NULL,
    channel         TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    template_id     UUID NOT NULL REFERENCES message_templates(id),
    kind            TEXT NOT NULL CHECK (kind IN ('once', 'pass_ending', 'birthday')),
    -- once: the centre's day it goes (at send_time), and that instant.
    send_on         DATE,
    send_at         TIMESTAMPTZ,
    -- pass_ending: how many days before the pass ends.
    days_before     INTEGER,
    -- The centre's time of day it goes, HH:MM.
    send_time       TEXT NOT NULL DEFAULT '10:00',
    audience        TEXT NOT NULL CHECK (audience IN ('all', 'clients', 'group', 'saved_filter')),
    client_ids      TEXT NOT NULL DEFAULT '[]',
    group_id        UUID REFERENCES class_groups(id),
    saved_filter_id UUID REFERENCES saved_filters(id) ON DELETE SET NULL,
    -- Whose it is (a saved search is theirs; messages are sent in their name).
    owner_id        UUID NOT NULL REFERENCES users(id),
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    archived        BOOLEAN NOT NULL DEFAULT FALSE,
    last_run_on     DATE,
    last_run_at     TIMESTAMPTZ,
    last_queued     INTEGER NOT NULL DEFAULT 0,
    last_skipped    INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1
);

-- Who a campaign wrote to, for what (`once`, a pass and its end, a birthday's year).
CREATE TABLE campaign_sends (
    campaign_id UUID NOT NULL REFERENCES campaigns(id),
    client_id   UUID NOT NULL REFERENCES clients(id),
    occasion    TEXT NOT NULL,
    message_id  UUID NOT NULL REFERENCES messages(id),
    PRIMARY KEY (campaign_id, client_id, occasion)
);

ALTER TABLE messages ADD COLUMN campaign_id UUID REFERENCES campaigns(id);
