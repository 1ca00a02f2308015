"""What every queries module shares: one question, run on its own read-only connection, into a DataFrame.

Values reach DuckDB only as bound parameters (``$name`` with a dict, or ``?`` with a sequence).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from danvan_metrics.store.connection import Store


def fetch(store: Store, query: str, params: dict[str, Any] | Sequence[Any] | None = None) -> pd.DataFrame:
    """The rows ``query`` returns with ``params`` bound, as a DataFrame."""
    with store.connect() as conn:
        return conn.execute(query, params or []).df()
