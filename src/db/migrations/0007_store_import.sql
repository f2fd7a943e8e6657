-- The city's own number for a store (管理番号), so re-importing its list updates stores
-- instead of adding them twice.
ALTER TABLE stores ADD COLUMN external_key TEXT;
CREATE UNIQUE INDEX stores_external_key ON stores (external_key) WHERE external_key IS NOT NULL;
