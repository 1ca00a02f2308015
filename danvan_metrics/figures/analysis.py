"""Analysis on query results for whole views: headline picks, recency and coverage grids, province rollups.

Pure functions over DataFrames (no SQL, no Streamlit), so pages stay thin and the rules are
tested. Comparison groups and ranks are in `groups`; names, provinces and trend lines in `selection`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from danvan_metrics.core.model import MetricKind
from danvan_metrics.figures.selection import (
    ERA_SUFFIX,
    distinct_names,
)

__all__ = [
    "KEY_METRICS",
    "NO_DATA_LABEL",
    "RECENCY_BUCKETS",
    "SCALE_UNITS",
    "ProvinceView",
    "coverage_by_province_matrix",
    "coverage_matrix",
    "fullest_recent_period",
    "headline_figures",
    "needs_scale_view",
    "province_rollup",
    "recency_label",
]

# The figures a leader looks for first, in the order cards show them.
KEY_METRICS: tuple[str, ...] = (
    "complaints_resolved_rate",
    "denunciations_resolved_rate",
    "mediation_success_rate",
    "citizen_receptions",
    "hotline_feedback",
    "poor_household_loans",
    "poor_household_loan_amount",
    "inspections",
)


def headline_figures(profile: pd.DataFrame, limit: int = 4) -> pd.DataFrame:
    """A unit's figures for its headline cards: key metrics first (latest each), then others."""
    if profile.empty:
        return profile
    latest = profile.sort_values("period_end", ascending=False).drop_duplicates("metric_id")
    order = {metric_id: i for i, metric_id in enumerate(KEY_METRICS)}
    latest = latest.assign(_order=latest["metric_id"].map(order).fillna(len(order)))
    return latest.sort_values(["_order", "category", "metric_name"]).head(limit).drop(columns="_order")


RECENCY_BUCKETS: tuple[tuple[float, str], ...] = (
    (1.0, "Trong 1 năm"),
    (2.0, "1–2 năm"),
    (4.0, "2–4 năm"),
    (float("inf"), "Trên 4 năm"),
)
NO_DATA_LABEL = "Chưa có số liệu"


def recency_label(period_end: dt.date | None, today: dt.date) -> str:
    """How old the latest figure is, in the buckets the coverage matrix colours by."""
    if period_end is None or pd.isna(period_end):
        return NO_DATA_LABEL
    years = (today - pd.Timestamp(period_end).date()).days / 365.25
    for limit, label in RECENCY_BUCKETS:
        if years <= limit:
            return label
    return RECENCY_BUCKETS[-1][1]


def coverage_matrix(coverage: pd.DataFrame, units: pd.DataFrame, categories: Sequence[str]) -> pd.DataFrame:
    """Units × categories: how many figures, over how many metrics, and the latest period's end.

    Every unit that has any figure appears, and every category of the catalog, so gaps show.
    Units that share a name are told apart (`distinct_names`).
    """
    shown = units.loc[units["unit_id"].isin(coverage["unit_id"])]
    shown = pd.DataFrame({"unit_id": shown["unit_id"], "name": shown["unit_id"].map(distinct_names(shown))})
    grid = pd.MultiIndex.from_product([shown["unit_id"], list(categories)], names=["unit_id", "category"])
    stats = coverage.groupby(["unit_id", "category"]).agg(
        n_figures=("metric_id", "size"),
        n_metrics=("metric_id", "nunique"),
        latest_end=("period_end", "max"),
        metrics=("metric_name", lambda names: sorted(set(names))),
    )
    out = stats.reindex(grid).reset_index()
    out["n_figures"] = out["n_figures"].fillna(0).astype("int64")
    out["n_metrics"] = out["n_metrics"].fillna(0).astype("int64")
    out["metrics"] = [m if isinstance(m, list) else [] for m in out["metrics"]]
    return out.merge(shown.rename(columns={"name": "unit_name"}), on="unit_id", how="left")


SCALE_UNITS = 40  # beyond this many bars, a bar per unit no longer reads on a screen


def needs_scale_view(n_units: int) -> bool:
    """True when a compare chart would hold too many bars to read (more than `SCALE_UNITS`)."""
    return n_units > SCALE_UNITS


@dataclass(frozen=True, slots=True)
class ProvinceView:
    """A compare result rolled up to provinces, shaped like `queries.compare` rows; or why not."""

    frame: pd.DataFrame | None
    note: str | None = None


