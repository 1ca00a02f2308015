-- The store's tables. Observations are kept physically sorted by (metric_id, period_start)
-- so DuckDB's zone maps skip row groups for the one-metric, one-period questions pages ask.
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);

CREATE TABLE IF NOT EXISTS units (
    unit_id VARCHAR PRIMARY KEY, official_code VARCHAR, name VARCHAR NOT NULL,
    short_name VARCHAR, kind VARCHAR, level VARCHAR NOT NULL, parent_id VARCHAR,
    valid_from DATE, valid_to DATE, variants VARCHAR
);

CREATE TABLE IF NOT EXISTS metrics (
    metric_id VARCHAR PRIMARY KEY, name_vi VARCHAR NOT NULL, name_en VARCHAR, category VARCHAR NOT NULL,
    unit VARCHAR NOT NULL, kind VARCHAR NOT NULL, direction VARCHAR NOT NULL,
    numerator_label VARCHAR, denominator_label VARCHAR, target DOUBLE, decimals INTEGER,
    description VARCHAR
);

CREATE TABLE IF NOT EXISTS sources (
    source_id VARCHAR PRIMARY KEY, title VARCHAR NOT NULL, publisher VARCHAR, published DATE,
    doc_kind VARCHAR, unit_id VARCHAR, file VARCHAR, author VARCHAR
);

CREATE TABLE IF NOT EXISTS observations (
    obs_id VARCHAR NOT NULL, unit_id VARCHAR NOT NULL, metric_id VARCHAR NOT NULL,
    period_start DATE NOT NULL, period_end DATE NOT NULL, period_label VARCHAR NOT NULL,
    value DOUBLE, qualifier VARCHAR NOT NULL, numerator DOUBLE, denominator DOUBLE,
    value_text VARCHAR, source_id VARCHAR NOT NULL, source_quote VARCHAR, note VARCHAR,
    upload_id VARCHAR, is_current BOOLEAN NOT NULL, recorded_at TIMESTAMP NOT NULL
);

-- The figures every chart shows: the latest accepted version of each.
CREATE OR REPLACE VIEW current_observations AS
SELECT * FROM observations WHERE is_current;

-- Two read-side copies of the current figures, rewritten with `observations` by replace_curated and
-- kept in step by recompute_current (every write goes through one of them, in the same transaction):
-- 1. ordered by unit, so one unit's figures lie in a few row groups, not spread over all of them
--    (a unit's profile at national scale: ~13 ms instead of ~125 ms);
CREATE TABLE IF NOT EXISTS current_by_unit (
    obs_id VARCHAR NOT NULL, unit_id VARCHAR NOT NULL, metric_id VARCHAR NOT NULL,
    period_start DATE NOT NULL, period_end DATE NOT NULL, period_label VARCHAR NOT NULL,
    value DOUBLE, qualifier VARCHAR NOT NULL, numerator DOUBLE, denominator DOUBLE,
    value_text VARCHAR, source_id VARCHAR NOT NULL, source_quote VARCHAR, note VARCHAR,
    upload_id VARCHAR, is_current BOOLEAN NOT NULL, recorded_at TIMESTAMP NOT NULL
);
-- 2. per unit and metric, how many figures and the latest period's end: what pickers, the store's
--    summary and coverage need, in 200 thousand rows instead of 8 million.
CREATE TABLE IF NOT EXISTS unit_metric_counts (
    unit_id VARCHAR NOT NULL, metric_id VARCHAR NOT NULL, n_figures BIGINT NOT NULL, latest_end DATE NOT NULL
);

-- Every upload: who sent which file (archived byte-for-byte under its SHA-256), when, and its fate.
CREATE TABLE IF NOT EXISTS uploads (
    upload_id VARCHAR PRIMARY KEY, sha256 VARCHAR NOT NULL, file_name VARCHAR NOT NULL,
    archive_path VARCHAR NOT NULL, uploaded_by VARCHAR NOT NULL, uploaded_at TIMESTAMP NOT NULL,
    rows_added INTEGER NOT NULL, rows_replaced INTEGER NOT NULL, status VARCHAR NOT NULL,
    retracted_by VARCHAR, retracted_at TIMESTAMP
);
-- The units an editor chose for ambiguous names in the preview ("“Đa Krông” là pre-d467"); added later.
ALTER TABLE uploads ADD COLUMN IF NOT EXISTS choices VARCHAR;
-- Review under a reporting regime (record migration 0004): NULL when no regime covers the upload, else
-- 'pending', 'approved' or 'returned'. Only approved figures become current (recompute_current.sql).
ALTER TABLE uploads ADD COLUMN IF NOT EXISTS review VARCHAR;
ALTER TABLE uploads ADD COLUMN IF NOT EXISTS regime_id VARCHAR;
ALTER TABLE uploads ADD COLUMN IF NOT EXISTS reviewed_by VARCHAR;
ALTER TABLE uploads ADD COLUMN IF NOT EXISTS reviewed_at TIMESTAMP;
ALTER TABLE uploads ADD COLUMN IF NOT EXISTS review_comment VARCHAR;

-- Figures still waiting for review that would replace what is current once approved: the latest
-- pending version of each key, unless a newer upload is already in force. Shown only when a person
-- asks for them, and then always marked "chưa duyệt" (`pending`).
CREATE OR REPLACE VIEW pending_observations AS
SELECT p.* FROM (
    SELECT o.* FROM observations o
    JOIN uploads u ON u.upload_id = o.upload_id AND u.status = 'committed' AND u.review = 'pending'
    QUALIFY row_number() OVER (
        PARTITION BY o.unit_id, o.metric_id, o.period_start, o.period_end
        ORDER BY o.recorded_at DESC, o.obs_id DESC) = 1
) p
LEFT JOIN observations c
  ON c.is_current AND c.unit_id = p.unit_id AND c.metric_id = p.metric_id
 AND c.period_start = p.period_start AND c.period_end = p.period_end
WHERE c.obs_id IS NULL OR c.upload_id IS NULL OR c.recorded_at < p.recorded_at;
-- What charts show: approved figures only (`current_marked`), or with the pending ones in their place.
CREATE OR REPLACE VIEW current_marked AS
SELECT *, FALSE AS pending FROM observations WHERE is_current;
CREATE OR REPLACE VIEW current_with_pending AS
SELECT c.*, FALSE AS pending FROM observations c
WHERE c.is_current AND NOT EXISTS (
    SELECT 1 FROM pending_observations p
    WHERE p.unit_id = c.unit_id AND p.metric_id = c.metric_id
      AND p.period_start = c.period_start AND p.period_end = c.period_end)
UNION ALL
SELECT p.*, TRUE AS pending FROM pending_observations p;

-- Who did what and when: sign-ins (and failures), uploads, retractions, account changes.
CREATE TABLE IF NOT EXISTS audit (
    happened_at TIMESTAMP NOT NULL, actor VARCHAR NOT NULL, action VARCHAR NOT NULL, detail VARCHAR
);

-- Successor links across the 1 July 2025 reform (data/registry/links.csv): old unit → new unit.
CREATE TABLE IF NOT EXISTS unit_links (
    old_id VARCHAR NOT NULL, new_id VARCHAR NOT NULL, kind VARCHAR NOT NULL,
    in_convert BOOLEAN NOT NULL, in_dvhcvn BOOLEAN NOT NULL, disputed BOOLEAN NOT NULL,
    PRIMARY KEY (old_id, new_id)
);
