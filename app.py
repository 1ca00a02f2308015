"""danvan: the router. Sets up the page, lists the pages, keeps "Đơn vị của tôi", runs the page safely."""

from __future__ import annotations

import logging

import streamlit as st

from danvan_metrics import ui
from danvan_metrics.messages import APP_TITLE, SIDEBAR_NOTE, UNEXPECTED_ERROR
from danvan_metrics.store import StoreBusyError

st.set_page_config(page_title=APP_TITLE, page_icon="📊", layout="wide")

PAGES = [
    st.Page("pages/overview.py", title="Tổng quan", icon=":material/home:", default=True),
    st.Page("pages/compare.py", title="So sánh đơn vị", icon=":material/bar_chart:", url_path="so-sanh"),
    st.Page("pages/trends.py", title="Xu hướng", icon=":material/show_chart:", url_path="xu-huong"),
    st.Page("pages/unit_profile.py", title="Hồ sơ đơn vị", icon=":material/account_balance:", url_path="ho-so"),
    st.Page("pages/data_sources.py", title="Dữ liệu & nguồn", icon=":material/description:", url_path="du-lieu"),
]

page = st.navigation(PAGES)
try:
    ui.st_my_unit(ui.query("units_with_figures"))
    st.sidebar.caption(SIDEBAR_NOTE)
    page.run()
except StoreBusyError as exc:
    st.warning(str(exc))
except Exception:  # noqa: BLE001 — the last line of defence: no traceback reaches a user
    logging.getLogger("danvan").exception("page %s failed", page.title)
    st.error(UNEXPECTED_ERROR)
