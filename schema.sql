-- Foundation: city settings, accounts, sessions, API tokens, stores, residents, audit log.
-- Times are Unix seconds (UTC); the business time zone is applied when shown.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- A store's status (domain::store::StoreStatus), as a reference table.
CREATE TABLE store_statuses (
    code TEXT PRIMARY KEY
) STRICT;
INSERT INTO store_statuses (code) VALUES ('active'), ('suspended'), ('removed');

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

CREATE INDEX stores_category ON stores (category);
CREATE UNIQUE INDEX stores_external_key ON stores (external_key) WHERE external_key IS NOT NULL;

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE,
    password_hash TEXT,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'merchant', 'distributor', 'resident', 'integration')),
    display_name  TEXT NOT NULL,
    store_id      INTEGER REFERENCES stores (id),
    must_change_password INTEGER NOT NULL DEFAULT 0,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    CHECK ((role = 'merchant') = (store_id IS NOT NULL))
) STRICT;

CREATE INDEX users_store ON users (store_id);

CREATE TABLE residents (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id),
    phone      TEXT,
    attributes TEXT NOT NULL DEFAULT '{}'
) STRICT;

CREATE TABLE sessions (
    token_hash   BLOB PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
) STRICT;

CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'merchant', 'distributor', 'resident', 'integration')),
    user_id    INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    revoked_at INTEGER
) STRICT;

CREATE TABLE audit_log (
    id     INTEGER PRIMARY KEY,
    at     INTEGER NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'
) STRICT;
-- The money ledger: programs, wallets, lots, the double-entry journal, and the records of
-- charges, grants, payments and refunds that point into it.

-- The ledger's kinds (domain::kinds, domain::money::Unit), one row per code.
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
    ('charge'), ('grant'), ('payment'), ('refund'), ('expiry'), ('tax'), ('card_move');

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
    created_at             INTEGER NOT NULL, starts_at INTEGER, ends_at INTEGER, approval TEXT NOT NULL DEFAULT 'approved' REFERENCES approval_states (code), created_by TEXT NOT NULL DEFAULT '', decided_by TEXT, decided_at INTEGER,
    CHECK (expires_at IS NULL OR valid_days IS NULL)
) STRICT;

-- Four eyes: what one admin set up waits for a second one (domain::program::Approval).
CREATE TABLE approval_states (
    code TEXT PRIMARY KEY
) STRICT;
INSERT INTO approval_states (code) VALUES ('pending'), ('approved'), ('rejected');

INSERT INTO programs (code, name, kind, tax_payable, created_at) VALUES ('cash', '通常チャージ', 'cash', 1, 0);

-- A wallet belongs to a resident or to a card.
CREATE TABLE wallets (
    id          INTEGER PRIMARY KEY,
    resident_id INTEGER UNIQUE REFERENCES users (id),
    card_id     INTEGER UNIQUE,
    created_at  INTEGER NOT NULL,
    CHECK ((resident_id IS NULL) != (card_id IS NULL))
) STRICT;

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

CREATE INDEX entries_wallet ON entries (wallet_id, id);

CREATE TABLE postings (
    id       INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL REFERENCES entries (id),
    account  TEXT NOT NULL REFERENCES posting_accounts (code),
    ref_id   INTEGER,
    program  TEXT NOT NULL REFERENCES programs (code),
    amount   INTEGER NOT NULL CHECK (amount != 0)
) STRICT;

CREATE INDEX postings_entry ON postings (entry_id);
CREATE INDEX postings_account ON postings (account, ref_id);

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

CREATE INDEX lots_wallet ON lots (wallet_id) WHERE remaining > 0;
CREATE INDEX lots_expiry ON lots (expires_at) WHERE remaining > 0 AND expires_at IS NOT NULL;
CREATE INDEX lots_program_wallet ON lots (program, wallet_id);

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
, store_id INTEGER REFERENCES stores (id)) STRICT;
-- Cash taken for a card at a card-selling store: what that store owes the city (P4).
CREATE INDEX charges_store_cash ON charges (store_id) WHERE store_id IS NOT NULL;

