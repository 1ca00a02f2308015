-- Swap in the registry's successor links; `incoming_unit_links` is a frame registered by the store.
-- (Registry units arrive with the curated ones in `incoming_units`, curated rows winning.)
DELETE FROM unit_links;
INSERT INTO unit_links SELECT * FROM incoming_unit_links ORDER BY old_id, new_id;
