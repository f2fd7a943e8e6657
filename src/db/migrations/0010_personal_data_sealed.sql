-- Personal data sealed at rest (db::personal): names, phone numbers and registration
-- answers, applicants' details, bank accounts and queued mail are stored as ciphertext;
-- keyed hashes find a resident by phone and an application by mail address.
ALTER TABLE residents ADD COLUMN phone_index BLOB;
CREATE INDEX residents_phone_index ON residents (phone_index);
ALTER TABLE store_applications ADD COLUMN email_index BLOB;
CREATE INDEX store_applications_email_index ON store_applications (email_index);
UPDATE users SET display_name = pii_seal('users.display_name', display_name);
UPDATE residents SET phone_index = pii_index(phone),
    phone = pii_seal('residents.phone', phone),
    attributes = pii_seal('residents.attributes', attributes);
UPDATE stores SET bank = pii_seal('stores.bank', bank) WHERE bank IS NOT NULL;
UPDATE store_applications SET email_index = pii_index(email),
    email = pii_seal('store_applications.email', email),
    applicant_name = pii_seal('store_applications.applicant_name', applicant_name),
    profile = pii_seal('store_applications.profile', profile);
UPDATE store_requests SET profile = pii_seal('store_requests.profile', profile)
    WHERE profile IS NOT NULL;
UPDATE mail_outbox SET to_addr = pii_seal('mail_outbox.to_addr', to_addr),
    body = pii_seal('mail_outbox.body', body);
-- The server secret now comes from the key file: a copy of the database must not be
-- enough to forge what it signs.
DELETE FROM settings WHERE key = 'server_secret';
