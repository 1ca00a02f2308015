"""The periods an upload names: a year, one of its quarters or one of its halves, with its dates and
Vietnamese label.

"Quý 2/2024" runs 01/04/2024–30/06/2024; the quarter cell may read "2", "II", "Quý 2" or "Q2",
or name a half-year ("6 tháng đầu năm", "6 tháng cuối năm", "H1", "H2": 01/01–30/06 and 01/07–31/12),
and an empty one means the whole year.
"""

from __future__ import annotations

import datetime as dt
import re

from danvan_metrics.core.text import fold_key

ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
HALF_LABELS = {1: "6 tháng đầu năm", 2: "6 tháng cuối năm"}  # as a report names them (and the template offers)
_HALF_WORDS = {"dau": 1, "cuoi": 2}


def half_of(year: int, half: int) -> tuple[dt.date, dt.date, str]:
    """The dates and label of a half-year: "6 tháng đầu năm 2026" is 01/01/2026–30/06/2026."""
    if half == 1:
        return dt.date(year, 1, 1), dt.date(year, 6, 30), f"{HALF_LABELS[1]} {year}"
    return dt.date(year, 7, 1), dt.date(year, 12, 31), f"{HALF_LABELS[2]} {year}"


def parse_half(text: str) -> int | None:
    """1 or 2 from "6 tháng đầu năm", "6 tháng cuối năm", "6T đầu năm", "H1", "H2", "nửa đầu năm"; None if
    the cell names no half-year."""
    key = fold_key(text)
    if match := re.fullmatch(r"(?:h|6\s*t|6\s*thang|nua)\s*(dau|cuoi)(?:\s*nam)?", key):
        return _HALF_WORDS[match.group(1)]
    if match := re.fullmatch(r"h\s*([12])", key):
        return int(match.group(1))
    return None


def period_in_year(year: int, cell: str) -> tuple[dt.date, dt.date, str]:
    """The period a year and its quarter cell name: a quarter, a half-year, or (empty) the whole year.

    Raises:
        ValueError: the cell names none of them.
    """
    half = parse_half(cell)
    return half_of(year, half) if half is not None else period_of(year, parse_quarter(cell))


def period_of(year: int, quarter: int | None) -> tuple[dt.date, dt.date, str]:
    """The dates and label of a year or one of its quarters."""
    if quarter is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31), f"Năm {year}"
    start = dt.date(year, 3 * quarter - 2, 1)
    end_month = 3 * quarter
    end = (dt.date(year + (end_month == 12), end_month % 12 + 1, 1)) - dt.timedelta(days=1)
    return start, end, f"Quý {quarter}/{year}"


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period just before a year, a half-year or a quarter (same length)."""
    if start.month == 1 and end.month == 12:
        return dt.date(start.year - 1, 1, 1), dt.date(start.year - 1, 12, 31)
    if (start.month, end.month) in ((1, 6), (7, 12)):
        first, last, _ = half_of(start.year - (start.month == 1), 2 if start.month == 1 else 1)
        return first, last
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
