INSERT INTO observations
SELECT obs_id, unit_id, metric_id, CAST(period_start AS DATE), CAST(period_end AS DATE), period_label,
       value, qualifier, numerator, denominator, value_text, source_id, source_quote, note, upload_id,
       FALSE, CAST($at AS TIMESTAMP)
FROM incoming_rows;
