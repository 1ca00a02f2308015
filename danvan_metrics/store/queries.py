"""The figure questions pages ask: compare, periods, trend, a unit's profile, filtered figures, aggregates.

One named function each, SQL inside: plain arguments in, a pandas DataFrame out. Values reach
DuckDB only as bound parameters. Pages never hold SQL; they call these (through `ui`'s cache).
The catalog, unit, summary, log, reporting and review questions live in their own `*_queries` modules and stay
importable from here, so callers keep asking ``queries.<name>(store, …)``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from danvan_metrics.core.kinds import finish_aggregate
from danvan_metrics.core.model import MetricKind, Period
from danvan_metrics.store.base_queries import fetch
from danvan_metrics.store.catalog_queries import metric, metrics, sources
from danvan_metrics.store.connection import Store
from danvan_metrics.store.log_queries import audit_log, dump, dump_batches, upload_log
from danvan_metrics.store.reporting_queries import known_ids, reporting_units, submissions
from danvan_metrics.store.review_queries import pending_uploads, review_figures, review_uploads, unit_ancestors
from danvan_metrics.store.summary_queries import coverage_by_province, last_updated, metrics_with_figures, store_summary
from danvan_metrics.store.unit_queries import (
    current_units,
    metric_unit_ids,
    unit_picker,
    unit_predecessors,
    unit_successors,
    units,
    units_with_figures,
)

__all__ = [  # the figure questions, then those of the other modules
    "aggregate", "compare", "coverage", "figures", "periods", "trend", "unit_profile",
    "metric", "metrics", "sources",
    "current_units", "metric_unit_ids", "unit_picker", "unit_predecessors", "unit_successors", "units",
    "units_with_figures",
    "coverage_by_province", "last_updated", "metrics_with_figures", "store_summary",
    "audit_log", "dump", "dump_batches", "upload_log",
    "known_ids", "reporting_units", "submissions",
    "pending_uploads", "review_figures", "review_uploads", "unit_ancestors",
]  # fmt: skip

# Columns every figure-level result carries, so tables and charts can always cite.
_FIGURE_COLUMNS = """
    o.obs_id, o.unit_id, u.name AS unit_name, coalesce(u.short_name, u.name) AS unit_short_name,
    u.kind AS unit_kind, u.level AS unit_level, u.parent_id AS unit_parent_id,
    o.metric_id, o.period_start, o.period_end, o.period_label,
    o.value, o.qualifier, o.numerator, o.denominator, o.value_text,
    o.source_id, s.title AS source_title, s.publisher AS source_publisher,
    s.published AS source_published, o.source_quote, o.note, o.upload_id
"""

# What a figure question reads: approved (current) figures only, or with those waiting for review in
# place of what they would replace, each marked by ``pending`` (schema.sql). Named here, never taken from input.
_SHOWN = {False: "current_marked", True: "current_with_pending"}

_GRANULARITY = """
    CASE
        WHEN month(o.period_start) = 1 AND day(o.period_start) = 1
             AND o.period_end = make_date(year(o.period_start), 12, 31) THEN 'year'
        WHEN day(o.period_start) = 1 AND month(o.period_start) IN (1, 4, 7, 10)
             AND o.period_end = last_day(o.period_start + INTERVAL 2 MONTH) THEN 'quarter'
        ELSE 'other'
    END
