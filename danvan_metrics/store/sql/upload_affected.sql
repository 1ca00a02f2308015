-- The keys an upload (or a retraction) touches, for recompute_current.
CREATE OR REPLACE TEMP TABLE affected AS
SELECT DISTINCT unit_id, metric_id, period_start, period_end FROM observations WHERE upload_id = $upload_id;
