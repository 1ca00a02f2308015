"""What every deck file holds besides its charts, whichever writer draws it (`pptx`, `pdf`).

The cover's lines, the sources slide's list and update line, and the one size every slide
picture is drawn at: the PowerPoint and the PDF of a deck say the same, in the same words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from danvan_metrics.core.formats import format_date
from danvan_metrics.export import images
from danvan_metrics.export.slides import Slide

# The Vietnamese a deck's cover and sources page show, in one place for review.
DATE_LINE = "Ngày {date}"
COVER_NOTE = "Mỗi số liệu kèm nguồn, kỳ số liệu và trích dẫn nguyên văn văn bản gốc (trang Dữ liệu & nguồn)."
SOURCES_TITLE = "Nguồn số liệu"
UPDATED_LINE = "Số liệu cập nhật {date}."

# Every slide picture (and PDF page) is 1920 × 1080, laid out at 1536 × 864 (1,25× type).
IMAGE_WIDTH, IMAGE_HEIGHT, IMAGE_SCALE = 1920, 1080, 1.25


def picture(figure: go.Figure) -> bytes:
    """A slide's chart (or a PDF's text page) as a PNG of 1920 × 1080, laid out at 1536 × 864.

    Raises:
        images.ExportError: the figure could not be drawn.
    """
    return images.to_png(figure, IMAGE_WIDTH, IMAGE_HEIGHT, scale=IMAGE_SCALE)


def all_sources(slides: Sequence[Slide]) -> list[str]:
    """Every source the slides cite, once each, in order of first use."""
    found: list[str] = []
    for slide in slides:
        for source in slide.sources or slide.note.sources:
            if source not in found:
                found.append(source)
    return found


def cover_lines(subtitle: str, date: dt.date | None) -> list[str]:
    """The cover's lines under its title: the subtitle (if any) and "Ngày dd/mm/yyyy" (today if None)."""
    return [line for line in (subtitle, DATE_LINE.format(date=format_date(date or dt.date.today()))) if line]


def updated_lines(slides: Sequence[Slide]) -> list[str]:
    """The sources page's "Số liệu cập nhật dd/mm/yyyy.": the newest update of any slide (none if unknown)."""
    dates = [pd.Timestamp(s.note.updated) for s in slides if s.note.updated is not None]
    return [UPDATED_LINE.format(date=format_date(max(dates)))] if dates else []
