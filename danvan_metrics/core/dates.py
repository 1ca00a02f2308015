"""Dates defined once: the 2025 reform's first day, and reading a date from whatever a frame holds."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

# The two-level local government (Resolution 202/2025/QH15) took effect on this day: units valid
# only before it are "trước 01/07/2025", units valid from it are "từ 01/07/2025".
REFORM_DAY = dt.date(2025, 7, 1)
LAST_DAY_BEFORE = REFORM_DAY - dt.timedelta(days=1)


def to_date(value: Any) -> dt.date | None:
    """A date from whatever a frame holds: date, Timestamp, ISO text, None, NaT or NaN."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, dt.datetime):  # pd.Timestamp is a datetime
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value.strip()[:10]) if value.strip() else None
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return None
    return pd.Timestamp(value).date()
