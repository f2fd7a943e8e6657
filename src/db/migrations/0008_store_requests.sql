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
