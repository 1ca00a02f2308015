UPDATE uploads SET status = 'retracted', retracted_by = $by, retracted_at = $at WHERE upload_id = $id;
