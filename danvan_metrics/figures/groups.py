"""Comparison groups and ranks: which units a comparison shows, and where each stands among them.

The rules a meeting relies on are here and tested: rank only figures of one period, never rank
a neutral metric, and with many units show the best and the worst with my unit wherever it stands.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import pandas as pd

from danvan_metrics.core.model import Direction

TOP_N = 10


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
    # One unit has no rank ("Hạng 1/1 · So với tốt nhất 0" says nothing).
    if frame.empty or direction == Direction.NEUTRAL or int(values.notna().sum()) < 2:
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


@dataclass(frozen=True, slots=True)
class Position:
    """Where one unit stands among all units of one period: rank 1 is best.

    ``better_than`` is the share (0–100) of the other units it does better than, ties counting half.
    """

    unit_id: str
    unit_name: str
    value: float
    rank: int
    n: int
    better_than: float


def unit_position(frame: pd.DataFrame, unit_id: str | None, direction: str) -> Position | None:
    """The rank and percentile of ``unit_id`` in a compare result, where ranking is honest.

    None when the unit has no figure, the metric has no better direction, or the figures are
    not all from one period (the same rule as `rank_and_gaps`).
    """
    if not unit_id or frame.empty or direction == Direction.NEUTRAL or not bool(frame["same_period"].all()):
        return None
    mine = frame.loc[frame["unit_id"] == unit_id]
    if mine.empty or pd.isna(mine["value"].iloc[0]):
        return None
    sign = 1.0 if direction == Direction.HIGHER else -1.0
    values = frame["value"].astype("float64").dropna() * sign
    own = float(mine["value"].iloc[0]) * sign
    better, worse = int((values > own).sum()), int((values < own).sum())
    ties = len(values) - better - worse - 1
    share = 100.0 * (worse + ties / 2) / (len(values) - 1) if len(values) > 1 else 100.0
    return Position(unit_id, str(mine["unit_name"].iloc[0]), own * sign, better + 1, len(values), share)


def top_bottom(frame: pd.DataFrame, direction: str, n: int = TOP_N, keep: Sequence[str | None] = ()) -> pd.DataFrame:
    """The ``n`` best and ``n`` worst units of a compare result, and the ``keep`` units wherever they stand.

    For a neutral metric, or figures of mixed periods, "best" means largest: nothing is ranked.

    Returns:
        The chosen rows, best first, with ``band`` ("top", "mine" or "bottom") and ``position``
        (1 = largest or best, by value); ranked frames also keep ``rank`` and the gap columns.
    """
    ranked, stats = rank_and_gaps(frame, direction)
    sign = -1.0 if stats is not None and direction == Direction.LOWER else 1.0
    order = (ranked["value"].astype("float64") * sign).rank(ascending=False, method="first")
    ordered = ranked.assign(position=order.astype("Int64")).sort_values("position", na_position="last")
    valued = ordered[ordered["value"].notna()]
    top = valued.head(n)
    bottom = valued.iloc[max(n, len(valued) - n) :]
    wanted = {u for u in keep if u}
    band = pd.Series("mine", index=ordered.index)
    band[ordered.index.isin(top.index)] = "top"
    band[ordered.index.isin(bottom.index)] = "bottom"
    chosen = ordered.index.isin(top.index) | ordered.index.isin(bottom.index) | ordered["unit_id"].isin(wanted)
    return ordered.assign(band=band)[chosen].reset_index(drop=True)
