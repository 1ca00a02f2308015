-- The audit entries written since the last refresh (frame `incoming_audit`), in the order they were written.
INSERT INTO audit
SELECT CAST(happened_at AS TIMESTAMP), actor, action, detail FROM incoming_audit ORDER BY audit_id;
