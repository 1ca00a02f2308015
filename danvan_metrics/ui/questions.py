"""Every question a page asks, by name and type: `queries` functions and what pages derive from them.

Call them directly (``questions.compare(metric_id, units, period)``); each is cached per data
version through `cache.question`. A new page question is one line here, or one small function.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from danvan_metrics.core.model import Metric
from danvan_metrics.figures.selection import distinct_names
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store
from danvan_metrics.ui.cache import built, derived, question
from danvan_metrics.ui.tables import figures_table, metric_label, unit_label

# The catalog and the registry
metrics = question(queries.metrics)
metrics_with_figures = question(queries.metrics_with_figures)
units = question(queries.units)
units_with_figures = question(queries.units_with_figures)
unit_picker = question(queries.unit_picker)
unit_successors = question(queries.unit_successors)
unit_predecessors = question(queries.unit_predecessors)
metric_unit_ids = question(queries.metric_unit_ids)
sources = question(queries.sources)
store_summary = question(queries.store_summary)
last_updated = question(queries.last_updated)

# Figures
compare = question(queries.compare)
periods = question(queries.periods)
trend = question(queries.trend)
unit_profile = question(queries.unit_profile)
figures = question(queries.figures)
coverage = question(queries.coverage)
coverage_by_province = question(queries.coverage_by_province)

pending_uploads = question(queries.pending_uploads)

# Logs
upload_log = question(queries.upload_log)
audit_log = question(queries.audit_log)


@question
def unit_names(store: Store) -> dict[str, str]:
    """unit_id → a name that tells units apart (`analysis.distinct_names`), for every unit with figures.

    Cached: with thousands of units, building it on every rerun cost ~30 ms.
    """
    return distinct_names(queries.units_with_figures(store))


@question
def picker_labels(store: Store) -> dict[str, str]:
    """`unit_label` of every unit the profile picker offers (~60 ms per rerun at scale, now once)."""
    return unit_label(queries.unit_picker(store))


@question
def figures_shown(
    store: Store,
    units: Sequence[str] | None = None,
    metrics: Sequence[str] | None = None,
    sources: Sequence[str] | None = None,
    categories: Sequence[str] | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """`tables.figures_table` of `queries.figures`, with units: Babel formatting of thousands of figures
    cost a page ~100 ms on every rerun; now once per data version."""
    return figures_table(queries.figures(store, units, metrics, sources, categories, limit), with_unit=True)


def metric(metric_id: str) -> Metric:
    """One catalog entry, from the cached catalog: a filter change then opens no connection for it."""

    def build() -> Metric:
        catalog = metrics()
        return Metric.from_row(catalog.loc[catalog["metric_id"] == metric_id].iloc[0].to_dict())

    return built(("metric", metric_id), build)


def metric_names() -> dict[str, str]:
    """Each metric's Vietnamese name by id, from the cached catalog."""

    def build() -> dict[str, str]:
        catalog = metrics()
        return dict(zip(catalog["metric_id"], catalog["name_vi"], strict=True))

    return derived(("metric_names",), build)


def metric_choices() -> tuple[list[str], dict[str, str]]:
    """The metrics that have figures, in catalog order, and their "Lĩnh vực · Tên" labels."""

    def build() -> tuple[list[str], dict[str, str]]:
        catalog = metrics()
        with_data = set(metrics_with_figures()["metric_id"])
        return [m for m in catalog["metric_id"] if m in with_data], metric_label(catalog)

    return derived(("metric_choices",), build)
