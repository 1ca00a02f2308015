"""Đăng nhập: only signed-in editors change data; everyone may look."""

import streamlit as st

from danvan_metrics.auth import accounts
from danvan_metrics.ui import auth as ui_auth
from danvan_metrics.ui import cache, text

st.title("Đăng nhập")
account = ui_auth.current_user()
if account is not None:
    st.success(f"Bạn đã đăng nhập với tên **{text.md_text(account.name)}** ({accounts.ROLE_LABELS[account.role]}).")
    st.page_link("pages/upload.py", label="Tải lên số liệu quý →")
    st.stop()
st.caption("Mọi người đều xem được số liệu. Chỉ cán bộ được giao mới đăng nhập để tải lên hoặc rút lại số liệu.")
ui_auth.st_sign_in_form(cache.get_store())
