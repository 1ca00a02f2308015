"""What the benchmark asks the store, and the same questions answered the straightforward way.

Query cases call `danvan_metrics.store.queries` exactly as pages do (a cursor on the kept read
store per operation); `recorded_sql` notes the statements a case runs, so the same SQL can be
timed bare on a held cursor (the physical floor of that question).
The pandas baseline re-reads the curated and uploaded files on every request, as a script
without a database would, and answers four of the same questions.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import duckdb
import pandas as pd

from danvan_metrics.core.model import Period
from danvan_metrics.store import queries
from danvan_metrics.store.base_queries import fetch
from danvan_metrics.store.connection import PARQUET_OBSERVATIONS, Store

RATE_METRIC = "complaints_resolved_rate"
COUNT_METRIC = "citizen_receptions"
KEYS = ["unit_id", "metric_id", "period_start", "period_end"]


@dataclass(frozen=True, slots=True)
class Context:
    """The store and the choices a reader would make on the pages."""

    store: Store
    period: Period  # the newest quarter most units reported
    my_unit: str
    province_units: list[str]  # the units of my unit's province (a comparison group)
    trend_units: list[str]  # eight units, as a capped trend chart draws
    year: int
    late_files: list[Path]  # upload files already committed, for the pandas baseline
    upload_id: str  # the newest upload (what a reviewer opens), "" when none

    @classmethod
    def build(cls, store: Store, late_files: list[Path]) -> Context:
        periods = queries.periods(store, RATE_METRIC)
        enough = periods["n_units"] >= 0.8 * float(periods["n_units"].max())
        period = Period.parse(str(periods.loc[enough, "period_key"].iloc[0]))
        units = queries.units_with_figures(store).sort_values("unit_id")
        mine = str(units["unit_id"].iloc[0])
        parent = units["parent_id"].iloc[0]
        province = list(units.loc[units["parent_id"] == parent, "unit_id"])
        log = queries.upload_log(store)
        newest = str(log["upload_id"].iloc[0]) if not log.empty else ""
        return cls(store, period, mine, province, province[:8], period.start.year - 1, late_files, newest)


@dataclass(frozen=True, slots=True)
class Case:
    """One query function call. ``bulk`` cases return the whole store: reported, not held to the budget."""

    name: str
    function: str
    call: Callable[[Context], Any]
    bulk: bool = False
    runs: int = 30


def query_cases() -> list[Case]:
    """Every query a page (or the command line) asks, with the arguments a reader would give."""
    s = "store"
    cases = [
        Case("metrics", "metrics", lambda c: queries.metrics(c.store)),
        Case("metric", "metric", lambda c: queries.metric(c.store, RATE_METRIC)),
        Case("units", "units", lambda c: queries.units(c.store)),
        Case("units_with_figures", "units_with_figures", lambda c: queries.units_with_figures(c.store)),
        Case("sources", "sources", lambda c: queries.sources(c.store)),
        Case("compare · latest, all units", "compare", lambda c: queries.compare(c.store, RATE_METRIC)),
        Case(
            "compare · one quarter, all units",
            "compare",
            lambda c: queries.compare(c.store, RATE_METRIC, None, c.period),
        ),
        Case(
            "compare · latest, one province",
            "compare",
            lambda c: queries.compare(c.store, COUNT_METRIC, c.province_units),
        ),
        Case("periods", "periods", lambda c: queries.periods(c.store, RATE_METRIC)),
        Case("trend · 8 units", "trend", lambda c: queries.trend(c.store, RATE_METRIC, c.trend_units)),
        Case("trend · all units", "trend", lambda c: queries.trend(c.store, RATE_METRIC), bulk=True, runs=3),
        Case("unit_profile", "unit_profile", lambda c: queries.unit_profile(c.store, c.my_unit)),
        Case("figures · first 5 000", "figures", lambda c: queries.figures(c.store, limit=5000)),
        Case("figures · one unit", "figures", lambda c: queries.figures(c.store, [c.my_unit])),
        Case(
            "aggregate · one year",
            "aggregate",
            lambda c: queries.aggregate(c.store, RATE_METRIC, dt.date(c.year, 1, 1), dt.date(c.year, 12, 31)),
        ),
        Case("last_updated", "last_updated", lambda c: queries.last_updated(c.store)),
        Case("upload_log", "upload_log", lambda c: queries.upload_log(c.store)),
        Case("audit_log", "audit_log", lambda c: queries.audit_log(c.store)),
        Case("current_units", "current_units", lambda c: queries.current_units(c.store)),
        Case("unit_successors", "unit_successors", lambda c: queries.unit_successors(c.store, "pre-d001")),
        Case("unit_predecessors", "unit_predecessors", lambda c: queries.unit_predecessors(c.store, c.my_unit)),
        Case("metrics_with_figures", "metrics_with_figures", lambda c: queries.metrics_with_figures(c.store)),
        Case("metric_unit_ids", "metric_unit_ids", lambda c: queries.metric_unit_ids(c.store, RATE_METRIC)),
        Case("store_summary", "store_summary", lambda c: queries.store_summary(c.store)),
        Case("coverage_by_province", "coverage_by_province", lambda c: queries.coverage_by_province(c.store)),
        Case("coverage", "coverage", lambda c: queries.coverage(c.store), bulk=True, runs=1),
        Case("dump", "dump", lambda c: queries.dump(c.store), bulk=True, runs=1),
        # The status page: who must report (a province's units) and what each sent for one quarter.
        Case(
            "reporting_units · a province",
            "reporting_units",
            lambda c: queries.reporting_units(c.store, None, c.province_units, c.period.start, c.period.end),
        ),
        Case(
            "submissions · a province, two metrics",
            "submissions",
            lambda c: queries.submissions(
                c.store, c.province_units, [RATE_METRIC, COUNT_METRIC], [(c.period.start, c.period.end)]
            ),  # fmt: skip
        ),
        # Review: the figures of one upload beside the unit's previous period and its peers; whose reach.
        Case("review_figures · one upload", "review_figures", lambda c: queries.review_figures(c.store, c.upload_id)),
        Case(
            "unit_ancestors · a province's units",
            "unit_ancestors",
            lambda c: queries.unit_ancestors(c.store, c.province_units),
        ),
        Case(
            "compare · latest, all units, pending shown",
            "compare",
            lambda c: queries.compare(c.store, RATE_METRIC, pending=True),
        ),
        # What `python -m danvan_metrics dump` runs: every figure, batch by batch (consumed here).
        Case("dump_batches · every figure", "dump_batches", _drain_dump, bulk=True, runs=1),
    ]
    # Functions added later (by other issues) are called with the store alone when that is all they need.
    covered = {case.function for case in cases}
    for name in uncovered_functions(covered):
        function = getattr(queries, name)
        parameters = list(inspect.signature(function).parameters.values())
        if [p.name for p in parameters if p.default is inspect.Parameter.empty] == [s]:
            cases.append(Case(name, name, _store_only(function)))
    return cases


def _drain_dump(context: Context) -> int:
    return sum(len(batch) for batch in queries.dump_batches(context.store))


def _store_only(function: Callable[[Store], Any]) -> Callable[[Context], Any]:
    return lambda context: function(context.store)


def uncovered_functions(covered: set[str]) -> list[str]:
    """Public query functions (taking the store first) that no case calls."""
    found = []
    for name in queries.__all__:  # every question, whichever store module defines it
        function = getattr(queries, name)
        if not inspect.isfunction(function) or name in covered:
            continue
        parameters = list(inspect.signature(function).parameters)
        if parameters and parameters[0] == "store":
            found.append(name)
    return sorted(found)


def noop(context: Context) -> pd.DataFrame:
    """The floor: the product's own path (a cursor on the kept read store, SELECT 1, closed)."""
    return fetch(context.store, "SELECT 1")


