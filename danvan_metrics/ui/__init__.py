"""Streamlit helpers (``st_`` functions), the cached typed questions, URL state, and one helper
module per page that needs its own. The only package that imports Streamlit.
"""