CREATE TABLE grants (
    id           INTEGER PRIMARY KEY,
    program      TEXT NOT NULL REFERENCES programs (code),
    amount       INTEGER NOT NULL CHECK (amount > 0),
    status       TEXT NOT NULL CHECK (status IN ('scheduled', 'done')),
    scheduled_at INTEGER,
    actor        TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    done_at      INTEGER
) STRICT;

CREATE INDEX grants_due ON grants (scheduled_at) WHERE status = 'scheduled';

-- A grant asked for in the office pages, paid through `grants` once approved.
CREATE TABLE grant_requests (
    id           INTEGER PRIMARY KEY,
    program      TEXT NOT NULL REFERENCES programs (code),
    amount       INTEGER NOT NULL CHECK (amount > 0),
    recipients   TEXT NOT NULL,
    scheduled_at INTEGER,
    approval     TEXT NOT NULL DEFAULT 'pending' REFERENCES approval_states (code),
    requested_by TEXT NOT NULL,
    requested_at INTEGER NOT NULL,
    decided_by   TEXT,
    decided_at   INTEGER,
    grant_id     INTEGER REFERENCES grants (id)
) STRICT;

CREATE TABLE grant_recipients (
    grant_id  INTEGER NOT NULL REFERENCES grants (id),
    wallet_id INTEGER NOT NULL REFERENCES wallets (id),
    entry_id  INTEGER REFERENCES entries (id),
    PRIMARY KEY (grant_id, wallet_id)
) STRICT;

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

CREATE INDEX payments_store ON payments (store_id, id);

CREATE TABLE payment_parts (
    payment_id INTEGER NOT NULL REFERENCES payments (id),
    seq        INTEGER NOT NULL,
    lot_id     INTEGER NOT NULL REFERENCES lots (id),
    program    TEXT NOT NULL REFERENCES programs (code),
    amount     INTEGER NOT NULL CHECK (amount > 0),
    refunded   INTEGER NOT NULL DEFAULT 0 CHECK (refunded >= 0 AND refunded <= amount),
    PRIMARY KEY (payment_id, seq)
) STRICT;

CREATE TABLE refunds (
    id         INTEGER PRIMARY KEY,
    payment_id INTEGER NOT NULL REFERENCES payments (id),
    amount     INTEGER NOT NULL CHECK (amount > 0),
    entry_id   INTEGER NOT NULL REFERENCES entries (id),
    at         INTEGER NOT NULL
) STRICT;

-- Short-lived single-use codes a wallet's holder shows at the till (CPM).
CREATE TABLE qr_tokens (
    token_hash BLOB PRIMARY KEY,
    wallet_id  INTEGER NOT NULL REFERENCES wallets (id),
    expires_at INTEGER NOT NULL,
    used_at    INTEGER,
    payment_id INTEGER REFERENCES payments (id)
) STRICT;

-- The first answer to a value-moving request, replayed when it is retried with the same key.
CREATE TABLE idempotency (
    actor       TEXT NOT NULL,
    key         TEXT NOT NULL,
    fingerprint BLOB NOT NULL,
    status      INTEGER NOT NULL,
    body        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (actor, key)
) STRICT;
-- Notices (お知らせ): drafted by the secretariat, approved by the city, published at once
-- or at a set time.

CREATE TABLE notices (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'withdrawn')),
    publish_at  INTEGER,
    created_by  TEXT NOT NULL,
    approved_by TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX notices_published ON notices (status, publish_at);
-- Merchant applications (加盟店申請) and the mail outbox an SMTP relay drains.