"""


def _units_param(units: Sequence[str] | None) -> list[str] | None:
    return None if units is None else [str(u) for u in units]


def compare(
    store: Store,
    metric_id: str,
    units: Sequence[str] | None = None,
    period: Period | None = None,
    *,
    pending: bool = False,
) -> pd.DataFrame:
    """One row per unit for one metric: its figure for ``period``, or its latest figure.

    Args:
        store: the store.
        metric_id: a catalog id.
        units: unit ids to keep; None keeps every unit with a figure.
        period: keep only figures over exactly this period; None takes each unit's latest.
        pending: show figures waiting for review in place of the approved ones they would replace.

    Returns:
        Rows sorted by value (largest first) with value, qualifier, parts, period, source
        and quote, ``pending`` (waiting for review), and ``same_period``: True when every row covers the same period.
    """
    return fetch(
        store,
        f"""
        WITH chosen AS (
            SELECT * FROM {_SHOWN[pending]} o
            WHERE o.metric_id = $metric
              AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], o.unit_id))
              AND ($start::DATE IS NULL OR (o.period_start = $start::DATE AND o.period_end = $end::DATE))
        ), latest AS (
            -- Each unit's latest figure (latest end, then latest start); an aggregate is ~2.5× cheaper
            -- than a window over every figure of the metric, and the joins below then touch one row per unit.
            SELECT arg_max(obs_id, (period_end, period_start)) AS obs_id FROM chosen GROUP BY unit_id
        ), picked AS (
            SELECT {_FIGURE_COLUMNS}, o.pending
            FROM chosen o
            SEMI JOIN latest l ON l.obs_id = o.obs_id
            JOIN units u ON u.unit_id = o.unit_id
            LEFT JOIN sources s ON s.source_id = o.source_id
        )
        SELECT *,
               count(DISTINCT (period_start, period_end)) OVER () = 1 AS same_period
        FROM picked
        ORDER BY value DESC NULLS LAST, unit_name
        """,
        {
            "metric": metric_id,
            "units": _units_param(units),
            "start": period.start if period else None,
            "end": period.end if period else None,
        },
    )


def periods(store: Store, metric_id: str, *, pending: bool = False) -> pd.DataFrame:
    """The periods a metric has figures for (``pending``: waiting ones too), newest first, with how many
    units each covers."""
    return fetch(
        store,
        f"""
        SELECT period_start, period_end, any_value(period_label) AS period_label,
               count(DISTINCT unit_id) AS n_units,
               strftime(period_start, '%Y-%m-%d') || '..' || strftime(period_end, '%Y-%m-%d') AS period_key
        FROM {_SHOWN[pending]}
        WHERE metric_id = $metric
        GROUP BY period_start, period_end
        ORDER BY period_end DESC, period_start DESC
        """,
        {"metric": metric_id},
    )


def trend(store: Store, metric_id: str, units: Sequence[str] | None = None, *, pending: bool = False) -> pd.DataFrame:
    """A metric's figures over time for the chosen units, oldest first (``pending``: as in `compare`).

    ``granularity`` says whether each figure covers a calendar year, a quarter or another span.
    """
    return fetch(
        store,
        f"""
        SELECT {_FIGURE_COLUMNS}, o.pending, {_GRANULARITY} AS granularity
        FROM {_SHOWN[pending]} o
        JOIN units u ON u.unit_id = o.unit_id
        LEFT JOIN sources s ON s.source_id = o.source_id
        WHERE o.metric_id = $metric
          AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], o.unit_id))
        ORDER BY u.name, o.period_start, o.period_end
        """,
        {"metric": metric_id, "units": _units_param(units)},
    )


def unit_profile(store: Store, unit_id: str) -> pd.DataFrame:
    """Every current figure for one unit, with its metric's catalog entry, source and quote."""
    return fetch(
        store,
        f"""
        SELECT {_FIGURE_COLUMNS},
               m.name_vi AS metric_name, m.category, m.unit AS unit_of_measure, m.kind AS metric_kind,
               m.direction, m.decimals, m.numerator_label, m.denominator_label
        FROM current_by_unit o  -- ordered by unit: one unit's figures are adjacent
        JOIN units u ON u.unit_id = o.unit_id
        JOIN metrics m ON m.metric_id = o.metric_id
        LEFT JOIN sources s ON s.source_id = o.source_id
        WHERE o.unit_id = $unit
        ORDER BY m.category, m.name_vi, o.period_end DESC
        """,
        {"unit": unit_id},
    )


