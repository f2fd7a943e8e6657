-- The store owner manages the store's other staff logins. Logins made by the secretariat
-- (and so every existing one) are owners.
ALTER TABLE users ADD COLUMN store_owner INTEGER NOT NULL DEFAULT 0;
UPDATE users SET store_owner = 1 WHERE role = 'merchant';
