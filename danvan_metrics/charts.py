"""Figure builders: a DataFrame and a catalog entry in, a Plotly figure out. No Streamlit here.

Every figure speaks Vietnamese number formats (``separators``), keeps qualifiers in its
labels ("≥ 92%"), and says so inside the figure when its bars are not from one period.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from danvan_metrics.formats import (
    PLOTLY_SEPARATORS,
    format_figure,
    format_parts,
    plotly_number_format,
)
from danvan_metrics.model import Metric

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
BLUE = "#0072B2"
ORANGE = "#D55E00"
SKY = "#56B4E9"
GREY = "#7F7F7F"
FONT_FAMILY = "Noto Sans, DejaVu Sans, Arial, sans-serif"
BASE_FONT_SIZE = 15

MIXED_PERIOD_WARNING = "⚠ Các số liệu không cùng kỳ: không so sánh trực tiếp được"


def figure_label(row: pd.Series, metric: Metric, with_period: bool) -> str:
    """The text on a bar: the figure with its qualifier, the case count for a rate, the period if needed."""
    label = format_figure(row["value"], metric.unit, metric.decimals, row["qualifier"])
    parts = format_parts(row.get("numerator"), row.get("denominator"))
    if parts:
        label += f" · {parts}"
    if with_period:
        label += f" · {row['period_label']}"
    return label


def build_compare_figure(frame: pd.DataFrame, metric: Metric, highlight: str | None = None) -> go.Figure:
    """A horizontal bar per unit, largest on top, for one metric.

    Args:
        frame: rows from `queries.compare` (value, qualifier, parts, period, source, unit names).
        metric: the catalog entry: title, unit of measure, decimals.
        highlight: a unit id drawn in a contrasting colour ("Đơn vị của tôi").
    """
    same_period = bool(frame["same_period"].all()) if not frame.empty else True
    ordered = frame.sort_values("value", ascending=False, na_position="last")
    labels = [figure_label(row, metric, not same_period) for _, row in ordered.iterrows()]
    colours = [ORANGE if unit == highlight else BLUE for unit in ordered["unit_id"]]
    patterns = ["" if q == "=" else "/" for q in ordered["qualifier"]]
    custom = list(
        zip(
            ordered["period_label"],
            ordered["source_title"].fillna("").astype(str),
            [format_parts(n, d) or "–" for n, d in zip(ordered["numerator"], ordered["denominator"], strict=True)],
            [format_figure(v, metric.unit, metric.decimals, q) for v, q in zip(ordered["value"], ordered["qualifier"], strict=True)],
            strict=True,
        )
    )
    figure = go.Figure(
        go.Bar(
            x=ordered["value"].astype("float64"),
            y=ordered["unit_name"],
            orientation="h",
            text=labels,
            textposition="auto",
            insidetextanchor="end",
            marker={"color": colours, "pattern": {"shape": patterns, "fgcolor": "white", "solidity": 0.25}},
            customdata=custom,
            hovertemplate=(
                "<b>%{y}</b><br>%{customdata[3]}<br>Kỳ: %{customdata[0]}"
                + ("<br>Tử số/mẫu số: %{customdata[2]}" if metric.is_rate else "")
                + "<br>Nguồn: %{customdata[1]}<extra></extra>"
            ),
            cliponaxis=False,
        )
    )
    annotations = []
    if not same_period:
        annotations.append(
            {
                "text": MIXED_PERIOD_WARNING, "xref": "paper", "yref": "paper", "x": 0, "y": 1.0,
                "xanchor": "left", "yanchor": "bottom", "showarrow": False,
                "font": {"color": ORANGE, "size": BASE_FONT_SIZE},
            }
        )
    figure.update_layout(
        title={"text": f"{metric.name_vi} ({metric.unit})", "font": {"size": 20}},
        separators=PLOTLY_SEPARATORS,
        font={"family": FONT_FAMILY, "size": BASE_FONT_SIZE},
        xaxis={"tickformat": plotly_number_format(metric.decimals), "title": {"text": metric.unit}, "rangemode": "tozero"},
        yaxis={"autorange": "reversed", "automargin": True},
        margin={"l": 10, "r": 30, "t": 90, "b": 50},
        height=max(260, 90 + 48 * len(ordered)),
        plot_bgcolor="white",
        paper_bgcolor="white",
        annotations=annotations,
        showlegend=False,
    )
    figure.update_xaxes(gridcolor="#E5E5E5")
    return figure
