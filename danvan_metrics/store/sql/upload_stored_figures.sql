-- The current figure for each wanted key (the upload's own periods and the periods before them).
SELECT w.role, o.unit_id, o.metric_id, o.period_start, o.period_end, o.value, o.qualifier, o.period_label
FROM wanted w
JOIN current_observations o
  ON o.unit_id = w.unit_id AND o.metric_id = w.metric_id
 AND o.period_start = CAST(w.period_start AS DATE) AND o.period_end = CAST(w.period_end AS DATE);
