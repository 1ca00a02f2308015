"""Tables as a reader sees them: figures, the compare table, logs, labels. Pure: no Streamlit calls.

Each takes query rows and returns a frame with Vietnamese headers and Vietnamese number formats.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from danvan_metrics.core import messages
from danvan_metrics.core.dates import REFORM_DAY
from danvan_metrics.core.formats import format_date, format_datetime, format_figure, format_measure, format_parts
from danvan_metrics.core.model import Metric
from danvan_metrics.figures.charts import parts_noun
from danvan_metrics.figures.charts.labels import pending_flags
from danvan_metrics.figures.groups import GroupStats


def figures_table(frame: pd.DataFrame, with_unit: bool = False) -> pd.DataFrame:
    """Figure rows as a reader sees them: formatted value with qualifier, parts, period, source, quote."""
    columns: dict[str, Any] = {}
    if with_unit:
        columns["Đơn vị"] = frame["unit_name"]
    columns |= {
        "Chỉ tiêu": frame["metric_name"],
        "Số liệu": [
            format_figure(v, u, int(d), q)
            for v, u, d, q in zip(
                frame["value"], frame["unit_of_measure"], frame["decimals"], frame["qualifier"], strict=True
            )
        ],
        "Tử số/mẫu số": [format_parts(n, d) for n, d in zip(frame["numerator"], frame["denominator"], strict=True)],
        "Kỳ số liệu": frame["period_label"],
    }
    waiting = pending_flags(frame)
    if any(waiting):  # shown only when asked for, and then on every such row
        columns["Tình trạng duyệt"] = ["chưa duyệt" if w else "" for w in waiting]
    columns |= {
        "Nguồn": [
            f"{t} ({format_date(p)})" for t, p in zip(frame["source_title"], frame["source_published"], strict=True)
        ],
        "Trích dẫn nguyên văn": frame["source_quote"],
    }
    return pd.DataFrame(columns)


def unit_validity(unit: pd.Series) -> str:
    """When a unit existed, in words: "đến 30/06/2025" for units dissolved by the 2025 reform."""
    start, end = unit.get("valid_from"), unit.get("valid_to")
    has_start, has_end = start is not None and not pd.isna(start), end is not None and not pd.isna(end)
    if has_start and has_end:
        return f"tồn tại {format_date(start)}–{format_date(end)}"
    if has_end:
        return f"đơn vị hành chính đến {format_date(end)}"
    if has_start:
        return f"từ {format_date(start)}"
    return ""


def compare_table(frame: pd.DataFrame, metric: Metric, stats: GroupStats | None) -> pd.DataFrame:
    """The compare chart's rows as a table: figure, case count, period, rank and gaps, source, quote."""
    noun = parts_noun(metric)
    table = pd.DataFrame(
        {
            "Đơn vị": frame["unit_name"],
            "Số liệu": [
                format_figure(v, metric.unit, metric.decimals, q)
                for v, q in zip(frame["value"], frame["qualifier"], strict=True)
            ],
            "Tử số/mẫu số": [
                format_parts(n, d, noun) for n, d in zip(frame["numerator"], frame["denominator"], strict=True)
            ],
            "Kỳ số liệu": frame["period_label"],
        }
    )
    waiting = pending_flags(frame)
    if any(waiting):  # shown only when asked for, and then on every such row
        table["Tình trạng duyệt"] = ["chưa duyệt" if w else "" for w in waiting]
    if stats is not None:
        table["Hạng"] = [f"{r}/{stats.n}" for r in frame["rank"]]
        table["So với tốt nhất"] = [_signed(g, metric) for g in frame["gap_best"]]
        table["So với trung vị"] = [_signed(g, metric) for g in frame["gap_median"]]
    table["Nguồn"] = [
        f"{t} ({format_date(p)})" for t, p in zip(frame["source_title"], frame["source_published"], strict=True)
    ]
    table["Trích dẫn nguyên văn"] = frame["source_quote"]
    return table


