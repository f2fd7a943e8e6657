-- Account recovery: a resident's mail address (sealed, found through its keyed hash, like
-- the phone number) and the language mails to them speak; single-use links that set a
-- new password, kept as hashes of the secret the mail holds.
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
