-- Device purchase subsidy (端末購入補助, ANN-7): one application per store, up to
-- 20,000 yen, the first 100 in order of arrival; the store uploads its receipt.
CREATE TABLE device_subsidies (
    id           INTEGER PRIMARY KEY,
    store_id     INTEGER NOT NULL UNIQUE REFERENCES stores (id),
    item         TEXT NOT NULL,
    amount       INTEGER NOT NULL CHECK (amount > 0 AND amount <= 20000),
    status       TEXT NOT NULL CHECK (status IN ('applied', 'approved', 'rejected')),
    reason       TEXT,
    receipt      BLOB,
    receipt_type TEXT,
    created_at   INTEGER NOT NULL,
    decided_at   INTEGER
) STRICT;