Statement = tuple[str, Any]


class HeldConnection:
    """One cursor on the kept read store, held open: statements timed with nothing of the product around them."""

    def __init__(self, store: Store) -> None:
        self._held = store.connect()
        self.connection: duckdb.DuckDBPyConnection = self._held.__enter__()

    def noop(self) -> pd.DataFrame:
        return self.connection.execute("SELECT 1").df()

    def run(self, statements: list[Statement]) -> None:
        for query, parameters in statements:
            self.connection.execute(query, parameters or []).df()

    def close(self) -> None:
        self._held.__exit__(None, None, None)


class _Recording:
    """A connection that notes each statement it is given, then runs it."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, log: list[Statement]) -> None:
        self._connection, self._log = connection, log

    def execute(self, query: str, parameters: Any = None) -> duckdb.DuckDBPyConnection:
        self._log.append((query, parameters))
        return self._connection.execute(query, parameters or [])

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)


def recorded_sql(case: Case, context: Context) -> list[Statement]:
    """The statements ``case`` runs on the store, in order (none when it answers from memory)."""
    log: list[Statement] = []
    original = Store.connect

    @contextlib.contextmanager
    def connect(store: Store) -> Iterator[Any]:
        with original(store) as connection:
            yield _Recording(connection, log)

    with mock.patch.object(Store, "connect", connect):
        case.call(context)
    return log


# -- The straightforward approach: pandas over the files, re-read per request ----------------------


def read_files(context: Context) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every current figure and the unit names, read from the files as a script would, every time."""
    curated_dir = context.store.curated_dir
    figures = pd.read_parquet(curated_dir / PARQUET_OBSERVATIONS)
    for column in ("unit_id", "metric_id", "period_label", "qualifier"):
        figures[column] = figures[column].astype("str")
    figures["period_start"] = pd.to_datetime(figures["period_start"])
    figures["period_end"] = pd.to_datetime(figures["period_end"])
    uploads = [_read_upload(path) for path in context.late_files]
    if uploads:
        figures = pd.concat([figures, *uploads], ignore_index=True)
        figures = figures.drop_duplicates(KEYS, keep="last")  # a later upload replaces a figure
    units = pd.read_csv(context.store.registry_path / "units.csv", dtype=str, keep_default_na=False)
    return figures, units[["unit_id", "name", "parent_id"]]


