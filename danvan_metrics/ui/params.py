"""Filters live in the URL: writing a widget's value back to ``st.query_params``."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from danvan_metrics.ui import urlstate


def sync_url(param: str, value: str | Sequence[str] | None, options: Sequence[str] | None = None) -> None:
    text = urlstate.encode(value, options)
    if text is None:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != text:
        st.query_params[param] = text
