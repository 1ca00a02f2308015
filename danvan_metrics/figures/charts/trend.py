"""The trend chart: a metric over time, one colour per unit, each figure drawn across the period it covers."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from danvan_metrics.core.formats import format_figure, format_measure, format_parts
from danvan_metrics.core.model import Metric
from danvan_metrics.figures.charts.axes import gutter, tick_labels, value_axis
from danvan_metrics.figures.charts.labels import MY_UNIT_LABEL, PENDING_LABEL, parts_noun, pending_flags
from danvan_metrics.figures.charts.legend import legend_entries, legend_height, legend_share
from danvan_metrics.figures.charts.notes import PENDING_TREND_NOTE, SINGLE_POINT_NOTE, add_notes, notes_margin
from danvan_metrics.figures.charts.text import plain
from danvan_metrics.figures.charts.theme import (
    BASE_FONT_SIZE,
    GAP,
    GREEN,
    LIGHT_GREY,
    ORANGE,
    PHONE_WIDTH,
    SERIES_COLOURS,
    set_layout,
)


def _symbol(qualifier: str, pending: bool) -> str:
    """A figure's marker: a filled circle; a bound a hollow diamond; a figure waiting for review a hollow circle."""
    if pending:
        return "circle-open"
    return "circle" if qualifier == "=" else "diamond-open"


def build_trend_figure(frame: pd.DataFrame, metric: Metric, highlight: str | None = None) -> go.Figure:
    """A metric over time, one colour per unit, on one date axis.

    Each figure is a marker at the end of its period with a thin line across the period it
    covers (a quarter, a year, a five-year term), so spans of different length stay honest.
    Markers are joined only between consecutive figures of the same span kind (year or quarter).
    The legend runs across under the plot (a column beside it would take half a phone).
    """
    figure = go.Figure()
    noun = parts_noun(metric)
    axis = value_axis(metric, frame["value"] if "value" in frame else [])
    percent = metric.is_percent
    left, right = gutter(tick_labels(axis), title=not percent), 24
    groups = list(frame.groupby("unit_id", sort=False)) if "unit_id" in frame else []
    entries = legend_entries(
        [(str(group["unit_name"].iloc[0]), unit_id == highlight) for unit_id, group in groups],
        PHONE_WIDTH - left - right,
    )
    for index, (unit_id, group) in enumerate(groups):
        group = group.sort_values(["period_end", "period_start"])
        name = str(group["unit_name"].iloc[0])
        colour = ORANGE if unit_id == highlight else SERIES_COLOURS[index % len(SERIES_COLOURS)]
        if unit_id == highlight:
            name = f"{name} ({MY_UNIT_LABEL})"
        span_x: list[object] = []
        span_y: list[object] = []
        for start, end, value in zip(group["period_start"], group["period_end"], group["value"], strict=True):
            span_x += [start, end, None]
            span_y += [value, value, None]
        figure.add_trace(
            go.Scatter(
                x=span_x,
                y=span_y,
                mode="lines",
                line={"color": colour, "width": 3},
                opacity=0.45,
                hoverinfo="skip",
                showlegend=False,
                legendgroup=str(unit_id),
            )
        )
        waiting = pending_flags(group)
        joinable = len(group) > 1 and group["granularity"].nunique() == 1 and group["granularity"].iloc[0] != "other"
        labels = [
            " · ".join(
                part
                for part in (
                    format_figure(v, metric.unit, metric.decimals, q),
                    format_parts(n, d, noun),
                    str(p),
                    PENDING_LABEL if w else "",
                )
                if part
            )
            for v, q, n, d, p, w in zip(
                group["value"],
                group["qualifier"],
                group["numerator"],
                group["denominator"],
                group["period_label"],
                waiting,
                strict=True,
            )
        ]
        figure.add_trace(
            go.Scatter(
                x=group["period_end"],
                y=group["value"].astype("float64"),
                name=entries.names[index],
                legendgroup=str(unit_id),
                mode="lines+markers" if joinable else "markers",
                marker={
                    "color": colour,
                    "size": 12,
                    "symbol": [_symbol(q, w) for q, w in zip(group["qualifier"], waiting, strict=True)],
                    "line": {"width": 2, "color": colour},
                },
                line={"color": colour, "width": 2},
                customdata=list(zip(labels, [plain(t) for t in group["source_title"].fillna("")], strict=True)),
                hovertemplate=f"<b>{name}</b><br>%{{customdata[0]}}<br>Nguồn: %{{customdata[1]}}<extra></extra>",
                cliponaxis=False,  # a figure on the top tick shows whole
            )
        )
    single = not frame.empty and bool((frame.groupby("unit_id").size() <= 1).all())
    notes = [SINGLE_POINT_NOTE] if single else []
    if any(pending_flags(frame)):  # waiting for review: open markers, in the legend, the notes and each hover
        notes.append(PENDING_TREND_NOTE)
        figure.add_trace(
            go.Scatter(x=[None], y=[None], mode="markers", name=f"Số liệu {PENDING_LABEL}", hoverinfo="skip",
                       marker={"symbol": "circle-open", "size": 12, "color": "#555555", "line": {"width": 2}})
        )  # fmt: skip
    add_notes(figure, notes, left)
    if metric.target is not None:
        figure.add_hline(
            y=metric.target,
            line={"color": GREEN, "dash": "dash"},
            annotation={"text": f"Mục tiêu {format_measure(metric.target, metric.unit, metric.decimals)}"},
        )
    top_margin, axis_block = notes_margin(notes), 62
    set_layout(figure, f"{metric.name_vi} ({metric.unit}) theo thời gian", 330 + top_margin + axis_block)
    figure.update_layout(
        # Few ticks, never slanted: slanted dates would grow into the lines under the axis.
        xaxis={"type": "date", "tickformat": "%m/%Y", "gridcolor": LIGHT_GREY, "title": {"text": "Kỳ số liệu"},
               "nticks": 4, "tickangle": 0, "automargin": True},
        yaxis={**axis, "title": {"text": None if percent else metric.unit}, "gridcolor": LIGHT_GREY,
               "automargin": True},
        margin={"l": left, "r": right, "t": top_margin, "b": axis_block},
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0, "xanchor": "left",
                "font": {"size": BASE_FONT_SIZE}, "entrywidth": legend_share(entries.per_row),
                "entrywidthmode": "fraction", "tracegroupgap": 0},
    )  # fmt: skip
    height = legend_height(figure)
    if height:  # its band under the axis (and, once described, under the source line)
        figure.update_layout(height=figure.layout.height + height + GAP, margin={"b": axis_block + GAP + height})
    return figure
