INSERT INTO audit VALUES (CAST($at AS TIMESTAMP), $actor, $action, $detail);
