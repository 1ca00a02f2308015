"""The coverage chart: units × categories, each cell coloured by how recent its latest figure is."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from danvan_metrics.core.formats import format_date
from danvan_metrics.figures.analysis import NO_DATA_LABEL, RECENCY_BUCKETS, recency_label
from danvan_metrics.figures.charts.theme import set_layout

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
    set_layout(figure, f"Số liệu hiện có: số con số theo {rows_are} × lĩnh vực, màu theo độ mới", 260 + 48 * len(units))
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
