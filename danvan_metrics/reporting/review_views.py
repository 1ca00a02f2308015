"""The review queue's tables: each upload waiting, and its figures beside the unit's previous period
and its peers, with a hint where a figure stands far from either (for the reviewer to check, not a verdict)."""

from __future__ import annotations

import pandas as pd

from danvan_metrics.core.formats import format_datetime, format_figure, format_number, is_missing

FAR = 0.5  # a figure more than half again (or half below) its previous period or its peers' median is hinted


def queue_table(queue: pd.DataFrame, regime_names: dict[str, str]) -> pd.DataFrame:
    """The uploads waiting, oldest first: id, file, who, when, regime, units, how many figures."""
    return pd.DataFrame(
        {
            "Mã tải lên": queue["upload_id"],
            "Tệp": queue["file_name"],
            "Người tải": queue["uploaded_by"],
            "Lúc": [format_datetime(t) for t in queue["uploaded_at"]],
            "Chế độ báo cáo": [regime_names.get(str(r), str(r)) for r in queue["regime_id"]],
            "Đơn vị": queue["unit_names"],
            "Số liệu": [format_number(n) for n in queue["n_figures"]],
        }
    )


def _change(value: object, against: object) -> float | None:
    if is_missing(value) or is_missing(against) or float(against) == 0:  # type: ignore[arg-type]
        return None
    return (float(value) - float(against)) / abs(float(against))  # type: ignore[arg-type]


def hint(value: object, previous: object, peer_median: object) -> str:
    """ "tăng 80% so với kỳ trước; gấp 3,2 lần trung vị" — where a figure stands far off; "" otherwise."""
    found = []
    change = _change(value, previous)
    if change is not None and abs(change) > FAR:
        found.append(f"{'tăng' if change > 0 else 'giảm'} {format_number(abs(change) * 100)}% so với kỳ trước")
    against_peers = _change(value, peer_median)
    if against_peers is not None and abs(against_peers) > FAR:
        ratio = float(value) / float(peer_median)  # type: ignore[arg-type]
        found.append(f"bằng {format_number(ratio, 1)} lần trung vị đơn vị cùng cấp")
    return "; ".join(found)


def _as_sent(written: object, formatted: str, qualifier: object) -> str:
    """The figure in Vietnamese format, its qualifier kept ("≥ 92%"); the writing beside it when it says
    more than the number ("khoảng 40 (40 lượt)")."""
    text = "" if is_missing(written) else str(written).strip()
    plain = text.replace(".", "").replace(",", "").replace(" ", "").replace("%", "").isdigit()
    qualified = not is_missing(qualifier) and str(qualifier) != "="
    return formatted if not text or plain or qualified or not formatted else f"{text} ({formatted})"


def figures_table(figures: pd.DataFrame) -> pd.DataFrame:
    """An upload's figures as the reviewer compares them (`review_queries.review_figures`)."""

    def shown(value: object, unit: str, decimals: object, qualifier: object = "=") -> str:
        places = 0 if is_missing(decimals) else int(str(decimals))
        kept = "=" if is_missing(qualifier) else str(qualifier)
        return "" if is_missing(value) else format_figure(float(str(value)), unit, places, kept)

    rows = figures.itertuples(index=False)
    records = [
        {
            "Đơn vị": r.unit_name,
            "Chỉ tiêu": r.metric_name,
            "Kỳ": r.period_label,
            "Số liệu gửi": _as_sent(
                r.value_text,
                shown(r.value, r.unit_of_measure, r.decimals, getattr(r, "qualifier", "=")),
                getattr(r, "qualifier", "="),
            ),
            "Đang dùng (sẽ được thay)": shown(r.current_value, r.unit_of_measure, r.decimals),
            "Kỳ trước": ""
            if is_missing(r.previous_period)
            else (f"{shown(r.previous_value, r.unit_of_measure, r.decimals)} ({r.previous_period})"),
            "Trung vị đơn vị cùng cấp": ""
            if not r.n_peers
            else (f"{shown(r.peer_median, r.unit_of_measure, r.decimals)} ({format_number(r.n_peers)} đơn vị)"),
            "Cần xem lại": hint(r.value, r.previous_value, r.peer_median),
        }  # fmt: skip
        for r in rows
    ]
    return pd.DataFrame(records, columns=["Đơn vị", "Chỉ tiêu", "Kỳ", "Số liệu gửi", "Đang dùng (sẽ được thay)",
                                          "Kỳ trước", "Trung vị đơn vị cùng cấp", "Cần xem lại"])  # fmt: skip