CREATE TABLE store_applications (
    id             INTEGER PRIMARY KEY,
    status         TEXT NOT NULL CHECK (status IN ('submitted', 'approved', 'rejected', 'changes_requested')),
    source         TEXT NOT NULL CHECK (source IN ('web', 'post')),
    profile        TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    email          TEXT NOT NULL,
    status_token   BLOB NOT NULL UNIQUE,
    reason         TEXT,
    store_id       INTEGER REFERENCES stores (id),
    created_at     INTEGER NOT NULL,
    decided_at     INTEGER,
    decided_by     TEXT
) STRICT;

CREATE INDEX store_applications_status ON store_applications (status, id);

CREATE TABLE mail_outbox (
    id         INTEGER PRIMARY KEY,
    to_addr    TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    sent_at    INTEGER
) STRICT;
-- The store owner manages the store's other staff logins. Logins made by the secretariat
-- (and so every existing one) are owners.
ALTER TABLE users ADD COLUMN store_owner INTEGER NOT NULL DEFAULT 0;
UPDATE users SET store_owner = 1 WHERE role = 'merchant';
-- Changes a store asks for: a new profile, or removal from the scheme. The secretariat
-- approves or rejects them.
CREATE TABLE store_requests (
    id         INTEGER PRIMARY KEY,
    store_id   INTEGER NOT NULL REFERENCES stores (id),
    kind       TEXT NOT NULL CHECK (kind IN ('update', 'removal')),
    profile    TEXT,
    note       TEXT,
    status     TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    reason     TEXT,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    decided_by TEXT,
    decided_at INTEGER
) STRICT;

CREATE INDEX store_requests_pending ON store_requests (status, id);
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
-- Personal data sealed at rest (db::personal); keyed hashes for lookups.
ALTER TABLE residents ADD COLUMN phone_index BLOB;
CREATE INDEX residents_phone_index ON residents (phone_index);
ALTER TABLE store_applications ADD COLUMN email_index BLOB;
CREATE INDEX store_applications_email_index ON store_applications (email_index);
-- A store's photo for the directory (S1), PNG or JPEG, beside the store's row so that
-- listing stores never reads image bytes.
CREATE TABLE store_photos (
    store_id     INTEGER PRIMARY KEY REFERENCES stores (id),
    content_type TEXT NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg')),
    bytes        BLOB NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;
-- Account security: the hashes of each account's last few passwords (a new password may
-- not repeat one), and when each API token was last used (`meguri token list`).
CREATE TABLE password_history (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id),
    password_hash TEXT NOT NULL,
    replaced_at   INTEGER NOT NULL
) STRICT;

CREATE INDEX password_history_user ON password_history (user_id, id);

ALTER TABLE api_tokens ADD COLUMN last_used_at INTEGER;

-- A resident's tax payments by notice number, so a notice already paid is found at once.
CREATE INDEX payments_tax_notice ON payments (wallet_id, notice_number COLLATE NOCASE)
    WHERE kind = 'tax';

-- The applicant's language, for the mails about the application.
ALTER TABLE store_applications ADD COLUMN lang TEXT NOT NULL DEFAULT 'ja';

-- Account recovery: a resident's mail address (sealed, found through its keyed hash) and
-- the language mails to them speak; single-use password-reset links, kept as hashes.
ALTER TABLE residents ADD COLUMN mail TEXT;
ALTER TABLE residents ADD COLUMN mail_index BLOB;
ALTER TABLE residents ADD COLUMN lang TEXT NOT NULL DEFAULT 'ja';
CREATE INDEX residents_mail_index ON residents (mail_index);

CREATE TABLE password_resets (
    id         INTEGER PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
) STRICT;

CREATE INDEX password_resets_user ON password_resets (user_id);

-- The short code customers type (6 characters, no 0/O/1/I/L; any case and width).
ALTER TABLE stores ADD COLUMN short_code TEXT;
CREATE UNIQUE INDEX stores_short_code ON stores (short_code);

-- The applicant's short number (受付番号), as its SHA-256.
ALTER TABLE store_applications ADD COLUMN status_number BLOB;
CREATE UNIQUE INDEX store_applications_status_number ON store_applications (status_number);

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
