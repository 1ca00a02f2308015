"""The data model: the curated tables' columns and types, and the records built from them.

One place declares every column and its DuckDB type, so loading never sniffs types and
the checker, the store and the dump agree on what a file must hold.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import pandas as pd

# Column name -> DuckDB type, in file order. Text columns are VARCHAR; empty cells are NULL.
UNIT_COLUMNS: dict[str, str] = {
    "unit_id": "VARCHAR",
    "official_code": "VARCHAR",
    "name": "VARCHAR",
    "short_name": "VARCHAR",
    "kind": "VARCHAR",
    "level": "VARCHAR",
    "parent_id": "VARCHAR",
    "valid_from": "DATE",
    "valid_to": "DATE",
    "variants": "VARCHAR",
}

METRIC_COLUMNS: dict[str, str] = {
    "metric_id": "VARCHAR",
    "name_vi": "VARCHAR",
    "name_en": "VARCHAR",
    "category": "VARCHAR",
    "unit": "VARCHAR",
    "kind": "VARCHAR",
    "direction": "VARCHAR",
    "numerator_label": "VARCHAR",
    "denominator_label": "VARCHAR",
    "target": "DOUBLE",
    "decimals": "INTEGER",
    "description": "VARCHAR",
}

SOURCE_COLUMNS: dict[str, str] = {
    "source_id": "VARCHAR",
    "title": "VARCHAR",
    "publisher": "VARCHAR",
    "published": "DATE",
    "doc_kind": "VARCHAR",
    "unit_id": "VARCHAR",
    "file": "VARCHAR",
    "author": "VARCHAR",
}

OBSERVATION_COLUMNS: dict[str, str] = {
    "unit_id": "VARCHAR",
    "metric_id": "VARCHAR",
    "period_start": "DATE",
    "period_end": "DATE",
    "period_label": "VARCHAR",
    "value": "DOUBLE",
    "qualifier": "VARCHAR",
    "numerator": "DOUBLE",
    "denominator": "DOUBLE",
    "value_text": "VARCHAR",
    "source_id": "VARCHAR",
    "source_quote": "VARCHAR",
    "note": "VARCHAR",
}

CURATED_FILES: dict[str, dict[str, str]] = {
    "units.csv": UNIT_COLUMNS,
    "metrics.csv": METRIC_COLUMNS,
    "sources.csv": SOURCE_COLUMNS,
    "observations.csv": OBSERVATION_COLUMNS,
}

# The contract of `dump`: these columns first, in this order (later issues append).
DUMP_COLUMNS: list[str] = [
    "unit_id",
    "unit_name",
    "metric_id",
    "metric_name",
    "period_start",
    "period_end",
    "period_label",
    "value",
    "qualifier",
    "numerator",
    "denominator",
    "unit_of_measure",
    "source_id",
    "source_quote",
]


UPLOAD_SOURCE_PREFIX = "upload:"  # an upload's source id: "upload:U20260103-0830-ab12"


class Qualifier(StrEnum):
    """How a figure relates to the true value: exact, a bound, or an estimate."""

    EQ = "="
    GE = ">="
    GT = ">"
    APPROX = "~"
    LE = "<="
    LT = "<"


QUALIFIERS: frozenset[str] = frozenset(q.value for q in Qualifier)


class MetricKind(StrEnum):
    """Counts and amounts add up over time; stocks are states at a date; rates come from parts."""

    COUNT = "count"
    AMOUNT = "amount"
    RATE = "rate"
    STOCK = "stock"


class Measure(StrEnum):
    """How a unit of measure is written and drawn: the one place that tells "%" from "triệu đồng"."""

    PERCENT = "percent"  # "91,94%" (no space), axes from 0 to 100, differences in "điểm %"
    QUANTITY = "quantity"  # "15.590 triệu đồng", "4.941 lượt": a number, a space, the unit


PERCENT_SIGN = "%"


def measure_of(unit: str) -> Measure:
    """The `Measure` of a catalog unit of measure."""
    return Measure.PERCENT if unit.strip() == PERCENT_SIGN else Measure.QUANTITY


class Direction(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"
    NEUTRAL = "neutral"


LEVELS: frozenset[str] = frozenset({"province", "district", "commune"})


@dataclass(frozen=True, slots=True)
class Metric:
    """One catalog entry: names, category, unit of measure, kind, direction, rate parts."""

    metric_id: str
    name_vi: str
    name_en: str
    category: str
    unit: str
    kind: MetricKind
    direction: Direction
    numerator_label: str | None = None
    denominator_label: str | None = None
    target: float | None = None
    decimals: int = 0
    description: str = ""

    @property
    def is_rate(self) -> bool:
        return self.kind is MetricKind.RATE

    @property
    def measure(self) -> Measure:
        return measure_of(self.unit)

    @property
    def is_percent(self) -> bool:
        """Written "91,94%" and drawn on a 0–100 axis."""
        return self.measure is Measure.PERCENT

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Metric:
        def text(key: str) -> str | None:
            value = row.get(key)
            return None if value is None or _is_missing(value) else str(value)

        target = row.get("target")
        return cls(
            metric_id=str(row["metric_id"]),
            name_vi=str(row["name_vi"]),
            name_en=str(row["name_en"]),
            category=str(row["category"]),
            unit=str(row["unit"]),
            kind=MetricKind(row["kind"]),
            direction=Direction(row["direction"]),
            numerator_label=text("numerator_label"),
            denominator_label=text("denominator_label"),
            target=None if target is None or _is_missing(target) else float(target),
            decimals=int(row.get("decimals") or 0),
            description=text("description") or "",
        )


@dataclass(frozen=True, slots=True)
class Period:
    """A closed date interval; two figures are comparable only over the same one."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends before it starts: {self.start} > {self.end}")

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse ``2022-01-01..2022-09-30`` (the form used in URLs and on the command line)."""
        start, sep, end = text.partition("..")
        if not sep:
            raise ValueError(f"not a period (expected START..END): {text!r}")
        return cls(dt.date.fromisoformat(start.strip()), dt.date.fromisoformat(end.strip()))

    def key(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


def _is_missing(value: Any) -> bool:
    """True for None, NaN, pandas' NA and NaT: the ways an empty cell arrives."""
    return value is None or bool(pd.isna(value))


# The registry's successor links (data/registry/links.csv): old unit → new unit across the 2025 reform.
LINK_COLUMNS: dict[str, str] = {
    "old_id": "VARCHAR",
    "new_id": "VARCHAR",
    "kind": "VARCHAR",
    "in_convert": "BOOLEAN",
    "in_dvhcvn": "BOOLEAN",
    "disputed": "BOOLEAN",
}
