"""Comparison logic on query results: comparison groups, rank and gaps, headline picks, recency.

Pure functions over DataFrames (no SQL, no Streamlit), so pages stay thin and the rules a
meeting relies on ("rank only within one period", "neutral metrics are not ranked") are tested.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import pandas as pd

from danvan_metrics.model import Direction

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


class Group(StrEnum):
    """Which units a comparison shows."""

    ALL = "all"
    PROVINCE = "province"
    KIND = "kind"
    CUSTOM = "custom"


GROUP_LABELS: dict[str, str] = {
    Group.ALL: "Tất cả đơn vị",
    Group.PROVINCE: "Cùng tỉnh, thành phố với đơn vị của tôi",
    Group.KIND: "Cùng loại đơn vị (quận / huyện / thành phố)",
    Group.CUSTOM: "Tự chọn đơn vị",
}


def group_members(
    units: pd.DataFrame, group: str, my_unit: str | None = None, picked: Sequence[str] = ()
) -> list[str] | None:
    """The unit ids of a comparison group; None means every unit.

    Args:
        units: the unit registry (unit_id, parent_id, kind, level).
        group: a `Group` value.
        my_unit: the user's unit, which the province and kind groups are built around.
        picked: the hand-picked ids for `Group.CUSTOM`.
    """
    if group == Group.CUSTOM:
        return list(picked)
    if group == Group.ALL or not my_unit or my_unit not in set(units["unit_id"]):
        return None
    mine = units.loc[units["unit_id"] == my_unit].iloc[0]
    same_level = units["level"] == mine["level"]
    if group == Group.PROVINCE:
        keep = same_level & (units["parent_id"] == mine["parent_id"])
    else:
        keep = same_level & (units["kind"] == mine["kind"])
    return sorted(units.loc[keep, "unit_id"])


@dataclass(frozen=True, slots=True)
class GroupStats:
    """The reference points a unit is compared with: the best figure and the median."""

    best: float
    median: float
    best_unit: str
    n: int


def rank_and_gaps(frame: pd.DataFrame, direction: str) -> tuple[pd.DataFrame, GroupStats | None]:
    """Rank units and the gap to the best and to the median — only where that is honest.

    Ranking needs every figure from one period and a metric where more (or less) is better;
    otherwise the frame comes back without rank columns and the stats are None.

    Returns:
        The frame with ``rank`` (1 = best), ``gap_best`` and ``gap_median`` (positive = better
        than the reference), and the group's stats.
    """
    values = frame["value"].astype("float64")
    if frame.empty or direction == Direction.NEUTRAL or values.isna().all():
        return frame, None
    if not bool(frame["same_period"].all()):
        return frame, None
    sign = 1.0 if direction == Direction.HIGHER else -1.0
    out = frame.copy()
    out["rank"] = (values * sign).rank(ascending=False, method="min").astype("Int64")
    best_index = (values * sign).idxmax()
    best = float(values[best_index])
    median = float(values.median())
    out["gap_best"] = (values - best) * sign
    out["gap_median"] = (values - median) * sign
    stats = GroupStats(
        best=best, median=median, best_unit=str(frame.loc[best_index, "unit_name"]), n=int(values.notna().sum())
    )
    return out.sort_values("rank", kind="stable"), stats


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
    """
    shown = units.loc[units["unit_id"].isin(coverage["unit_id"]), ["unit_id", "name"]]
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
