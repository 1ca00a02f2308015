-- Which version of each figure is current, for the keys in temp table `affected` (dropped at the end):
-- a figure from a committed (not retracted) upload beats a curated one; among uploads the latest wins.
-- An upload under review counts only once approved: a pending or returned correction leaves the
-- approved figure (or the curated one) in force.
-- The winners keep every column: the unit-ordered copy below is filled from them, without a second scan.
CREATE OR REPLACE TEMP TABLE winners AS
SELECT o.*
FROM observations o
JOIN affected a USING (unit_id, metric_id, period_start, period_end)
LEFT JOIN uploads u ON u.upload_id = o.upload_id
WHERE o.upload_id IS NULL OR (u.status = 'committed' AND coalesce(u.review, 'approved') = 'approved')
QUALIFY row_number() OVER (
    PARTITION BY o.unit_id, o.metric_id, o.period_start, o.period_end
    ORDER BY (o.upload_id IS NOT NULL) DESC, o.recorded_at DESC, o.obs_id DESC) = 1;
UPDATE observations o
SET is_current = o.obs_id IN (SELECT obs_id FROM winners)
FROM affected a
WHERE o.unit_id = a.unit_id AND o.metric_id = a.metric_id
  AND o.period_start = a.period_start AND o.period_end = a.period_end;
-- Keep the read-side copies (schema.sql) in step for the same keys.
DELETE FROM current_by_unit c USING affected a
WHERE c.unit_id = a.unit_id AND c.metric_id = a.metric_id
  AND c.period_start = a.period_start AND c.period_end = a.period_end;
INSERT INTO current_by_unit
SELECT * REPLACE (TRUE AS is_current) FROM winners
ORDER BY unit_id, metric_id, period_start, period_end;
DROP TABLE winners;
CREATE OR REPLACE TEMP TABLE touched AS SELECT DISTINCT unit_id, metric_id FROM affected;
DELETE FROM unit_metric_counts c USING touched t WHERE c.unit_id = t.unit_id AND c.metric_id = t.metric_id;
INSERT INTO unit_metric_counts
SELECT c.unit_id, c.metric_id, count(*), max(c.period_end)
FROM current_by_unit c JOIN touched t USING (unit_id, metric_id)
GROUP BY ALL;
DROP TABLE touched;
DROP TABLE affected;