def province_rollup(frame: pd.DataFrame, units: pd.DataFrame, kind: str) -> ProvinceView:
    """Sum (or pool, for rates) one period's figures of communes or districts into their provinces.

    Uses `rollup.rollup`: rates are Σ numerator / Σ denominator, a province missing units is
    marked "≥" with a note. Units of another level than the most common one are left out, and
    the note says how many.

    Args:
        frame: rows from `queries.compare` for one metric (``same_period`` must hold).
        units: the registry (`queries.units`).
        kind: the metric's kind.

    Returns:
        Rows with ``unit_id`` (the province), ``unit_name``, ``value``, ``qualifier``, parts,
        period, ``same_period``, ``source_title`` ("Tổng hợp từ k/n đơn vị"), ``n_figures``,
        ``n_expected``, ``reason`` and ``note``; or no frame and a note saying why.
    """
    from danvan_metrics.core import messages
    from danvan_metrics.registry import rollup  # rollup reads queries; imported when used

    if frame.empty:
        return ProvinceView(None, None)
    if not bool(frame["same_period"].all()):
        return ProvinceView(None, messages.ROLLUP_NEEDS_ONE_PERIOD)
    below = frame[frame["unit_level"] != "province"]
    if below.empty:
        return ProvinceView(None, None)
    level = below["unit_level"].mode().iloc[0]
    kept = below[below["unit_level"] == level]
    dropped = len(frame) - len(kept)
    columns = ["unit_id", "value", "qualifier", "numerator", "denominator", "period_start", "period_end"]
    rolled = rollup.rollup(kept[[*columns, "period_label"]], units, MetricKind(kind))
    names = rolled["unit_name"].astype("str")
    clash = names.duplicated(keep=False)
    names = names.where(~clash, names + rolled["era"].map(ERA_SUFFIX).fillna(""))
    out = pd.DataFrame(
        {
            "unit_id": rolled["unit_id"],
            "unit_name": names,
            "unit_level": "province",
            "value": rolled["value"].astype("Float64"),
            "qualifier": rolled["qualifier"],
            "numerator": rolled["numerator"],
            "denominator": rolled["denominator"],
            "period_start": rolled["period_start"],
            "period_end": rolled["period_end"],
            "period_label": [", ".join(labels) for labels in rolled["period_labels"]],
            "same_period": True,
            "source_title": [
                f"Tổng hợp từ {k}/{n} đơn vị" for k, n in zip(rolled["n_figures"], rolled["n_expected"], strict=True)
            ],
            "source_publisher": None,
            "source_published": None,
            "source_quote": rolled["note"],
            "n_figures": rolled["n_figures"],
            "n_expected": rolled["n_expected"],
            "reason": rolled["reason"],
            "note": rolled["note"],
        }
    )
    note = (
        f"Không gộp {dropped} đơn vị khác cấp ({', '.join(sorted(set(frame['unit_level']) - {level}))})."
        if dropped
        else None
    )
    return ProvinceView(out.sort_values("value", ascending=False, na_position="last", ignore_index=True), note)


def coverage_by_province_matrix(cells: pd.DataFrame, categories: Sequence[str]) -> pd.DataFrame:
    """Provinces × categories from `queries.coverage_by_province`, every pair present, in the shape
    `coverage_matrix` returns (so `charts.build_coverage_figure` draws it).

    Province names that occur in both eras get "(trước 07/2025)" / "(từ 07/2025)".
    """
    provinces = cells[["unit_id", "unit_name", "era"]].drop_duplicates("unit_id")
    clash = provinces["unit_name"].duplicated(keep=False)
    provinces = provinces.assign(
        unit_name=provinces["unit_name"].where(~clash, provinces["unit_name"] + provinces["era"].map(ERA_SUFFIX))
    )
    grid = pd.MultiIndex.from_product([provinces["unit_id"], list(categories)], names=["unit_id", "category"])
    stats = cells.set_index(["unit_id", "category"])[["n_figures", "n_metrics", "n_units", "latest_end", "metrics"]]
    out = stats.reindex(grid).reset_index()
    for column in ("n_figures", "n_metrics", "n_units"):
        out[column] = out[column].fillna(0).astype("int64")
    out["metrics"] = [list(m) if isinstance(m, list | tuple) or hasattr(m, "tolist") else [] for m in out["metrics"]]
    return out.merge(provinces[["unit_id", "unit_name"]], on="unit_id", how="left")


def fullest_recent_period(periods: pd.DataFrame, share: float = 0.8) -> str | None:
    """The newest period that most units have reported for: a compare view that can rank and roll up.

    "Mới nhất của mỗi đơn vị" mixes periods as soon as one unit is late; with many units that is
    always. This picks the newest period covering at least ``share`` of the best-covered period.

    Args:
        periods: rows of `queries.periods` (``period_key``, ``n_units``), newest first.
        share: how close to the best coverage a period must come.

    Returns:
        Its ``period_key``, or None when there are no periods.
    """
    if periods.empty:
        return None
    enough = periods["n_units"] >= share * float(periods["n_units"].max())
    return str(periods.loc[enough, "period_key"].iloc[0])
