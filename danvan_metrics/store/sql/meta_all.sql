-- Every setting the read store keeps about itself (record identity and version, curated fingerprint, …).
SELECT key, value FROM meta;
