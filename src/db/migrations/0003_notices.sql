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
