-- An HTTP SMS gateway's key (an API token or a password), kept like the other passwords and
-- used in its request as {secret}: never shown, never in the audit log.
ALTER TABLE message_settings ADD COLUMN http_secret TEXT NOT NULL DEFAULT '';
