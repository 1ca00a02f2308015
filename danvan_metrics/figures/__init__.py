"""Turning query results into what a page shows. Pure: no Streamlit, no database.

`analysis` (headline figures, coverage, province roll-up, the scale view), `groups` (comparison
groups, ranks and gaps within one period), `selection` (names that tell units apart, trend picks),
`views` (which compare chart to draw) and `charts/` (the Plotly builders, one module per chart).
Imports `core` and `registry`.
"""
