"""Reporting regimes (chế độ báo cáo): who must report which metrics, for which periods, by when.

Decree 09/2019/NĐ-CP makes every regime state its content, who reports and receives,
how, how often, its data cut-off and its deadline; provinces issue their own on top. A regime here
holds exactly those parts that a dashboard can check. It is written as JSON (an admin loads it in
the app or with ``python -m danvan_metrics cycles define``; ``examples/che-do-bao-cao-MAU.json`` is
an invented sample) and kept in the system of record.

The default cut-off follows Decree 09/2019's data cut-off for periodic reports: a quarter's figures run from the 15th of
the month before the quarter to the 14th of its last month (a year's from 15 December of the year
before to 14 December). ``"cutoff": "calendar"`` takes the calendar period instead. The deadline
is the regime's own: ``deadline_days`` after the cut-off's last day, at the end of that day in
Asia/Ho_Chi_Minh time.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

REGIME_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class Frequency(StrEnum):
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half-yearly"
    YEARLY = "yearly"


FREQUENCY_LABELS = {Frequency.QUARTERLY: "hằng quý", Frequency.HALF_YEARLY: "6 tháng", Frequency.YEARLY: "hằng năm"}
PERIOD_EXAMPLES = {Frequency.QUARTERLY: "2026-Q1", Frequency.HALF_YEARLY: "2026-H1", Frequency.YEARLY: "2026"}


class Cutoff(StrEnum):
    DECREE_09 = "decree-09"  # 15th of the month before the period … 14th of its last month
    CALENDAR = "calendar"  # the calendar quarter or year


CUTOFF_LABELS = {
    Cutoff.DECREE_09: "theo Nghị định 09/2019/NĐ-CP (từ ngày 15 tháng trước kỳ đến ngày 14 tháng cuối kỳ)",
    Cutoff.CALENDAR: "theo kỳ dương lịch",
}


class RegimeError(ValueError):
    """A regime file that cannot be used; ``message`` (Vietnamese) names the file and the field."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Regime:
    """One reporting regime, as its JSON file states it."""

    regime_id: str
    name: str
    legal_basis: str  # "Quyết định số 123/QĐ-UBND"
    legal_basis_date: dt.date
    metrics: tuple[str, ...]
    frequency: Frequency
    first_period: str  # the first cycle: "2026-Q1", "2026-H1" or "2026"
    deadline_days: int  # days after the cut-off's last day
    cutoff: Cutoff = Cutoff.DECREE_09
    province: str | None = None  # every commune of this province …
    units: tuple[str, ...] = ()  # … or exactly these units
    reviewers: tuple[str, ...] = ()
    sample: bool = False  # an invented example: every page that shows it says so
    note: str = ""

    def to_json(self) -> str:
        """The regime as the record keeps it (and as a file would hold it)."""
        data: dict[str, Any] = {
            "regime_id": self.regime_id, "name": self.name, "legal_basis": self.legal_basis,
            "legal_basis_date": self.legal_basis_date.isoformat(), "metrics": list(self.metrics),
            "frequency": str(self.frequency), "first_period": self.first_period,
            "deadline_days": self.deadline_days, "cutoff": str(self.cutoff),
        }  # fmt: skip
        if self.province:
            data["province"] = self.province
        if self.units:
            data["units"] = list(self.units)
        if self.reviewers:
            data["reviewers"] = list(self.reviewers)
        if self.sample:
            data["sample"] = True
        if self.note:
            data["note"] = self.note
        return json.dumps(data, ensure_ascii=False, indent=2)


def _text(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RegimeError(f"{where}: thiếu trường “{key}” (một chuỗi chữ).")
    return value.strip()


def _list(data: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RegimeError(f'{where}: trường “{key}” phải là một danh sách mã, ví dụ ["ma_1", "ma_2"].')
    return tuple(v.strip() for v in value)


def parse_regime(text: str, file_name: str, known_metrics: set[str] | None, known_units: set[str] | None) -> Regime:
    """The regime a JSON file states, checked against the catalog and the registry (None: not checked,
    for a definition the record already holds).

    Raises:
        RegimeError: not JSON, a field missing or wrong, a metric or unit that does not exist.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RegimeError(f"Tệp {file_name}: không đọc được JSON (dòng {exc.lineno}, cột {exc.colno}).") from exc
    if not isinstance(data, dict):
        raise RegimeError(f"Tệp {file_name}: cần một đối tượng JSON {{…}} mô tả một chế độ báo cáo.")
    where = f"Tệp {file_name}"
    regime_id = _text(data, "regime_id", where)
    if not REGIME_ID.match(regime_id):
        raise RegimeError(f"{where}: “regime_id” chỉ gồm chữ thường không dấu, số, “-” và “_” (tối đa 64 ký tự).")
    try:
        frequency = Frequency(data.get("frequency", ""))
    except ValueError:
        raise RegimeError(
            f"{where}: “frequency” phải là “quarterly” (hằng quý), “half-yearly” (6 tháng) hoặc “yearly” (hằng năm)."
        ) from None
    try:
        cutoff = Cutoff(data.get("cutoff", Cutoff.DECREE_09))
    except ValueError:
        raise RegimeError(f"{where}: “cutoff” phải là “decree-09” hoặc “calendar”.") from None
    try:
        basis_date = dt.date.fromisoformat(_text(data, "legal_basis_date", where))
    except ValueError:
        raise RegimeError(f"{where}: “legal_basis_date” phải là ngày dạng NNNN-TT-NN, ví dụ 2026-01-15.") from None
    first = _text(data, "first_period", where)
    from danvan_metrics.reporting.cycles import parse_period  # cycles builds on this module

    try:
        parse_period(first, frequency)
    except ValueError:
        raise RegimeError(
            f"{where}: “first_period” “{first}” không phải một kỳ {FREQUENCY_LABELS[frequency]}, "
            f"ví dụ {PERIOD_EXAMPLES[frequency]}."
        ) from None
    days = data.get("deadline_days")
    if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 366:
        raise RegimeError(f"{where}: “deadline_days” phải là số ngày sau ngày chốt số liệu (0–366).")
    metrics = _list(data, "metrics", where)
    if not metrics:
        raise RegimeError(f"{where}: “metrics” cần ít nhất một mã chỉ tiêu.")
    unknown = [m for m in metrics if known_metrics is not None and m not in known_metrics]
    if unknown:
        raise RegimeError(f"{where}: chỉ tiêu không có trong danh mục: {', '.join(unknown)}.")
    province = data.get("province")
    units = _list(data, "units", where)
    if (province is None) == (not units):
        raise RegimeError(
            f"{where}: cần đúng một trong hai trường “province” (mọi xã của tỉnh) hoặc “units” (danh sách)."
        )
    if province is not None and (
        not isinstance(province, str) or (known_units is not None and province not in known_units)
    ):
        raise RegimeError(f"{where}: “province” “{province}” không có trong danh mục đơn vị.")
    missing_units = [u for u in units if known_units is not None and u not in known_units]
    if missing_units:
        raise RegimeError(f"{where}: đơn vị không có trong danh mục: {', '.join(missing_units[:10])}.")
    return Regime(
        regime_id=regime_id, name=_text(data, "name", where), legal_basis=_text(data, "legal_basis", where),
        legal_basis_date=basis_date, metrics=metrics, frequency=frequency, first_period=first,
        deadline_days=days, cutoff=cutoff, province=province, units=units,
        reviewers=_list(data, "reviewers", where), sample=bool(data.get("sample", False)),
        note=str(data.get("note", "")).strip(),
    )  # fmt: skip
