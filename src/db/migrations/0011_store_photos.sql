-- A store's photo for the directory (S1), PNG or JPEG, beside the store's row so that
-- listing stores never reads image bytes.
CREATE TABLE store_photos (
    store_id     INTEGER PRIMARY KEY REFERENCES stores (id),
    content_type TEXT NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg')),
    bytes        BLOB NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;
