"""Turning query results into what a page shows: analysis (ranks, groups, rollups), view choices,
and the Plotly figure builders. Pure, no Streamlit. Imports `core`, `registry`, `store`.
"""
