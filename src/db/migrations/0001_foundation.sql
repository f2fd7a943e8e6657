-- Foundation: city settings, accounts, sessions, API tokens, stores, residents, audit log.
-- Times are Unix seconds (UTC); the business time zone is applied when shown.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE stores (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    name_kana   TEXT NOT NULL,
    category    TEXT NOT NULL,
    address     TEXT NOT NULL,
    phone       TEXT,
    hours       TEXT,
    holidays    TEXT,
    pr          TEXT,
    url         TEXT,
    keywords    TEXT NOT NULL DEFAULT '[]',
    lat         REAL,
    lng         REAL,
    accepts     TEXT NOT NULL DEFAULT '["money"]',
    sells_cards INTEGER NOT NULL DEFAULT 0,
    bank        TEXT,
    mpm_code    TEXT NOT NULL UNIQUE,
    search_key  TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'removed')),
    created_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX stores_category ON stores (category);

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
