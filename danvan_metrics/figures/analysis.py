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

from danvan_metrics.core.model import Direction, MetricKind

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


ERA_SUFFIX = {"before": " (trước 07/2025)", "after": " (từ 07/2025)"}


def distinct_names(units: pd.DataFrame) -> dict[str, str]:
    """unit_id → a name that tells units apart: "Xã Tân Phú (Tỉnh Đồng Nai)" where two units share a name.

    After the 2025 reform 246 communes share their name with another; a picker, a legend or a
    heatmap row that said only "Xã Tân Phú" would mix them up. A former unit (dissolved by the
    reform) is marked "(đến 30/06/2025)", so it is never read as today's unit of the same name;
    names still shared also get the era ("trước 07/2025" / "từ 07/2025").

    Args:
        units: rows of `queries.units` or `queries.units_with_figures` (``unit_id``, ``name``,
            ``parent_name``; ``valid_to`` when there).
    """
    names = units["name"].astype("str")
    if "valid_to" in units:  # a former unit says so wherever it is named: "Quận Ba Đình (đến 30/06/2025)"
        ends = pd.to_datetime(units["valid_to"], errors="coerce")
        former = ends.notna()
        if former.any():
            names = names.where(~former, names + " (đến " + ends.dt.strftime("%d/%m/%Y").fillna("") + ")")
    clash = names.duplicated(keep=False)
    if clash.any():
        parents = units["parent_name"] if "parent_name" in units else pd.Series(None, index=units.index)
        names = names.where(~clash | parents.isna(), names + " (" + parents.astype("str") + ")")
    clash = names.duplicated(keep=False)
    if clash.any() and "valid_to" in units:
        era = units["valid_to"].isna().map({True: ERA_SUFFIX["after"], False: ERA_SUFFIX["before"]})
        names = names.where(~clash, names + era)
    clash = names.duplicated(keep=False)
    names = names.where(~clash, names + " [" + units["unit_id"].astype("str") + "]")
    return dict(zip(units["unit_id"].astype("str"), names, strict=True))


def with_distinct_names(frame: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """``frame`` (rows with ``unit_id``, ``unit_name``) with names from `distinct_names` where known."""
    if frame.empty:
        return frame
    return frame.assign(unit_name=frame["unit_id"].map(names).fillna(frame["unit_name"]))


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


# -- Many units: views that stay readable, and a cap on trend lines -----------------------------

SCALE_UNITS = 40  # beyond this many bars, a bar per unit no longer reads on a screen
TOP_N = 10
TREND_LINE_CAP = 8


def needs_scale_view(n_units: int) -> bool:
    """True when a compare chart would hold too many bars to read (more than `SCALE_UNITS`)."""
    return n_units > SCALE_UNITS


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


def province_of(units: pd.DataFrame, unit_id: str | None) -> str | None:
    """The province a unit lies in (itself if it is one), from the registry's parent links."""
    parents = dict(zip(units["unit_id"], units["parent_id"], strict=True))
    levels = dict(zip(units["unit_id"], units["level"], strict=True))
    current = unit_id
    for _ in range(4):
        if current is None or current not in levels:
            return None
        if levels[current] == "province":
            return current
        parent = parents.get(current)
        current = None if parent is None or pd.isna(parent) else str(parent)
    return None


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


@dataclass(frozen=True, slots=True)
class TrendSelection:
    """Which units a trend chart draws: ``unit_ids`` (None = every unit), of ``total``, and a note if capped."""

    unit_ids: list[str] | None
    total: int
    note: str | None = None


def provinces_of(registry: pd.DataFrame, unit_ids: Sequence[str]) -> list[str | None]:
    """The province each unit lies in (itself if it is one), for many units at once (see `province_of`)."""
    parents = dict(zip(registry["unit_id"], registry["parent_id"], strict=True))
    levels = dict(zip(registry["unit_id"], registry["level"], strict=True))
    out: list[str | None] = []
    for unit_id in unit_ids:
        current: str | None = unit_id
        for _ in range(4):
            if current is None or current not in levels or levels[current] == "province":
                break
            parent = parents.get(current)
            current = None if parent is None or pd.isna(parent) else str(parent)
        out.append(current if current is not None and levels.get(current) == "province" else None)
    return out


def trend_selection(
    units: pd.DataFrame,
    picked: Sequence[str],
    my_unit: str | None,
    cap: int = TREND_LINE_CAP,
    registry: pd.DataFrame | None = None,
) -> TrendSelection:
    """At most ``cap`` lines: the picked units, else my unit and its neighbours, else one unit per province.

    Args:
        units: the units with figures for the metric drawn (``unit_id``, ``name``, ``parent_id``): a
            unit without one would be counted as a line and draw none.
        picked: the units the reader chose (may be empty: "every unit").
        my_unit: "Đơn vị của tôi", always kept when it is among the candidates.
        cap: the most lines drawn.
        registry: every unit (`queries.units`), to spread lines by province; without it, by parent.
    """
    from danvan_metrics.core import messages
    from danvan_metrics.core.formats import format_number

    if picked:
        candidates = list(dict.fromkeys(picked))
        which = "các đơn vị đã chọn đầu tiên"
    else:
        ordered = units.sort_values("name", kind="stable")
        if len(ordered) <= cap:
            return TrendSelection(None, len(ordered))
        # Without a choice, spread the lines over provinces: the first unit (by name) in each province first.
        places = (
            pd.Series(provinces_of(registry, list(ordered["unit_id"])), index=ordered.index)
            if registry is not None
            else ordered["parent_id"]
        )
        first = ~places.duplicated() | places.isna()
        candidates = [*ordered.loc[first, "unit_id"], *ordered.loc[~first, "unit_id"]]
        which = "mỗi tỉnh, thành phố một đơn vị đầu danh sách"
    total = len(candidates)
    if total <= cap:
        return TrendSelection(candidates, total)
    chosen: list[str] = []
    if my_unit and my_unit in candidates:
        chosen.append(my_unit)
        parent = units.loc[units["unit_id"] == my_unit, "parent_id"]
        if not picked and not parent.empty and not pd.isna(parent.iloc[0]):
            siblings = set(units.loc[units["parent_id"] == parent.iloc[0], "unit_id"])
            chosen += [u for u in candidates if u in siblings and u != my_unit]
            which = "đơn vị của tôi và các đơn vị cùng cấp trên"
        else:
            which = "đơn vị của tôi và " + which
    chosen += [u for u in candidates if u not in chosen]
    shown = chosen[:cap]
    note = messages.TREND_CAPPED.format(
        shown=format_number(len(shown)), total=format_number(total), which=which, cap=cap
    )
    return TrendSelection(shown, total, note)


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
