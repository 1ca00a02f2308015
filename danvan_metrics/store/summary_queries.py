"""Questions that stay small however many figures the store holds (national scale).

They read the per-unit summary the write path keeps (`unit_metric_counts`) or the store's meta,
never the figures themselves: what a page's pickers and headers ask on every rerun.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from danvan_metrics.core.dates import REFORM_DAY
from danvan_metrics.store.base_queries import fetch
from danvan_metrics.store.connection import Store


def last_updated(store: Store) -> dt.datetime | None:
    """When the figures last changed (a curated reload, an upload or a retraction)."""
    frame = fetch(store, "SELECT value FROM meta WHERE key = 'updated_at'")
    return None if frame.empty else dt.datetime.fromisoformat(str(frame.iloc[0, 0]))


def metrics_with_figures(store: Store) -> pd.DataFrame:
    """Each metric that has current figures, with how many and the latest period's end.

    What metric pickers need; unlike `coverage` it returns one row per metric, not per figure.
    """
    return fetch(
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
    return fetch(
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
    return fetch(
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
