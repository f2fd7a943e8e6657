-- Printed QR cards (M1, M2, M5, M6). A card is a wallet's holder like a resident; its
-- serial is the card's id with a check digit, and the printed QR adds a MAC under the
-- server secret, computed when needed and never stored. A charge taken in cash at a
-- card-selling store names that store: the cash it owes the city (P4).
CREATE TABLE card_kinds (
    code TEXT PRIMARY KEY
) STRICT;
INSERT INTO card_kinds (code) VALUES ('rechargeable'), ('single_use');

CREATE TABLE card_statuses (
    code TEXT PRIMARY KEY
) STRICT;
INSERT INTO card_statuses (code) VALUES ('issued'), ('active'), ('frozen'), ('migrated');

CREATE TABLE card_batches (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL REFERENCES card_kinds (code),
    count           INTEGER NOT NULL CHECK (count > 0),
    preload_program TEXT REFERENCES programs (code),
    preload_amount  INTEGER CHECK (preload_amount > 0),
    pin_required    INTEGER NOT NULL DEFAULT 0,
    created_by      TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    CHECK ((preload_program IS NULL) = (preload_amount IS NULL))
) STRICT;

CREATE TABLE cards (
    id          INTEGER PRIMARY KEY,
    batch_id    INTEGER NOT NULL REFERENCES card_batches (id),
    serial      TEXT NOT NULL UNIQUE,
    status      TEXT NOT NULL REFERENCES card_statuses (code),
    sold_at     INTEGER,
    sold_by     TEXT,
    migrated_to INTEGER REFERENCES users (id),
    replaced_by INTEGER REFERENCES cards (id),
    pin_hash    BLOB,
    pin_failures INTEGER NOT NULL DEFAULT 0,
    pin_locked_until INTEGER,
    status_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX cards_batch ON cards (batch_id, id);

INSERT INTO entry_kinds (code) VALUES ('card_move');

ALTER TABLE charges ADD COLUMN store_id INTEGER REFERENCES stores (id);
CREATE INDEX charges_store_cash ON charges (store_id) WHERE store_id IS NOT NULL;
