-- Whose call it was (the login behind the extension that answered or called out) and the
-- caller's country, kept with each call so the report counts them without looking them up
-- again, with its ring and talk seconds; the number format click-to-call dials.
ALTER TABLE calls ADD COLUMN user_id UUID REFERENCES users(id);
ALTER TABLE calls ADD COLUMN country TEXT;
ALTER TABLE calls ADD COLUMN ring_seconds INTEGER NOT NULL DEFAULT 0;
ALTER TABLE calls ADD COLUMN talk_seconds INTEGER NOT NULL DEFAULT 0;
UPDATE calls SET
    ring_seconds = GREATEST(0, FLOOR(EXTRACT(EPOCH FROM COALESCE(answered_at, ended_at) - started_at)))::INTEGER,
    talk_seconds = CASE WHEN answered_at IS NULL THEN 0
        ELSE GREATEST(0, FLOOR(EXTRACT(EPOCH FROM ended_at - answered_at)))::INTEGER END;
CREATE INDEX calls_user ON calls(user_id, started_at);
-- national: 020 5551 2345; e164: +85620…; digits: 85620… (no plus).
ALTER TABLE pbx_settings ADD COLUMN dial_format TEXT NOT NULL DEFAULT 'national'
    CHECK (dial_format IN ('national', 'e164', 'digits'));
