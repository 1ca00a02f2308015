"""The regimes the record holds, and a cycle's status read from the read store."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import sqlalchemy as sa

from danvan_metrics.ingest.issues import ParsedRow
from danvan_metrics.record import schema, transactions
from danvan_metrics.reporting.cycles import PARTS, VIETNAM, Cycle, cycle_of, cycles, find_cycle
from danvan_metrics.reporting.regimes import Regime, RegimeError, parse_regime
from danvan_metrics.reporting.status import OWED, UnitStatus, statuses
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store

SOON_DAYS = 7  # a reminder names what is overdue and what falls due within this many days


@dataclass(frozen=True, slots=True)
class KeptRegime:
    """A regime as the record keeps it, with who defined it and when."""

    regime: Regime
    defined_by: str
    defined_at: dt.datetime


def regimes(store: Store) -> list[KeptRegime]:
    """Every regime in the record, by name."""
    table = schema.regimes
    with transactions.read(store.home) as record:
        rows = record.execute(sa.select(table).order_by(table.c.regime_id)).all()
    kept = [
        KeptRegime(parse_regime(row.definition, row.regime_id, None, None), row.defined_by, row.defined_at)
        for row in rows
    ]
    return sorted(kept, key=lambda k: k.regime.name)


def regime(store: Store, regime_id: str) -> Regime | None:
    """One regime by id, or None."""
    return next((k.regime for k in regimes(store) if k.regime.regime_id == regime_id), None)


def now_in_vietnam() -> dt.datetime:
    return dt.datetime.now(VIETNAM)


def cycle_status(store: Store, regime: Regime, cycle: Cycle, now: dt.datetime | None = None) -> list[UnitStatus]:
    """Every reporting unit's status for ``cycle`` of ``regime``, judged at ``now`` (default: now)."""
    units = queries.reporting_units(store, regime.province, regime.units, cycle.period_start, cycle.period_end)
    periods = sorted({(cycle.period_start, cycle.period_end), (cycle.data_start, cycle.data_end)})
    sent = queries.submissions(store, list(units["unit_id"]), regime.metrics, periods)
    return statuses(regime, cycle, units, sent, now or now_in_vietnam())


def regime_cycles(regime: Regime, today: dt.date | None = None) -> list[Cycle]:
    """The regime's cycles up to the one under way, newest first."""
    return cycles(regime, today or now_in_vietnam().date())


def pick_cycle(regime: Regime, key: str | None, today: dt.date | None = None) -> Cycle:
    """The cycle ``key`` names, or else the newest whose deadline has passed (else the newest).

    Raises:
        ValueError: ``key`` is not a period of the regime's frequency.
    """
    if key:
        return find_cycle(regime, key)
    known = regime_cycles(regime, today)
    if not known:  # the regime starts later: its first cycle
        return find_cycle(regime, regime.first_period)
    moment = now_in_vietnam() if today is None else dt.datetime.combine(today, dt.time(12), tzinfo=VIETNAM)
    return next((c for c in known if c.deadline < moment), known[-1])


def read_regime_file(store: Store, data: bytes, file_name: str) -> Regime:
    """The regime a file states, checked against this store's catalog and registry.

    Raises:
        RegimeError: not UTF-8 JSON, or a field wrong (the message names the file and the field).
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RegimeError(f"Tệp {file_name}: không phải văn bản UTF-8 (byte {exc.start}).") from exc
    metrics, units = queries.known_ids(store)
    return parse_regime(text, file_name, metrics, units)


@dataclass(frozen=True, slots=True)
class Due:
    """One unit's report still to send (or still incomplete) for one cycle of one regime."""

    regime: Regime
    cycle: Cycle
    status: UnitStatus


