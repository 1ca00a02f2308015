"""Figure builders: a DataFrame and a catalog entry in, a Plotly figure out. No Streamlit here.

Every figure speaks Vietnamese number formats (``separators``), keeps qualifiers in its
labels ("≥ 92%"), and says so inside the figure when its figures are not from one period.
Colours are Okabe–Ito (safe for colour-vision deficiencies); text is at least 14 px.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from danvan_metrics.analysis import NO_DATA_LABEL, RECENCY_BUCKETS, GroupStats, Position, recency_label
from danvan_metrics.formats import (
    PLOTLY_SEPARATORS,
    format_date,
    format_figure,
    format_measure,
    format_number,
    format_parts,
    plotly_number_format,
)
from danvan_metrics.messages import DEMO_BANNER
from danvan_metrics.model import Direction, Metric

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
BLUE = "#0072B2"
ORANGE = "#D55E00"
SKY = "#56B4E9"
YELLOW = "#E69F00"
GREEN = "#009E73"
GREY = "#7F7F7F"
LIGHT_GREY = "#E5E5E5"
# Okabe–Ito without its vermillion (ORANGE marks "Đơn vị của tôi" only), plus brown and grey: 8 lines.
SERIES_COLOURS = (BLUE, GREEN, YELLOW, SKY, "#CC79A7", "#000000", "#8C564B", GREY)
FONT_FAMILY = "Noto Sans, DejaVu Sans, Arial, sans-serif"
BASE_FONT_SIZE = 15

MIXED_PERIOD_WARNING = "⚠ Các số liệu không cùng kỳ: không so sánh trực tiếp được"
MY_UNIT_LABEL = "Đơn vị của tôi"
SINGLE_POINT_NOTE = "Mỗi đơn vị mới có một số liệu: chưa có chuỗi để xem xu hướng"


def parts_noun(metric: Metric) -> str:
    """The noun a rate's case count is written with: "đơn" for "217/236 đơn"."""
    label = (metric.denominator_label or "").strip()
    return label.split()[0] if label else ""


def figure_label(row: pd.Series, metric: Metric, with_period: bool) -> str:
    """The text on a bar: the figure with its qualifier, the case count for a rate, the period if needed."""
    label = format_figure(row["value"], metric.unit, metric.decimals, row["qualifier"])
    parts = format_parts(row.get("numerator"), row.get("denominator"), parts_noun(metric))
    if parts:
        label += f" · {parts}"
    if with_period:
        label += f" · {row['period_label']}"
    return label


def _layout(figure: go.Figure, title: str, height: int) -> None:
    figure.update_layout(
        title={"text": title, "font": {"size": 20}, "x": 0, "xanchor": "left"},
        separators=PLOTLY_SEPARATORS,
        font={"family": FONT_FAMILY, "size": BASE_FONT_SIZE, "color": "#1A1A1A"},
        hoverlabel={"font": {"size": BASE_FONT_SIZE, "family": FONT_FAMILY}},
        height=height,
        plot_bgcolor="white",
        paper_bgcolor="white",
    )


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


