"""Every question the product asks of the store: one named function each, SQL inside.

Plain arguments in, a pandas DataFrame out. Values reach DuckDB only as bound
parameters. Pages never hold SQL; they call these (through `ui`'s cache).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

import pandas as pd

from danvan_metrics.core.dates import REFORM_DAY
from danvan_metrics.core.kinds import finish_aggregate
from danvan_metrics.core.model import DUMP_COLUMNS, Metric, MetricKind, Period
from danvan_metrics.store.connection import Store

# Columns every figure-level result carries, so tables and charts can always cite.
_FIGURE_COLUMNS = """
    o.obs_id, o.unit_id, u.name AS unit_name, coalesce(u.short_name, u.name) AS unit_short_name,
    u.kind AS unit_kind, u.level AS unit_level, u.parent_id AS unit_parent_id,
    o.metric_id, o.period_start, o.period_end, o.period_label,
    o.value, o.qualifier, o.numerator, o.denominator, o.value_text,
    o.source_id, s.title AS source_title, s.publisher AS source_publisher,
    s.published AS source_published, o.source_quote, o.note, o.upload_id
"""

_GRANULARITY = """
    CASE
        WHEN month(o.period_start) = 1 AND day(o.period_start) = 1
             AND o.period_end = make_date(year(o.period_start), 12, 31) THEN 'year'
        WHEN day(o.period_start) = 1 AND month(o.period_start) IN (1, 4, 7, 10)
             AND o.period_end = last_day(o.period_start + INTERVAL 2 MONTH) THEN 'quarter'
        ELSE 'other'
    END
