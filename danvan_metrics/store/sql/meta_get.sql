-- One setting of the read store (no row when unset).
SELECT value FROM meta WHERE key = $key;
