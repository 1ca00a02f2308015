"""The distribution chart: how thousands of units' figures spread, as a histogram counted here, with
the median, the target and my unit marked with its rank.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from danvan_metrics.core.formats import format_figure, format_measure, format_number, plotly_number_format
from danvan_metrics.core.model import Direction, Metric
from danvan_metrics.figures.charts.axes import gutter, round_step, tick_labels, value_axis
from danvan_metrics.figures.charts.labels import MY_UNIT_LABEL, position_text
from danvan_metrics.figures.charts.notes import MIXED_PERIOD_WARNING, add_notes, notes_margin
from danvan_metrics.figures.charts.text import wrap_text
from danvan_metrics.figures.charts.theme import (
    BASE_FONT_SIZE,
    BLUE,
    GREEN,
    GREY,
    LIGHT_GREY,
    ORANGE,
    PHONE_WIDTH,
    set_layout,
)
from danvan_metrics.figures.groups import Position

MINE_WIDTH = 160  # px of my unit's label beside its line on a distribution: half a phone's plot


def _bin_edges(values: np.ndarray, count: int, metric: Metric) -> np.ndarray:
    """About ``count`` bins over the values; for a rate, bins of a round width (2 %, 2,5 %, 5 % …) on its 0–100 axis."""
    low, high = float(values.min()), float(values.max())
    if not metric.is_percent:
        return np.histogram_bin_edges(values, bins=count, range=(low, high) if high > low else None)
    span = max(high - low, 10.0)  # one unit alone still gets a bar one can see
    raw = span / count
    magnitude = 10.0 ** math.floor(math.log10(raw))
    width = next(m * magnitude for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * magnitude >= raw * (1 - 1e-9))
    start, stop = math.floor(low / width + 1e-9) * width, math.ceil(high / width - 1e-9) * width
    if stop <= start:  # every figure on one edge: the bin below it (np.histogram counts the last edge in)
        start = stop - width
    return np.linspace(start, stop, round((stop - start) / width) + 1)


def _count_axis(counts: np.ndarray) -> tuple[dict[str, Any], int]:
    """A histogram's count axis (whole numbers, from 0 to a round tick at or above the tallest bar) and its gutter."""
    tallest = float(counts.max()) if len(counts) else 0.0
    step = round_step(tallest or 1.0, whole=True)
    axis = {"range": [0, max(step, math.ceil(tallest / step) * step)], "tick0": 0, "dtick": step, "tickformat": ",d"}
    return axis, gutter(tick_labels(axis), title=True)


