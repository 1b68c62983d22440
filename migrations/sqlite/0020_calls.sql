-- Telephony: the call log (a row per call, written when it ends) and the missed calls to call
-- back. New permissions for the built-in roles.

UPDATE roles
SET permissions = replace(permissions, '"pay_configure"', '"pay_configure","calls_read","calls_make","telephony_configure"')
WHERE key IN ('owner', 'admin', 'manager') AND permissions NOT LIKE '%"calls_read"%';
UPDATE roles
SET permissions = replace(permissions, '"attendance_mark"', '"attendance_mark","calls_read","calls_make"')
WHERE key = 'reception' AND permissions NOT LIKE '%"calls_read"%';

CREATE TABLE calls (
    id          BLOB PRIMARY KEY,
    -- The PBX's own id (Asterisk's Linkedid, a cloud PBX's call id).
    pbx_call_id TEXT NOT NULL,
    direction   TEXT NOT NULL CHECK (direction IN ('incoming', 'outgoing')),
    -- The outside party's number as the PBX gave it, and in E.164 when it reads as one.
    number      TEXT,
    number_e164 TEXT,
    name        TEXT,
    did         TEXT,
    -- The centre's extension on the call: who answered, or who called out.
    extension   TEXT,
    -- JSON list of the extensions that rang.
    rang        TEXT NOT NULL DEFAULT '[]',
    started_at  TEXT NOT NULL,
    answered_at TEXT,
    ended_at    TEXT NOT NULL,
    missed      BOOLEAN NOT NULL,
    hung_up_by  TEXT CHECK (hung_up_by IN ('centre', 'outside')),
    -- JSON list of the client cards carrying the number when the call ended.
    client_ids  TEXT NOT NULL DEFAULT '[]',
    -- What placed it (our Originate's ActionID) and for whom (the client tag).
    action_id   TEXT,
    client_tag  TEXT,
    created_at  TEXT NOT NULL,
    UNIQUE (pbx_call_id, started_at)
);
CREATE INDEX calls_started ON calls(started_at);
CREATE INDEX calls_number ON calls(number_e164, started_at);

-- A missed call stays to call back until someone does or closes it: the card's responsible
-- manager's, or the reception's (assigned_to NULL).
CREATE TABLE callbacks (
    id          BLOB PRIMARY KEY,
    call_id     BLOB NOT NULL UNIQUE REFERENCES calls(id),
    client_id   BLOB REFERENCES clients(id),
    assigned_to BLOB REFERENCES users(id),
    status      TEXT NOT NULL CHECK (status IN ('open', 'called_back', 'closed')),
    note        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    closed_at   TEXT,
    closed_by   BLOB REFERENCES users(id),
    version     BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX callbacks_open ON callbacks(status, created_at);
