"""Streamlit helpers: the one store per process, cached queries, and ``st_`` render functions.

Query results are cached by the store's data version, so a new upload or a curated
change is seen on the next rerun, and nothing expires on a timer.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from danvan_metrics import queries
from danvan_metrics.formats import format_date, format_figure, format_parts
from danvan_metrics.store import Store, open_store


@st.cache_resource(show_spinner=False)
def _store_for(home: str) -> Store:
    return open_store(Path(home))


def get_store() -> Store:
    """The store for this process's state directory, created or refreshed once."""
    from danvan_metrics import config

    return _store_for(str(config.state_dir()))


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(name: str, home: str, version: str, args: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...]) -> Any:
    function: Callable[..., Any] = getattr(queries, name)
    return function(Store(Path(home)), *args, **dict(kwargs))


def query(name: str, *args: Any, **kwargs: Any) -> Any:
    """Call ``queries.<name>(store, *args, **kwargs)``, cached until the data changes."""
    store = get_store()
    return _cached(name, str(store.home), store.data_version(), args, tuple(sorted(kwargs.items())))


def figures_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Figure rows as a reader sees them: formatted value with qualifier, parts, period, source, quote."""
    return pd.DataFrame(
        {
            "Chỉ tiêu": frame["metric_name"],
            "Số liệu": [
                format_figure(v, u, int(d), q)
                for v, u, d, q in zip(frame["value"], frame["unit_of_measure"], frame["decimals"], frame["qualifier"], strict=True)
            ],
            "Tử số/mẫu số": [format_parts(n, d) for n, d in zip(frame["numerator"], frame["denominator"], strict=True)],
            "Kỳ số liệu": frame["period_label"],
            "Nguồn": [
                f"{t} ({format_date(p)})" for t, p in zip(frame["source_title"], frame["source_published"], strict=True)
            ],
            "Trích dẫn nguyên văn": frame["source_quote"],
        }
    )


def st_figures_by_category(frame: pd.DataFrame) -> None:
    """One table per category of a unit's figures."""
    for category, group in frame.groupby("category", sort=True):
        st.markdown(f"**{category}**")
        st.dataframe(figures_table(group), hide_index=True, width="stretch")
