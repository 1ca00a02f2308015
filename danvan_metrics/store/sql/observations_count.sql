-- How many figures (every version) the read store holds: the re-sort's measure of drift.
SELECT count(*) FROM observations;