def build_compare_figure(
    frame: pd.DataFrame, metric: Metric, highlight: str | None = None, stats: GroupStats | None = None
) -> go.Figure:
    """A horizontal bar per unit, best on top, for one metric.

    Args:
        frame: rows from `queries.compare` (value, qualifier, parts, period, source, unit names).
        metric: the catalog entry: title, unit of measure, decimals, direction, target.
        highlight: a unit id drawn in a contrasting colour ("Đơn vị của tôi").
        stats: the group's best and median (from `analysis.rank_and_gaps`), drawn as reference lines.
    """
    same_period = bool(frame["same_period"].all()) if not frame.empty else True
    ascending = metric.direction == Direction.LOWER
    ordered = frame.sort_values("value", ascending=ascending, na_position="last")
    labels = [figure_label(row, metric, not same_period) for _, row in ordered.iterrows()]
    names = [
        f"<b>{name} ★</b>" if unit_id == highlight else str(name)
        for unit_id, name in zip(ordered["unit_id"], ordered["unit_name"], strict=True)
    ]
    patterns = ["" if q == "=" else "/" for q in ordered["qualifier"]]
    noun = parts_noun(metric)
    custom = list(
        zip(
            ordered["period_label"],
            ordered["source_title"].fillna("").astype(str),
            [
                format_parts(n, d, noun) or "–"
                for n, d in zip(ordered["numerator"], ordered["denominator"], strict=True)
            ],
            [
                format_figure(v, metric.unit, metric.decimals, q)
                for v, q in zip(ordered["value"], ordered["qualifier"], strict=True)
            ],
            strict=True,
        )
    )
    figure = go.Figure(
        go.Bar(
            x=ordered["value"].astype("float64"),
            y=names,
            orientation="h",
            text=labels,
            textposition="auto",
            insidetextanchor="end",
            textfont={"size": BASE_FONT_SIZE},
            marker={
                "color": _bar_colours(ordered, metric, stats, highlight),
                "pattern": {"shape": patterns, "fgcolor": "white", "solidity": 0.25},
            },
            customdata=custom,
            hovertemplate=(
                "<b>%{y}</b><br>%{customdata[3]}<br>Kỳ: %{customdata[0]}"
                + ("<br>Tử số/mẫu số: %{customdata[2]}" if metric.is_rate else "")
                + "<br>Nguồn: %{customdata[1]}<extra></extra>"
            ),
            cliponaxis=False,
        )
    )
    notes: list[str] = []
    if not same_period:
        notes.append(MIXED_PERIOD_WARNING)
    if any(q != "=" for q in ordered["qualifier"]):
        notes.append("Cột gạch chéo: số liệu là cận (trên, từ … trở lên) hoặc ước tính")
    if notes:
        figure.add_annotation(
            text="<br>".join(notes),
            xref="paper",
            yref="paper",
            x=0,
            y=1.0,
            xanchor="left",
            yanchor="bottom",
            showarrow=False,
            align="left",
            font={"color": ORANGE, "size": BASE_FONT_SIZE},
        )
    if metric.target is not None:
        figure.add_vline(
            x=metric.target,
            line={"color": GREEN, "dash": "dash", "width": 2},
            annotation={
                "text": f"Mục tiêu {format_measure(metric.target, metric.unit, metric.decimals)}",
                "font": {"color": GREEN, "size": BASE_FONT_SIZE},
            },
        )
    if stats is not None and stats.n >= 3:
        figure.add_vline(
            x=stats.median,
            line={"color": GREY, "dash": "dot", "width": 2},
            annotation={
                "text": f"Trung vị {format_measure(stats.median, metric.unit, metric.decimals)}",
                "font": {"color": GREY, "size": BASE_FONT_SIZE},
            },
            annotation_position="bottom right",  # plotly rejects "position" inside the annotation dict
        )
    _layout(figure, f"{metric.name_vi} ({metric.unit})", max(280, 110 + 52 * len(ordered) + 24 * len(notes)))
    figure.update_layout(
        xaxis={
            "tickformat": plotly_number_format(metric.decimals),
            "title": {"text": metric.unit},
            "rangemode": "tozero",
            "gridcolor": LIGHT_GREY,
        },
        yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"size": BASE_FONT_SIZE}},
        margin={"l": 10, "r": 30, "t": 90 + 22 * len(notes), "b": 50},
        showlegend=False,
    )
    return figure


