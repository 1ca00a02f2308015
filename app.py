"""danvan: the router. Sets up the page, lists the pages, runs the chosen one safely."""

from __future__ import annotations

import logging

import streamlit as st

from danvan_metrics.messages import APP_TITLE, UNEXPECTED_ERROR
from danvan_metrics.store import StoreBusyError

st.set_page_config(page_title=APP_TITLE, page_icon="📊", layout="wide")

PAGES = [
    st.Page("pages/overview.py", title="Tổng quan", icon="🏠", url_path="tong-quan", default=True),
]

page = st.navigation(PAGES)
try:
    page.run()
except StoreBusyError as exc:
    st.warning(str(exc))
except Exception:  # noqa: BLE001 — the last line of defence: no traceback reaches a user
    logging.getLogger("danvan").exception("page %s failed", page.title)
    st.error(UNEXPECTED_ERROR)
