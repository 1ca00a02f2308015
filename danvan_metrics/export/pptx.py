"""A deck as a 16:9 PowerPoint (python-pptx): a cover, one slide per chart, a sources slide.

Each chart is the slide's picture (`covers.picture`), with its source note under it, alt text
for screen readers, and its periods and source in the speaker notes. Text is marked Vietnamese.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.util import Emu, Inches, Pt

from danvan_metrics.export.covers import (
    IMAGE_HEIGHT,
    IMAGE_WIDTH,
    SOURCES_TITLE,
    all_sources,
    cover_lines,
    picture,
    updated_lines,
)
from danvan_metrics.export.slides import Slide
from danvan_metrics.export.tables import xml_safe

# PowerPoint's widescreen size: every chart picture (1920 × 1080) is laid out on it.
SLIDE_WIDTH = Emu(12_192_000)  # 13⅓ in, exactly PowerPoint's "Widescreen"
SLIDE_HEIGHT = Emu(6_858_000)  # 7,5 in
_LAYOUT_TITLE, _LAYOUT_CONTENT, _LAYOUT_TITLE_ONLY = 0, 1, 5
_GREY = RGBColor(0x44, 0x44, 0x44)


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
    pictures = [picture(slide.figure) for slide in slides]
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
    _write(cover.placeholders[1].text_frame, cover_lines(subtitle, date), 22)

    for slide, drawn in zip(slides, pictures, strict=True):
        page = presentation.slides.add_slide(layouts[_LAYOUT_TITLE_ONLY])
        _place(page.shapes.title, 0.5, 0.2, 12.333, 0.8)
        _write(page.shapes.title.text_frame, [slide.title], 28, bold=True)
        height = Inches(5.9)
        width = Emu(int(height * IMAGE_WIDTH / IMAGE_HEIGHT))
        image = page.shapes.add_picture(io.BytesIO(drawn), (SLIDE_WIDTH - width) // 2, Inches(1.05), width, height)
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
    _write(updated.text_frame, updated_lines(slides), 14, colour=_GREY)

    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


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
