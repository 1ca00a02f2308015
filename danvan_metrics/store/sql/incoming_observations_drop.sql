-- The view over the curated Parquet file, once its figures are loaded.
DROP VIEW IF EXISTS incoming_observations;
