"""The look every figure shares: Okabe–Ito colours, fonts and sizes, the widths it is laid out for, and
the base layout (title pinned top left, Vietnamese number separators) a builder starts from.
"""

from __future__ import annotations

import plotly.graph_objects as go

from danvan_metrics.core.formats import PLOTLY_SEPARATORS
from danvan_metrics.figures.charts.text import line_count

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
BLUE = "#0072B2"
ORANGE = "#D55E00"
SKY = "#56B4E9"
YELLOW = "#E69F00"
GREEN = "#009E73"
GREY = "#7F7F7F"
LIGHT_GREY = "#E5E5E5"
TEXT = "#1A1A1A"
# Okabe–Ito without its vermillion (ORANGE marks "Đơn vị của tôi" only), plus brown and grey: 8 lines.
SERIES_COLOURS = (BLUE, GREEN, YELLOW, SKY, "#CC79A7", "#000000", "#8C564B", GREY)
FONT_FAMILY = "Noto Sans, DejaVu Sans, Arial, sans-serif"
BASE_FONT_SIZE = 15
TITLE_SIZE = 20

PHONE_WIDTH = 358  # px a chart spans on a 390-px phone (Streamlit pads the page 16 px a side)
PRESENT_WIDTH = 1536  # px a slide is laid out at (1920 × 1080 drawn 1,25× large); a 1920 screen has more
PAD = 8  # px between the picture's edge and its text
GAP = 8  # px between stacked blocks of text
NOTES_LIFT = 10  # px between the notes and the plot: clear of a top tick label, which rises over the plot


# Names of the layout items `describe` rearranges.
NOTES = "notes"  # the warnings over the plot
FOOTNOTE = "footnote"  # "Nguồn: …" under it
BAR_LABEL = "bar_label"  # the figure on a hatched (qualified) or zero bar, drawn dark on white
ZERO_STUB = "zero_stub"  # the mark at 0 that shows a zero is a figure, not a gap


def set_layout(figure: go.Figure, title: str, height: int) -> None:
    """The layout every builder starts from: its title, Vietnamese separators, the fonts, white paper."""
    figure.update_layout(
        # Pinned to the picture's top left (not centred in the margin), so `describe` can stack lines under it.
        title={"text": title, "font": {"size": TITLE_SIZE}, "x": 0, "xref": "container", "xanchor": "left",
               "y": 1, "yref": "container", "yanchor": "top",
               "pad": {"l": PAD, "t": title_pad(line_count(title), TITLE_SIZE)}},
        separators=PLOTLY_SEPARATORS,
        font={"family": FONT_FAMILY, "size": BASE_FONT_SIZE, "color": TEXT},
        hoverlabel={"font": {"size": BASE_FONT_SIZE, "family": FONT_FAMILY}},
        height=height,
        plot_bgcolor="white",
        paper_bgcolor="white",
    )  # fmt: skip


def title_pad(lines: int, size: float) -> int:
    """The title's top padding that puts its first line `PAD` px under the picture's top.

    Plotly anchors a title of several lines by its second line: without this, the first is cut off.
    """
    return PAD + (round(0.8 * size) if lines > 1 else 0)
