"""danvan: the router. Sets up the page, lists the pages for this visitor, keeps "Đơn vị của tôi", runs safely."""

from __future__ import annotations

import logging

import streamlit as st

from danvan_metrics.core import config
from danvan_metrics.core.messages import APP_TITLE, DEMO_PAGE_NOTE, SIDEBAR_NOTE, UNEXPECTED_ERROR
from danvan_metrics.record.engine import RecordUnavailableError
from danvan_metrics.store.connection import MixedDataError, StoreBusyError, StoreUnavailableError
from danvan_metrics.ui import auth as ui_auth
from danvan_metrics.ui import cache, presentation, questions, widgets
from danvan_metrics.ui import reporting as ui_reporting
from danvan_metrics.ui import review as ui_review
from danvan_metrics.ui import slides as ui_slides

st.set_page_config(page_title=APP_TITLE, page_icon="📊", layout="wide")

VIEW_PAGES = [
    st.Page("pages/overview.py", title="Tổng quan", icon=":material/home:", default=True),
    st.Page("pages/compare.py", title="So sánh đơn vị", icon=":material/bar_chart:", url_path="so-sanh"),
    st.Page("pages/trends.py", title="Xu hướng", icon=":material/show_chart:", url_path="xu-huong"),
    st.Page("pages/unit_profile.py", title="Hồ sơ đơn vị", icon=":material/account_balance:", url_path="ho-so"),
    st.Page("pages/data_sources.py", title="Dữ liệu & nguồn", icon=":material/description:", url_path="du-lieu"),
]
UPLOAD_PAGE = st.Page("pages/upload.py", title="Tải lên số liệu", icon=":material/upload_file:", url_path="tai-len")
SIGN_IN_PAGE = st.Page("pages/sign_in.py", title="Đăng nhập", icon=":material/login:", url_path="dang-nhap")
ACCOUNT_PAGE = st.Page("pages/sign_in.py", title="Tài khoản", icon=":material/person:", url_path="dang-nhap")
REPORTING_PAGE = st.Page("pages/reporting_status.py", title="Tình hình nộp báo cáo", icon=":material/fact_check:",
                         url_path="tinh-hinh-nop-bao-cao")  # fmt: skip
REVIEW_PAGE = st.Page("pages/review.py", title="Duyệt số liệu", icon=":material/rule:", url_path="duyet-so-lieu")
AUDIT_PAGE = st.Page("pages/audit_log.py", title="Nhật ký", icon=":material/history:", url_path="nhat-ky")

try:
    store = cache.get_store()
    account = ui_auth.current_user()
    work = [
        UPLOAD_PAGE,
        REPORTING_PAGE,
        *([REVIEW_PAGE] if ui_auth.is_reviewer(account) else []),
        *([AUDIT_PAGE] if ui_auth.is_admin(account) else []),
        ACCOUNT_PAGE if account else SIGN_IN_PAGE,
    ]
    if account is None and config.require_sign_in():  # this deployment shows nothing to visitors
        st.navigation([SIGN_IN_PAGE]).run()
        st.stop()
    page = st.navigation({"Số liệu": VIEW_PAGES, "Cập nhật": work})
    widgets.st_my_unit(questions.units_with_figures())
    presentation.st_presentation_toggle()
    ui_slides.st_deck_sidebar()
    ui_slides.st_export_failures()  # a download that failed since the last run says so here
    ui_auth.st_account_box(store)
    ui_reporting.st_reminder_badge(account)
    ui_review.st_review_badge(account)
    presentation.st_presentation_frame()
    if config.demo_mode():  # synthetic figures: every page says so, in the page and in every chart
        st.warning(DEMO_PAGE_NOTE)
    st.sidebar.caption(SIDEBAR_NOTE)
    page.run()
except (StoreBusyError, MixedDataError) as exc:  # MixedDataError: a demo store opened without its data
    st.warning(str(exc))
except (StoreUnavailableError, RecordUnavailableError) as exc:  # no write permission, a damaged file: what to do
    logging.getLogger("danvan").error("store unavailable: %s", exc.__cause__ or exc)
    st.error(str(exc))
except Exception:  # noqa: BLE001 — the last line of defence: no traceback reaches a user
    logging.getLogger("danvan").exception("page failed")
    st.error(UNEXPECTED_ERROR)
