-- Tasks: something to do for a client (or for the centre), by someone, maybe by a time. The
-- reminder shows to the assignee only; when done, what came of it is kept.
CREATE TABLE tasks (
    id          BLOB PRIMARY KEY,
    client_id   BLOB REFERENCES clients(id),
    title       TEXT NOT NULL,
    notes       TEXT NOT NULL DEFAULT '',
    due_at      TEXT,
    assignee_id BLOB NOT NULL REFERENCES users(id),
    created_by  BLOB REFERENCES users(id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    done_at     TEXT,
    done_by     BLOB REFERENCES users(id),
    outcome     TEXT NOT NULL DEFAULT '',
    version     BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX tasks_assignee ON tasks(assignee_id, done_at, due_at);
CREATE INDEX tasks_client ON tasks(client_id, done_at, due_at);
