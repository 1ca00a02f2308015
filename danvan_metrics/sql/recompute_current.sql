-- Which version of each figure is current, for the keys in temp table `affected`:
-- a figure from a committed (not retracted) upload beats a curated one; among uploads the latest wins.
CREATE OR REPLACE TEMP TABLE winners AS
SELECT o.obs_id
FROM observations o
JOIN affected a USING (unit_id, metric_id, period_start, period_end)
LEFT JOIN uploads u ON u.upload_id = o.upload_id
WHERE o.upload_id IS NULL OR u.status = 'committed'
QUALIFY row_number() OVER (
    PARTITION BY o.unit_id, o.metric_id, o.period_start, o.period_end
    ORDER BY (o.upload_id IS NOT NULL) DESC, o.recorded_at DESC, o.obs_id DESC) = 1;
UPDATE observations o
SET is_current = o.obs_id IN (SELECT obs_id FROM winners)
FROM affected a
WHERE o.unit_id = a.unit_id AND o.metric_id = a.metric_id
  AND o.period_start = a.period_start AND o.period_end = a.period_end;
DROP TABLE winners;
