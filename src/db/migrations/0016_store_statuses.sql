-- A store's status (domain::store::StoreStatus) becomes a row of a reference table, like
-- the ledger's kinds in 0015: a new status is an INSERT, never a rebuilt table. The stores
-- table held the statuses in a CHECK list, so it is rebuilt once, keeping every row and id.
-- (The runner turns foreign keys off around a migration and checks them before commit;
-- legacy_alter_table keeps other tables' references on the name, not the renamed copy.)
PRAGMA legacy_alter_table = ON;

CREATE TABLE store_statuses (
    code TEXT PRIMARY KEY
) STRICT;
INSERT INTO store_statuses (code) VALUES ('active'), ('suspended'), ('removed');

ALTER TABLE stores RENAME TO old_stores;
CREATE TABLE stores (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    name_kana     TEXT NOT NULL,
    category      TEXT NOT NULL,
    address       TEXT NOT NULL,
    phone         TEXT,
    hours         TEXT,
    holidays      TEXT,
    pr            TEXT,
    url           TEXT,
    keywords      TEXT NOT NULL DEFAULT '[]',
    lat           REAL,
    lng           REAL,
    accepts       TEXT NOT NULL DEFAULT '["money"]',
    sells_cards   INTEGER NOT NULL DEFAULT 0,
    bank          TEXT,
    mpm_code      TEXT NOT NULL UNIQUE,
    search_key    TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'active' REFERENCES store_statuses (code),
    created_at    INTEGER NOT NULL,
    -- Why a store was suspended or removed, shown to the secretariat and the store.
    status_reason TEXT,
    -- The city's own number for a store (管理番号), so re-importing its list updates
    -- stores instead of adding them twice.
    external_key  TEXT
) STRICT;
INSERT INTO stores SELECT * FROM old_stores;
DROP TABLE old_stores;
CREATE INDEX stores_category ON stores (category);
CREATE UNIQUE INDEX stores_external_key ON stores (external_key) WHERE external_key IS NOT NULL;

PRAGMA legacy_alter_table = OFF;
