"""The compare chart: a horizontal bar per unit, best on top, each bar labelled where its label fits
on a phone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from danvan_metrics.core.formats import format_figure, format_measure, format_parts
from danvan_metrics.core.model import Direction, Metric
from danvan_metrics.figures.charts.axes import gutter, value_axis
from danvan_metrics.figures.charts.labels import figure_label, parts_noun, pending_flags
from danvan_metrics.figures.charts.notes import (
    BOUNDS_NOTE,
    MIXED_PERIOD_WARNING,
    PENDING_NOTE,
    add_notes,
    coloured,
    notes_margin,
)
from danvan_metrics.figures.charts.text import LINE_HEIGHT, NBSP, PART, line_count, plain, text_width, wrap_text
from danvan_metrics.figures.charts.theme import (
    BAR_LABEL,
    BASE_FONT_SIZE,
    BLUE,
    GREEN,
    GREY,
    LIGHT_GREY,
    ORANGE,
    PHONE_WIDTH,
    SKY,
    TEXT,
    ZERO_STUB,
    set_layout,
)
from danvan_metrics.figures.groups import GroupStats

NAME_WIDTH = 150  # px of a unit's name beside its bar before it wraps
LABEL_WIDTH = 120  # px of a bar's figure before it wraps ("91,94%<br>217/236 đơn")


def _bar_colours(frame: pd.DataFrame, metric: Metric, stats: GroupStats | None, highlight: str | None) -> list[str]:
    """Direction-aware colours: dark for better than the median, light for worse; my unit in orange."""
    colours = []
    sign = 1.0 if metric.direction == Direction.HIGHER else -1.0
    for unit_id, value in zip(frame["unit_id"], frame["value"], strict=True):
        if unit_id == highlight:
            colours.append(ORANGE)
        elif stats is None or metric.direction == Direction.NEUTRAL or pd.isna(value):
            colours.append(BLUE)
        else:
            colours.append(BLUE if (float(value) - stats.median) * sign >= 0 else SKY)
    return colours


def _pattern(bound: bool, pending: bool) -> str:
    """A bar's fill pattern: a grid for a figure waiting for review, hatching for a bound, none otherwise."""
    return "+" if pending else "/" if bound else ""


def _name_lines(name: str, mine: bool) -> str:
    """A unit's name as its tick label, bold with a star for my unit: wrapped to `NAME_WIDTH` after its
    rank ("#150 · ") or before its place ("(Tỉnh Đồng Nai)"), never inside the name itself."""
    held = " (".join(part.replace(" ", NBSP) for part in f"{name} ★".split(" (")) if mine else (
        " (".join(part.replace(" ", NBSP) for part in name.split(" ("))
    )  # fmt: skip
    lines = wrap_text(held.replace(f"{NBSP}·{NBSP}", PART), BASE_FONT_SIZE, NAME_WIDTH, bold=mine).split("<br>")
    if max(text_width(line, BASE_FONT_SIZE, mine) for line in lines) > NAME_WIDTH + 30:  # a very long name
        lines = wrap_text(held.replace(NBSP, " "), BASE_FONT_SIZE, NAME_WIDTH, bold=mine).split("<br>")
    return "<br>".join(f"<b>{line}</b>" if mine else line for line in lines)


def fit_label(
    label: str, value: float, axis_range: Sequence[float], plot_width: float, right: float
) -> tuple[str, str]:
    """A bar's label as drawn, and where: "inside" the bar's end or "outside" it, so it fits on a phone.

    At ``plot_width`` px (a phone's plot, ``right`` px of margin past it) the label goes on one
    line if it can, else broken between its parts ("91,94%<br>217/236 đơn"), else between words
    too: inside if it fits there, else outside. What fits on a phone fits on a wider screen. If
    nothing fits, inside, where Plotly shrinks it rather than cut it.
    """
    bottom, top = axis_range
    span = (top - bottom) or 1.0
    end, zero = (value - bottom) / span, (0 - bottom) / span
    rooms = (
        ("inside", abs(end - zero) * plot_width - 8),
        ("outside", ((1 - end) * plot_width + right if value >= 0 else end * plot_width) - 12),
    )
    for words in (None, False, True):
        for place, room in rooms:
            text = label
            if words is not None:
                text = wrap_text(wrap_text(label, BASE_FONT_SIZE, room, words=False), BASE_FONT_SIZE, room, words=words)
            if room > 0 and max(text_width(line, BASE_FONT_SIZE) for line in text.split("<br>")) <= room:
                return text, place
    return wrap_text(label, BASE_FONT_SIZE, LABEL_WIDTH, words=False), "inside"


