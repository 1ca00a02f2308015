-- Forget everything copied from a record (before copying all of another one, or of a restored one):
-- uploaded figures, the upload log and its sources, the audit trail. Curated figures become current again.
CREATE OR REPLACE TEMP TABLE affected AS
SELECT DISTINCT unit_id, metric_id, period_start, period_end FROM observations WHERE upload_id IS NOT NULL;
DELETE FROM observations WHERE upload_id IS NOT NULL;
DELETE FROM uploads;
DELETE FROM sources WHERE starts_with(source_id, $prefix);
DELETE FROM audit;