def figures(
    store: Store,
    units: Sequence[str] | None = None,
    metrics: Sequence[str] | None = None,
    sources: Sequence[str] | None = None,
    categories: Sequence[str] | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Current figures matching every given filter (None = no filter), with catalog and source.

    Sorted by unit (in the registry's order: by province, then official code), category, metric
    and newest period first; ``limit`` caps the rows for display.
    """
    return fetch(
        store,
        f"""
        SELECT {_FIGURE_COLUMNS},
               m.name_vi AS metric_name, m.category, m.unit AS unit_of_measure, m.decimals
        FROM current_by_unit o  -- ordered by unit: a unit filter reads a few row groups
        JOIN units u ON u.unit_id = o.unit_id
        JOIN metrics m ON m.metric_id = o.metric_id
        LEFT JOIN sources s ON s.source_id = o.source_id
        WHERE ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], o.unit_id))
          AND ($metrics::VARCHAR[] IS NULL OR list_contains($metrics::VARCHAR[], o.metric_id))
          AND ($sources::VARCHAR[] IS NULL OR list_contains($sources::VARCHAR[], o.source_id))
          AND ($categories::VARCHAR[] IS NULL OR list_contains($categories::VARCHAR[], m.category))
        -- By unit id (the registry's order: province, then official code), not by name: the copy is
        -- stored in that order, so a LIMIT stops early (national scale: ~85 ms instead of ~520 ms).
        ORDER BY o.unit_id, m.category, m.name_vi, o.period_end DESC
        LIMIT $limit
        """,
        {
            "units": _units_param(units),
            "metrics": _units_param(metrics),
            "sources": _units_param(sources),
            "categories": _units_param(categories),
            "limit": limit,
        },
    )


def coverage(store: Store) -> pd.DataFrame:
    """Which unit has which metric for which period: one row per current figure, no values."""
    return fetch(
        store,
        """
        SELECT o.unit_id, u.name AS unit_name, o.metric_id, m.name_vi AS metric_name, m.category,
               o.period_start, o.period_end, o.period_label
        FROM current_observations o
        JOIN units u ON u.unit_id = o.unit_id
        JOIN metrics m ON m.metric_id = o.metric_id
        ORDER BY u.name, m.category, m.name_vi, o.period_end
        """,
    )


def aggregate(
    store: Store, metric_id: str, start: dt.date, end: dt.date, units: Sequence[str] | None = None
) -> pd.DataFrame:
    """One figure per unit over [start, end], built from the figures whose periods lie inside it.

    Rates are sum(numerator) / sum(denominator), never a mean of percentages; a rate with a
    figure that lacks its parts is not aggregated and ``reason`` says why. Counts and amounts
    add up; a stock takes its latest value.
    """
    with store.connect() as conn:  # one connection for both: opening one costs as much as the query
        found = conn.execute("SELECT kind FROM metrics WHERE metric_id = $id", {"id": metric_id}).fetchone()
        if found is None:
            raise KeyError(metric_id)
        frame = conn.execute(
            """
        SELECT o.unit_id, any_value(u.name) AS unit_name,
               count(*) AS n_figures,
               count(o.numerator) AS n_numerators, count(o.denominator) AS n_denominators,
               sum(o.numerator) AS numerator, sum(o.denominator) AS denominator,
               sum(o.value) AS value_sum, arg_max(o.value, o.period_end) AS value_latest,
               list(o.qualifier ORDER BY o.period_start) AS qualifiers,
               list(o.period_label ORDER BY o.period_start) AS period_labels,
               min(o.period_start) AS period_start, max(o.period_end) AS period_end
        FROM current_observations o
        JOIN units u ON u.unit_id = o.unit_id
        WHERE o.metric_id = $metric
          AND o.period_start >= $start AND o.period_end <= $end
          AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], o.unit_id))
        GROUP BY o.unit_id
        ORDER BY unit_name
        """,
            {"metric": metric_id, "start": start, "end": end, "units": _units_param(units)},
        ).df()
    return finish_aggregate(frame, MetricKind(found[0]))
