-- A resident's tax payments by notice number, so a notice already paid is found at once.
CREATE INDEX payments_tax_notice ON payments (wallet_id, notice_number COLLATE NOCASE)
    WHERE kind = 'tax';
