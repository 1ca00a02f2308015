"""The DuckDB store: connection and schema, loading the curated data, and every SQL question
(`queries`, `sql/`). Imports `core` and `registry`.
"""
