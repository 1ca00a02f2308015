"""Nhật ký: who uploaded, retracted, signed in or failed to, and when (administrators only)."""

import streamlit as st

from danvan_metrics import ui, ui_auth
from danvan_metrics.audit import ACTION_LABELS

st.title("Nhật ký hoạt động")
if not ui_auth.is_admin(ui_auth.current_user()):
    st.warning("Chỉ quản trị viên xem được nhật ký.")
    st.stop()

# 1. Filters
log = ui.query("audit_log")
actions = ui.st_url_multiselect("Loại hoạt động", list(ACTION_LABELS), key="audit_actions", param="loai",
                                format_func=ACTION_LABELS.__getitem__, placeholder="Tất cả")  # fmt: skip
if actions:
    log = log[log["action"].isin(actions)]

# 2. The trail, newest first
st.dataframe(ui.audit_table(log), hide_index=True, width="stretch")
st.header("Các lần tải lên")
st.dataframe(ui.uploads_table(ui.query("upload_log")), hide_index=True, width="stretch")