def build_trend_figure(frame: pd.DataFrame, metric: Metric, highlight: str | None = None) -> go.Figure:
    """A metric over time, one colour per unit, on one date axis.

    Each figure is a marker at the end of its period with a thin line across the period it
    covers (a quarter, a year, a five-year term), so spans of different length stay honest.
    Markers are joined only between consecutive figures of the same span kind (year or quarter).
    """
    figure = go.Figure()
    noun = parts_noun(metric)
    for index, (unit_id, group) in enumerate(frame.groupby("unit_id", sort=False)):
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
        joinable = len(group) > 1 and group["granularity"].nunique() == 1 and group["granularity"].iloc[0] != "other"
        labels = [
            " · ".join(
                part
                for part in (
                    format_figure(v, metric.unit, metric.decimals, q),
                    format_parts(n, d, noun),
                    str(p),
                )
                if part
            )
            for v, q, n, d, p in zip(
                group["value"],
                group["qualifier"],
                group["numerator"],
                group["denominator"],
                group["period_label"],
                strict=True,
            )
        ]
        figure.add_trace(
            go.Scatter(
                x=group["period_end"],
                y=group["value"].astype("float64"),
                name=name,
                legendgroup=str(unit_id),
                mode="lines+markers" if joinable else "markers",
                marker={
                    "color": colour,
                    "size": 12,
                    "symbol": ["circle" if q == "=" else "diamond-open" for q in group["qualifier"]],
                    "line": {"width": 2, "color": colour},
                },
                line={"color": colour, "width": 2},
                customdata=list(zip(labels, group["source_title"].fillna("").astype(str), strict=True)),
                hovertemplate=f"<b>{name}</b><br>%{{customdata[0]}}<br>Nguồn: %{{customdata[1]}}<extra></extra>",
            )
        )
    single = not frame.empty and bool((frame.groupby("unit_id").size() <= 1).all())
    if single:
        figure.add_annotation(
            text=SINGLE_POINT_NOTE,
            xref="paper",
            yref="paper",
            x=0,
            y=1.0,
            xanchor="left",
            yanchor="bottom",
            showarrow=False,
            font={"color": ORANGE, "size": BASE_FONT_SIZE},
        )
    if metric.target is not None:
        figure.add_hline(
            y=metric.target,
            line={"color": GREEN, "dash": "dash"},
            annotation={"text": f"Mục tiêu {format_measure(metric.target, metric.unit, metric.decimals)}"},
        )
    _layout(figure, f"{metric.name_vi} ({metric.unit}) theo thời gian", 480)
    figure.update_layout(
        xaxis={"type": "date", "tickformat": "%m/%Y", "gridcolor": LIGHT_GREY, "title": {"text": "Kỳ số liệu"}},
        yaxis={
            "tickformat": plotly_number_format(metric.decimals),
            "title": {"text": metric.unit},
            "rangemode": "tozero",
            "gridcolor": LIGHT_GREY,
        },
        margin={"l": 10, "r": 30, "t": 100, "b": 80},
    )
    lines = frame["unit_id"].nunique()
    if lines <= TREND_LEGEND_BELOW:  # one row under the date axis
        figure.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0})
    else:  # more names wrap into rows over the source line: a column beside the plot instead
        figure.update_layout(legend={"orientation": "v", "yanchor": "top", "y": 1, "x": 1.01, "xanchor": "left"})
    return figure


TREND_LEGEND_BELOW = 4


RECENCY_COLOURS: dict[str, str] = {
    RECENCY_BUCKETS[0][1]: "#0072B2",
    RECENCY_BUCKETS[1][1]: "#56B4E9",
    RECENCY_BUCKETS[2][1]: "#A6D4F0",
    RECENCY_BUCKETS[3][1]: "#E1EEF6",
    NO_DATA_LABEL: "#FFFFFF",
}


