"""The status page's parts: regime and cycle pickers, counts, tables, the follow-up list, the regime loader."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from danvan_metrics.auth.accounts import Account, Role
from danvan_metrics.core import config, formats
from danvan_metrics.export.formats import XLSX
from danvan_metrics.export.template import Prefilled, template_xlsx
from danvan_metrics.reporting import book, views
from danvan_metrics.reporting.cycles import Cycle, part_cell
from danvan_metrics.reporting.regimes import CUTOFF_LABELS, FREQUENCY_LABELS, Regime, RegimeError
from danvan_metrics.reporting.status import NOT_DUE_MARK, STATUS_LABELS, Status, UnitStatus, counts
from danvan_metrics.services import writes
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store
from danvan_metrics.ui import questions, widgets
from danvan_metrics.ui.cache import question
from danvan_metrics.ui.text import md_text

SAMPLE_FILE = "che-do-bao-cao-MAU.json"
GRID_CYCLES = 4  # the grid shows this many cycles, newest first

regimes = question(book.regimes)


@question
def cycle_statuses(store: Store, regime_id: str, cycle_key: str, today: dt.date) -> list[UnitStatus]:
    """A cycle's statuses, kept per data version and day (a deadline ends at the end of its day)."""
    regime = book.regime(store, regime_id)
    if regime is None:
        return []
    return book.cycle_status(store, regime, book.pick_cycle(regime, cycle_key))


def today() -> dt.date:
    return book.now_in_vietnam().date()


def st_pick_regime() -> Regime | None:
    """The regime picker (``?che_do=``); None when the record holds none."""
    kept = {k.regime.regime_id: k.regime for k in regimes()}
    if not kept:
        return None
    chosen = widgets.st_url_select("Chế độ báo cáo", list(kept), key="reporting_regime", param="che_do",
                                   default=next(iter(kept)), format_func=lambda r: kept[r].name)  # fmt: skip
    return kept.get(chosen or "") or next(iter(kept.values()))


def st_pick_cycle(regime: Regime, container: object = None) -> Cycle:
    """The cycle picker (``?ky=2026-Q1``): every cycle to the one under way; the latest due by default."""
    known = book.regime_cycles(regime, today()) or [book.pick_cycle(regime, None, today())]
    by_key = {c.key: c for c in known}
    default = book.pick_cycle(regime, None, today()).key
    chosen = widgets.st_url_select("Kỳ báo cáo", list(by_key), key="reporting_cycle", param="ky", default=default,
                                   format_func=lambda k: by_key[k].label, container=container)  # fmt: skip
    return by_key.get(chosen or default) or by_key[default]


def st_regime_note(regime: Regime, cycle: Cycle) -> None:
    """What the regime is and what this cycle covers, in one caption; a sample regime says so first."""
    if regime.sample:
        st.warning("Đây là chế độ báo cáo **MẪU** (nội dung giả định) để thử tính năng, không phải văn bản thật.")
    data = f" ({cycle.data_label})" if cycle.data_label else ""
    st.caption(
        f"Căn cứ: {md_text(regime.legal_basis)}, ngày {formats.format_date(regime.legal_basis_date)} · báo cáo "
        f"{FREQUENCY_LABELS[regime.frequency]} · chốt số liệu {CUTOFF_LABELS[regime.cutoff]} · "
        f"**{cycle.label}**{data}, hạn nộp {formats.format_datetime(cycle.deadline)} (giờ Việt Nam) · "
        f"{len(regime.metrics)} chỉ tiêu"
    )


def st_counts(rows: list[UnitStatus]) -> None:
    """How many units must report, and how many have each status some unit has."""
    tally = counts(rows)
    shown = [s for s in Status if tally[s] or s is Status.MISSING]  # the statuses some unit has (and "chưa nộp")
    columns = st.columns(len(shown) + 1)
    columns[0].metric("Đơn vị phải báo cáo", formats.format_number(len(rows)))
    for column, status in zip(columns[1:], shown, strict=True):
        column.metric(STATUS_LABELS[status].capitalize(), formats.format_number(tally[status]))


