"""What the store has recorded, in full: the upload and audit logs, and every current figure (`dump`).

The dump is the `python -m danvan_metrics dump` contract: sorted, its columns first, and in
batches for a national store.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from danvan_metrics.core.model import DUMP_COLUMNS
from danvan_metrics.store.base_queries import fetch
from danvan_metrics.store.connection import Store

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
    frame = fetch(store, _DUMP_SQL)
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
    return fetch(store, "SELECT * FROM uploads ORDER BY uploaded_at DESC")


def audit_log(store: Store, limit: int = 5000) -> pd.DataFrame:
    """The audit trail, newest first."""
    return fetch(store, "SELECT * FROM audit ORDER BY happened_at DESC LIMIT $limit", {"limit": limit})