def build_coverage_figure(matrix: pd.DataFrame, today: dt.date, rows_are: str = "đơn vị") -> go.Figure:
    """Units × categories, each cell coloured by how recent its latest figure is.

    Args:
        matrix: rows from `analysis.coverage_matrix`.
        today: the date ages are measured from (passed in, so the figure is reproducible).
        rows_are: what the rows are, for the title ("đơn vị", or "tỉnh, thành phố" when rolled up).
    """
    # Rows are keyed by id: two units may share a name (the labels are the names, told apart by the caller).
    key = "unit_id" if "unit_id" in matrix else "unit_name"
    rows = list(dict.fromkeys(matrix[key]))
    labels = dict(zip(matrix[key], matrix["unit_name"], strict=True))
    units = [str(labels[row]) for row in rows]
    categories = list(dict.fromkeys(matrix["category"]))
    buckets = list(RECENCY_COLOURS)
    # One pass into a dict: a MultiIndex .loc per cell cost ~1 ms each (a third of a second per heatmap).
    cells = {(record[key], record["category"]): record for record in matrix.to_dict("records")}
    z: list[list[int]] = []
    text: list[list[str]] = []
    hover: list[list[str]] = []
    for row, unit in zip(rows, units, strict=True):
        z_row, text_row, hover_row = [], [], []
        for category in categories:
            cell = cells[(row, category)]
            n = int(cell["n_figures"])
            bucket = recency_label(cell["latest_end"], today)
            z_row.append(buckets.index(bucket))
            text_row.append(str(n) if n else "–")
            detail = (
                f"{n} số liệu, mới nhất đến {format_date(cell['latest_end'])} ({bucket.lower()})<br>"
                + "<br>".join(cell["metrics"])
                if n
                else "Chưa có số liệu"
            )
            hover_row.append(f"<b>{unit}</b> · {category}<br>{detail}")
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)
    # A stepwise colour scale: bucket i is one flat band, so colours mean exactly one bucket each.
    steps = len(buckets)
    scale = []
    for i, bucket in enumerate(buckets):
        scale += [[i / steps, RECENCY_COLOURS[bucket]], [(i + 1) / steps, RECENCY_COLOURS[bucket]]]
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=categories,
            y=list(range(len(units))),  # positions, not names: equal names must not merge into one row
            text=text,
            texttemplate="%{text}",
            textfont={"size": 14},
            hovertext=hover,
            hoverinfo="text",
            colorscale=scale,
            zmin=-0.5,
            zmax=steps - 0.5,
            xgap=3,
            ygap=3,
            colorbar={
                "title": {"text": "Số liệu mới nhất"},
                "tickvals": list(range(steps)),
                "ticktext": buckets,
                "outlinecolor": "#B0B0B0",
                "outlinewidth": 1,
            },
        )
    )
    _layout(figure, f"Số liệu hiện có: số con số theo {rows_are} × lĩnh vực, màu theo độ mới", 260 + 48 * len(units))
    figure.update_layout(
        xaxis={"side": "bottom", "tickangle": -30, "showgrid": False, "tickfont": {"size": 14}, "automargin": True},
        yaxis={
            "autorange": "reversed",
            "showgrid": False,
            "automargin": True,
            "tickmode": "array",
            "tickvals": list(range(len(units))),
            "ticktext": units,
        },
        # Room for the slanted field names, so the source line under them (charts.describe) does not cover them.
        margin={"l": 10, "r": 10, "t": 70, "b": 130},
    )
    return figure


@dataclass(frozen=True, slots=True)
class ChartNote:
    """What a figure must say about itself so a cropped screenshot still tells what, when and from where."""

    subtitle: str
    sources: tuple[str, ...]
    updated: dt.datetime | dt.date | None = None

    def footnote(self) -> str:
        """ "Nguồn: …; số liệu cập nhật dd/mm/yyyy"."""
        sources = "; ".join(self.sources) if self.sources else "không rõ"
        text = f"Nguồn: {sources}"
        if self.updated is not None:
            text += f" · số liệu cập nhật {format_date(self.updated)}"
        return text


MAX_NAMED_UNITS = 4
MAX_NAMED_SOURCES = 3


def chart_note(frame: pd.DataFrame, updated: dt.datetime | dt.date | None = None, extra: str = "") -> ChartNote:
    """The subtitle (periods and units) and source list of the figures in ``frame``."""
    # Distinct values first (vectorised): a national compare frame has thousands of rows, few periods and sources.
    periods = [str(p) for p in frame.get("period_label", pd.Series(dtype="str")).drop_duplicates()]
    units = [str(u) for u in frame.get("unit_name", pd.Series(dtype="str")).drop_duplicates()]
    more_periods = f" và {format_number(len(periods) - 3)} kỳ khác" if len(periods) > 3 else ""
    period_text = "Kỳ: " + ", ".join(periods[:3]) + more_periods
    if len(units) <= MAX_NAMED_UNITS:
        unit_text = ", ".join(units)
    else:
        more_units = format_number(len(units) - MAX_NAMED_UNITS)
        unit_text = ", ".join(units[:MAX_NAMED_UNITS]) + f" và {more_units} đơn vị khác"
    parts = [p for p in (period_text if periods else "", unit_text, extra) if p]
    sources: list[str] = []
    if "source_publisher" in frame and "source_published" in frame:
        pairs = frame[["source_publisher", "source_published"]].drop_duplicates()
        for publisher, published in zip(pairs["source_publisher"], pairs["source_published"], strict=True):
            label = f"{publisher}, {format_date(published)}" if isinstance(publisher, str) else "tệp tải lên"
            if label not in sources:
                sources.append(label)
    if len(sources) > MAX_NAMED_SOURCES:
        sources = [*sources[:MAX_NAMED_SOURCES], f"và {format_number(len(sources) - MAX_NAMED_SOURCES)} nguồn khác"]
    return ChartNote(" · ".join(parts), tuple(sources), updated)


