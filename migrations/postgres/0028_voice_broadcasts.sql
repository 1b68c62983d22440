-- Voice broadcasts: an uploaded recording played through the office PBX to a list of
-- clients (Originate of each number into the dialplan, then Playback of the recording,
-- which the PBX fetches from the hub at an address carrying the broadcast's token).

CREATE TABLE voice_broadcasts (
    id          UUID PRIMARY KEY,
    name        TEXT NOT NULL,
    file_id     UUID NOT NULL REFERENCES files(id),
    token       TEXT NOT NULL UNIQUE,
    -- What Playback is given: the recording's address as the PBX reaches the hub.
    media_url   TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('running', 'done')),
    created_by  UUID REFERENCES users(id),
    created_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ
);

CREATE TABLE voice_broadcast_calls (
    broadcast_id UUID NOT NULL REFERENCES voice_broadcasts(id),
    client_id    UUID NOT NULL REFERENCES clients(id),
    position     INTEGER NOT NULL,
    number       TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('queued', 'placed', 'failed')),
    attempted_at TIMESTAMPTZ,
    error        TEXT,
    PRIMARY KEY (broadcast_id, client_id)
);
