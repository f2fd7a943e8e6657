-- The money core for every payer and every unit. Kinds become rows of reference tables
-- (domain::kinds, domain::money::Unit): a new kind is an INSERT, never a rebuilt table.
-- The tables that held them in CHECK lists are rebuilt once, now, while databases are
-- small; every row and id is kept, so the journal's hash chain is unchanged. CPM codes
-- and grant recipients now name a wallet (a resident's or a card's), not a resident.
-- (The runner turns foreign keys off around a migration and checks them before commit;
-- legacy_alter_table keeps other tables' references on the name, not the renamed copy.)
PRAGMA legacy_alter_table = ON;

CREATE TABLE units (
    code TEXT PRIMARY KEY
) STRICT;
INSERT INTO units (code) VALUES ('yen'), ('points');

CREATE TABLE program_kinds (
    code TEXT PRIMARY KEY,
    unit TEXT NOT NULL REFERENCES units (code)
) STRICT;
INSERT INTO program_kinds (code, unit) VALUES
    ('cash', 'yen'), ('premium', 'yen'), ('subsidy', 'yen'), ('points', 'points');

CREATE TABLE entry_kinds (
    code TEXT PRIMARY KEY
) STRICT;
INSERT INTO entry_kinds (code) VALUES
    ('charge'), ('grant'), ('payment'), ('refund'), ('expiry'), ('tax');

CREATE TABLE posting_accounts (
    code TEXT PRIMARY KEY
) STRICT;
INSERT INTO posting_accounts (code) VALUES ('issue'), ('lot'), ('store'), ('tax'), ('expired');

CREATE TABLE lot_origins (
    code TEXT PRIMARY KEY
) STRICT;
INSERT INTO lot_origins (code) VALUES ('charge'), ('premium'), ('grant');

CREATE TABLE payment_kinds (
    code TEXT PRIMARY KEY
) STRICT;
INSERT INTO payment_kinds (code) VALUES ('mpm'), ('cpm'), ('tax');

CREATE TABLE charge_methods (
    code TEXT PRIMARY KEY
) STRICT;
INSERT INTO charge_methods (code) VALUES ('credit_card'), ('bank'), ('cash'), ('admin');

ALTER TABLE programs RENAME TO old_programs;
CREATE TABLE programs (
    code                   TEXT PRIMARY KEY,
    name                   TEXT NOT NULL,
    kind                   TEXT NOT NULL REFERENCES program_kinds (code),
    expires_at             INTEGER,
    valid_days             INTEGER CHECK (valid_days > 0),
    store_ids              TEXT NOT NULL DEFAULT '[]',
    categories             TEXT NOT NULL DEFAULT '[]',
    weekdays               TEXT NOT NULL DEFAULT '[]',
    usable_from            INTEGER,
    usable_until           INTEGER,
    tax_payable            INTEGER NOT NULL,
    per_person_cap         INTEGER CHECK (per_person_cap > 0),
    budget                 INTEGER CHECK (budget > 0),
    premium_rate_bp        INTEGER CHECK (premium_rate_bp >= 0),
    premium_cap_per_person INTEGER CHECK (premium_cap_per_person > 0),
    charge_unit            INTEGER NOT NULL DEFAULT 1 CHECK (charge_unit > 0),
    created_at             INTEGER NOT NULL,
    CHECK (expires_at IS NULL OR valid_days IS NULL)
) STRICT;
INSERT INTO programs SELECT * FROM old_programs;
DROP TABLE old_programs;

ALTER TABLE entries RENAME TO old_entries;
CREATE TABLE entries (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL REFERENCES entry_kinds (code),
    at           INTEGER NOT NULL,
    actor        TEXT NOT NULL,
    wallet_id    INTEGER REFERENCES wallets (id),
    store_id     INTEGER REFERENCES stores (id),
    prev_hash    BLOB NOT NULL,
    hash         BLOB NOT NULL,
    -- domain::journal::HashVersion: 1 legacy (Debug output), 2 the explicit byte encoding.
    hash_version INTEGER NOT NULL
) STRICT;
INSERT INTO entries (id, kind, at, actor, wallet_id, store_id, prev_hash, hash, hash_version)
    SELECT id, kind, at, actor, wallet_id, store_id, prev_hash, hash, hash_version FROM old_entries;
DROP TABLE old_entries;
CREATE INDEX entries_wallet ON entries (wallet_id, id);

ALTER TABLE postings RENAME TO old_postings;
CREATE TABLE postings (
    id       INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL REFERENCES entries (id),
    account  TEXT NOT NULL REFERENCES posting_accounts (code),
    ref_id   INTEGER,
    program  TEXT NOT NULL REFERENCES programs (code),
    amount   INTEGER NOT NULL CHECK (amount != 0)
) STRICT;
INSERT INTO postings SELECT * FROM old_postings;
DROP TABLE old_postings;
CREATE INDEX postings_entry ON postings (entry_id);
CREATE INDEX postings_account ON postings (account, ref_id);

ALTER TABLE lots RENAME TO old_lots;
CREATE TABLE lots (
    id         INTEGER PRIMARY KEY,
    wallet_id  INTEGER NOT NULL REFERENCES wallets (id),
    program    TEXT NOT NULL REFERENCES programs (code),
    origin     TEXT NOT NULL REFERENCES lot_origins (code),
    amount     INTEGER NOT NULL CHECK (amount > 0),
    remaining  INTEGER NOT NULL CHECK (remaining >= 0),
    expires_at INTEGER,
    expired_at INTEGER,
    entry_id   INTEGER NOT NULL REFERENCES entries (id),
    created_at INTEGER NOT NULL
) STRICT;
INSERT INTO lots SELECT * FROM old_lots;
DROP TABLE old_lots;
CREATE INDEX lots_wallet ON lots (wallet_id) WHERE remaining > 0;
CREATE INDEX lots_expiry ON lots (expires_at) WHERE remaining > 0 AND expires_at IS NOT NULL;
CREATE INDEX lots_program_wallet ON lots (program, wallet_id);

ALTER TABLE charges RENAME TO old_charges;
CREATE TABLE charges (
    id           INTEGER PRIMARY KEY,
    wallet_id    INTEGER NOT NULL REFERENCES wallets (id),
    program      TEXT NOT NULL REFERENCES programs (code),
    amount       INTEGER NOT NULL CHECK (amount > 0),
    premium      INTEGER NOT NULL CHECK (premium >= 0),
    method       TEXT NOT NULL REFERENCES charge_methods (code),
    provider     TEXT,
    provider_ref TEXT,
    entry_id     INTEGER NOT NULL REFERENCES entries (id),
    at           INTEGER NOT NULL
) STRICT;
INSERT INTO charges SELECT * FROM old_charges;
DROP TABLE old_charges;

ALTER TABLE payments RENAME TO old_payments;
CREATE TABLE payments (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL REFERENCES payment_kinds (code),
    wallet_id     INTEGER NOT NULL REFERENCES wallets (id),
    store_id      INTEGER REFERENCES stores (id),
    amount        INTEGER NOT NULL CHECK (amount > 0),
    refunded      INTEGER NOT NULL DEFAULT 0 CHECK (refunded >= 0 AND refunded <= amount),
    notice_number TEXT,
    entry_id      INTEGER NOT NULL REFERENCES entries (id),
    at            INTEGER NOT NULL,
    CHECK ((kind = 'tax') = (store_id IS NULL))
) STRICT;
INSERT INTO payments SELECT * FROM old_payments;
DROP TABLE old_payments;
CREATE INDEX payments_store ON payments (store_id, id);
CREATE INDEX payments_tax_notice ON payments (wallet_id, notice_number COLLATE NOCASE)
    WHERE kind = 'tax';

-- Every resident named by a CPM code or a grant gets a wallet, so both can name wallets.
INSERT INTO wallets (resident_id, created_at)
    SELECT DISTINCT r, 0 FROM (
        SELECT resident_id AS r FROM qr_tokens UNION SELECT resident_id FROM grant_recipients
    ) WHERE r NOT IN (SELECT resident_id FROM wallets WHERE resident_id IS NOT NULL);

ALTER TABLE qr_tokens RENAME TO old_qr_tokens;
-- Short-lived single-use codes a wallet's holder shows at the till (CPM).
CREATE TABLE qr_tokens (
    token_hash BLOB PRIMARY KEY,
    wallet_id  INTEGER NOT NULL REFERENCES wallets (id),
    expires_at INTEGER NOT NULL,
    used_at    INTEGER,
    payment_id INTEGER REFERENCES payments (id)
) STRICT;
INSERT INTO qr_tokens (token_hash, wallet_id, expires_at, used_at, payment_id)
    SELECT q.token_hash, w.id, q.expires_at, q.used_at, q.payment_id
    FROM old_qr_tokens q JOIN wallets w ON w.resident_id = q.resident_id;
DROP TABLE old_qr_tokens;

ALTER TABLE grant_recipients RENAME TO old_grant_recipients;
CREATE TABLE grant_recipients (
    grant_id  INTEGER NOT NULL REFERENCES grants (id),
    wallet_id INTEGER NOT NULL REFERENCES wallets (id),
    entry_id  INTEGER REFERENCES entries (id),
    PRIMARY KEY (grant_id, wallet_id)
) STRICT;
INSERT INTO grant_recipients (grant_id, wallet_id, entry_id)
    SELECT g.grant_id, w.id, g.entry_id
    FROM old_grant_recipients g JOIN wallets w ON w.resident_id = g.resident_id;
DROP TABLE old_grant_recipients;

PRAGMA legacy_alter_table = OFF;
