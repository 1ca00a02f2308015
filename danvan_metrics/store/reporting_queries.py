"""What the reporting-cycle status asks the read store: who must report, and what they have sent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from danvan_metrics.store.base_queries import fetch
from danvan_metrics.store.connection import Store


def reporting_units(
    store: Store, province: str | None, units: Sequence[str], start: dt.date, end: dt.date
) -> pd.DataFrame:
    """The units that must report for a period: every commune of ``province`` that existed in it
    (under the province directly, or under one of its districts before the 2025 reform), or exactly
    ``units``. Columns: unit_id, unit_name, province_id, province_name."""
    return fetch(
        store,
        """
        WITH chosen AS (
            SELECT u.unit_id, u.name AS unit_name, u.level, u.parent_id
            FROM units u
            LEFT JOIN units d ON d.unit_id = u.parent_id
            WHERE ($province::VARCHAR IS NOT NULL AND u.level = 'commune'
                   AND (u.parent_id = $province OR d.parent_id = $province)
                   AND (u.valid_from IS NULL OR u.valid_from <= $end::DATE)
                   AND (u.valid_to IS NULL OR u.valid_to >= $start::DATE))
               OR list_contains($units::VARCHAR[], u.unit_id)
        )
        SELECT c.unit_id, c.unit_name,
               CASE WHEN c.level = 'province' THEN c.unit_id
                    WHEN p.level = 'province' THEN p.unit_id ELSE g.unit_id END AS province_id,
               CASE WHEN c.level = 'province' THEN c.unit_name
                    WHEN p.level = 'province' THEN p.name ELSE g.name END AS province_name
        FROM chosen c
        LEFT JOIN units p ON p.unit_id = c.parent_id
        LEFT JOIN units g ON g.unit_id = p.parent_id
        ORDER BY province_name, c.unit_name, c.unit_id
        """,
        {"province": province, "units": [str(u) for u in units], "start": start, "end": end},
    )


def submissions(
    store: Store, units: Sequence[str], metrics: Sequence[str], periods: Sequence[tuple[dt.date, dt.date]]
) -> pd.DataFrame:
    """When each unit first sent each metric for one of ``periods`` (exact start and end), in a
    committed upload (a retracted one no longer counts), and the review state and comment of the latest
    such upload ('' when no regime covered it). Columns: unit_id, metric_id, first_at, last_at, review,
    review_comment."""
    return fetch(
        store,
        """
        SELECT o.unit_id, o.metric_id, min(u.uploaded_at) AS first_at, max(u.uploaded_at) AS last_at,
               arg_max(coalesce(u.review, ''), (u.uploaded_at, u.upload_id)) AS review,
               arg_max(coalesce(u.review_comment, ''), (u.uploaded_at, u.upload_id)) AS review_comment
        FROM observations o
        JOIN uploads u ON u.upload_id = o.upload_id AND u.status = 'committed'
        WHERE list_contains($units::VARCHAR[], o.unit_id)
          AND list_contains($metrics::VARCHAR[], o.metric_id)
          AND list_contains($periods::DATE[][], [o.period_start, o.period_end])
        GROUP BY o.unit_id, o.metric_id
        """,
        {
            "units": [str(u) for u in units],
            "metrics": [str(m) for m in metrics],
            "periods": [[start, end] for start, end in periods],
        },
    )


def known_ids(store: Store) -> tuple[set[str], set[str]]:
    """The catalog's metric ids and the registry's unit ids: what a regime file may name."""
    metrics = fetch(store, "SELECT metric_id FROM metrics")["metric_id"]
    units = fetch(store, "SELECT unit_id FROM units")["unit_id"]
    return set(metrics.astype(str).tolist()), set(units.astype(str).tolist())
