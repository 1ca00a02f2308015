"""Meeting decks: the pages' own figures as slides, saved as PowerPoint (python-pptx) or PDF.

What you see is what you export: a slide's figure comes from the same query, analysis and
figure builder as its page (`charts.build_compare_figure`, `build_trend_figure`), described
in place by `charts.describe` (title, periods, units, "Nguồn: …") in presentation size.
The app ("Tạo bộ slide") and the command line (``export``) both build decks here.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from PIL import Image
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.util import Emu, Inches, Pt

from danvan_metrics.core import config
from danvan_metrics.core.formats import format_date, format_number
from danvan_metrics.core.messages import SCALE_VIEW_LABELS
from danvan_metrics.core.model import Direction, Metric, Period
from danvan_metrics.export import images
from danvan_metrics.export.tables import download_name, xml_safe
from danvan_metrics.figures import analysis, charts, views
from danvan_metrics.figures.charts import ChartNote
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store

# Every Vietnamese string a deck shows, in one place for review.
DEFAULT_TITLE = "Số liệu dân vận chính quyền"
DATE_LINE = "Ngày {date}"
COVER_NOTE = "Mỗi số liệu kèm nguồn, kỳ số liệu và trích dẫn nguyên văn văn bản gốc (trang Dữ liệu & nguồn)."
COMPARE_TITLE = "So sánh đơn vị: {metric}"
TREND_TITLE = "Xu hướng: {metric}"
PROFILE_TITLE = "{category}: {metric}"
PROFILE_DECK_TITLE = "Hồ sơ số liệu: {unit}"
PROFILE_PEERS = "{unit} và các đơn vị cùng tỉnh có số liệu cùng kỳ"
PROFILE_NEIGHBOURS = "{unit} và {shown} đơn vị xếp gần nhất trong {total} đơn vị cùng tỉnh, cùng kỳ"
ALL_UNITS = "Tất cả đơn vị"
TREND_CAPPED = "vẽ {shown}/{total} đơn vị"
LATEST = "Mới nhất"
SOURCES_TITLE = "Nguồn số liệu"
UPDATED_LINE = "Số liệu cập nhật {date}."
UNKNOWN_METRIC = "Không có chỉ tiêu có mã «{metric_id}» trong danh mục. Các mã chỉ tiêu: {known}."
UNKNOWN_UNITS = "Không có đơn vị có mã {ids}. Xem mã đơn vị ở trang Hồ sơ đơn vị hoặc lệnh `dump`."
NO_FIGURES = "Chỉ tiêu «{metric}» chưa có số liệu nào cho các đơn vị và kỳ đã chọn."
NO_UNIT_FIGURES = "Đơn vị «{unit}» chưa có số liệu nào để đưa vào bộ slide."

# 16:9 at PowerPoint's widescreen size; every chart image is 1920 × 1080, laid out at 1536 × 864 (1,25× type).
SLIDE_WIDTH = Emu(12_192_000)  # 13⅓ in, exactly PowerPoint's "Widescreen"
SLIDE_HEIGHT = Emu(6_858_000)  # 7,5 in
IMAGE_WIDTH, IMAGE_HEIGHT, IMAGE_SCALE = 1920, 1080, 1.25
PDF_RESOLUTION = 144.0  # pixels per inch: 1920 × 1080 pixels make a 13,333 × 7,5 in page, the slide's size
MAX_PROFILE_BARS = 15
_LAYOUT_TITLE, _LAYOUT_CONTENT, _LAYOUT_TITLE_ONLY = 0, 1, 5
_GREY = RGBColor(0x44, 0x44, 0x44)


class DeckError(ValueError):
    """A deck cannot be built as asked (unknown metric or unit, no figures); the message is Vietnamese."""


@dataclass(frozen=True)
class Slide:
    """One chart of a deck: its slide title, the described figure, and what it cites.

    ``sources`` are full citations for the closing slide (``note.sources`` may be shortened);
    ``name`` are the parts of a meaningful file name (kind, metric, units, period).
    """

    title: str
    figure: go.Figure
    note: ChartNote
    sources: tuple[str, ...] = ()
    name: tuple[str, ...] = ()

    def file_name(self, ext: str) -> str:
        """A download name such as "so-sanh_ty-le-giai-quyet-don-khieu-nai_tat-ca-don-vi_moi-nhat.png"."""
        return file_name(*(self.name or ("bieu-do", self.title)), ext=ext)


@dataclass(frozen=True)
class Deck:
    """Slides with their cover (title, subtitle) and the parts of a meaningful file name."""

    title: str
    subtitle: str
    slides: tuple[Slide, ...]
    name: tuple[str, ...] = ("bo-slide",)

    def pptx(self, date: dt.date | None = None) -> bytes:
        """The deck as PowerPoint (see `build_pptx`)."""
        return build_pptx(self.slides, self.title, self.subtitle, date)

    def pdf(self, date: dt.date | None = None) -> bytes:
        """The deck as PDF (see `build_pdf`)."""
        return build_pdf(self.slides, self.title, self.subtitle, date)

    def file_name(self, ext: str) -> str:
        """A download name such as "ho-so_huyen-da-krong.pptx"."""
        return file_name(*self.name, ext=ext)


def file_name(kind: str, *parts: str, ext: str) -> str:
    """A safe ASCII file name from Vietnamese parts: ("so-sanh", "Tỷ lệ …", "Ba Đình", "2015..2020").

    Args:
        kind: what the file holds ("so-sanh", "xu-huong", "ho-so", "bo-slide").
        parts: metric, units, period: whatever tells two files apart.
        ext: "png", "svg", "pptx" or "pdf".
    """
    return download_name(kind, *parts, ext=ext)


# 1. Slides: the pages' queries and figure builders, in presentation size


def compare_slide(
    store: Store,
    metric_id: str,
    units: Sequence[str] | None = None,
    period: Period | None = None,
    highlight: str | None = None,
    view: str | None = None,
) -> Slide:
    """The "So sánh đơn vị" chart: one metric across units, as the page draws it.

    Args:
        store: the store.
        metric_id: a catalog id.
        units: unit ids to compare; None compares every unit with a figure.
        period: only figures over exactly this period; None takes each unit's latest.
        highlight: the unit drawn in orange ("Đơn vị của tôi").
        view: with many units, the compact view (`views.ScaleView`) the page shows.

    Raises:
        DeckError: unknown metric or unit, or no figure to show.
    """
    metric = _metric(store, metric_id)
    if units is not None:
        _check_units(store, [*units, *([highlight] if highlight else [])])
    frame = queries.compare(store, metric_id, units, period)
    if frame.empty:
        raise DeckError(NO_FIGURES.format(metric=metric.name_vi))
    frame = analysis.with_distinct_names(frame, analysis.distinct_names(queries.units_with_figures(store)))
    registry = queries.units(store) if analysis.needs_scale_view(len(frame)) else None
    shown = views.compare_view(frame, metric, registry, highlight, view)
    note = charts.chart_note(frame, queries.last_updated(store))
    figure = _finish(store, shown.figure, note)
    name: tuple[str, ...] = ("so-sanh", metric.name_vi, _units_part(frame, units), period.key() if period else LATEST)
    name += (SCALE_VIEW_LABELS[shown.view],) if shown.view else ()
    return Slide(COMPARE_TITLE.format(metric=metric.name_vi), figure, note, _citations(frame), name)


def trend_slide(
    store: Store, metric_id: str, units: Sequence[str] | None = None, highlight: str | None = None
) -> Slide:
    """The "Xu hướng" chart: one metric over time for the chosen units (None: every unit).

    Like the page, it draws at most `analysis.TREND_LINE_CAP` lines (my unit and its neighbours
    first) and says so on the slide.

    Raises:
        DeckError: unknown metric or unit, or no figure to show.
    """
    metric = _metric(store, metric_id)
    if units is not None:
        _check_units(store, [*units, *([highlight] if highlight else [])])
    with_figures = queries.units_with_figures(store)
    with_metric = with_figures[with_figures["unit_id"].isin(queries.metric_unit_ids(store, metric_id))]
    chosen = analysis.trend_selection(with_metric, list(units or []), highlight, registry=queries.units(store))
    frame = queries.trend(store, metric_id, chosen.unit_ids)
    if frame.empty:
        raise DeckError(NO_FIGURES.format(metric=metric.name_vi))
    frame = analysis.with_distinct_names(frame, analysis.distinct_names(with_figures))
    capped = ""
    if chosen.note:
        capped = TREND_CAPPED.format(shown=format_number(len(chosen.unit_ids or [])), total=format_number(chosen.total))
    note = charts.chart_note(frame, queries.last_updated(store), capped)
    figure = _finish(store, charts.build_trend_figure(frame, metric, highlight), note)
    years = f"{pd.Timestamp(frame['period_start'].min()).year}-{pd.Timestamp(frame['period_end'].max()).year}"
    name = ("xu-huong", metric.name_vi, _units_part(frame, units), years)
    return Slide(TREND_TITLE.format(metric=metric.name_vi), figure, note, _citations(frame), name)


def profile_slides(store: Store, unit_id: str) -> list[Slide]:
    """A unit's profile deck: one compare chart per metric it has figures for, in the profile page's order.

    Each chart shows the unit's latest figure (highlighted) beside the units of its province
    with a figure for exactly the same period: a rank and a median only where they are honest,
    and context that grows as quarterly uploads arrive. With many such units, the unit and its
    nearest neighbours in rank are shown (the median still counts them all).

    Raises:
        DeckError: unknown unit, or a unit without figures.
    """
    all_units = queries.units(store)
    _check_units(store, [unit_id], all_units)
    unit_name = str(all_units.loc[all_units["unit_id"] == unit_id, "name"].iloc[0])
    profile = queries.unit_profile(store, unit_id)
    if profile.empty:
        raise DeckError(NO_UNIT_FIGURES.format(unit=unit_name))
    peers = sorted({unit_id, *(analysis.group_members(all_units, analysis.Group.PROVINCE, unit_id) or [])})
    updated = queries.last_updated(store)
    catalog = {str(m["metric_id"]): Metric.from_row(m) for m in queries.metrics(store).to_dict("records")}
    slides = []
    # unit_profile sorts by category, name, newest period first: the first row per metric is its latest.
    for row in profile.drop_duplicates("metric_id").itertuples(index=False):
        metric = catalog[str(row.metric_id)]
        period = Period(pd.Timestamp(row.period_start).date(), pd.Timestamp(row.period_end).date())
        frame = queries.compare(store, metric.metric_id, peers, period)
        _, stats = analysis.rank_and_gaps(frame, metric.direction)
        shown = _neighbours(frame, unit_id, metric.direction, MAX_PROFILE_BARS)
        extra = (
            PROFILE_NEIGHBOURS.format(unit=unit_name, shown=len(shown) - 1, total=len(frame))
            if len(shown) < len(frame)
            else (PROFILE_PEERS.format(unit=unit_name) if len(frame) > 1 else "")
        )
        note = charts.chart_note(shown, updated, extra)
        figure = _finish(store, charts.build_compare_figure(shown, metric, unit_id, stats), note)
        title = PROFILE_TITLE.format(category=row.category, metric=metric.name_vi)
        name = ("ho-so", unit_name, metric.name_vi, period.key())
        slides.append(Slide(title, figure, note, _citations(shown), name))
    return slides


def profile_deck(store: Store, unit_id: str) -> Deck:
    """A unit's whole profile as a deck: cover "Hồ sơ số liệu: Quận Ba Đình", "Quận · thuộc Thành phố Hà Nội".

    Raises:
        DeckError: unknown unit, or a unit without figures.
    """
    all_units = queries.units(store)
    _check_units(store, [unit_id], all_units)
    unit = all_units.loc[all_units["unit_id"] == unit_id].iloc[0]
    facts = [str(unit["kind"]).capitalize()]
    if isinstance(unit["parent_name"], str):
        facts.append(f"thuộc {unit['parent_name']}")
    slides = tuple(profile_slides(store, unit_id))
    title = PROFILE_DECK_TITLE.format(unit=unit["name"])
    return Deck(title, " · ".join(facts), slides, ("ho-so", str(unit["name"])))


def chart_deck(slides: Sequence[Slide], title: str = DEFAULT_TITLE, subtitle: str = "") -> Deck:
    """Chosen charts as a deck; the file is named after the charts' metrics ("bo-slide_…")."""
    metrics = list(dict.fromkeys(slide.name[1] for slide in slides if len(slide.name) > 1))
    return Deck(title, subtitle, tuple(slides), ("bo-slide", *metrics[:3]))


