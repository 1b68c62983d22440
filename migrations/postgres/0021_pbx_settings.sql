-- How the centre's phones reach Hallpass: an office Asterisk (its manager interface) or a
-- cloud PBX posting signed events. One row; secrets are kept here and never sent back.
CREATE TABLE pbx_settings (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    kind           TEXT NOT NULL DEFAULT 'none' CHECK (kind IN ('none', 'asterisk', 'webhook')),
    -- Asterisk: host:port, the manager user and its secret.
    address        TEXT NOT NULL DEFAULT '',
    username       TEXT NOT NULL DEFAULT '',
    secret         TEXT NOT NULL DEFAULT '',
    -- Click-to-call: the dialplan context, and a prefix to dial before the number.
    dial_context   TEXT NOT NULL DEFAULT 'internal',
    dial_prefix    TEXT NOT NULL DEFAULT '',
    -- A cloud PBX's shared signing secret.
    webhook_secret TEXT NOT NULL DEFAULT '',
    -- JSON list of {"extension": "101", "user_id": "…"}: whose phone each extension is.
    extensions     TEXT NOT NULL DEFAULT '[]',
    version        BIGINT NOT NULL DEFAULT 0,
    updated_at     TIMESTAMPTZ,
    updated_by     UUID REFERENCES users(id)
);
INSERT INTO pbx_settings (id) VALUES (1);
