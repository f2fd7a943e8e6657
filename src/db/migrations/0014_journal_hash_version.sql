-- Which encoding hashed each journal entry (domain::journal::HashVersion): 1 is the legacy
-- encoding built from Rust's Debug output, 2 the explicit byte encoding. Every entry
-- written before this migration was hashed with version 1; new entries name version 2.
ALTER TABLE entries ADD COLUMN hash_version INTEGER NOT NULL DEFAULT 1;
