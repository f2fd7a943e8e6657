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
