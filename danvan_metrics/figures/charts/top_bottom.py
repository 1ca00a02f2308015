"""The top/bottom chart: the best and worst units of many as compare bars, a line between the bands."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from danvan_metrics.core.formats import format_number
from danvan_metrics.core.model import Direction, Metric
from danvan_metrics.figures.charts.compare import build_compare_figure
from danvan_metrics.figures.charts.theme import GREY
from danvan_metrics.figures.groups import GroupStats


def build_top_bottom_figure(
    frame: pd.DataFrame,
    metric: Metric,
    total: int,
    highlight: str | None = None,
    stats: GroupStats | None = None,
    places: Mapping[str, str] | None = None,
) -> go.Figure:
    """The best and worst units (from `analysis.top_bottom`) as bars, with a line between the bands.

    Each bar is labelled with its rank (or its position by size, when ranking is not honest),
    and with its place (``places``: unit id → province name) when two shown units share a name.

    Args:
        frame: rows of `analysis.top_bottom` (``band``, ``position``, maybe ``rank``).
        metric: the catalog entry.
        total: how many units the bands were chosen from.
        highlight: my unit's id (drawn in orange, with a star).
        stats: the group's best and median, as for `build_compare_figure`.
        places: where each unit lies, to tell apart units with the same name.
    """
    shown = frame.copy()
    order = shown["rank"] if "rank" in shown else shown["position"]
    names = shown["unit_name"].astype("str")
    twins = names.duplicated(keep=False)
    where = shown.get("unit_parent_id", pd.Series(None, index=shown.index))
    places = places or {}
    names = [
        f"{name} ({places.get(str(parent), '')})" if twin and places.get(str(parent)) else name
        for name, twin, parent in zip(names, twins, where, strict=True)
    ]
    shown["unit_name"] = [f"#{format_number(int(o))} · {n}" for o, n in zip(order, names, strict=True)]
    figure = build_compare_figure(shown, metric, highlight, stats)
    ascending = metric.direction == Direction.LOWER  # the order build_compare_figure draws in
    drawn = shown.sort_values("value", ascending=ascending, na_position="last")["band"].tolist()
    for index in range(1, len(drawn)):
        if drawn[index] != drawn[index - 1]:
            figure.add_shape(
                type="line", xref="paper", x0=0, x1=1, yref="y", y0=index - 0.5, y1=index - 0.5,
                line={"color": GREY, "width": 2, "dash": "dash"},
            )  # fmt: skip
    ranked = "rank" in shown
    best, worst = ("tốt nhất", "kém nhất") if ranked else ("lớn nhất", "nhỏ nhất")
    n_top = int((shown["band"] == "top").sum())
    n_bottom = int((shown["band"] == "bottom").sum())
    title = (
        f"{metric.name_vi} ({metric.unit}): {n_top} {best} và {n_bottom} {worst} trong {format_number(total)} đơn vị"
    )
    figure.update_layout(title={"text": title})
    return figure
