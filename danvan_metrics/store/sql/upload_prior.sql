-- A committed upload of exactly this file (same SHA-256), if any.
SELECT upload_id, uploaded_by, uploaded_at FROM uploads
WHERE sha256 = $sha AND status = 'committed'
ORDER BY uploaded_at LIMIT 1;
