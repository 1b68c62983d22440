-- After an answered call, an SMS asks the caller to rate the employee; replies come back
-- through the gateway (with its delivery reports) at addresses carrying the centre's inbound key.

ALTER TABLE message_settings ADD COLUMN inbound_key TEXT NOT NULL DEFAULT '';
-- The SMS template asking for a rating (none: no asking), and the shortest talk that asks.
ALTER TABLE message_settings ADD COLUMN rating_template_id UUID REFERENCES message_templates(id);
ALTER TABLE message_settings ADD COLUMN rating_min_talk INTEGER NOT NULL DEFAULT 20;

CREATE TABLE call_ratings (
    id         UUID PRIMARY KEY,
    call_id    UUID NOT NULL REFERENCES calls(id),
    client_id  UUID NOT NULL REFERENCES clients(id),
    -- The employee rated: who answered.
    user_id    UUID NOT NULL REFERENCES users(id),
    message_id UUID NOT NULL REFERENCES messages(id),
    -- The number asked (E.164), which the reply comes from.
    number     TEXT NOT NULL,
    asked_at   TIMESTAMPTZ NOT NULL,
    score      INTEGER CHECK (score BETWEEN 1 AND 5),
    reply      TEXT,
    replied_at TIMESTAMPTZ
);
CREATE INDEX call_ratings_number ON call_ratings(number, asked_at);
CREATE INDEX call_ratings_user ON call_ratings(user_id, asked_at);

-- SMS the centre received (replies), with the card of the number when one has it.
CREATE TABLE messages_in (
    id          UUID PRIMARY KEY,
    number      TEXT NOT NULL,
    client_id   UUID REFERENCES clients(id),
    body        TEXT NOT NULL,
    rating_id   UUID REFERENCES call_ratings(id),
    received_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX messages_in_client ON messages_in(client_id, received_at);
CREATE INDEX messages_provider_ref ON messages(provider_ref);
UPDATE message_settings SET inbound_key = replace(gen_random_uuid()::text, '-', '') WHERE inbound_key = '';