def due_for(store: Store, units: Collection[str] | None, today: dt.date | None = None, recent: int = 8) -> list[Due]:
    """What ``units`` (None: every unit) still owe: missing, partial or returned reports in each regime's
    ``recent`` latest cycles (the one under way included), the nearest deadline first."""
    found: list[Due] = []
    for kept in regimes(store):
        for cycle in regime_cycles(kept.regime, today)[:recent]:
            for status in cycle_status(store, kept.regime, cycle):
                if status.status in OWED and (units is None or status.unit_id in units):
                    found.append(Due(kept.regime, cycle, status))
    return sorted(found, key=lambda d: (d.cycle.deadline, d.regime.name, d.status.unit_name))


def owed_soon(items: Sequence[Due], today: dt.date, soon_days: int = SOON_DAYS) -> list[Due]:
    """The reports among ``items`` that are overdue or due within ``soon_days`` of ``today``: what a reminder names."""
    horizon = dt.datetime.combine(today + dt.timedelta(days=soon_days), dt.time(23, 59, 59), tzinfo=VIETNAM)
    return [d for d in items if d.status.overdue or d.cycle.deadline <= horizon]


class Row(Protocol):
    """A figure about to be committed (an upload's validated row)."""

    @property
    def unit_id(self) -> str: ...
    @property
    def metric_id(self) -> str: ...
    @property
    def period_start(self) -> dt.date: ...
    @property
    def period_end(self) -> dt.date: ...


def covering_regime(store: Store, rows: Iterable[Row]) -> Regime | None:
    """The regime an upload of ``rows`` falls under (the first by name when several do), or None."""
    kept = regimes(store)
    given = list(rows) if kept else []
    for item in kept:
        regime = item.regime
        theirs = [r for r in given if r.metric_id in regime.metrics]
        for start, end in sorted({(r.period_start, r.period_end) for r in theirs}):
            units = set(queries.reporting_units(store, regime.province, regime.units, start, end)["unit_id"])
            if any(r.unit_id in units for r in theirs if (r.period_start, r.period_end) == (start, end)):
                return regime
    return None


def _calendar_cycle(regime: Regime, start: dt.date, end: dt.date) -> Cycle | None:
    """The regime's cycle whose calendar period is exactly [start, end] (a quarter, a half or a year), or None."""
    if start.day != 1 or start.year != end.year:
        return None
    months = 12 // PARTS.get(regime.frequency, 1)  # 3 for a quarterly regime, 6 half-yearly, 12 yearly
    quarter = None if months == 12 else (start.month - 1) // months + 1
    try:
        cycle = cycle_of(regime, start.year, quarter)
        find_cycle(regime, cycle.key)  # a period of the regime's frequency
    except ValueError:
        return None
    return cycle if (cycle.period_start, cycle.period_end) == (start, end) else None


def as_reported(store: Store, rows: Sequence[ParsedRow]) -> tuple[list[ParsedRow], Regime | None]:
    """An upload's rows with the periods they really cover, and the regime they fall under (or None).

    A unit reports "Quý 3/2025" under a regime whose data cut-off is not the calendar (Decree 09:
    15/06–14/09/2025): its figures are stored over the cut-off period and labelled so ("Quý 3/2025
    (số liệu 15/06/2025–14/09/2025)"), never as if they covered the calendar quarter.
    """
    regime = covering_regime(store, rows)
    if regime is None:
        return list(rows), None
    found: list[ParsedRow] = []
    reporting: dict[tuple[dt.date, dt.date], set[str]] = {}
    for row in rows:
        cycle = _calendar_cycle(regime, row.period_start, row.period_end) if row.metric_id in regime.metrics else None
        if cycle is None or not cycle.data_label:
            found.append(row)
            continue
        key = (row.period_start, row.period_end)
        if key not in reporting:
            reporting[key] = set(queries.reporting_units(store, regime.province, regime.units, *key)["unit_id"])
        if row.unit_id not in reporting[key]:
            found.append(row)
            continue
        found.append(dataclasses.replace(row, period_start=cycle.data_start, period_end=cycle.data_end,
                                         period_label=f"{cycle.label} ({cycle.data_label})"))  # fmt: skip
    return found, regime