PRESENT_TITLE_SIZE = 30
PRESENT_FONT_SIZE = 19
PRESENT_HEIGHT = 900


def describe(figure: go.Figure, note: ChartNote | None, present: bool = False) -> go.Figure:
    """Put the subtitle and the source footnote inside the figure; in presentation mode, enlarge it.

    Presentation mode: title ≥ 28 px, labels ≥ 18 px, high contrast on white, a 16:9-friendly height.
    """
    title = figure.layout.title.text or ""
    title_size = PRESENT_TITLE_SIZE if present else 20
    font_size = PRESENT_FONT_SIZE if present else BASE_FONT_SIZE
    if note is not None and note.subtitle:
        title = f"{title}<br><span style='font-size:{round(font_size * 0.9)}px;color:#444'>{note.subtitle}</span>"
    figure.update_layout(title={"text": title, "font": {"size": title_size, "color": "#000000"}})
    margin_top = (figure.layout.margin.t or 80) + (30 if note is not None and note.subtitle else 0)
    margin_bottom = (figure.layout.margin.b or 40) + ((70 if present else 40) if note is not None else 0)
    if note is not None:
        figure.add_annotation(
            text=note.footnote(), xref="paper", yref="paper", x=0, y=0, yshift=-margin_bottom + 8,
            xanchor="left", yanchor="bottom", showarrow=False, align="left",
            font={"size": max(13, font_size - 3), "color": "#333333"},
        )  # fmt: skip
    figure.update_layout(margin={"t": margin_top + (30 if present else 0), "b": margin_bottom})
    height = figure.layout.height or 400
    figure.update_layout(height=max(height, PRESENT_HEIGHT) if present else height + 40)
    if present:
        figure.update_layout(font={"size": font_size, "color": "#000000"})
        figure.update_xaxes(tickfont={"size": font_size, "color": "#000000"}, title_font={"size": font_size})
        figure.update_yaxes(tickfont={"size": font_size, "color": "#000000"}, title_font={"size": font_size})
        figure.update_traces(textfont={"size": font_size}, selector={"type": "bar"})
        for annotation in figure.layout.annotations:
            if annotation.font.size is None or annotation.font.size < font_size - 3:
                annotation.font.size = font_size - 3
    return figure


# -- Demo mode and many units ---------------------------------------------------------------------

DEMO_STAMP = "demo_stamp"


WATERMARK_EVERY_PX = 600  # a tall figure (a bar per unit) gets a watermark every this many pixels


def mark_demo(figure: go.Figure) -> go.Figure:
    """Stamp "DỮ LIỆU MẪU — không phải số liệu thật" inside a figure: across the plot and in its corner.

    The marks are part of the figure, so they survive a screenshot, a PNG download and a cropped
    slide; a tall figure is watermarked every `WATERMARK_EVERY_PX` so any part of it shows one. The
    corner label sits above the notes a builder put over the plot. Stamping twice changes nothing.
    """
    if any(annotation.name == DEMO_STAMP for annotation in figure.layout.annotations):
        return figure
    count = max(1, round((figure.layout.height or 450) / WATERMARK_EVERY_PX))
    for index in range(count):
        figure.add_annotation(
            name=DEMO_STAMP, text=DEMO_BANNER, xref="paper", yref="paper", x=0.5, y=(index + 0.5) / count,
            showarrow=False, textangle=-18, font={"size": 40, "color": "rgba(213, 94, 0, 0.22)"},
            captureevents=False,
        )  # fmt: skip
    # The label goes in a band of its own under the source line: above the plot it would cover the
    # subtitle or a builder's notes, whose length we do not know.
    band = 34
    bottom = figure.layout.margin.b if figure.layout.margin.b is not None else 80
    figure.update_layout(margin={"b": bottom + band}, height=(figure.layout.height or 450) + band)
    figure.add_annotation(
        name=f"{DEMO_STAMP}_corner", text=f"<b>{DEMO_BANNER}</b>", xref="paper", yref="paper", x=1, y=0,
        xanchor="right", yanchor="bottom", yshift=-(bottom + band) + 4, showarrow=False, bgcolor="#FFF1E6",
        bordercolor=ORANGE, borderwidth=1, borderpad=4, font={"size": BASE_FONT_SIZE, "color": ORANGE},
    )  # fmt: skip
    return figure