def build_distribution_figure(
    frame: pd.DataFrame,
    metric: Metric,
    highlight: str | None = None,
    position: Position | None = None,
    bins: int | None = None,
) -> go.Figure:
    """How every unit's figure is spread: a histogram counted here (so the browser gets a few bars,
    not thousands of points), the median, the target, and "Đơn vị của tôi" marked with its rank.

    A rate reads on its 0–100 % axis, in bins of a round width.

    Args:
        frame: rows from `queries.compare` (value, unit_id, unit_name, period_label, same_period).
        metric: the catalog entry (title, unit, decimals, direction, target).
        highlight: my unit's id; its bar and value are drawn in orange.
        position: my unit's rank and percentile (`analysis.unit_position`), shown beside its line.
        bins: about how many bars; default grows with the number of units (at most 40).
    """
    values = frame["value"].astype("float64").dropna().to_numpy()
    same_period = bool(frame["same_period"].all()) if not frame.empty else True
    figure = go.Figure()
    notes: list[str] = []
    percent = metric.is_percent
    x_axis: dict[str, Any] = {"tickformat": plotly_number_format(metric.decimals), "nticks": 6}
    y_axis, left = _count_axis(np.zeros(0))
    if len(values):
        count = bins or int(min(40, max(6, np.ceil(np.sqrt(len(values))))))
        edges = _bin_edges(values, count, metric)
        counts, edges = np.histogram(values, bins=edges)
        y_axis, left = _count_axis(counts)
        mine = frame.loc[frame["unit_id"] == highlight, "value"] if highlight else pd.Series(dtype="float64")
        mine_value = float(mine.iloc[0]) if len(mine) and not pd.isna(mine.iloc[0]) else None
        mine_bin = None
        if mine_value is not None:
            mine_bin = min(int(np.searchsorted(edges, mine_value, side="right")) - 1, len(counts) - 1)
        decimals = metric.decimals
        figure.add_trace(
            go.Bar(
                x=(edges[:-1] + edges[1:]) / 2,
                y=counts,
                width=np.diff(edges) * 0.95,
                marker={"color": [ORANGE if i == mine_bin else BLUE for i in range(len(counts))]},
                customdata=[
                    (
                        format_measure(a, metric.unit, decimals),
                        format_measure(b, metric.unit, decimals),
                        format_number(int(c)),
                    )
                    for a, b, c in zip(edges[:-1], edges[1:], counts, strict=True)
                ],  # fmt: skip
                hovertemplate="Từ %{customdata[0]} đến %{customdata[1]}: <b>%{customdata[2]} đơn vị</b><extra></extra>",
            )
        )
        median = float(np.median(values))
        # The median's label goes in the note line above the plot: beside its line it would collide
        # with my unit's label whenever the two are close, which is most of the time.
        figure.add_vline(x=median, line={"color": GREY, "dash": "dot", "width": 2})
        notes.append(f"┆ Trung vị {format_measure(median, metric.unit, decimals)}")
        if percent:
            x_axis = value_axis(metric, [edges[0], edges[-1]], room=PHONE_WIDTH - left - 24)
            low, high = x_axis["range"]  # a little room at the ends: "0%" clear of the count axis's "0"
            x_axis["range"] = [low - 0.02 * (high - low), high + 0.02 * (high - low)]
        else:  # fixed range: Plotly widens an autorange to fit labels placed in data coordinates
            span = (edges[-1] - edges[0]) or 1.0
            x_axis["range"] = [edges[0] - 0.02 * span, edges[-1] + 0.02 * span]
        if metric.target is not None:
            figure.add_vline(
                x=metric.target,
                line={"color": GREEN, "dash": "dash", "width": 2},
                annotation={"text": f"Mục tiêu {format_measure(metric.target, metric.unit, decimals)}"},
            )
        if mine_value is not None:
            name = str(frame.loc[frame["unit_id"] == highlight, "unit_name"].iloc[0])
            label = position_text(position, metric) if position is not None else (
                f"{name}: {format_figure(mine_value, metric.unit, decimals)}"
            )  # fmt: skip
            low, high = x_axis["range"]
            figure.add_vline(
                x=mine_value,
                line={"color": ORANGE, "width": 3},
                annotation={
                    # Narrow lines: beside the line on a phone there is half a plot's width at most.
                    "text": f"<b>{MY_UNIT_LABEL}</b><br>{wrap_text(label, BASE_FONT_SIZE, MINE_WIDTH, words=False)}",
                    "font": {"color": ORANGE, "size": BASE_FONT_SIZE},
                    "bgcolor": "rgba(255, 255, 255, 0.85)",
                    "align": "left",
                },
                # Toward the middle, so a long label stays inside the plot.
                annotation_position="top left" if mine_value > (low + high) / 2 else "top right",
            )
        if metric.direction != Direction.NEUTRAL:
            better_right = metric.direction == Direction.HIGHER
            notes.append("Tốt hơn →" if better_right else "← Tốt hơn")
    periods = list(dict.fromkeys(str(p) for p in frame.get("period_label", pd.Series(dtype="str"))))
    when = periods[0] if len(periods) == 1 else f"{len(periods)} kỳ khác nhau"
    title = f"{metric.name_vi}: {format_number(len(values))} đơn vị, {when}"
    lines = [MIXED_PERIOD_WARNING] if not same_period else []
    lines += [" · ".join(notes)] if notes else []
    add_notes(figure, lines, left, ORANGE if not same_period else GREY)
    top_margin, axis_block = notes_margin(lines), 36 if percent else 62
    set_layout(figure, title, 300 + top_margin + axis_block)
    figure.update_layout(
        xaxis={**x_axis, "title": {"text": None if percent else metric.unit}, "gridcolor": LIGHT_GREY,
               "automargin": True},
        yaxis={**y_axis, "title": {"text": "Số đơn vị"}, "gridcolor": LIGHT_GREY, "automargin": True},
        bargap=0.02, showlegend=False, margin={"l": left, "r": 24, "t": top_margin, "b": axis_block},
    )  # fmt: skip
    return figure