"""


def _fetch(store: Store, query: str, params: dict[str, Any] | Sequence[Any] | None = None) -> pd.DataFrame:
    with store.connect() as conn:
        return conn.execute(query, params or []).df()


def _units_param(units: Sequence[str] | None) -> list[str] | None:
    return None if units is None else [str(u) for u in units]


def metrics(store: Store) -> pd.DataFrame:
    """The metric catalog, ordered by category and Vietnamese name."""
    return _fetch(store, "SELECT * FROM metrics ORDER BY category, name_vi")


def metric(store: Store, metric_id: str) -> Metric:
    """One catalog entry.

    Raises:
        KeyError: no such metric.
    """
    frame = _fetch(store, "SELECT * FROM metrics WHERE metric_id = $id", {"id": metric_id})
    if frame.empty:
        raise KeyError(metric_id)
    return Metric.from_row(frame.iloc[0].to_dict())


def units(store: Store) -> pd.DataFrame:
    """Every unit, with the name of its parent."""
    return _fetch(
        store,
        """
        SELECT u.*, p.name AS parent_name
        FROM units u LEFT JOIN units p ON p.unit_id = u.parent_id
        ORDER BY u.level, u.name
        """,
    )


def units_with_figures(store: Store) -> pd.DataFrame:
    """The units that have at least one current figure, by name: what pickers offer."""
    return _fetch(
        store,
        """
        SELECT u.*, p.name AS parent_name
        FROM (SELECT DISTINCT unit_id FROM unit_metric_counts) f  -- the summary, not 8 million figures
        JOIN units u ON u.unit_id = f.unit_id
        LEFT JOIN units p ON p.unit_id = u.parent_id
        ORDER BY u.name
        """,
    )


def sources(store: Store) -> pd.DataFrame:
    """Every source document with how many current figures come from it.

    An uploaded file's source also has its upload's ``upload_status`` ("committed" or "retracted"),
    ``retracted_by`` and ``retracted_at``, so a list can say which were withdrawn; curated ones have none.
    """
    from danvan_metrics.services.uploads import UPLOAD_SOURCE_PREFIX

    return _fetch(
        store,
        """
        SELECT s.*, u.name AS unit_name, coalesce(n.n_figures, 0) AS n_figures,
               up.status AS upload_status, up.retracted_by, up.retracted_at
        FROM sources s
        LEFT JOIN units u ON u.unit_id = s.unit_id
        -- Count per source first: grouping the joined rows by every source column cost 6× more at scale.
        LEFT JOIN (SELECT source_id, count(*) AS n_figures FROM current_observations GROUP BY source_id) n
               ON n.source_id = s.source_id
        LEFT JOIN uploads up ON s.source_id = $prefix || up.upload_id
        ORDER BY s.published DESC, s.source_id
        """,
        {"prefix": UPLOAD_SOURCE_PREFIX},
    )


def compare(
    store: Store, metric_id: str, units: Sequence[str] | None = None, period: Period | None = None
) -> pd.DataFrame:
    """One row per unit for one metric: its figure for ``period``, or its latest figure.

    Args:
        store: the store.
        metric_id: a catalog id.
        units: unit ids to keep; None keeps every unit with a figure.
        period: keep only figures over exactly this period; None takes each unit's latest.

    Returns:
        Rows sorted by value (largest first) with value, qualifier, parts, period, source
        and quote, and ``same_period``: True when every row covers the same period.
    """
    return _fetch(
        store,
        f"""
        WITH chosen AS (
            SELECT * FROM current_observations o
            WHERE o.metric_id = $metric
              AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], o.unit_id))
              AND ($start::DATE IS NULL OR (o.period_start = $start::DATE AND o.period_end = $end::DATE))
        ), latest AS (
            -- Each unit's latest figure (latest end, then latest start); an aggregate is ~2.5× cheaper
            -- than a window over every figure of the metric, and the joins below then touch one row per unit.
            SELECT arg_max(obs_id, (period_end, period_start)) AS obs_id FROM chosen GROUP BY unit_id
        ), picked AS (
            SELECT {_FIGURE_COLUMNS}
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


def periods(store: Store, metric_id: str) -> pd.DataFrame:
    """The periods a metric has figures for, newest first, with how many units each covers."""
    return _fetch(
        store,
        """
        SELECT period_start, period_end, any_value(period_label) AS period_label,
               count(DISTINCT unit_id) AS n_units,
               strftime(period_start, '%Y-%m-%d') || '..' || strftime(period_end, '%Y-%m-%d') AS period_key
        FROM current_observations
        WHERE metric_id = $metric
        GROUP BY period_start, period_end
        ORDER BY period_end DESC, period_start DESC
        """,
        {"metric": metric_id},
    )


def trend(store: Store, metric_id: str, units: Sequence[str] | None = None) -> pd.DataFrame:
    """A metric's figures over time for the chosen units, oldest first.

    ``granularity`` says whether each figure covers a calendar year, a quarter or another span.
    """
    return _fetch(
        store,
        f"""
        SELECT {_FIGURE_COLUMNS}, {_GRANULARITY} AS granularity
        FROM current_observations o
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
    return _fetch(
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
    return _fetch(
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
    return _fetch(
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


def last_updated(store: Store) -> dt.datetime | None:
    """When the figures last changed (a curated reload, an upload or a retraction)."""
    frame = _fetch(store, "SELECT value FROM meta WHERE key = 'updated_at'")
    return None if frame.empty else dt.datetime.fromisoformat(str(frame.iloc[0, 0]))


_DUMP_SQL = """
    SELECT o.unit_id, u.name AS unit_name, o.metric_id, m.name_vi AS metric_name,
           o.period_start, o.period_end, o.period_label, o.value, o.qualifier,
           o.numerator, o.denominator, m.unit AS unit_of_measure, o.source_id, o.source_quote,
           o.value_text, o.note, o.obs_id, o.upload_id
    FROM current_observations o
    JOIN units u ON u.unit_id = o.unit_id
    JOIN metrics m ON m.metric_id = o.metric_id
    ORDER BY o.unit_id, o.metric_id, o.period_start, o.period_end, o.obs_id
"""


def dump(store: Store) -> pd.DataFrame:
    """Every current observation, sorted, with the `dump` contract's columns first."""
    frame = _fetch(store, _DUMP_SQL)
    assert list(frame.columns[: len(DUMP_COLUMNS)]) == DUMP_COLUMNS
    return frame


def dump_batches(store: Store, vectors: int = 50) -> Iterator[pd.DataFrame]:
    """`dump` in pieces of ``vectors`` × 2,048 rows, in the same order: a national store (millions of
    figures) is written out without holding it in memory."""
    with store.connect() as conn:
        # Sorting millions of rows would otherwise hold them all in memory: DuckDB spills past this.
        conn.execute("SET memory_limit = '768MB'")
        result = conn.execute(_DUMP_SQL)
        while True:
            batch = result.fetch_df_chunk(vectors)
            if batch.empty:
                return
            yield batch


def upload_log(store: Store) -> pd.DataFrame:
    """Every upload, newest first: file, who, when, rows, and whether it was retracted."""
    return _fetch(store, "SELECT * FROM uploads ORDER BY uploaded_at DESC")


def audit_log(store: Store, limit: int = 5000) -> pd.DataFrame:
    """The audit trail, newest first."""
    return _fetch(store, "SELECT * FROM audit ORDER BY happened_at DESC LIMIT $limit", {"limit": limit})


def current_units(store: Store, on: dt.date | None = None) -> pd.DataFrame:
    """The units that exist on ``on`` (default today), by name: what a new quarter's upload may name."""
    return _fetch(
        store,
        """
        SELECT u.*, p.name AS parent_name
        FROM units u LEFT JOIN units p ON p.unit_id = u.parent_id
        WHERE (u.valid_from IS NULL OR u.valid_from <= $on) AND (u.valid_to IS NULL OR u.valid_to >= $on)
        ORDER BY u.level, u.name
        """,
        {"on": on or dt.date.today()},
    )


def unit_successors(store: Store, unit_id: str) -> pd.DataFrame:
    """What a pre-reform unit became: the post-reform units it went into, with the link's kind.

    A former district's successors are the new communes its communes went into. ``disputed``
    marks links the two upstream mappings disagree on; ``in_convert``/``in_dvhcvn`` say which holds it.
    """
    return _fetch(
        store,
        """
        SELECT l.new_id AS unit_id, u.name, u.level, u.kind, p.name AS parent_name,
               l.kind AS link_kind, l.in_convert, l.in_dvhcvn, l.disputed
        FROM unit_links l
        JOIN units u ON u.unit_id = l.new_id
        LEFT JOIN units p ON p.unit_id = u.parent_id
        WHERE l.old_id = $unit
        ORDER BY l.disputed, u.name, l.new_id
        """,
        {"unit": unit_id},
    )


def unit_predecessors(store: Store, unit_id: str, level: str | None = None) -> pd.DataFrame:
    """The pre-reform units a post-reform unit came from (``level``: only districts, say), by level and name."""
    return _fetch(
        store,
        """
        SELECT l.old_id AS unit_id, u.name, u.level, u.kind, p.name AS parent_name,
               l.kind AS link_kind, l.in_convert, l.in_dvhcvn, l.disputed
        FROM unit_links l
        JOIN units u ON u.unit_id = l.old_id
        LEFT JOIN units p ON p.unit_id = u.parent_id
        WHERE l.new_id = $unit AND ($level::VARCHAR IS NULL OR u.level = $level::VARCHAR)
        ORDER BY CASE u.level WHEN 'province' THEN 0 WHEN 'district' THEN 1 ELSE 2 END, u.name, l.old_id
        """,
        {"unit": unit_id, "level": level},
    )


def unit_picker(store: Store) -> pd.DataFrame:
    """The units a person may look up: every unit with figures, and every unit of today's map.

    With the province each lies in and its era (before / after the 1 July 2025 reform), sorted
    by province, era and name, so a picker reads grouped by province.
    """
    return _fetch(
        store,
        """
        -- The units with figures, found once (two EXISTS per unit cost 6× the time and 3× the memory at scale).
        WITH reported AS (SELECT DISTINCT unit_id FROM unit_metric_counts)
        SELECT u.unit_id, u.name, u.level, u.kind, u.valid_from, u.valid_to,
               CASE WHEN u.level = 'province' THEN u.name
                    WHEN p.level = 'province' THEN p.name ELSE g.name END AS province_name,
               CASE WHEN u.valid_to IS NOT NULL AND u.valid_to < $reform::DATE THEN 'before' ELSE 'after' END
                   AS era,
               r.unit_id IS NOT NULL AS has_figures
        FROM units u
        LEFT JOIN reported r ON r.unit_id = u.unit_id
        LEFT JOIN units p ON p.unit_id = u.parent_id
        LEFT JOIN units g ON g.unit_id = p.parent_id
        WHERE u.valid_to IS NULL OR u.valid_to >= current_date OR r.unit_id IS NOT NULL
        ORDER BY regexp_replace(province_name, '^(Thành phố|Tỉnh) ', ''), era DESC,
                 CASE u.level WHEN 'province' THEN 0 WHEN 'district' THEN 1 ELSE 2 END, u.name
        """,
        {"reform": REFORM_DAY},
    )


# -- Questions that stay small however many figures the store holds (national scale) ------------


def metrics_with_figures(store: Store) -> pd.DataFrame:
    """Each metric that has current figures, with how many and the latest period's end.

    What metric pickers need; unlike `coverage` it returns one row per metric, not per figure.
    """
    return _fetch(
        store,
        """
        SELECT metric_id, sum(n_figures)::BIGINT AS n_figures, max(latest_end) AS latest_end
        FROM unit_metric_counts
        GROUP BY metric_id
        ORDER BY metric_id
        """,
    )


def store_summary(store: Store) -> pd.DataFrame:
    """One row: how many current figures, units and metrics the store holds, and the latest period's end."""
    return _fetch(
        store,
        """
        SELECT coalesce(sum(n_figures), 0)::BIGINT AS n_figures, count(DISTINCT unit_id) AS n_units,
               count(DISTINCT metric_id) AS n_metrics, max(latest_end) AS latest_end
        FROM unit_metric_counts
        """,
    )


def coverage_by_province(store: Store) -> pd.DataFrame:
    """Coverage summed by province and category: figures, metrics, reporting units, latest period.

    A unit's province is itself, its parent or its grandparent. ``era`` is "before" for
    provinces dissolved by the 1 July 2025 reform, else "after". One row per pair that has
    figures; `analysis.coverage_by_province_matrix` fills in the empty pairs.
    """
    return _fetch(
        store,
        """
        WITH per_unit AS (
            -- One row per unit and metric (kept by every write): the joins below touch thousands of rows.
            SELECT unit_id, metric_id, n_figures AS n, latest_end FROM unit_metric_counts
        ), placed AS (
            SELECT o.unit_id, o.metric_id, o.n, o.latest_end,
                   CASE WHEN u.level = 'province' THEN u.unit_id
                        WHEN p.level = 'province' THEN p.unit_id ELSE g.unit_id END AS province_id
            FROM per_unit o
            JOIN units u ON u.unit_id = o.unit_id
            LEFT JOIN units p ON p.unit_id = u.parent_id
            LEFT JOIN units g ON g.unit_id = p.parent_id
        )
        SELECT x.province_id AS unit_id, v.name AS unit_name,
               CASE WHEN v.valid_to IS NOT NULL AND v.valid_to < $reform::DATE THEN 'before' ELSE 'after' END
                   AS era,
               m.category, sum(x.n)::BIGINT AS n_figures, count(DISTINCT x.metric_id) AS n_metrics,
               count(DISTINCT x.unit_id) AS n_units, max(x.latest_end) AS latest_end,
               list(DISTINCT m.name_vi ORDER BY m.name_vi) AS metrics
        FROM placed x
        JOIN units v ON v.unit_id = x.province_id
        JOIN metrics m ON m.metric_id = x.metric_id
        GROUP BY ALL
        ORDER BY unit_name, era, m.category
        """,
        {"reform": REFORM_DAY},
    )


def metric_unit_ids(store: Store, metric_id: str) -> list[str]:
    """The units with at least one current figure of one metric (from the per-unit summary, not the figures)."""
    frame = _fetch(
        store, "SELECT DISTINCT unit_id FROM unit_metric_counts WHERE metric_id = $metric", {"metric": metric_id}
    )
    return list(frame["unit_id"])
