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
