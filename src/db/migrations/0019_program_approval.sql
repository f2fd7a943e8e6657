-- Programs and grants set up in the office pages wait for a second admin's approval
-- (four eyes) and hand out value only inside their window (starts_at, ends_at). Programs
-- that exist already were made through the API or the CLI and count as approved.
CREATE TABLE approval_states (
    code TEXT PRIMARY KEY
) STRICT;
INSERT INTO approval_states (code) VALUES ('pending'), ('approved'), ('rejected');

ALTER TABLE programs ADD COLUMN starts_at INTEGER;
ALTER TABLE programs ADD COLUMN ends_at INTEGER;
ALTER TABLE programs ADD COLUMN approval TEXT NOT NULL DEFAULT 'approved' REFERENCES approval_states (code);
ALTER TABLE programs ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
ALTER TABLE programs ADD COLUMN decided_by TEXT;
ALTER TABLE programs ADD COLUMN decided_at INTEGER;

-- A grant asked for in the office pages: the recipients as resolved at the preview,
-- paid (or scheduled) through `grants` once a second admin approves.
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
