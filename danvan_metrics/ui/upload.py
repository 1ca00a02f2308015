"""The upload page's render functions: preview with errors by row and column, commit, log, retract.

Every write goes through `services.writes`, which re-checks the account's rights at the moment of
writing: a widget that was shown earlier is no licence to write now.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from danvan_metrics.auth.accounts import Account, Role
from danvan_metrics.core import messages
from danvan_metrics.core.formats import format_date, format_datetime, format_figure, format_number
from danvan_metrics.export.template import template_xlsx
from danvan_metrics.ingest.issues import Issue
from danvan_metrics.record.engine import RecordUnavailableError
from danvan_metrics.services import uploads, writes
from danvan_metrics.store import queries
from danvan_metrics.ui import auth as ui_auth
from danvan_metrics.ui import cache, cards, questions, tables
from danvan_metrics.ui.text import md_text

PREVIEW_KEY = "upload_preview"
PREVIEW_CHOICES_KEY = "upload_preview_choices"  # the choices the cached preview was made with
CHOICES_KEY = "upload_unit_choices"  # file SHA-256 -> {ambiguous name as written: chosen unit id}
DONE_KEY = "upload_done"
NOTICE_KEY = "upload_notice"


def template_for(account: Account) -> bytes:
    """The XLSX template, with drop-downs limited to the units this account may upload for."""
    store = cache.get_store()
    units = queries.current_units(store)
    if units.empty:
        units = queries.units(store)
    if account.role != Role.ADMIN and account.units:
        units = queries.units(store)
        units = units[units["unit_id"].isin(account.units)]
    return template_xlsx(units, queries.metrics(store))


ISSUES_SHOWN = 200  # a file with thousands of bad rows: the first ones on the page, all in the download


def issues_table(issues: list[Issue]) -> pd.DataFrame:
    """Errors or notes by row and column, as plain text (the download's rows)."""
    return pd.DataFrame(
        {
            "Dòng": [i.row if i.row is not None else "–" for i in issues],
            "Cột": [i.column or "–" for i in issues],
            "Nội dung": [i.message for i in issues],
        }
    ).astype({"Dòng": "str"})


def st_issues(issues: list[Issue], *, key: str, file_name: str) -> None:
    """The issues as a static table whose messages wrap, so each reads whole (a grid cell cut them off).

    The cells are Markdown in ``st.table``: text from the file (a unit name, a cell's value) is shown
    literally through `text.md_text`. More than `ISSUES_SHOWN`: the rest are in the download.
    """
    table = issues_table(issues)
    st.table(table.head(ISSUES_SHOWN).map(md_text), hide_index=True)
    if len(table) > ISSUES_SHOWN:
        st.caption(f"Hiển thị {format_number(ISSUES_SHOWN)}/{format_number(len(table))} dòng; tải danh sách để xem đủ.")
    cards.st_table_downloads(table, "loi", file_name, key=key, sheet_title="Lỗi")


def st_preview_and_commit(data: bytes, file_name: str, account: Account) -> None:
    """Check the file, show what would change, and commit on confirmation."""
    store = cache.get_store()
    digest = uploads.sha256_of(data)
    done = st.session_state.get(DONE_KEY)
    if done and done[0] == digest:
        then = ("Số liệu **chờ duyệt**: được tính trên biểu đồ sau khi người duyệt đồng ý." if done[3]
                else "Các biểu đồ đã cập nhật.")  # fmt: skip
        st.success(f"Đã ghi {done[2]} số liệu từ tệp {md_text(file_name)} (mã tải lên **{done[1]}**). {then}")
        return
    choices: dict[str, str] = st.session_state.setdefault(CHOICES_KEY, {}).setdefault(digest, {})
    cached = st.session_state.get(PREVIEW_KEY)
    made_with = st.session_state.get(PREVIEW_CHOICES_KEY)
    if cached is None or cached.sha256 != digest or cached.file_name != file_name or made_with != choices:
        with st.spinner("Đang kiểm tra tệp…"):
            cached = uploads.prepare(store, data, file_name, cache.get_resolver(), choices=choices)
        st.session_state[PREVIEW_KEY] = cached
        st.session_state[PREVIEW_CHOICES_KEY] = dict(choices)
    preview: uploads.Preview = cached
    errors = preview.errors + writes.refusals(store, account.name, preview)
    if preview.table is not None:
        how = "Excel" if preview.table.file_format == "xlsx" else f"CSV, bảng mã {preview.table.encoding}"
        if preview.table.sheet:
            how += f", trang tính “{md_text(preview.table.sheet)}”"
        st.caption(f"Tệp {md_text(preview.file_name)} ({how}) · {format_number(len(preview.table.rows))} dòng số liệu")
    if preview.duplicate_of is not None:
        prior = preview.duplicate_of
        st.warning(
            f"Tệp này đã được tải lên lúc {format_datetime(prior.uploaded_at)} bởi {prior.uploaded_by} "
            f"(mã {prior.upload_id}); không ghi lại lần nữa."
        )
        return
    if preview.choices:
        picked = "; ".join(f"“{text}” là {candidate_label(uid)}" for text, uid in sorted(preview.choices.items()))
        st.info("Đơn vị đã chọn cho tên trùng trong tệp này: " + md_text(picked))
    if preview.ambiguous:
        st_unit_choices(preview.ambiguous, choices)
    if errors:
        st.error(f"Tệp có {len(errors)} lỗi; chưa ghi số liệu nào. Hãy sửa trong tệp rồi tải lên lại.")
        st_issues(errors, key="upload_errors", file_name=file_name)
        return
    st.success(
        f"Tệp hợp lệ: **{preview.rows_added}** số liệu mới, **{preview.rows_replaced}** số liệu thay thế số đang lưu."
    )
    if preview.regime is not None:
        st.info(f"Tệp thuộc chế độ báo cáo “{md_text(preview.regime.name)}”: sau khi ghi, số liệu **chờ duyệt** và "
                "chỉ được tính trên biểu đồ khi người duyệt đồng ý. Kỳ số liệu ghi theo thời điểm chốt số liệu của "
                "chế độ (cột “Kỳ”).")  # fmt: skip
    if preview.warnings:
        st.warning(f"{len(preview.warnings)} lưu ý (không chặn việc ghi):")
        st_issues(preview.warnings, key="upload_warnings", file_name=file_name)
    st.dataframe(preview_table(preview), hide_index=True, width="stretch")
    if st.button("Ghi số liệu", type="primary", key="commit_upload"):
        fresh = ui_auth.current_user()  # the session as it is now; the service re-reads the account
        try:
            if fresh is None:
                raise writes.WriteRefused("Bạn không còn quyền ghi số liệu; hãy đăng nhập lại.")
            upload_id = writes.commit_upload(store, fresh.name, preview, data, channel=writes.CHANNEL_WEB)
        except (writes.WriteRefused, uploads.UploadError, RecordUnavailableError) as refused:
            st.error(str(refused))
            return
        st.session_state[DONE_KEY] = (digest, upload_id, len(preview.validation.rows), preview.regime is not None)
        st.session_state.pop(PREVIEW_KEY, None)
        st.rerun()


def candidate_label(unit_id: str) -> str:
    """A unit as the choice lists it: "Huyện Đa Krông (huyện, Tỉnh Quảng Trị, đến 30/06/2025) · pre-d467"."""
    unit = cache.get_resolver().get(unit_id)
    if unit is None:
        return unit_id
    facts = [unit.kind, *([unit.province_name] if unit.province_name and unit.province_name != unit.name else [])]
    if unit.valid_to:
        facts.append(f"đến {format_date(unit.valid_to)}")
    elif unit.valid_from:
        facts.append(f"từ {format_date(unit.valid_from)}")
    return f"{unit.name} ({', '.join(facts)}) · {unit_id}"


def st_unit_choices(ambiguous: dict[str, tuple[str, ...]], choices: dict[str, str]) -> None:
    """For each unit name of the file that fits several units, a choice of which one; kept for this file only."""
    st.warning(
        "Một số tên đơn vị trong tệp ứng với nhiều đơn vị. Chọn đơn vị đúng cho từng tên dưới đây — lựa chọn chỉ "
        "áp dụng cho tệp này và được ghi vào nhật ký tải lên; không cần sửa tệp."
    )
    for index, (text, candidates) in enumerate(ambiguous.items()):
        picked = st.selectbox(
            f"“{md_text(text)}” là đơn vị nào?", list(candidates), key=f"unit_choice_{index}", index=None,
            placeholder="— Chọn đơn vị —", format_func=candidate_label,
        )  # fmt: skip
        if picked and choices.get(text) != picked:
            choices[text] = picked
            st.rerun()


def preview_table(preview: uploads.Preview) -> pd.DataFrame:
    """The rows that would go in, each marked new or replacing (old → new)."""
    catalog = queries.metrics(cache.get_store()).set_index("metric_id")
    records = []
    for row in preview.validation.rows:
        metric = catalog.loc[row.metric_id]
        new = format_figure(row.value, metric["unit"], int(metric["decimals"]))
        old = preview.replaced.get(row.row)
        records.append(
            {
                "Dòng": row.row,
                "Đơn vị": row.unit_name,
                "Chỉ tiêu": metric["name_vi"],
                "Kỳ": row.period_label,
                "Số liệu": new,
                "Thay đổi": "mới"
                if old is None
                else f"thay {format_figure(old.value, metric['unit'], int(metric['decimals']), old.qualifier)}",
            }
        )
    return pd.DataFrame(records)


def st_upload_log(account: Account) -> None:
    """The upload log; an editor may retract their own uploads, an admin any."""
    store = cache.get_store()
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.success(notice)
    log = questions.upload_log()
    if log.empty:
        st.caption("Chưa có lần tải lên nào.")
        return
    st.dataframe(tables.uploads_table(log), hide_index=True, width="stretch")
    cards.st_table_downloads(
        log, "nhat-ky-tai-len", key="upload_log_download", sheet_title="Các lần tải lên",
        prepare=lambda frame: tables.uploads_table(frame, for_file=True),
    )  # fmt: skip
    mine = log[(log["status"] == "committed") & ((log["uploaded_by"] == account.name) | (account.role == Role.ADMIN))]
    if mine.empty:
        return
    labels = {r.upload_id: f"{r.upload_id} · {r.file_name} · {r.uploaded_by}" for r in mine.itertuples()}
    with st.form("retract_form"):
        upload_id = st.selectbox("Rút lại lần tải lên", list(labels), format_func=labels.__getitem__, key="retract_id",
                                 placeholder=messages.SELECT_PLACEHOLDER)  # fmt: skip
        sure = st.checkbox("Tôi hiểu: số liệu của lần tải lên này sẽ thôi hiển thị; số liệu cũ được khôi phục.")
        go = st.form_submit_button("Rút lại")
    if go:
        fresh = ui_auth.current_user()
        if not sure:
            st.warning("Hãy đánh dấu xác nhận trước khi rút lại.")
            return
        try:
            if fresh is None:
                raise writes.WriteRefused("Bạn không còn quyền ghi số liệu; hãy đăng nhập lại.")
            count = writes.retract_upload(store, fresh.name, upload_id, channel=writes.CHANNEL_WEB)
        except (writes.WriteRefused, uploads.UploadError, RecordUnavailableError) as refused:
            st.error(str(refused))
            return
        st.session_state[NOTICE_KEY] = f"Đã rút lại {upload_id}: {count} số liệu thôi hiển thị."
        st.rerun()
