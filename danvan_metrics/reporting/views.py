"""The status page's tables: one row per unit, counts by province, units × cycles — as a person reads them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pandas as pd

from danvan_metrics.core.formats import format_datetime
from danvan_metrics.reporting.book import Due
from danvan_metrics.reporting.cycles import Cycle
from danvan_metrics.reporting.status import FOLLOW_UP, STATUS_LABELS, Status, UnitStatus, counts, label

NO_PROVINCE = "(không thuộc tỉnh nào)"


def _names(ids: Sequence[str], metric_names: Mapping[str, str]) -> str:
    return "; ".join(metric_names.get(m, m) for m in ids)


def status_table(
    rows: Sequence[UnitStatus], metric_names: Mapping[str, str], *, for_file: bool = False
) -> pd.DataFrame:
    """One row per unit: status, what is missing, when it was sent, the deadline.

    ``for_file``: times as date-times a spreadsheet can sort, days late as numbers.
    """

    def moment(value: dt.datetime | None) -> object:
        if value is None:
            return None if for_file else ""
        return value.replace(tzinfo=None) if for_file else format_datetime(value)

    return pd.DataFrame(
        {
            "Mã đơn vị": [r.unit_id for r in rows],
            "Đơn vị": [r.unit_name for r in rows],
            "Tỉnh/thành": [r.province_name or NO_PROVINCE for r in rows],
            "Tình trạng": [label(r) for r in rows],
            "Số ngày muộn/quá hạn": [r.days_late for r in rows],
            "Chỉ tiêu còn thiếu": [_names(r.missing_metrics, metric_names) for r in rows],
            "Lý do trả lại": [r.review_comment or "" for r in rows],
            "Nộp lúc": [moment(r.submitted_at) for r in rows],
            "Hạn nộp": [moment(r.deadline) for r in rows],
        }
    )


def chosen(rows: Sequence[UnitStatus], province: str | None = None, statuses: Sequence[str] = ()) -> list[UnitStatus]:
    """The rows of one province (None or "": every province) with one of ``statuses`` (empty: any)."""
    return [r for r in rows if (not province or r.province_name == province) and (not statuses or r.status in statuses)]


def follow_up(rows: Sequence[UnitStatus]) -> list[UnitStatus]:
    """The units to chase: not reported, partly reported, returned, or late (reviewed or not) — most overdue first."""
    chased = [r for r in rows if (r.status in FOLLOW_UP and (r.overdue or r.status is Status.LATE)) or r.days_late > 0]
    return sorted(chased, key=lambda r: (-r.days_late, r.province_name or "", r.unit_name))


def province_counts(rows: Sequence[UnitStatus]) -> pd.DataFrame:
    """Per province: how many units must report, and how many have each status."""
    by_province: dict[str, list[UnitStatus]] = {}
    for row in rows:
        by_province.setdefault(row.province_name or NO_PROVINCE, []).append(row)
    records = []
    for province, members in sorted(by_province.items()):
        tally = counts(members)
        records.append({"Tỉnh/thành": province, "Số đơn vị": len(members),
                        **{STATUS_LABELS[s].capitalize(): tally[s] for s in Status}})  # fmt: skip
    return pd.DataFrame(records)


def grid(by_cycle: Sequence[tuple[Cycle, Sequence[UnitStatus]]]) -> pd.DataFrame:
    """Units × cycles (newest cycle first): each cell the unit's status in that cycle."""
    units: dict[str, tuple[str, str]] = {}
    cells: dict[str, dict[str, str]] = {}
    for cycle, rows in by_cycle:
        for row in rows:
            units.setdefault(row.unit_id, (row.unit_name, row.province_name or NO_PROVINCE))
            cells.setdefault(row.unit_id, {})[cycle.label] = label(row)
    ordered = sorted(units, key=lambda u: (units[u][1], units[u][0], u))
    frame = pd.DataFrame({"Đơn vị": [units[u][0] for u in ordered], "Tỉnh/thành": [units[u][1] for u in ordered]})
    for cycle, _ in by_cycle:
        frame[cycle.label] = [cells[u].get(cycle.label, "—") for u in ordered]  # "—": not a reporting unit then
    return frame


def due_table(items: Sequence[Due], metric_names: Mapping[str, str]) -> pd.DataFrame:
    """An editor's reports still owed: regime, cycle, deadline, unit, status, what is missing."""
    return pd.DataFrame(
        {
            "Chế độ báo cáo": [d.regime.name for d in items],
            "Kỳ": [d.cycle.label for d in items],
            "Hạn nộp": [format_datetime(d.cycle.deadline) for d in items],
            "Đơn vị": [d.status.unit_name for d in items],
            "Tình trạng": [label(d.status) for d in items],
            "Chỉ tiêu còn thiếu": [_names(d.status.missing_metrics, metric_names) for d in items],
            "Lý do trả lại": [d.status.review_comment or "" for d in items],
        }
    )