def position_text(position: Position, metric: Metric) -> str:
    """ "Phường A: 91,94% · hạng 120/3.321 · tốt hơn 96% số đơn vị"."""
    figure = format_figure(position.value, metric.unit, metric.decimals)
    return (
        f"{position.unit_name}: {figure} · hạng {format_number(position.rank)}/{format_number(position.n)}"
        f" · tốt hơn {format_number(position.better_than)}% số đơn vị"
    )


def build_distribution_figure(
    frame: pd.DataFrame,
    metric: Metric,
    highlight: str | None = None,
    position: Position | None = None,
    bins: int | None = None,
) -> go.Figure:
    """How every unit's figure is spread: a histogram counted here (so the browser gets a few bars,
    not thousands of points), the median, the target, and "Đơn vị của tôi" marked with its rank.

    Args:
        frame: rows from `queries.compare` (value, unit_id, unit_name, period_label, same_period).
        metric: the catalog entry (title, unit, decimals, direction, target).
        highlight: my unit's id; its bar and value are drawn in orange.
        position: my unit's rank and percentile (`analysis.unit_position`), shown beside its line.
        bins: number of bars; default grows with the number of units (at most 40).
    """
    values = frame["value"].astype("float64").dropna().to_numpy()
    same_period = bool(frame["same_period"].all()) if not frame.empty else True
    figure = go.Figure()
    notes: list[str] = [] if same_period else [MIXED_PERIOD_WARNING]
    if len(values):
        count = bins or int(min(40, max(6, np.ceil(np.sqrt(len(values))))))
        low, high = float(values.min()), float(values.max())
        if metric.unit == "%":
            low, high = min(low, 0.0) if low < 50 else low, max(high, 100.0) if high > 50 else high
        edges = np.histogram_bin_edges(values, bins=count, range=(low, high) if high > low else None)
        counts, edges = np.histogram(values, bins=edges)
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
        span = (edges[-1] - edges[0]) or 1.0
        # Fixed range: Plotly widens an autorange to fit labels placed in data coordinates.
        figure.update_xaxes(range=[edges[0] - 0.02 * span, edges[-1] + 0.02 * span])
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
            figure.add_vline(
                x=mine_value,
                line={"color": ORANGE, "width": 3},
                annotation={
                    "text": f"<b>{MY_UNIT_LABEL}</b><br>{label}",
                    "font": {"color": ORANGE, "size": BASE_FONT_SIZE},
                    "bgcolor": "rgba(255, 255, 255, 0.85)",
                },
                # Toward the middle, so a long label stays inside the plot.
                annotation_position="top left" if mine_value > (edges[0] + edges[-1]) / 2 else "top right",
            )
        if metric.direction != Direction.NEUTRAL:
            better_right = metric.direction == Direction.HIGHER
            notes.append("Tốt hơn →" if better_right else "← Tốt hơn")
    periods = list(dict.fromkeys(str(p) for p in frame.get("period_label", pd.Series(dtype="str"))))
    when = periods[0] if len(periods) == 1 else f"{len(periods)} kỳ khác nhau"
    title = f"{metric.name_vi}: {format_number(len(values))} đơn vị, {when}"
    if notes:
        figure.add_annotation(
            text=" · ".join(notes), xref="paper", yref="paper", x=0, y=1.0, xanchor="left", yanchor="bottom",
            showarrow=False, font={"color": ORANGE if not same_period else GREY, "size": BASE_FONT_SIZE},
        )  # fmt: skip
    _layout(figure, title, 440)
    figure.update_layout(
        xaxis={"tickformat": plotly_number_format(metric.decimals), "title": {"text": metric.unit},
               "gridcolor": LIGHT_GREY},
        yaxis={"title": {"text": "Số đơn vị"}, "gridcolor": LIGHT_GREY, "rangemode": "tozero", "tickformat": ",d"},
        bargap=0.02, showlegend=False, margin={"l": 10, "r": 30, "t": 100, "b": 60},
    )  # fmt: skip
    return figure


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
