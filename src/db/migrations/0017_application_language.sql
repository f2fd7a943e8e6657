-- The language the applicant used on the form, so that the mails about the application
-- (received, approved, rejected, changes asked) speak it. Older applications were Japanese.
ALTER TABLE store_applications ADD COLUMN lang TEXT NOT NULL DEFAULT 'ja';
