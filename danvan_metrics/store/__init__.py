"""The DuckDB store: connection, schema and transactions (`connection`), and every SQL question.

`queries` is the one doorway to the questions: it defines the figure questions (compare, trend,
profile, figures, coverage, aggregate) and re-exports those of `catalog_queries`, `unit_queries`,
`summary_queries` and `log_queries`; `base_queries.fetch` runs a statement with bound parameters;
the longer statements are files in `sql/`. Imports `core` and `registry`.
"""
