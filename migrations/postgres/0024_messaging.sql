-- Messaging: the mail server and SMS gateway, templates in the clients' languages, and the
-- outbox every message goes through (queued, sent, delivered or failed; retried, never lost,
-- never sent twice). New permissions for the built-in roles.

UPDATE roles
SET permissions = replace(permissions, '"telephony_configure"', '"telephony_configure","messages_send","messaging_configure"')
WHERE key IN ('owner', 'admin', 'manager') AND permissions NOT LIKE '%"messages_send"%';
UPDATE roles
SET permissions = replace(permissions, '"calls_make"', '"calls_make","messages_send"')
WHERE key = 'reception' AND permissions NOT LIKE '%"messages_send"%';

-- The language the client is written to in ('' : the template's first).
ALTER TABLE clients ADD COLUMN language TEXT NOT NULL DEFAULT '';

-- One row; passwords are kept here and never sent back.
CREATE TABLE message_settings (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    email_from     TEXT NOT NULL DEFAULT '',
    smtp_host      TEXT NOT NULL DEFAULT '',
    smtp_port      INTEGER NOT NULL DEFAULT 587,
    smtp_security  TEXT NOT NULL DEFAULT 'starttls' CHECK (smtp_security IN ('tls', 'starttls', 'none')),
    smtp_username  TEXT NOT NULL DEFAULT '',
    smtp_password  TEXT NOT NULL DEFAULT '',
    sms_kind       TEXT NOT NULL DEFAULT 'none' CHECK (sms_kind IN ('none', 'http', 'smpp')),
    sms_sender     TEXT NOT NULL DEFAULT '',
    -- HTTP gateway: the request made for each SMS, with {to}, {text}, {sender} filled in.
    http_url       TEXT NOT NULL DEFAULT '',
    http_method    TEXT NOT NULL DEFAULT 'POST' CHECK (http_method IN ('GET', 'POST')),
    http_headers   TEXT NOT NULL DEFAULT '[]',
    http_body      TEXT NOT NULL DEFAULT '',
    smpp_address   TEXT NOT NULL DEFAULT '',
    smpp_system_id TEXT NOT NULL DEFAULT '',
    smpp_password  TEXT NOT NULL DEFAULT '',
    version        BIGINT NOT NULL DEFAULT 0,
    updated_at     TIMESTAMPTZ,
    updated_by     UUID REFERENCES users(id)
);
INSERT INTO message_settings (id) VALUES (1);

CREATE TABLE message_templates (
    id         UUID PRIMARY KEY,
    name       TEXT NOT NULL,
    channel    TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    archived   BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1
);

-- A template's text in each language it is written in.
CREATE TABLE message_template_texts (
    template_id UUID NOT NULL REFERENCES message_templates(id) ON DELETE CASCADE,
    language    TEXT NOT NULL,
    position    INTEGER NOT NULL,
    subject     TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL,
    PRIMARY KEY (template_id, language)
);

-- The outbox and the record of what was sent.
CREATE TABLE messages (
    id              UUID PRIMARY KEY,
    client_id       UUID REFERENCES clients(id),
    channel         TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    address         TEXT NOT NULL,
    subject         TEXT NOT NULL DEFAULT '',
    body            TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    last_error      TEXT,
    -- The e-mail's Message-ID, the same on every attempt (a receiver drops a repeat).
    message_ref     TEXT NOT NULL UNIQUE,
    -- The gateway's id of the SMS, for its delivery reports.
    provider_ref    TEXT,
    template_id     UUID REFERENCES message_templates(id),
    created_by      UUID REFERENCES users(id),
    created_at      TIMESTAMPTZ NOT NULL,
    sent_at         TIMESTAMPTZ,
    delivered_at    TIMESTAMPTZ
);
CREATE INDEX messages_due ON messages(status, next_attempt_at);
CREATE INDEX messages_client ON messages(client_id, created_at);

-- Clients who asked not to get messages by a channel.
CREATE TABLE message_optouts (
    client_id UUID NOT NULL REFERENCES clients(id),
    channel   TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (client_id, channel)
);
