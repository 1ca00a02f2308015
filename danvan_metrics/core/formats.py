"""Vietnamese formats for numbers, figures and dates, through Babel's ``vi_VN`` locale.

"91,94%", "15.590 triệu đồng", "≥ 92%", "> 650 cuộc", "15/12/2022". Plotly gets the
matching ``separators`` so axes and hovers agree with tables and cards.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd
from babel import Locale
from babel.dates import DateTimePattern
from babel.dates import parse_pattern as _parse_date_pattern
from babel.numbers import NumberPattern
from babel.numbers import parse_pattern as _parse_number_pattern

from danvan_metrics.core.model import PERCENT_SIGN, Measure, measure_of

LOCALE = "vi_VN"
# Parsed once: Babel's format_* functions parse the locale and the pattern on every call, which cost
# ~0,1 ms a number — a third of a page's run when a table shows a few thousand figures.
_VI = Locale.parse(LOCALE)
_DATE_PATTERN: DateTimePattern = _parse_date_pattern("dd/MM/yyyy")
_EXACT_DIGITS = 330
# Plotly's layout.separators: decimal mark first, then the thousands separator.
PLOTLY_SEPARATORS = ",."

QUALIFIER_SYMBOLS: dict[str, str] = {
    "=": "",
    ">=": "≥ ",
    ">": "> ",
    "~": "~ ",
    "<=": "≤ ",
    "<": "< ",
}

QUALIFIER_WORDS: dict[str, str] = {
    "=": "",
    ">=": "từ … trở lên",
    ">": "trên",
    "~": "ước đạt",
    "<=": "không quá",
    "<": "dưới",
}


def is_missing(value: Any) -> bool:
    """True for None, NaN, pandas' NA and NaT."""
    return value is None or bool(pd.isna(value))


def format_number(value: float | int | None, decimals: int = 0) -> str:
    """A number in Vietnamese notation: ``15590`` → "15.590", ``91.94`` → "91,94".

    Args:
        value: the number; missing values give an en dash.
        decimals: digits after the decimal mark (trailing zeros kept, as in the documents).
    """
    if is_missing(value):
        return "–"
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return str(value)
    if math.isinf(number):
        return "∞" if number > 0 else "-∞"
    decimals = min(max(int(decimals), 0), 12)
    # Total for every float: the default 28-digit context would raise on 1e28 and above, and one
    # stored number must never take a page down. 330 digits hold the largest double with its decimals.
    with decimal.localcontext() as context:
        context.prec = _EXACT_DIGITS
        # Half away from zero, as people round (92,5 → 93), not Babel's default half-to-even.
        exact = Decimal(repr(number)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        return _number_pattern(decimals).apply(exact, _VI)


@functools.lru_cache(maxsize=16)
def _number_pattern(decimals: int) -> NumberPattern:
    return _parse_number_pattern("#,##0" + ("." + "0" * decimals if decimals > 0 else ""))


def format_measure(value: float | int | None, unit: str = "", decimals: int = 0) -> str:
    """A number with its unit: "91,94%", "15.590 triệu đồng", "4.941 lượt"."""
    text = format_number(value, decimals)
    if not unit or text == "–":
        return text
    return f"{text}{PERCENT_SIGN}" if measure_of(unit) is Measure.PERCENT else f"{text} {unit}"


def figure_decimals(value: float | int | None, decimals: int = 0) -> int:
    """The decimals a figure shows: its own, no more and no fewer, rounded past ``max(decimals, 2)``.

    15590,5 in a 0-decimal catalog keeps its ",5" (not "15.591"); 100 in a 2-decimal one reads
    "100%", not "100,00%" beside "91,94%"; 217/236 = 91,949… reads "91,95".
    """
    cap = max(int(decimals), 2)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return 0
    if not math.isfinite(number):
        return 0
    with decimal.localcontext() as context:
        context.prec = _EXACT_DIGITS
        text = str(Decimal(repr(abs(number))).quantize(Decimal(1).scaleb(-cap), rounding=ROUND_HALF_UP))
    fraction = text.partition(".")[2].rstrip("0")
    return len(fraction)


def format_figure(value: float | int | None, unit: str = "", decimals: int = 0, qualifier: str | None = "=") -> str:
    """A figure as a reader must see it, qualifier kept: "≥ 92%", "> 650 cuộc", "15.590,5 triệu đồng".

    ``decimals`` is the catalog's; the figure shows the decimals it has (`figure_decimals`).
    """
    symbol = QUALIFIER_SYMBOLS.get(qualifier or "=", "")
    text = format_measure(value, unit, figure_decimals(value, decimals))
    return text if text == "–" else f"{symbol}{text}"


def format_parts(numerator: float | None, denominator: float | None, what: str = "") -> str:
    """The case count a rate rests on: "217/236 đơn"; empty when the parts are unknown."""
    if is_missing(numerator) or is_missing(denominator):
        return ""
    parts = f"{format_number(numerator)}/{format_number(denominator)}"
    return f"{parts} {what}".strip()


def format_date(value: dt.date | dt.datetime | str | None) -> str:
    """dd/mm/yyyy, the way Vietnamese documents write dates."""
    if value is None or (not isinstance(value, str) and is_missing(value)):
        return "–"
    day: dt.date
    if isinstance(value, str):
        day = dt.date.fromisoformat(value[:10])
    elif isinstance(value, pd.Timestamp):
        day = value.date()
    else:
        day = value
    return _DATE_PATTERN.apply(day, _VI)


def format_datetime(value: dt.datetime | None) -> str:
    """dd/mm/yyyy HH:MM for times such as "data last updated"."""
    if value is None or is_missing(value):
        return "–"
    return f"{format_date(value)} {value:%H:%M}"


def plotly_number_format(decimals: int) -> str:
    """The d3 format Plotly uses for axes and hovers; with ``PLOTLY_SEPARATORS`` it prints Vietnamese."""
    return f",.{decimals}f"


def plotly_tick_format(step: float) -> str:
    """The d3 format for an axis whose ticks are ``step`` apart: no more decimals than the step has.

    25 → ",.0f" ("0", "25", "100"), 2.5 → ",.1f" ("2,5"), 0.25 → ",.2f": a tick never reads "90,00".
    """
    for decimals in range(0, 7):
        if abs(round(step, decimals) - step) < 1e-9 * max(1.0, abs(step)):
            return plotly_number_format(decimals)
    return plotly_number_format(6)