def _read_upload(path: Path) -> pd.DataFrame:
    raw = pd.read_csv(path, sep=";", decimal=",", dtype={"ma_don_vi": str, "ma_chi_tieu": str}, encoding="utf-8-sig")
    quarter = raw["quy"].astype(int)
    start = pd.to_datetime(pd.DataFrame({"year": raw["nam"], "month": 3 * quarter - 2, "day": 1}))
    return pd.DataFrame(
        {
            "unit_id": raw["ma_don_vi"],
            "metric_id": raw["ma_chi_tieu"],
            "period_start": start,
            "period_end": start + pd.offsets.QuarterEnd(0),
            "period_label": "Quý " + quarter.astype(str) + "/" + raw["nam"].astype(str),
            "value": raw["gia_tri"].astype(float),
            "qualifier": "=",
            "numerator": raw["tu_so"],
            "denominator": raw["mau_so"],
            "source_id": "upload:" + path.name,
        }
    )


def pandas_compare_latest(context: Context) -> pd.DataFrame:
    figures, units = read_files(context)
    chosen = figures[figures["metric_id"] == RATE_METRIC].sort_values(["period_end", "period_start"])
    latest = chosen.drop_duplicates("unit_id", keep="last").merge(units, on="unit_id")
    return latest.sort_values("value", ascending=False)


def pandas_compare_period(context: Context) -> pd.DataFrame:
    figures, units = read_files(context)
    start, end = pd.Timestamp(context.period.start), pd.Timestamp(context.period.end)
    chosen = figures[
        (figures["metric_id"] == RATE_METRIC) & (figures["period_start"] == start) & (figures["period_end"] == end)
    ]
    return chosen.merge(units, on="unit_id").sort_values("value", ascending=False)


def pandas_trend(context: Context) -> pd.DataFrame:
    figures, units = read_files(context)
    chosen = figures[(figures["metric_id"] == RATE_METRIC) & figures["unit_id"].isin(context.trend_units)]
    return chosen.merge(units, on="unit_id").sort_values(["name", "period_start"])


def pandas_unit_profile(context: Context) -> pd.DataFrame:
    figures, units = read_files(context)
    return figures[figures["unit_id"] == context.my_unit].sort_values(["metric_id", "period_end"])


# Query case → the pandas baseline answering the same question.
PANDAS_BASELINES: dict[str, Callable[[Context], pd.DataFrame]] = {
    "compare · latest, all units": pandas_compare_latest,
    "compare · one quarter, all units": pandas_compare_period,
    "trend · 8 units": pandas_trend,
    "unit_profile": pandas_unit_profile,
}
