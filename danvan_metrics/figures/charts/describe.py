"""`describe`: a built figure made ready to show — subtitle and source line inside it, every line of
text wrapped for a phone (or a slide, in presentation mode) with room made for it.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go

from danvan_metrics.core.model import PERCENT_SIGN
from danvan_metrics.figures.charts.axes import PERCENT_STEP, gutter
from danvan_metrics.figures.charts.legend import LEGEND_SYMBOL, legend_height, legend_share
from danvan_metrics.figures.charts.notes import ChartNote
from danvan_metrics.figures.charts.text import block_height, line_count, plain, text_width, wrap_text
from danvan_metrics.figures.charts.theme import (
    BAR_LABEL,
    BASE_FONT_SIZE,
    FOOTNOTE,
    GAP,
    NOTES,
    PAD,
    PHONE_WIDTH,
    PRESENT_WIDTH,
    TITLE_SIZE,
    title_pad,
)

PRESENT_TITLE_SIZE = 30
PRESENT_FONT_SIZE = 19
PRESENT_HEIGHT = 900
FOOTNOTE_SIZE = 14


def describe(figure: go.Figure, note: ChartNote | None, present: bool = False) -> go.Figure:
    """Put the subtitle and the source footnote inside the figure, and fit every line of text in it.

    Title, subtitle, the builder's notes and the source line are wrapped at word boundaries to
    the width of a phone (or of a slide, in presentation mode) and stacked with room for each
    line: title and subtitle at the top, the notes over the plot, the source line at the bottom,
    all from the picture's left edge. The plot keeps the height its builder gave it.

    Presentation mode: title ≥ 28 px, labels ≥ 18 px, high contrast on white, a 16:9-friendly height,
    and labels on one line again (a slide is wide).
    """
    title_size = PRESENT_TITLE_SIZE if present else TITLE_SIZE
    font_size = PRESENT_FONT_SIZE if present else BASE_FONT_SIZE
    width = (PRESENT_WIDTH if present else PHONE_WIDTH) - 2 * PAD
    margin = figure.layout.margin
    old_top = margin.t if margin.t is not None else 80
    old_bottom = margin.b if margin.b is not None else 80
    plot_height = max((figure.layout.height or 450) - old_top - old_bottom, 120)
    left = margin.l if margin.l is not None else 80
    right = margin.r if margin.r is not None else 80
    legend = legend_height(figure)
    axis_block = old_bottom - (legend + GAP if legend else 0)  # the tick labels and the axis title
    if present:
        grow = font_size / BASE_FONT_SIZE
        names = _present(figure, font_size)
        left = gutter(names, font_size) if names else PAD + math.ceil(max(left - PAD, 0) * grow)
        right, axis_block = math.ceil(right * grow), math.ceil(axis_block * grow)
        legend = legend_height(figure)

    title = wrap_text(figure.layout.title.text or "", title_size, width, lists=False)
    lines = line_count(title)
    if note is not None and note.subtitle:
        size = round(font_size * 0.9)
        subtitle = wrap_text(plain(note.subtitle), size, width).split("<br>")
        title += "".join(f"<br><span style='font-size:{size}px;color:#444'>{line}</span>" for line in subtitle)
        lines += len(subtitle)
    figure.update_layout(
        title={
            "text": title,
            "font": {"size": title_size, "color": "#000000"},
            "pad": {"t": title_pad(lines, title_size)},
        }
    )
    top = PAD + block_height(lines, title_size) + GAP
    for annotation in figure.layout.annotations:
        if annotation.name == NOTES:
            size = annotation.font.size or font_size
            annotation.text = wrap_text(annotation.text or "", size, width)
            annotation.xshift = -(left - PAD)
            top += block_height(line_count(annotation.text), size) + (annotation.yshift or 0) + GAP
    # Under the plot, from the top: the axis, the source line, the legend (at the very bottom, see `legend_height`).
    bottom = axis_block
    if note is not None:
        size = max(FOOTNOTE_SIZE, font_size - 3)
        footnote = wrap_text(plain(note.footnote()), size, width)
        figure.add_annotation(
            name=FOOTNOTE, text=footnote, xref="paper", yref="paper", x=0, y=0, xshift=-(left - PAD),
            yshift=-bottom - GAP, xanchor="left", yanchor="top", showarrow=False, align="left",
            font={"size": size, "color": "#333333"},
        )  # fmt: skip
        bottom += GAP + block_height(line_count(footnote), size)
    bottom += GAP + legend if legend else PAD
    figure.update_layout(margin={"l": left, "r": right, "t": top, "b": bottom})
    height = plot_height + top + bottom
    figure.update_layout(height=max(height, PRESENT_HEIGHT) if present else height)
    return figure


def _present(figure: go.Figure, font_size: int) -> list[str]:
    """Presentation size: larger type in black, and bar labels and names on one line (a slide is wide).

    Returns:
        The bars' names, now tick labels on one line each; empty for a figure without named bars.
    """
    figure.update_layout(font={"size": font_size, "color": "#000000"}, legend={"font": {"size": font_size}})
    figure.update_xaxes(tickfont={"size": font_size, "color": "#000000"}, title_font={"size": font_size})
    figure.update_yaxes(tickfont={"size": font_size, "color": "#000000"}, title_font={"size": font_size})
    for axis in (figure.layout.xaxis, figure.layout.yaxis):  # a slide has room for a "%" tick every 25 %
        if axis.ticksuffix == PERCENT_SIGN and axis.minor.dtick == PERCENT_STEP:
            axis.dtick, axis.minor.showgrid = PERCENT_STEP, False
    labelled = [t for t in figure.data if isinstance(t, go.Bar) and t.text is not None]
    figure.update_traces(textfont={"size": font_size}, selector={"type": "bar"})
    figure.update_traces(textfont={"size": font_size - 3}, selector={"mode": "markers+text"})  # a map's place names
    for bar in labelled:
        # Long bars hold their label on one line; a bar of a dense slide is thinner than the type, and
        # Plotly would shrink the label to its thickness (to 60 %): let it keep its size instead.
        bar.texttemplate, bar.constraintext = "%{text}", "none"
    names: list[str] = []
    if (
        labelled
        and figure.layout.yaxis.tickvals is not None
        and list(figure.layout.yaxis.tickvals) == list(labelled[0].y)
    ):
        names = [str(name) for name in labelled[0].y]
        figure.update_yaxes(ticktext=names)
    if figure.layout.legend.entrywidthmode == "fraction":  # names on one line, as many a row as fit a slide
        entries = [t for t in figure.data if t.showlegend is not False and t.name]
        for trace in entries:
            trace.name = str(trace.name).replace("<br>", " ")
        widest = max((text_width(str(t.name), font_size) for t in entries), default=0.0)
        # A fifth to spare: the width estimate is not the browser's, and a name that overflows its share
        # pushes the legend onto a row `legend_height` did not count, under the source line.
        per_row = max(1, min(4, int((PRESENT_WIDTH - 200) // (1.2 * widest + LEGEND_SYMBOL + 24))))
        figure.update_layout(legend={"entrywidth": legend_share(per_row)})
    label_of = dict(zip(labelled[0].y, labelled[0].text, strict=True)) if labelled else {}
    for annotation in figure.layout.annotations:
        if annotation.name == BAR_LABEL:
            annotation.text = label_of.get(annotation.y, annotation.text)
            annotation.font.size = font_size
        elif annotation.font.size is None or annotation.font.size < font_size - 3:
            annotation.font.size = font_size - 3
    return names
