"""Every kind of file a person can take away, defined once: extension, MIME type, button label, builder.

The download buttons (`ui.slides`, the table downloads), the command line's ``export`` and a
deck's own `Deck.pptx` take these from `FORMATS`, so no MIME type, extension or choice of
builder is written twice. A format is one of three kinds, each with its own builder:

- `TableFormat` ("csv", "xlsx"): rows with Vietnamese headers → a file (`tables`);
- `FigureFormat` ("png", "svg"): one figure → an image (`images`);
- `DeckFormat` ("pptx", "pdf"): a deck's slides and cover → a file (`pptx`, `pdf`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol

import pandas as pd
import plotly.graph_objects as go

from danvan_metrics.export import images, notices, tables
from danvan_metrics.export.pdf import build_pdf
from danvan_metrics.export.pptx import build_pptx
from danvan_metrics.export.slides import Deck, Slide

TABLE, FIGURE, DECK = "table", "figure", "deck"
TABLE_SHEET_TITLE = "Số liệu"  # the data sheet's name when the caller gives none


class TableBuilder(Protocol):
    """``build(frame, sheet_title="Số liệu", note=None) -> bytes``, as `tables.to_xlsx_bytes`."""

    def __call__(self, frame: pd.DataFrame, sheet_title: str = ..., note: str | None = ...) -> bytes: ...


@dataclass(frozen=True, kw_only=True)
class ExportFormat:
    """What every format has: its name (the key in `FORMATS`), extension, MIME type and wording.

    ``label`` is the Vietnamese download button ("⬇ PDF"), empty where no page offers one;
    ``what`` names the file in a message ("bộ slide PDF": "Không tạo được bộ slide PDF: …").
    """

    kind: ClassVar[str]
    name: str
    extension: str
    mime: str
    label: str = ""
    what: str = ""

    def file_name(self, *parts: str) -> str:
        """A safe ASCII download name with this extension: ("ho-so", "Quận Ba Đình") → "ho-so_quan-ba-dinh.pdf"."""
        return tables.download_name(*parts, ext=self.extension)


@dataclass(frozen=True, kw_only=True)
class TableFormat(ExportFormat):
    """A table download; ``build(frame, sheet_title, note)`` (CSV has no sheets, so it keeps only the rows)."""

    kind: ClassVar[str] = TABLE
    build: TableBuilder


@dataclass(frozen=True, kw_only=True)
class FigureFormat(ExportFormat):
    """An image of one figure; ``build(figure)`` draws it at 1920 × 1080; ``notice(message)`` says what failed."""

    kind: ClassVar[str] = FIGURE
    build: Callable[[go.Figure], bytes]
    notice: Callable[[str], bytes] | None = None


@dataclass(frozen=True, kw_only=True)
class DeckFormat(ExportFormat):
    """A slide deck; ``build(slides, title, subtitle, date)``; ``notice(message)`` is a file that says what failed."""

    kind: ClassVar[str] = DECK
    build: Callable[[Sequence[Slide], str, str, dt.date | None], bytes]
    notice: Callable[[str], bytes]

    def write(self, deck: Deck, date: dt.date | None = None) -> bytes:
        """The deck as this format's file, dated ``date`` on the cover (today if None)."""
        return self.build(deck.slides, deck.title, deck.subtitle, date)


def _csv(frame: pd.DataFrame, sheet_title: str = TABLE_SHEET_TITLE, note: str | None = None) -> bytes:
    return tables.to_csv_bytes(frame)  # a CSV holds the rows only: no sheet name, no note sheet


CSV = TableFormat(name="csv", extension="csv", mime="text/csv", label="⬇ Tải CSV (Excel)", build=_csv)
XLSX = TableFormat(
    name="xlsx", extension="xlsx", mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    label="⬇ Tải XLSX", build=tables.to_xlsx_bytes,
)  # fmt: skip
PNG = FigureFormat(
    name="png", extension="png", mime="image/png", label="⬇ Ảnh PNG 1920×1080", what="ảnh PNG 1920×1080",
    build=images.to_png, notice=notices.message_png,
)  # fmt: skip
SVG = FigureFormat(name="svg", extension="svg", mime="image/svg+xml", what="ảnh SVG", build=images.to_svg)
PPTX = DeckFormat(
    name="pptx", extension="pptx", mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
    label="⬇ PowerPoint (.pptx)", what="bộ slide PowerPoint", build=build_pptx, notice=notices.message_pptx,
)  # fmt: skip
PDF = DeckFormat(
    name="pdf", extension="pdf", mime="application/pdf", label="⬇ PDF", what="bộ slide PDF",
    build=build_pdf, notice=notices.message_pdf,
)  # fmt: skip

FORMATS: dict[str, ExportFormat] = {f.name: f for f in (CSV, XLSX, PNG, SVG, PPTX, PDF)}
# What ``python -m danvan_metrics export`` can write: an image of one chart, or a deck.
CHART_FORMATS: tuple[str, ...] = tuple(name for name, f in FORMATS.items() if f.kind in (FIGURE, DECK))
