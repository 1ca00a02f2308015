-- Swap in a new curated set, keep uploaded rows, and rewrite the table sorted.
-- `incoming_*` are frames registered by the store; nothing here is built from strings.
DELETE FROM units;
INSERT INTO units SELECT * FROM incoming_units;
DELETE FROM metrics;
INSERT INTO metrics SELECT * FROM incoming_metrics;
DELETE FROM sources WHERE NOT starts_with(source_id, 'upload:');
INSERT INTO sources SELECT * FROM incoming_sources;
CREATE TEMP TABLE kept AS SELECT * FROM observations WHERE upload_id IS NOT NULL;
DELETE FROM observations;
INSERT INTO observations
SELECT * FROM (
    SELECT obs_id, unit_id, metric_id, period_start, period_end, period_label, value, qualifier,
           numerator, denominator, value_text, source_id, source_quote, note,
           NULL::VARCHAR AS upload_id, TRUE AS is_current, now()::TIMESTAMP AS recorded_at
    FROM incoming_observations
    UNION ALL
    SELECT * FROM kept
)
ORDER BY metric_id, period_start, period_end, unit_id;
DROP TABLE kept;
-- The read-side copies (schema.sql), rebuilt whole; recompute_current then settles the keys below.
DELETE FROM current_by_unit;
INSERT INTO current_by_unit
SELECT * FROM observations WHERE is_current ORDER BY unit_id, metric_id, period_start, period_end;
DELETE FROM unit_metric_counts;
INSERT INTO unit_metric_counts
SELECT unit_id, metric_id, count(*), max(period_end) FROM current_by_unit GROUP BY ALL ORDER BY ALL;
-- Uploaded figures may replace curated ones: settle which version is current wherever a figure has
-- several versions. A figure with one version keeps the state it was inserted or kept with (a curated
-- figure is current; a kept upload's figure keeps its own), so only those keys need recomputing.
CREATE OR REPLACE TEMP TABLE affected AS
SELECT unit_id, metric_id, period_start, period_end FROM observations
GROUP BY unit_id, metric_id, period_start, period_end HAVING count(*) > 1;
