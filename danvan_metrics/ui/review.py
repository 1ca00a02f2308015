"""The review page's parts: the queue a reviewer may act on, one upload's figures beside the unit's
previous period and its peers, and the decision (approve, or return with a reason)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from danvan_metrics.auth.accounts import Account
from danvan_metrics.core import formats
from danvan_metrics.record.engine import RecordUnavailableError
from danvan_metrics.reporting import review_views
from danvan_metrics.services import review, uploads, writes
from danvan_metrics.store import queries
from danvan_metrics.ui import auth as ui_auth
from danvan_metrics.ui import cache
from danvan_metrics.ui import reporting as ui_reporting
from danvan_metrics.ui.cache import question

NOTICE_KEY = "review_notice"
queue_for = question(review.queue_for)
review_figures = question(queries.review_figures)


def st_notice() -> None:
    """The message the last decision left for the run after it."""
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.success(notice)


def st_queue(account: Account) -> pd.DataFrame:
    """The uploads this account may review, as a table; returns them."""
    queue = queue_for(account.name)
    if queue.empty:
        st.success("Không có tệp nào chờ bạn duyệt.")
        return queue
    names = {k.regime.regime_id: k.regime.name for k in ui_reporting.regimes()}
    st.caption(f"{formats.format_number(len(queue))} tệp chờ bạn duyệt, tệp gửi sớm nhất trước.")
    st.dataframe(review_views.queue_table(queue, names), hide_index=True, width="stretch")
    return queue


def st_decide(queue: pd.DataFrame) -> None:
    """Pick one upload, compare its figures, approve it or return it with a reason."""
    labels = {str(r.upload_id): f"{r.file_name} · {r.uploaded_by} · {r.unit_names}" for r in queue.itertuples()}
    upload_id = st.selectbox("Xem và duyệt tệp", list(labels), format_func=labels.__getitem__, key="review_upload")
    if upload_id is None:
        return
    table = review_views.figures_table(review_figures(upload_id))
    st.dataframe(table, hide_index=True, width="stretch")
    flagged = sum(1 for h in table["Cần xem lại"] if h)
    if flagged:
        st.warning(f"{formats.format_number(flagged)} số liệu khác xa kỳ trước hoặc các đơn vị cùng cấp: hãy xem lại "
                   "trước khi duyệt (đây là gợi ý, không phải kết luận).")  # fmt: skip
    with st.form("review_form", clear_on_submit=True):
        choices = {"approve": "Duyệt: số liệu được tính", "return": "Trả lại để sửa"}
        decision = st.radio("Quyết định", list(choices), horizontal=True, key="review_decision",
                            format_func=choices.__getitem__)  # fmt: skip
        comment = st.text_area("Nhận xét (bắt buộc khi trả lại)", key="review_comment", max_chars=review.MAX_COMMENT)
        go = st.form_submit_button("Ghi quyết định", type="primary")
    if go:
        _decide(upload_id, decision == "approve", comment, labels[upload_id])


def _decide(upload_id: str, approve: bool, comment: str, what: str) -> None:
    fresh = ui_auth.current_user()
    try:
        if fresh is None:
            raise writes.WriteRefused("Phiên đăng nhập đã hết; hãy đăng nhập lại.")
        review.review_upload(cache.get_store(), fresh.name, upload_id, approve, comment, channel=writes.CHANNEL_WEB)
    except (writes.WriteRefused, uploads.UploadError, RecordUnavailableError) as refused:
        st.error(str(refused))
        return
    done = "Đã duyệt" if approve else "Đã trả lại"
    then = "" if approve else " Đơn vị sẽ thấy lý do khi mở trang tải lên."
    st.session_state[NOTICE_KEY] = f"{done} tệp {what}.{then}"
    st.rerun()


def st_review_badge(account: Account | None) -> None:
    """(reviewers, admins) A sidebar line when uploads wait for this account's review."""
    if account is None or not ui_auth.is_reviewer(account) or not ui_reporting.regimes():
        return
    waiting = len(queue_for(account.name))
    if waiting:
        st.sidebar.info(
            f"{formats.format_number(waiting)} tệp chờ bạn duyệt: xem “Duyệt số liệu”.", icon=":material/rule:"
        )
