"""The periods an upload names: a year or one of its quarters, with its dates and Vietnamese label.

"Quý 2/2024" runs 01/04/2024–30/06/2024; the quarter cell may read "2", "II", "Quý 2" or "Q2",
and an empty one means the whole year.
"""

from __future__ import annotations

import datetime as dt
import re

from danvan_metrics.core.text import fold_key

ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def period_of(year: int, quarter: int | None) -> tuple[dt.date, dt.date, str]:
    """The dates and label of a year or one of its quarters."""
    if quarter is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31), f"Năm {year}"
    start = dt.date(year, 3 * quarter - 2, 1)
    end_month = 3 * quarter
    end = (dt.date(year + (end_month == 12), end_month % 12 + 1, 1)) - dt.timedelta(days=1)
    return start, end, f"Quý {quarter}/{year}"


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period just before a year or a quarter (same length)."""
    if start.month == 1 and end.month == 12:
        return dt.date(start.year - 1, 1, 1), dt.date(start.year - 1, 12, 31)
    quarter = (start.month - 1) // 3 + 1
    year, quarter = (start.year - 1, 4) if quarter == 1 else (start.year, quarter - 1)
    first, last, _ = period_of(year, quarter)
    return first, last


def parse_quarter(text: str) -> int | None:
    """1–4 from "2", "II", "Quý 2", "Q2", "quy IV"; None for an empty cell (the whole year).

    Raises:
        ValueError: not a quarter.
    """
    key = fold_key(text)
    if not key:
        return None
    key = re.sub(r"^(quy|q)\s*", "", key).strip()
    if key in ROMAN_QUARTERS:
        return ROMAN_QUARTERS[key]
    if key.isdigit() and 1 <= int(key) <= 4:
        return int(key)
    raise ValueError(key)
