"""Which units a view names and draws: names that tell units apart, the province of each, trend lines.

After the 2025 reform many communes share a name, and a trend chart of thousands of units reads
as nothing; these choose names, places and the few lines a chart draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

TREND_LINE_CAP = 8

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
