"""A regime's cycles: for each period, the data it covers (cut-off), its deadline, its label.

Times are Asia/Ho_Chi_Minh: a deadline is the end of its day there, whatever the server's zone.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from danvan_metrics.core.formats import format_date
from danvan_metrics.ingest.periods import HALF_LABELS, half_of
from danvan_metrics.reporting.regimes import Cutoff, Frequency, Regime

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_HALF = re.compile(r"^(\d{4})-H([12])$")
PARTS = {Frequency.QUARTERLY: 4, Frequency.HALF_YEARLY: 2}  # cycles in a year (a yearly regime: one, no part)
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True, slots=True)
class Cycle:
    """One reporting cycle of a regime."""

    key: str  # "2026-Q1", "2026-H1", "2026"
    label: str  # "Quý 1/2026", "6 tháng đầu năm 2026", "Năm 2026"
    period_start: dt.date  # the calendar period the report is for
    period_end: dt.date
    data_start: dt.date  # the figures it covers (the cut-off)
    data_end: dt.date
    deadline: dt.datetime  # aware, Asia/Ho_Chi_Minh: the end of the deadline day

    @property
    def data_label(self) -> str:
        """ "số liệu 15/12/2025–14/03/2026" when the cut-off is not the calendar period, else ""."""
        if (self.data_start, self.data_end) == (self.period_start, self.period_end):
            return ""
        return f"số liệu {format_date(self.data_start)}–{format_date(self.data_end)}"

    @property
    def deadline_date(self) -> dt.date:
        return self.deadline.date()


def parse_period(key: str, frequency: Frequency) -> tuple[int, int | None]:
    """(year, part) of "2026-Q1" (quarterly: part 1–4), "2026-H1" (half-yearly: 1–2) or (year, None) of
    "2026" (yearly).

    Raises:
        ValueError: not a period of that frequency.
    """
    if frequency is Frequency.QUARTERLY and (match := _QUARTER.match(key.strip())):
        return int(match.group(1)), int(match.group(2))
    if frequency is Frequency.HALF_YEARLY and (match := _HALF.match(key.strip())):
        return int(match.group(1)), int(match.group(2))
    if frequency is Frequency.YEARLY and (match := _YEAR.match(key.strip())):
        return int(match.group(1)), None
    raise ValueError(key)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


def cycle_of(regime: Regime, year: int, quarter: int | None) -> Cycle:
    """The cycle of ``regime`` for a year, or one of its parts (a quarter, or a half for a half-yearly regime).

    Decree 09/2019 (Art. 12) sets the same cut-off for a half-year as for a quarter: from the 15th of the
    month before the period to the 14th of its last month (15/12/2025–14/06/2026 for the first half of 2026).
    """
    if quarter is None:
        start, end, key, label = dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}", f"Năm {year}"
    elif regime.frequency is Frequency.HALF_YEARLY:
        start, end, label = half_of(year, quarter)
        key = f"{year}-H{quarter}"
    else:
        first_month = 3 * quarter - 2
        start, end = dt.date(year, first_month, 1), _month_end(year, 3 * quarter)
        key, label = f"{year}-Q{quarter}", f"Quý {quarter}/{year}"
    if regime.cutoff is Cutoff.DECREE_09:
        before = start - dt.timedelta(days=1)  # the last day of the month before the period
        data_start, data_end = dt.date(before.year, before.month, 15), dt.date(end.year, end.month, 14)
    else:
        data_start, data_end = start, end
    last_day = data_end + dt.timedelta(days=regime.deadline_days)
    deadline = dt.datetime.combine(last_day, dt.time(23, 59, 59), tzinfo=VIETNAM)
    return Cycle(key, label, start, end, data_start, data_end, deadline)


def part_cell(cycle: Cycle) -> int | str | None:
    """What the upload file's quarter cell says for this cycle: 1–4, "6 tháng đầu năm", or empty (a year)."""
    if cycle.key == str(cycle.period_start.year):
        return None
    if "-H" in cycle.key:
        return HALF_LABELS[int(cycle.key[-1])]
    return (cycle.period_start.month - 1) // 3 + 1


def cycles(regime: Regime, today: dt.date, ahead: int = 0) -> list[Cycle]:
    """Every cycle from the regime's first period to the one under way on ``today`` (and ``ahead`` more).

    Newest first, as the status page lists them.
    """
    year, quarter = parse_period(regime.first_period, regime.frequency)
    found: list[Cycle] = []
    while True:
        cycle = cycle_of(regime, year, quarter)
        if cycle.period_start > today:
            if ahead <= 0:
                break
            ahead -= 1
        found.append(cycle)
        if quarter is None:
            year += 1
        else:
            year, quarter = (year + 1, 1) if quarter == PARTS[regime.frequency] else (year, quarter + 1)
        if len(found) > 400:  # a century of quarters: a first period typed wrong, not a real regime
            break
    return found[::-1]


def find_cycle(regime: Regime, key: str) -> Cycle:
    """The cycle a key names ("2026-Q1", "2026-H1", "2026").

    Raises:
        ValueError: not a period of the regime's frequency.
    """
    year, quarter = parse_period(key, regime.frequency)
    return cycle_of(regime, year, quarter)
