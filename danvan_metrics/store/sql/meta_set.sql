-- One setting of the read store, set or replaced.
INSERT OR REPLACE INTO meta VALUES ($key, $value);