def st_regime_loader(store: Store, account: Account | None) -> None:
    """(admins) Define a regime on the page or load its JSON file: checked, shown, kept only when "Ghi" is pressed."""
    if account is None or account.role != Role.ADMIN:
        return
    with st.expander("Thêm hoặc sửa chế độ báo cáo (quản trị viên)"):
        on_page, from_file = st.tabs(["Nhập trên trang", "Từ tệp JSON"])
        with on_page:
            draft = _st_regime_form(store)
        with from_file:
            sample = (config.PROJECT_DIR / "examples" / SAMPLE_FILE).read_bytes()
            st.download_button("Tải tệp mẫu chế độ báo cáo (JSON)", sample, file_name=SAMPLE_FILE,
                               mime="application/json", key="regime_sample")  # fmt: skip
            st.caption("Một tệp JSON mô tả chế độ: tên, căn cứ, chỉ tiêu, kỳ, hạn nộp, đơn vị báo cáo (xem README).")
            turn = st.session_state.setdefault("regime_file_turn", 0)  # a new key empties the uploader after a write
            uploaded = st.file_uploader("Tệp chế độ báo cáo (.json)", type=["json"], key=f"regime_file_{turn}")
            if uploaded is not None:
                _st_check_and_write(store, account, uploaded.getvalue(), uploaded.name, "file")
        if draft is not None:
            _st_check_and_write(store, account, draft, FORM_NAME, "form")


FORM_NAME = "nhập trên trang"
NO_PROVINCE_CHOICE = "— hoặc chọn danh sách đơn vị bên dưới —"
FORM_DRAFT = "regime_form_draft"


def _st_regime_form(store: Store) -> bytes | None:
    """The regime's fields as widgets; the JSON they make once "Kiểm tra" is pressed (kept until written)."""
    metric_names = questions.metric_names()
    registry = questions.units()
    provinces = registry[registry["level"] == "province"]
    province_names = {
        str(u): _era_name(n, t) for u, n, t in provinces[["unit_id", "name", "valid_to"]].itertuples(index=False)
    }
    with st.form("regime_form"):
        left, right = st.columns(2)
        regime_id = left.text_input("Mã chế độ (regime_id: chữ thường không dấu, số, -, _)", key="rf_id")
        name = right.text_input("Tên chế độ báo cáo (name)", key="rf_name")
        basis = left.text_input("Căn cứ (legal_basis), ví dụ Quyết định số 12/QĐ-UBND", key="rf_basis")
        basis_date = right.date_input("Ngày ban hành (legal_basis_date)", key="rf_basis_date", format="DD/MM/YYYY")
        frequency = left.selectbox("Kỳ báo cáo (frequency)", list(FREQUENCY_LABELS), key="rf_frequency",
                                   format_func=FREQUENCY_LABELS.__getitem__)  # fmt: skip
        first = right.text_input(
            "Kỳ đầu tiên (first_period): 2026-Q1; 2026-H1 nếu 6 tháng; 2026 nếu hằng năm", key="rf_first"
        )
        cutoff = left.selectbox("Chốt số liệu (cutoff)", list(CUTOFF_LABELS), key="rf_cutoff",
                                format_func=CUTOFF_LABELS.__getitem__)  # fmt: skip
        days = right.number_input("Hạn nộp: số ngày sau ngày chốt số liệu (deadline_days)", 0, 366, 6, key="rf_days")
        metrics = st.multiselect("Chỉ tiêu phải báo cáo (metrics)", list(metric_names), key="rf_metrics",
                                 format_func=metric_names.__getitem__, placeholder="Chọn chỉ tiêu")  # fmt: skip
        province = st.selectbox("Mọi xã, phường của tỉnh/thành (province)", ["", *province_names], key="rf_province",
                                format_func=lambda p: province_names.get(p, NO_PROVINCE_CHOICE))  # fmt: skip
        current = registry[registry["valid_to"].isna()]  # today's units: a list of thousands stays a few hundred KB
        unit_names = dict(zip(current["unit_id"], current["name"], strict=True))
        units = st.multiselect("Hoặc danh sách đơn vị (units)", list(unit_names), key="rf_units",
                               format_func=lambda u: f"{unit_names[u]} ({u})", placeholder="Chọn đơn vị")  # fmt: skip
        if st.form_submit_button("Kiểm tra chế độ báo cáo"):
            data = {"regime_id": regime_id.strip(), "name": name, "legal_basis": basis,
                    "legal_basis_date": basis_date.isoformat() if isinstance(basis_date, dt.date) else "",
                    "frequency": frequency, "first_period": first.strip(), "cutoff": cutoff,
                    "deadline_days": int(days), "metrics": metrics, "units": units}  # fmt: skip
            if province:
                data["province"] = province
            st.session_state[FORM_DRAFT] = json.dumps(data, ensure_ascii=False).encode()
    draft = st.session_state.get(FORM_DRAFT)
    return draft if isinstance(draft, bytes) else None


