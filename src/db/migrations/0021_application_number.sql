-- The short number an applicant keeps (受付番号, eight characters, `domain::application_number`),
-- stored as its SHA-256 like the status page's token: it leads to the same page.
-- Applications made before it have none and keep their long address.
ALTER TABLE store_applications ADD COLUMN status_number BLOB;
CREATE UNIQUE INDEX store_applications_status_number ON store_applications (status_number);
