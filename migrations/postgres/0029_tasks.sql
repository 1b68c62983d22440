-- Tasks: something to do for a client (or for the centre), by someone, maybe by a time. The
-- reminder shows to the assignee only; when done, what came of it is kept.
CREATE TABLE tasks (
    id          UUID PRIMARY KEY,
    client_id   UUID REFERENCES clients(id),
    title       TEXT NOT NULL,
    notes       TEXT NOT NULL DEFAULT '',
    due_at      TIMESTAMPTZ,
    assignee_id UUID NOT NULL REFERENCES users(id),
    created_by  UUID REFERENCES users(id),
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    done_at     TIMESTAMPTZ,
    done_by     UUID REFERENCES users(id),
    outcome     TEXT NOT NULL DEFAULT '',
    version     BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX tasks_assignee ON tasks(assignee_id, done_at, due_at);
CREATE INDEX tasks_client ON tasks(client_id, done_at, due_at);
