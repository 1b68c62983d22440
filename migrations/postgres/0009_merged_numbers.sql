-- A merged card's own card and tax numbers, when the kept card had others: the kept card is
-- still found by them (they go into its search document), and the card number is not given
-- to another card.
ALTER TABLE client_merges ADD COLUMN card_number TEXT;
ALTER TABLE client_merges ADD COLUMN tax_id TEXT;
CREATE INDEX client_merges_card_number ON client_merges(card_number) WHERE card_number IS NOT NULL;
