"""Legends laid out the same on every screen (a fixed share of the width per name), so their height
is known and the source line can sit above them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from danvan_metrics.figures.charts.labels import MY_UNIT_LABEL
from danvan_metrics.figures.charts.text import block_height, line_count, text_width, wrap_text
from danvan_metrics.figures.charts.theme import BASE_FONT_SIZE

LEGEND_SYMBOL = 44  # px of a legend entry before its name


@dataclass(frozen=True, slots=True)
class LegendEntries:
    """The names a legend shows, and how many go on a row (the same on every screen)."""

    names: list[str]
    per_row: int


def legend_entries(units: Sequence[tuple[str, bool]], width: float) -> LegendEntries:
    """Legend names that fit a phone's ``width`` px: two a row when they fit half of it, else one.

    A fixed share of the width per name (Plotly's ``entrywidthmode="fraction"``) makes the rows
    the same on every screen, so the legend's height is known and the source line can sit above it.
    My unit's "(Đơn vị của tôi)" goes on a line of its own.
    """
    names = [f"{wrap_text(name, BASE_FONT_SIZE, width - LEGEND_SYMBOL)}<br>({MY_UNIT_LABEL})" if mine
             else wrap_text(name, BASE_FONT_SIZE, width - LEGEND_SYMBOL) for name, mine in units]  # fmt: skip
    lines = [line for name in names for line in name.split("<br>")]
    halves = all(text_width(line, BASE_FONT_SIZE) <= width / 2 - LEGEND_SYMBOL for line in lines)
    return LegendEntries(names, 2 if halves and len(names) > 1 else 1)


def legend_share(per_row: int) -> float:
    """The width share of one legend entry when ``per_row`` go on a row.

    A shade under ``1 / per_row``: Plotly adds the legend's own padding, so exact shares summing
    to the whole width wrap every entry onto its own row, under the source line.
    """
    return 1 / per_row - 0.01


def legend_height(figure: go.Figure) -> int:
    """The px a legend laid out by `legend_entries` takes at the bottom of the picture; 0 for none."""
    legend = figure.layout.legend
    if figure.layout.showlegend is False or legend.yref != "container" or legend.entrywidthmode != "fraction":
        return 0
    names = [str(t.name) for t in figure.data if t.showlegend is not False and t.name]
    if not names:
        return 0
    per_row = max(1, round(1 / (legend.entrywidth or 1)))
    size = legend.font.size or BASE_FONT_SIZE
    rows = [names[i : i + per_row] for i in range(0, len(names), per_row)]
    return 12 + sum(block_height(max(line_count(name) for name in row), size) + 4 for row in rows)
