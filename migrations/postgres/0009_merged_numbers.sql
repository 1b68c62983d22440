-- A merged card's own card and tax numbers, when the kept card had others: the kept card is
-- still found by them (they go into its search document).
ALTER TABLE client_merges ADD COLUMN card_number TEXT;
ALTER TABLE client_merges ADD COLUMN tax_id TEXT;