# 2. PowerPoint


def build_pptx(slides: Sequence[Slide], title: str, subtitle: str = "", date: dt.date | None = None) -> bytes:
    """A 16:9 PowerPoint: a cover, one slide per chart (title, chart picture, source note), a sources slide.

    Args:
        slides: the charts, in order.
        title: the cover's title ("Hồ sơ số liệu: Quận Ba Đình").
        subtitle: the cover's second line (the unit, the meeting).
        date: the date on the cover (dd/mm/yyyy); today if None.

    Returns:
        The .pptx file's bytes. Speaker notes repeat each chart's periods, units and source.

    Raises:
        images.ExportError: the charts could not be drawn.
    """
    pictures = [_picture(slide) for slide in slides]
    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    presentation.core_properties.title = xml_safe(title)
    presentation.core_properties.subject = xml_safe(subtitle)
    presentation.core_properties.author = "danvan"
    presentation.core_properties.language = "vi-VN"
    layouts = presentation.slide_layouts

    cover = presentation.slides.add_slide(layouts[_LAYOUT_TITLE])
    _place(cover.shapes.title, 0.75, 1.9, 11.83, 1.9)
    _write(cover.shapes.title.text_frame, [title], 40, bold=True)
    _place(cover.placeholders[1], 0.75, 3.95, 11.83, 2.2)
    _write(cover.placeholders[1].text_frame, _cover_lines(subtitle, date), 22)

    for slide, picture in zip(slides, pictures, strict=True):
        page = presentation.slides.add_slide(layouts[_LAYOUT_TITLE_ONLY])
        _place(page.shapes.title, 0.5, 0.2, 12.333, 0.8)
        _write(page.shapes.title.text_frame, [slide.title], 28, bold=True)
        height = Inches(5.9)
        width = Emu(int(height * IMAGE_WIDTH / IMAGE_HEIGHT))
        image = page.shapes.add_picture(io.BytesIO(picture), (SLIDE_WIDTH - width) // 2, Inches(1.05), width, height)
        image.name = "Biểu đồ"
        # Alt text for screen readers (python-pptx has no public setter for it).
        alt = f"{slide.title}. {slide.note.subtitle}. {slide.note.footnote()}"
        image._element.nvPicPr.cNvPr.set("descr", xml_safe(alt))
        source = page.shapes.add_textbox(Inches(0.5), Inches(7.0), Inches(12.333), Inches(0.42))
        _write(source.text_frame, [slide.note.footnote()], 12, colour=_GREY)
        notes = "\n".join(p for p in (slide.note.subtitle, slide.note.footnote()) if p)
        page.notes_slide.notes_text_frame.text = xml_safe(notes)

    closing = presentation.slides.add_slide(layouts[_LAYOUT_CONTENT])
    _place(closing.shapes.title, 0.5, 0.3, 12.333, 0.9)
    _write(closing.shapes.title.text_frame, [SOURCES_TITLE], 32, bold=True)
    _place(closing.placeholders[1], 0.6, 1.35, 12.133, 5.4)
    cited = all_sources(slides)
    _write(closing.placeholders[1].text_frame, cited, 20 if len(cited) <= 6 else 14)
    updated = closing.shapes.add_textbox(Inches(0.6), Inches(6.85), Inches(12.133), Inches(0.45))
    _write(updated.text_frame, _updated_lines(slides), 14, colour=_GREY)

    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


def all_sources(slides: Sequence[Slide]) -> list[str]:
    """Every source the slides cite, once each, in order of first use."""
    found: list[str] = []
    for slide in slides:
        for source in slide.sources or slide.note.sources:
            if source not in found:
                found.append(source)
    return found


# 3. PDF: the same deck, one page per slide


def build_pdf(slides: Sequence[Slide], title: str, subtitle: str = "", date: dt.date | None = None) -> bytes:
    """The same deck as a PDF: cover, one page per chart, sources; each page 13,333 × 7,5 in.

    Every page is drawn by the same exporter as the charts (the cover and the sources page are
    figures made only of text) and the pages are joined by Pillow: no PDF library to install.
    Pages are images (JPEG at high quality, no chroma subsampling, so coloured text stays sharp).

    Raises:
        images.ExportError: the pages could not be drawn.
    """
    pages = [_text_page(_cover_page(title, subtitle, date))]
    pages += [_picture(slide) for slide in slides]
    pages.append(_text_page(_sources_page(slides)))
    frames = [Image.open(io.BytesIO(page)).convert("RGB") for page in pages]
    buffer = io.BytesIO()
    frames[0].save(
        buffer, "PDF", save_all=True, append_images=frames[1:], resolution=PDF_RESOLUTION, quality=92, subsampling=0,
        title=xml_safe(title), author="danvan", subject=xml_safe(subtitle),
    )  # fmt: skip
    return buffer.getvalue()


# Helpers


def _metric(store: Store, metric_id: str) -> Metric:
    try:
        return queries.metric(store, metric_id)
    except KeyError:
        known = ", ".join(queries.metrics(store)["metric_id"])
        raise DeckError(UNKNOWN_METRIC.format(metric_id=metric_id, known=known)) from None


def _check_units(store: Store, unit_ids: Sequence[str], all_units: pd.DataFrame | None = None) -> None:
    known = set((queries.units(store) if all_units is None else all_units)["unit_id"])
    missing = [u for u in unit_ids if u not in known]
    if missing:
        raise DeckError(UNKNOWN_UNITS.format(ids=", ".join(f"«{u}»" for u in missing)))


def _units_part(frame: pd.DataFrame, units: Sequence[str] | None) -> str:
    if units is None:
        return ALL_UNITS
    short = dict(zip(frame["unit_id"], frame["unit_short_name"].astype(str), strict=True))
    names = [short[unit_id] for unit_id in dict.fromkeys(units) if unit_id in short]  # in the order asked for
    return " ".join(names) if len(names) <= 3 else f"{' '.join(names[:3])} và {len(names) - 3} đơn vị khác"


def _citations(frame: pd.DataFrame) -> tuple[str, ...]:
    """Full citations of the sources in ``frame``: "Title — Publisher, dd/mm/yyyy"."""
    found: list[str] = []
    for title, publisher, published in zip(
        frame["source_title"], frame["source_publisher"], frame["source_published"], strict=True
    ):
        if not isinstance(title, str):
            continue
        origin = ", ".join(p for p in (publisher if isinstance(publisher, str) else "", format_date(published)) if p)
        citation = f"{title} — {origin}" if origin else title
        if citation not in found:
            found.append(citation)
    return tuple(found)


def _neighbours(frame: pd.DataFrame, unit_id: str, direction: str, limit: int) -> pd.DataFrame:
    """The unit and the units nearest to it in order of value, at most ``limit`` rows."""
    if len(frame) <= limit:
        return frame
    ascending = direction == Direction.LOWER
    ordered = frame.sort_values("value", ascending=ascending, na_position="last").reset_index(drop=True)
    at = int(ordered.index[ordered["unit_id"] == unit_id][0])
    start = min(max(0, at - limit // 2), len(ordered) - limit)
    return ordered.iloc[start : start + limit]


def _finish(store: Store, figure: go.Figure, note: ChartNote) -> go.Figure:
    """Describe a slide's figure in presentation size; sample data is stamped as such on every slide."""
    charts.describe(figure, note, present=True)
    return charts.mark_demo(figure) if store.synthetic or config.demo_mode() else figure


def _picture(slide: Slide) -> bytes:
    return images.to_png(slide.figure, IMAGE_WIDTH, IMAGE_HEIGHT, scale=IMAGE_SCALE)


def _cover_lines(subtitle: str, date: dt.date | None) -> list[str]:
    return [line for line in (subtitle, DATE_LINE.format(date=format_date(date or dt.date.today()))) if line]


def _updated_lines(slides: Sequence[Slide]) -> list[str]:
    dates = [pd.Timestamp(s.note.updated) for s in slides if s.note.updated is not None]
    return [UPDATED_LINE.format(date=format_date(max(dates)))] if dates else []


def _place(shape: Any, left: float, top: float, width: float, height: float) -> None:
    """Move a layout placeholder: the default template is laid out for 4:3."""
    shape.left, shape.top, shape.width, shape.height = Inches(left), Inches(top), Inches(width), Inches(height)


def _write(frame: Any, lines: Sequence[str], size: int, bold: bool = False, colour: RGBColor | None = None) -> None:
    """Fill a text frame with one paragraph per line, in Vietnamese (for spelling and screen readers).

    Every line passes `export.xml_safe`: python-pptx would show a control character as "_x001B_"
    and cannot save a lone surrogate, and any stored title, source or unit name may hold one.
    """
    frame.clear()
    frame.word_wrap = True
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = xml_safe(line)
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.language_id = MSO_LANGUAGE_ID.VIETNAMESE
        if colour is not None:
            run.font.color.rgb = colour


# Cover and sources pages for the PDF: figures made only of text, laid out like the charts (1536 × 864).


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
    lines = _cover_lines(subtitle, date)
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
            (" ".join(_updated_lines(slides)), 15, "#555555", 0.04),
        ]
    )


def _text_page(figure: go.Figure) -> bytes:
    return images.to_png(figure, IMAGE_WIDTH, IMAGE_HEIGHT, scale=IMAGE_SCALE)
