"""What review asks the read store: the uploads waiting, their figures beside the unit's previous
period and its peers, and each unit's district and province (a reviewer's reach)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from danvan_metrics.store.base_queries import fetch
from danvan_metrics.store.connection import Store


def review_uploads(store: Store, states: Sequence[str] = ("pending",)) -> pd.DataFrame:
    """Committed uploads under a regime in one of ``states`` ("pending", "approved", "returned"),
    oldest first (the queue's order). Columns: upload_id, file_name, uploaded_by, uploaded_at,
    regime_id, review, reviewed_by, reviewed_at, review_comment, n_figures, unit_ids (list), unit_names."""
    return fetch(
        store,
        """
        SELECT u.upload_id, u.file_name, u.uploaded_by, u.uploaded_at, u.regime_id, u.review,
               u.reviewed_by, u.reviewed_at, u.review_comment, count(o.obs_id) AS n_figures,
               list(DISTINCT o.unit_id ORDER BY o.unit_id) AS unit_ids,
               string_agg(DISTINCT n.name, ', ' ORDER BY n.name) AS unit_names
        FROM uploads u
        JOIN observations o ON o.upload_id = u.upload_id
        JOIN units n ON n.unit_id = o.unit_id
        WHERE u.status = 'committed' AND list_contains($states::VARCHAR[], u.review)
        GROUP BY ALL
        ORDER BY u.uploaded_at, u.upload_id
        """,
        {"states": [str(s) for s in states]},
    )


def review_figures(store: Store, upload_id: str) -> pd.DataFrame:
    """Every figure of one upload, with what a reviewer compares it to: the figure now in force for
    the same unit, metric and period (a correction replaces it), the unit's previous period (the latest
    earlier one of the same length: a Decree-09 cut-off quarter follows a calendar one), and the
    median of its peers (the other units under the same parent) for the same metric and period."""
    return fetch(
        store,
        """
        WITH mine AS (
            SELECT o.*, u.name AS unit_name, u.parent_id, m.name_vi AS metric_name, m.unit AS unit_of_measure,
                   m.decimals, m.kind AS metric_kind
            FROM observations o
            JOIN units u ON u.unit_id = o.unit_id
            JOIN metrics m ON m.metric_id = o.metric_id
            WHERE o.upload_id = $upload
        ), in_force AS (
            SELECT m.obs_id, c.value AS current_value, c.value_text AS current_text
            FROM mine m JOIN current_observations c
              ON c.unit_id = m.unit_id AND c.metric_id = m.metric_id
             AND c.period_start = m.period_start AND c.period_end = m.period_end
            WHERE c.obs_id <> m.obs_id
        ), previous AS (
            SELECT m.obs_id, arg_max(c.value, c.period_end) AS previous_value,
                   arg_max(c.period_label, c.period_end) AS previous_period
            FROM mine m JOIN current_observations c
              ON c.unit_id = m.unit_id AND c.metric_id = m.metric_id
             AND c.period_start < m.period_start AND c.period_end < m.period_end
             AND abs(date_diff('day', c.period_start, c.period_end)
                     - date_diff('day', m.period_start, m.period_end)) <= 5
            GROUP BY m.obs_id
        ), peers AS (
            SELECT m.obs_id, median(c.value) AS peer_median, count(c.value) AS n_peers
            FROM mine m
            JOIN current_observations c
              ON c.metric_id = m.metric_id AND c.period_start = m.period_start AND c.period_end = m.period_end
             AND c.unit_id <> m.unit_id
            JOIN units p ON p.unit_id = c.unit_id AND p.parent_id IS NOT DISTINCT FROM m.parent_id
            GROUP BY m.obs_id
        )
        SELECT m.obs_id, m.unit_id, m.unit_name, m.metric_id, m.metric_name, m.unit_of_measure, m.decimals,
               m.metric_kind, m.period_label, m.period_start, m.period_end, m.value, m.qualifier, m.value_text,
               m.numerator, m.denominator, m.source_quote, f.current_value, f.current_text,
               v.previous_value, v.previous_period, p.peer_median, coalesce(p.n_peers, 0) AS n_peers
        FROM mine m
        LEFT JOIN in_force f USING (obs_id)
        LEFT JOIN previous v USING (obs_id)
        LEFT JOIN peers p USING (obs_id)
        ORDER BY m.unit_name, m.metric_name, m.period_start
        """,
        {"upload": upload_id},
    )


def unit_ancestors(store: Store, unit_ids: Sequence[str]) -> dict[str, set[str]]:
    """Each unit with its parent and grandparent (a commune's district and province), itself included."""
    frame = fetch(
        store,
        """
        SELECT u.unit_id, p.unit_id AS parent, g.unit_id AS grandparent
        FROM units u
        LEFT JOIN units p ON p.unit_id = u.parent_id
        LEFT JOIN units g ON g.unit_id = p.parent_id
        WHERE list_contains($units::VARCHAR[], u.unit_id)
        """,
        {"units": [str(u) for u in unit_ids]},
    )
    found = {str(u): {str(u)} for u in unit_ids}
    for unit_id, parent, grandparent in frame.itertuples(index=False):
        found[str(unit_id)].update(str(x) for x in (parent, grandparent) if isinstance(x, str))
    return found


def pending_uploads(store: Store) -> int:
    """How many committed uploads wait for review (whether pages offer to show their figures)."""
    frame = fetch(store, "SELECT count(*) AS n FROM uploads WHERE status = 'committed' AND review = 'pending'")
    return int(frame["n"].iloc[0])
