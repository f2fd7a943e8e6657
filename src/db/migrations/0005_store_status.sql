-- Why a store was suspended or removed, shown to the secretariat and the store.
ALTER TABLE stores ADD COLUMN status_reason TEXT;
