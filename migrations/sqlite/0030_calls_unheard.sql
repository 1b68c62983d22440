-- A call whose end was not heard (the PBX link was lost, or a cloud PBX never said it ended):
-- how it went after is not known, so it is neither counted missed nor called back.
ALTER TABLE calls ADD COLUMN unheard BOOLEAN NOT NULL DEFAULT FALSE;
