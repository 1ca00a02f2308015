"""Figure builders: a DataFrame and a catalog entry in, a Plotly figure out. No Streamlit here.

Every figure speaks Vietnamese number formats (``separators``), keeps qualifiers in its
labels ("≥ 92%"), and says so inside the figure when its figures are not from one period.
Colours are Okabe–Ito (safe for colour-vision deficiencies); text is at least 14 px.

A figure does not know the screen it lands on (the app stretches it to the page, a phone is
390 px wide, a slide 1920), and Plotly neither wraps text nor keeps it inside the picture. So
the builders lay out for the narrowest screen: rates on a fixed 0–100 % axis, few ticks, labels
placed where they fit on a phone, and `describe` wraps titles and notes at word boundaries
for a phone (or for a slide, in presentation mode) and makes room for every line.

One concern a module: `theme` (colours, fonts, widths, the base layout), `text` (measuring and
wrapping), `axes` (value axes and their gutter), `labels` (what a bar or a rank says), `legend`,
`notes` (warnings, source line, demo stamp), `describe`, and a module per chart: `compare`,
`top_bottom`, `distribution`, `trend`, `coverage`. This package re-exports what callers use.
"""

from __future__ import annotations

from danvan_metrics.figures.charts.axes import tick_labels
from danvan_metrics.figures.charts.compare import build_compare_figure
from danvan_metrics.figures.charts.coverage import build_coverage_figure
from danvan_metrics.figures.charts.describe import PRESENT_FONT_SIZE, describe
from danvan_metrics.figures.charts.distribution import build_distribution_figure
from danvan_metrics.figures.charts.labels import MY_UNIT_LABEL, parts_noun
from danvan_metrics.figures.charts.legend import legend_height
from danvan_metrics.figures.charts.notes import (
    BOUNDS_NOTE,
    DEMO_STAMP,
    MIXED_PERIOD_WARNING,
    SINGLE_POINT_NOTE,
    WATERMARK_EVERY_PX,
    ChartNote,
    chart_note,
    mark_demo,
)
from danvan_metrics.figures.charts.text import block_height, text_width, wrap_text
from danvan_metrics.figures.charts.theme import (
    BAR_LABEL,
    BASE_FONT_SIZE,
    BLUE,
    FONT_FAMILY,
    FOOTNOTE,
    NOTES,
    ORANGE,
    PAD,
    PHONE_WIDTH,
    TEXT,
    TITLE_SIZE,
    ZERO_STUB,
)
from danvan_metrics.figures.charts.top_bottom import build_top_bottom_figure
from danvan_metrics.figures.charts.trend import build_trend_figure

__all__ = [
    "BAR_LABEL",
    "BASE_FONT_SIZE",
    "BLUE",
    "BOUNDS_NOTE",
    "DEMO_STAMP",
    "FONT_FAMILY",
    "FOOTNOTE",
    "MIXED_PERIOD_WARNING",
    "MY_UNIT_LABEL",
    "NOTES",
    "ORANGE",
    "PAD",
    "PHONE_WIDTH",
    "PRESENT_FONT_SIZE",
    "SINGLE_POINT_NOTE",
    "TEXT",
    "TITLE_SIZE",
    "WATERMARK_EVERY_PX",
    "ZERO_STUB",
    "ChartNote",
    "block_height",
    "build_compare_figure",
    "build_coverage_figure",
    "build_distribution_figure",
    "build_top_bottom_figure",
    "build_trend_figure",
    "chart_note",
    "describe",
    "legend_height",
    "mark_demo",
    "parts_noun",
    "text_width",
    "tick_labels",
    "wrap_text",
]
