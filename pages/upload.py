"""Tải lên số liệu quý: template, upload, validation in Vietnamese, preview, commit, and retract."""

import streamlit as st

from danvan_metrics.export import formats
from danvan_metrics.export.template import template_csv
from danvan_metrics.ui import auth as ui_auth
from danvan_metrics.ui import cache, widgets
from danvan_metrics.ui import reporting as ui_reporting
from danvan_metrics.ui import upload as ui_upload

st.title("Tải lên số liệu quý")
account = ui_auth.current_user()

# 1. Who may upload
if not ui_auth.is_editor(account):
    st.info("Chỉ cán bộ được giao (biên tập viên, quản trị) mới tải lên hoặc rút lại số liệu.")
    ui_auth.st_sign_in_form(cache.get_store())
    st.stop()
assert account is not None

# 2. What this editor's units still owe, with a template pre-filled for it
ui_reporting.st_my_reports(cache.get_store(), account)

# 3. The template
st.subheader("1. Tải mẫu")
left, right = st.columns(2)
template = "mau-so-lieu-quy"
left.download_button("⬇ Mẫu Excel (.xlsx) có danh sách chọn", ui_upload.template_for(account), key="template_xlsx",
                     file_name=formats.XLSX.file_name(template), mime=formats.XLSX.mime, on_click="ignore",
                     width="stretch")  # fmt: skip
right.download_button("⬇ Mẫu CSV", template_csv(), file_name=formats.CSV.file_name(template), mime=formats.CSV.mime,
                      key="template_csv", on_click="ignore", width="stretch")  # fmt: skip

# 4. Upload, check, preview, commit
st.subheader("2. Tải tệp lên và kiểm tra")
upload = widgets.st_file_uploader("Chọn tệp .xlsx hoặc .csv", ["xlsx", "csv", "txt", "tsv"], key="upload_file")
if upload is not None:
    ui_upload.st_preview_and_commit(upload.getvalue(), upload.name, account)

# 5. The log, with retraction
st.subheader("3. Các lần tải lên")
ui_upload.st_upload_log(account)