def _signed(gap: float, metric: Metric) -> str:
    """A gap as "+1,20 điểm %" / "−3 lượt": positive means better than the reference."""
    if pd.isna(gap) or abs(gap) < 10.0 ** (-metric.decimals) / 2:
        return "0"
    unit = "điểm %" if metric.is_percent else metric.unit
    sign = "+" if gap > 0 else "−"
    return f"{sign}{format_measure(abs(gap), unit, metric.decimals)}"


def uploads_table(log: pd.DataFrame, *, for_file: bool = False) -> pd.DataFrame:
    """The upload log as a reader sees it; ``for_file``: times as date-times a spreadsheet can sort."""
    return pd.DataFrame(
        {
            "Mã tải lên": log["upload_id"],
            "Tệp": log["file_name"],
            "Người tải": log["uploaded_by"],
            "Lúc": list(log["uploaded_at"]) if for_file else [format_datetime(t) for t in log["uploaded_at"]],
            "Thêm mới": log["rows_added"],
            "Thay thế": log["rows_replaced"],
            "Trạng thái": [
                _upload_state(s, b, t, r, rb, c)
                for s, b, t, r, rb, c in zip(
                    log["status"],
                    log["retracted_by"],
                    log["retracted_at"],
                    log["review"],
                    log["reviewed_by"],
                    log["review_comment"],
                    strict=True,
                )  # fmt: skip
            ],
        }
    )


def _upload_state(
    status: str, by: object, at: dt.datetime | None, review: object, reviewer: object, comment: object
) -> str:
    """ "đang dùng", "chờ duyệt", "đã duyệt (tinh)", "trả lại (tinh): lý do", "đã rút lại bởi … lúc …"."""
    if status != "committed":
        return f"đã rút lại bởi {by} lúc {format_datetime(at)}"
    if review == "pending":
        return "chờ duyệt"
    if review == "approved":
        return f"đã duyệt ({reviewer})"
    if review == "returned":
        return f"trả lại ({reviewer}): {comment}"
    return "đang dùng"


# The audit trail's "Chi tiết" holds whole sentences: give it the room a grid cell has.
WIDE_LAST_COLUMN = {"Chi tiết": st.column_config.TextColumn(width="large")}


def audit_table(log: pd.DataFrame, *, for_file: bool = False) -> pd.DataFrame:
    """The audit trail as a reader sees it; ``for_file``: times as date-times a spreadsheet can sort."""
    from danvan_metrics.auth.audit import ACTION_LABELS

    return pd.DataFrame(
        {
            "Lúc": list(log["happened_at"]) if for_file else [format_datetime(t) for t in log["happened_at"]],
            "Người": log["actor"],
            "Hoạt động": [ACTION_LABELS.get(a, a) for a in log["action"]],
            "Chi tiết": log["detail"].fillna(""),
        }
    )


def source_labels(sources: pd.DataFrame) -> dict[str, str]:
    """Source id → its title, "(đã rút lại)" after a retracted upload's: what the source picker shows."""
    retracted = set(sources.loc[sources["upload_status"] == "retracted", "source_id"])
    return {
        source_id: title + (f" ({messages.RETRACTED_SOURCE})" if source_id in retracted else "")
        for source_id, title in zip(sources["source_id"], sources["title"], strict=True)
    }


ERA_LABELS = {"before": f"trước {format_date(REFORM_DAY)}", "after": f"từ {format_date(REFORM_DAY)}"}


def unit_label(picker: pd.DataFrame) -> dict[str, str]:
    """Unit id → "Quận Ba Đình · Thành phố Hà Nội · trước 01/07/2025 ●" (● : has figures)."""
    return {
        row.unit_id: (
            f"{row.name} · {row.province_name} · {ERA_LABELS[row.era]}" if row.level != "province"
            else f"{row.name} · {ERA_LABELS[row.era]}"
        ) + (" ●" if row.has_figures else "")
        for row in picker.itertuples(index=False)
    }  # fmt: skip


def metric_label(catalog: pd.DataFrame) -> dict[str, str]:
    """Metric id → "Lĩnh vực · Tên chỉ tiêu", the way metric pickers show them (grouped by category)."""
    return dict(zip(catalog["metric_id"], catalog["category"] + " · " + catalog["name_vi"], strict=True))