def _era_name(name: str, valid_to: object) -> str:
    """ "Tỉnh Lai Châu (đến 30/06/2025)" for a province that ended, its name alone for one that exists."""
    ended = valid_to is not None and not formats.is_missing(valid_to)  # NaT is a datetime: test for missing first
    return f"{name} (đến {formats.format_date(valid_to)})" if ended else name  # type: ignore[arg-type]


def _st_check_and_write(store: Store, account: Account, data: bytes, file_name: str, key: str) -> None:
    """Check a regime, say what it is, and write it when "Ghi chế độ báo cáo" is pressed."""
    try:
        regime = book.read_regime_file(store, data, file_name)
    except RegimeError as exc:
        st.error(md_text(exc.message))  # it quotes the file's own values
        return
    reach = f"mọi xã, phường của {regime.province}" if regime.province else f"{len(regime.units)} đơn vị"
    st.info(f"**{md_text(regime.name)}** · {FREQUENCY_LABELS[regime.frequency]} từ {regime.first_period} · "
            f"{len(regime.metrics)} chỉ tiêu · {reach} · "
            f"hạn nộp {regime.deadline_days} ngày sau ngày chốt số liệu")  # fmt: skip
    if st.button("Ghi chế độ báo cáo", key=f"regime_commit_{key}", type="primary"):
        try:
            replaced = writes.define_regime(store, account.name, regime)
        except writes.WriteRefused as refused:
            st.error(refused.message)
            return
        st.session_state["regime_saved"] = (
            f"Đã {'cập nhật' if replaced else 'thêm'} chế độ báo cáo “{md_text(regime.name)}”."
        )
        st.session_state["regime_file_turn"] = st.session_state.get("regime_file_turn", 0) + 1
        st.session_state.pop(FORM_DRAFT, None)
        st.session_state.pop("reporting_regime", None)  # the picker opens on the regime just written
        st.query_params["che_do"] = regime.regime_id
        st.rerun()


def st_saved_notice() -> None:
    """The message a regime write left for the run after it."""
    saved = st.session_state.pop("regime_saved", None)
    if saved:
        st.success(saved)


@question
def due_for(store: Store, units: tuple[str, ...] | None, day: dt.date) -> list[book.Due]:
    """What these units still owe (None: every unit), kept per data version and day."""
    return book.due_for(store, None if units is None else set(units), day)


def prefill_rows(items: list[book.Due]) -> list[Prefilled]:
    """The template rows for these reports: each unit's missing metrics (a returned report: all) for its cycle."""
    rows: list[Prefilled] = []
    for item in items:
        start = item.cycle.period_start
        quarter = part_cell(item.cycle)
        owed = item.status.missing_metrics or (item.regime.metrics if item.status.status is Status.RETURNED else ())
        rows += [Prefilled(item.status.unit_id, item.status.unit_name, item.status.province_name, start.year,
                           quarter, metric) for metric in owed]  # fmt: skip
    return rows


