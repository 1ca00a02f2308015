"""Nhật ký: who uploaded, retracted, signed in or failed to, and when (administrators only)."""

import streamlit as st

from danvan_metrics.auth.audit import ACTION_LABELS
from danvan_metrics.ui import auth as ui_auth
from danvan_metrics.ui import cards, questions, tables, widgets

st.title("Nhật ký hoạt động")
if not ui_auth.is_admin(ui_auth.current_user()):
    st.warning("Chỉ quản trị viên xem được nhật ký.")
    st.stop()

# 1. Filters
log = questions.audit_log()
actions = widgets.st_url_multiselect("Loại hoạt động", list(ACTION_LABELS), key="audit_actions", param="loai",
                                format_func=ACTION_LABELS.__getitem__, placeholder="Tất cả")  # fmt: skip
if actions:
    log = log[log["action"].isin(actions)]

# 2. The trail, newest first; downloads of exactly these rows
if log.empty:
    st.caption("Chưa có hoạt động nào khớp bộ lọc.")
else:
    st.dataframe(tables.audit_table(log), hide_index=True, width="stretch", column_config=tables.WIDE_LAST_COLUMN)
    cards.st_table_downloads(log, "nhat-ky", *actions, key="audit_download", sheet_title="Nhật ký",
                          prepare=lambda frame: tables.audit_table(frame, for_file=True))  # fmt: skip

# 3. Every upload
st.header("Các lần tải lên")
uploads = questions.upload_log()
if uploads.empty:
    st.caption("Chưa có lần tải lên nào.")
else:
    st.dataframe(tables.uploads_table(uploads), hide_index=True, width="stretch")
    cards.st_table_downloads(uploads, "cac-lan-tai-len", key="audit_uploads_download", sheet_title="Các lần tải lên",
                          prepare=lambda frame: tables.uploads_table(frame, for_file=True))  # fmt: skip
