"""A deck as a PDF: the same cover, charts and sources as the PowerPoint, one page per slide.

Every page is drawn by the same exporter as the charts (the cover and the sources page are
figures made only of text) and the pages are joined by Pillow: no PDF library to install.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from collections.abc import Sequence

import plotly.graph_objects as go
from PIL import Image

from danvan_metrics.export.covers import COVER_NOTE, SOURCES_TITLE, all_sources, cover_lines, picture, updated_lines
from danvan_metrics.export.slides import Slide
from danvan_metrics.export.tables import xml_safe
from danvan_metrics.figures import charts

PDF_RESOLUTION = 144.0  # pixels per inch: 1920 × 1080 pixels make a 13,333 × 7,5 in page, the slide's size


def build_pdf(slides: Sequence[Slide], title: str, subtitle: str = "", date: dt.date | None = None) -> bytes:
    """The same deck as a PDF: cover, one page per chart, sources; each page 13,333 × 7,5 in.

    Pages are images (JPEG at high quality, no chroma subsampling, so coloured text stays sharp).

    Args:
        slides: the charts, in order.
        title: the cover's title.
        subtitle: the cover's second line.
        date: the date on the cover (dd/mm/yyyy); today if None.

    Raises:
        images.ExportError: the pages could not be drawn.
    """
    pages = [picture(_cover_page(title, subtitle, date))]
    pages += [picture(slide.figure) for slide in slides]
    pages.append(picture(_sources_page(slides)))
    frames = [Image.open(io.BytesIO(page)).convert("RGB") for page in pages]
    buffer = io.BytesIO()
    frames[0].save(
        buffer, "PDF", save_all=True, append_images=frames[1:], resolution=PDF_RESOLUTION, quality=92, subsampling=0,
        title=xml_safe(title), author="danvan", subject=xml_safe(subtitle),
    )  # fmt: skip
    return buffer.getvalue()


# Cover and sources pages: figures made only of text, laid out like the charts (1536 × 864).


def _text_figure(blocks: Sequence[tuple[str, int, str, float]]) -> go.Figure:
    """A white page with text blocks (text, size px, colour, top as a fraction of the height)."""
    figure = go.Figure()
    for text, size, colour, top in blocks:
        figure.add_annotation(
            text=text, xref="paper", yref="paper", x=0, y=top, xanchor="left", yanchor="top", align="left",
            showarrow=False, font={"size": size, "color": colour, "family": charts.FONT_FAMILY},
        )  # fmt: skip
    figure.update_layout(
        xaxis={"visible": False}, yaxis={"visible": False}, plot_bgcolor="white", paper_bgcolor="white",
        margin={"l": 80, "r": 80, "t": 60, "b": 60}, showlegend=False,
    )  # fmt: skip
    return figure


def _wrap(text: str, width: int) -> str:
    return "<br>".join(textwrap.wrap(text, width)) or " "


def _cover_page(title: str, subtitle: str, date: dt.date | None) -> go.Figure:
    lines = cover_lines(subtitle, date)
    return _text_figure(
        [
            (f"<b>{_wrap(title, 40)}</b>", 44, "#000000", 0.72),
            (_wrap(lines[0], 70) + ("<br>" + lines[1] if len(lines) > 1 else ""), 24, "#333333", 0.4),
            (COVER_NOTE, 15, "#555555", 0.06),
        ]
    )


def _sources_page(slides: Sequence[Slide]) -> go.Figure:
    cited = all_sources(slides)
    size, width, gap = (20, 110, "<br><br>") if len(cited) <= 6 else (14, 160, "<br>")
    items = gap.join("• " + _wrap(c, width).replace("<br>", "<br>   ") for c in cited)
    return _text_figure(
        [
            (f"<b>{SOURCES_TITLE}</b>", 32, "#000000", 1.0),
            (items, size, "#1A1A1A", 0.86),
            (" ".join(updated_lines(slides)), 15, "#555555", 0.04),
        ]
    )