def st_my_reports(store: Store, account: Account) -> None:
    """ "Báo cáo của đơn vị tôi": what this editor's units still owe, by when, and a template pre-filled for it."""
    st.subheader("Báo cáo của đơn vị tôi")
    if not regimes():
        st.caption("Chưa có chế độ báo cáo nào: tải lên số liệu khi được yêu cầu.")
        return
    units = None if account.role == Role.ADMIN or not account.units else tuple(sorted(account.units))
    if units is None:
        st.caption("Tài khoản này không giới hạn đơn vị: tình hình của mọi đơn vị ở trang “Tình hình nộp báo cáo”.")
        return
    owed = due_for(units, today())
    if not owed:
        st.success("Các đơn vị của bạn đã nộp đủ mọi báo cáo đến hạn.")
        return
    names = questions.metric_names()
    overdue = sum(1 for d in owed if d.status.overdue)
    if overdue:
        st.warning(f"{formats.format_number(overdue)} báo cáo đã quá hạn mà chưa nộp đủ.")
    for item in (d for d in owed if d.status.status is Status.RETURNED):
        st.error(f"**Bị trả lại** — {md_text(item.status.unit_name)}, {md_text(item.regime.name)}, {item.cycle.label}: "
                 f"“{md_text(item.status.review_comment or '')}”. Hãy sửa và tải lên lại tệp đã sửa.")  # fmt: skip
    st.dataframe(views.due_table(owed, names), hide_index=True, width="stretch")
    cycles_owed = {(d.regime.regime_id, d.cycle.key): d for d in owed}

    def owed_label(key: tuple[str, str]) -> str:
        return f"{cycles_owed[key].regime.name} — {cycles_owed[key].cycle.label}"

    choice = st.selectbox("Mẫu điền sẵn cho", list(cycles_owed), key="my_reports_cycle", format_func=owed_label)
    if choice is None:
        return
    chosen = [d for d in owed if (d.regime.regime_id, d.cycle.key) == choice]
    regime, cycle = chosen[0].regime, chosen[0].cycle
    st.download_button(
        "⬇ Mẫu Excel đã điền sẵn đơn vị, kỳ và chỉ tiêu còn thiếu",
        lambda: template_xlsx(queries.units(store).loc[lambda u: u["unit_id"].isin(units)], queries.metrics(store),
                              prefill=prefill_rows(chosen)),  # fmt: skip
        file_name=f"mau-{regime.regime_id}-{cycle.key}.xlsx", mime=XLSX.mime, key="my_reports_template",
        on_click="ignore",
    )  # fmt: skip


def st_reminder_badge(account: Account | None) -> None:
    """(editors limited to units) A sidebar line when their units owe a report overdue or due within a week."""
    if account is None or account.role != Role.EDITOR or not account.units or not regimes():
        return
    day = today()
    owed = book.owed_soon(due_for(tuple(sorted(account.units)), day), day)
    if owed:
        late = sum(1 for d in owed if d.status.overdue)
        when = "quá hạn" if late == len(owed) else "quá hạn hoặc sắp đến hạn"
        st.sidebar.warning(
            f"{formats.format_number(len(owed))} báo cáo của đơn vị bạn {when}: xem “Tải lên số liệu”.",
            icon=":material/schedule:",  # Streamlit's own icon font: an emoji may lack a font on the intranet PC
        )


# Cell tints by status (light Okabe–Ito hues; the words stay, so colour is never the only cue).
STATUS_TINTS = {
    Status.MISSING: "#f9d9c8", Status.PARTIAL: "#fbeec2", Status.LATE: "#f3e0b5", Status.ON_TIME: "#d5ecdf",
    Status.RETURNED: "#f6d0d6", Status.PENDING: "#e4e2f3", Status.APPROVED: "#c9e7d3",
}  # fmt: skip
STYLED_CELLS = 20_000  # past this a plain table: styling every cell of a national grid costs seconds


def tinted(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame | Styler:
    """``frame`` with its status ``columns`` tinted by status, or as it is when it is too large to style."""
    if frame.empty or len(frame) * len(columns) > STYLED_CELLS:
        return frame

    def tint(value: object) -> str:
        text = str(value)
        if NOT_DUE_MARK in text:  # not due yet: nothing to flag
            return ""
        colour = next((c for s, c in STATUS_TINTS.items() if text.startswith(STATUS_LABELS[s])), None)
        return f"background-color: {colour}" if colour else ""

    return frame.style.map(tint, subset=columns)
