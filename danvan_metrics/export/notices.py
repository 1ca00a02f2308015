"""Files that say what went wrong: the PNG, PowerPoint or PDF a download gives when its real file failed.

A download's data is made outside the page (see `ui_slides.guarded`), where no message can be
shown; so the file itself carries the Vietnamese message. Drawn with Pillow and python-pptx only —
no browser — because the browser may be what failed.
"""

from __future__ import annotations

import functools
import io
import textwrap

from PIL import Image, ImageDraw, ImageFont
from pptx import Presentation
from pptx.util import Emu, Pt

from danvan_metrics.export.tables import xml_safe

TITLE = "Không tạo được tệp"
WIDTH, HEIGHT = 1920, 1080
# Fonts Debian ships that cover Vietnamese (make test installs both); Pillow finds them by name.
FONTS = ("NotoSans-Regular.ttf", "DejaVuSans.ttf")


@functools.lru_cache(maxsize=4)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for name in FONTS:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def _image(message: str) -> Image.Image:
    picture = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(picture)
    draw.text((120, 160), TITLE, fill=(170, 30, 30), font=_font(72))
    lines = textwrap.wrap(xml_safe(message), width=62)
    draw.multiline_text((120, 320), "\n".join(lines[:14]), fill=(40, 40, 40), font=_font(44), spacing=18)
    return picture


def message_png(message: str) -> bytes:
    """A 1920×1080 PNG that reads "Không tạo được tệp" and the message."""
    buffer = io.BytesIO()
    _image(message).save(buffer, format="PNG")
    return buffer.getvalue()


def message_pdf(message: str) -> bytes:
    """A one-page PDF with the message."""
    buffer = io.BytesIO()
    _image(message).save(buffer, format="PDF", resolution=144.0, title=TITLE)
    return buffer.getvalue()


def message_pptx(message: str) -> bytes:
    """A one-slide PowerPoint (16:9) with the message."""
    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = Emu(12_192_000), Emu(6_858_000)
    slide = presentation.slides.add_slide(presentation.slide_layouts[1])
    slide.shapes.title.text = TITLE
    body = slide.placeholders[1].text_frame
    body.text = xml_safe(message)
    for paragraph in body.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(24)
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()
