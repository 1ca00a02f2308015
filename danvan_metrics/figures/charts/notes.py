"""What a figure says about itself: the warnings over the plot, the subtitle and source line
(`ChartNote`, `chart_note`), and the demo stamp that survives a screenshot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from danvan_metrics.core.formats import format_date, format_number
from danvan_metrics.core.messages import DEMO_BANNER
from danvan_metrics.figures.charts.legend import legend_height
from danvan_metrics.figures.charts.text import block_height, line_count
from danvan_metrics.figures.charts.theme import BASE_FONT_SIZE, GAP, NOTES, NOTES_LIFT, ORANGE, PAD, TITLE_SIZE

MIXED_PERIOD_WARNING = "⚠ Các số liệu không cùng kỳ: không so sánh trực tiếp được"
BOUNDS_NOTE = "Cột gạch chéo: số liệu là cận (trên, từ … trở lên) hoặc ước tính"
PENDING_NOTE = "▦ Cột ô lưới, mờ: số liệu chưa duyệt (đang chờ người duyệt, chưa được tính chính thức)"
PENDING_TREND_NOTE = "◯ Điểm rỗng: số liệu chưa duyệt (đang chờ người duyệt, chưa được tính chính thức)"
SINGLE_POINT_NOTE = "Mỗi đơn vị mới có một số liệu: chưa có chuỗi để xem xu hướng"


def notes_margin(notes: Sequence[str]) -> int:
    """Room over the plot for a one-line title and the notes (`describe` recounts wrapped lines)."""
    lines = sum(line_count(note) for note in notes)
    room = block_height(lines, BASE_FONT_SIZE) + NOTES_LIFT + GAP if lines else 0
    return PAD + block_height(1, TITLE_SIZE) + GAP + room


def coloured(text: str, colour: str) -> str:
    """One note in its own colour (`wrap_text` keeps the colour on every line it breaks it into)."""
    return f"<span style='color:{colour}'>{text}</span>"


def add_notes(figure: go.Figure, notes: Sequence[str], left: int, colour: str = ORANGE) -> None:
    """The warnings over the plot, one per line, starting at the picture's left edge like the title."""
    if notes:
        figure.add_annotation(
            name=NOTES, text="<br>".join(notes), xref="paper", yref="paper", x=0, y=1.0, xshift=-(left - PAD),
            yshift=NOTES_LIFT,
            xanchor="left", yanchor="bottom", showarrow=False, align="left",
            font={"color": colour, "size": BASE_FONT_SIZE},
        )  # fmt: skip


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


# -- Demo mode ------------------------------------------------------------------------------------

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
    legend = legend_height(figure)  # the legend keeps the very bottom: the label goes over it
    figure.update_layout(margin={"b": bottom + band}, height=(figure.layout.height or 450) + band)
    figure.add_annotation(
        name=f"{DEMO_STAMP}_corner", text=f"<b>{DEMO_BANNER}</b>", xref="paper", yref="paper", x=1, y=0,
        xanchor="right", yanchor="bottom", yshift=-(bottom + band) + 4 + legend, showarrow=False, bgcolor="#FFF1E6",
        bordercolor=ORANGE, borderwidth=1, borderpad=4, font={"size": BASE_FONT_SIZE, "color": ORANGE},
    )  # fmt: skip
    return figure
