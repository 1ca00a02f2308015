-- Copy what the record changed into the read store. Frames registered by `store.copy`:
-- `changed_ids` (every upload a change since the last refresh touched), `incoming_uploads` (their log
-- rows as the record has them now), `incoming_rows` (the figures of those not copied before).
DELETE FROM uploads WHERE upload_id IN (SELECT upload_id FROM changed_ids);
INSERT INTO uploads BY NAME
SELECT upload_id, sha256, file_name, archive_path, uploaded_by, CAST(uploaded_at AS TIMESTAMP) AS uploaded_at,
       CAST(rows_added AS INTEGER) AS rows_added, CAST(rows_replaced AS INTEGER) AS rows_replaced, status,
       retracted_by, CAST(retracted_at AS TIMESTAMP) AS retracted_at, choices,
       review, regime_id, reviewed_by, CAST(reviewed_at AS TIMESTAMP) AS reviewed_at, review_comment
FROM incoming_uploads;
-- An upload is the source of its figures: the units' report, sent as a file by an editor on a day.
-- Cited as what it is ("Báo cáo của đơn vị (tệp q1.xlsx, bien.tap tải lên), 02/12/2026"), not by a login alone.
DELETE FROM sources WHERE source_id IN (SELECT $prefix || upload_id FROM changed_ids);
INSERT INTO sources
SELECT $prefix || upload_id, 'Tệp tải lên: ' || file_name,
       'Báo cáo của đơn vị (tệp ' || file_name || ', ' || uploaded_by || ' tải lên)',
       CAST(uploaded_at AS DATE), 'tải lên', NULL, archive_path, uploaded_by
FROM incoming_uploads;
INSERT INTO observations
SELECT r.obs_id, r.unit_id, r.metric_id, CAST(r.period_start AS DATE), CAST(r.period_end AS DATE), r.period_label,
       r.value, r.qualifier, r.numerator, r.denominator, r.value_text, $prefix || r.upload_id, r.source_quote,
       r.note, r.upload_id, FALSE, CAST(u.uploaded_at AS TIMESTAMP)
FROM incoming_rows r JOIN incoming_uploads u USING (upload_id)
WHERE r.obs_id NOT IN (SELECT obs_id FROM observations WHERE upload_id IN (SELECT upload_id FROM changed_ids));
-- The keys these uploads touch, for recompute_current.
CREATE OR REPLACE TEMP TABLE affected AS
SELECT DISTINCT unit_id, metric_id, period_start, period_end
FROM observations WHERE upload_id IN (SELECT upload_id FROM changed_ids);
