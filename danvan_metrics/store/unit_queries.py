"""Questions about the unit registry: every unit, those with figures or alive on a day, and the 2025 reform.

What pickers offer (`unit_picker`, `units_with_figures`), what an upload may name (`current_units`),
and what a unit became or came from (`unit_successors`, `unit_predecessors`). Values bound as parameters.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from danvan_metrics.core.dates import REFORM_DAY
from danvan_metrics.store.base_queries import fetch
from danvan_metrics.store.connection import Store


def units(store: Store) -> pd.DataFrame:
    """Every unit, with the name of its parent."""
    return fetch(
        store,
        """
        SELECT u.*, p.name AS parent_name
        FROM units u LEFT JOIN units p ON p.unit_id = u.parent_id
        ORDER BY u.level, u.name
        """,
    )


def units_with_figures(store: Store) -> pd.DataFrame:
    """The units that have at least one current figure, or one waiting for review, by name: what pickers
    offer (a unit whose first report waits can be picked once "Hiện cả số liệu chờ duyệt" is on)."""
    return fetch(
        store,
        """
        SELECT u.*, p.name AS parent_name
        FROM (
            SELECT unit_id FROM unit_metric_counts  -- the summary, not 8 million figures
            UNION
            SELECT o.unit_id FROM observations o  -- the few uploads waiting for review
            WHERE o.upload_id IN (SELECT upload_id FROM uploads WHERE status = 'committed' AND review = 'pending')
        ) f
        JOIN units u ON u.unit_id = f.unit_id
        LEFT JOIN units p ON p.unit_id = u.parent_id
        ORDER BY u.name
        """,
    )


def current_units(store: Store, on: dt.date | None = None) -> pd.DataFrame:
    """The units that exist on ``on`` (default today), by name: what a new quarter's upload may name."""
    return fetch(
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
    return fetch(
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
    return fetch(
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
    return fetch(
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


def metric_unit_ids(store: Store, metric_id: str) -> list[str]:
    """The units with at least one current figure of one metric (from the per-unit summary, not the figures)."""
    with store.connect() as conn:  # a plain list: no frame to build and take apart again (3× the SQL before)
        found = conn.execute(
            "SELECT DISTINCT unit_id FROM unit_metric_counts WHERE metric_id = $metric", {"metric": metric_id}
        ).fetchall()
    return [str(row[0]) for row in found]