def build_compare_figure(
    frame: pd.DataFrame, metric: Metric, highlight: str | None = None, stats: GroupStats | None = None
) -> go.Figure:
    """A horizontal bar per unit, best on top, for one metric.

    A rate reads on a 0–100 % axis. Each bar carries its figure: inside its end (white) or past
    it (dark), wherever it fits on a phone. A figure still waiting for review (shown only when asked)
    is faded with a grid pattern, reads "chưa duyệt" on its label, and a note names the style.
    A hatched bar (a bound or an estimate: "> 15.590
    triệu đồng") and a zero (drawn as a stub at 0) carry theirs dark on a white box instead.

    Args:
        frame: rows from `queries.compare` (value, qualifier, parts, period, source, unit names).
        metric: the catalog entry: title, unit of measure, decimals, direction, target.
        highlight: a unit id drawn in a contrasting colour ("Đơn vị của tôi").
        stats: the group's best and median (from `analysis.rank_and_gaps`), drawn as reference lines.
    """
    same_period = bool(frame["same_period"].all()) if not frame.empty else True
    ascending = metric.direction == Direction.LOWER
    ordered = frame.sort_values("value", ascending=ascending, na_position="last")
    values = ordered["value"].astype("float64").tolist()
    labels = [figure_label(row, metric, not same_period) for _, row in ordered.iterrows()]
    mine = [unit_id == highlight for unit_id in ordered["unit_id"]]
    names = [f"<b>{name} ★</b>" if me else str(name) for name, me in zip(ordered["unit_name"], mine, strict=True)]
    ticks = [_name_lines(str(name), me) for name, me in zip(ordered["unit_name"], mine, strict=True)]
    bounds = [q != "=" for q in ordered["qualifier"]]
    pending = pending_flags(ordered)  # waiting for review: a grid pattern, faded, and "chưa duyệt" on the label
    colours = _bar_colours(ordered, metric, stats, highlight)
    left, right = gutter([line for tick in ticks for line in tick.split("<br>")]), 40
    plot_width = PHONE_WIDTH - left - right
    axis = value_axis(metric, values, room=plot_width)
    unit = metric.unit.replace(" ", NBSP)  # "triệu đồng" stays on one line
    fitted = [
        fit_label(label.replace(metric.unit, unit), 0.0 if pd.isna(v) else v, axis["range"], plot_width, right)
        for v, label in zip(values, labels, strict=True)
    ]
    shown = [text for text, _ in fitted]
    # Hatched and zero bars carry their label as an annotation (below); an empty bar carries none.
    places = [
        "none" if pd.isna(v) or v == 0 or bound or wait else place
        for v, bound, wait, (_, place) in zip(values, bounds, pending, fitted, strict=True)
    ]
    noun = parts_noun(metric)
    custom = list(
        zip(
            ordered["period_label"],
            [plain(title) for title in ordered["source_title"].fillna("")],  # an upload's file name is typed text
            [
                format_parts(n, d, noun) or "–"
                for n, d in zip(ordered["numerator"], ordered["denominator"], strict=True)
            ],
            [
                format_figure(v, metric.unit, metric.decimals, q)
                for v, q in zip(ordered["value"], ordered["qualifier"], strict=True)
            ],
            shown,
            strict=True,
        )
    )
    hover = (
        "<b>%{y}</b><br>%{customdata[3]}<br>Kỳ: %{customdata[0]}"
        + ("<br>Tử số/mẫu số: %{customdata[2]}" if metric.is_rate else "")
        + "<br>Nguồn: %{customdata[1]}<extra></extra>"
    )
    figure = go.Figure(
        go.Bar(
            x=values,
            y=names,
            orientation="h",
            text=labels,  # one line each; drawn wrapped for a phone (customdata[4]), unwrapped on a slide
            texttemplate="%{customdata[4]}",
            textposition=places,
            insidetextanchor="end",
            textfont={"size": BASE_FONT_SIZE},
            marker={
                "color": colours,
                "pattern": {
                    "shape": [_pattern(bound, wait) for bound, wait in zip(bounds, pending, strict=True)],
                    "fgcolor": "white",
                    "solidity": 0.25,
                },  # fmt: skip
                "opacity": [0.55 if wait else 1.0 for wait in pending],
            },
            customdata=custom,
            hovertemplate=hover,
            cliponaxis=False,
        )
    )
    zeros = [i for i, v in enumerate(values) if v == 0]
    if zeros:  # a zero is a figure: a stub at 0 shows it is there, not missing
        figure.add_trace(
            go.Scatter(
                name=ZERO_STUB, x=[0.0] * len(zeros), y=[names[i] for i in zeros], mode="markers",
                marker={"symbol": "line-ns", "size": 24, "line": {"width": 5, "color": [colours[i] for i in zeros]}},
                customdata=[custom[i] for i in zeros], hovertemplate=hover, showlegend=False, cliponaxis=False,
            )
        )  # fmt: skip
    for i, (value, bound, wait, (text, place)) in enumerate(zip(values, bounds, pending, fitted, strict=True)):
        if pd.isna(value) or not (bound or wait or value == 0):
            continue
        # White text on white hatching (or a faded bar) does not read: these labels are dark, on a white box.
        inside = value != 0 and place == "inside"
        anchor = "right" if inside == (value >= 0) else "left"
        figure.add_annotation(
            name=BAR_LABEL, text=text, x=value, y=names[i], xref="x", yref="y", xanchor=anchor,
            xshift=(-4 if anchor == "right" else 4) + (10 if value == 0 else 0), showarrow=False, align="left",
            font={"size": BASE_FONT_SIZE, "color": TEXT}, bgcolor="rgba(255, 255, 255, 0.92)", borderpad=2,
        )  # fmt: skip
    notes: list[str] = []
    if not same_period:
        notes.append(MIXED_PERIOD_WARNING)
    if any(bounds):
        notes.append(BOUNDS_NOTE)
    if any(pending):
        notes.append(PENDING_NOTE)
    # The reference lines are named in the notes: a label beside its line would cover a bar's label.
    if metric.target is not None:
        figure.add_vline(x=metric.target, line={"color": GREEN, "dash": "dash", "width": 2})
        notes.append(coloured(f"╎ Mục tiêu {format_measure(metric.target, metric.unit, metric.decimals)}", GREEN))
    if stats is not None and stats.n >= 3:
        figure.add_vline(x=stats.median, line={"color": GREY, "dash": "dot", "width": 2})
        notes.append(coloured(f"┆ Trung vị {format_measure(stats.median, metric.unit, metric.decimals)}", GREY))
    add_notes(figure, notes, left)
    lines = max([line_count(text) for text in shown + ticks], default=1)
    row = max(52, math.ceil((lines * LINE_HEIGHT * BASE_FONT_SIZE + 8) / 0.8))  # bars fill 80 % of a row
    percent = metric.is_percent
    axis_block = 36 if percent else 62  # tick labels, and the unit under them ("%" is on every tick)
    top_margin = notes_margin(notes)
    set_layout(figure, f"{metric.name_vi} ({metric.unit})", max(280, row * len(ordered) + top_margin + axis_block))
    figure.update_layout(
        xaxis={**axis, "title": {"text": None if percent else metric.unit}, "gridcolor": LIGHT_GREY,
               "automargin": True},
        yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"size": BASE_FONT_SIZE},
               "tickmode": "array", "tickvals": names, "ticktext": ticks},
        margin={"l": left, "r": right, "t": top_margin, "b": axis_block},
        showlegend=False,
    )  # fmt: skip
    return figure
