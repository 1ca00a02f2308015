"""Meeting decks: the pages' own charts as slides, a 16:9 PowerPoint and a PDF of the same, and `export`.

Drawn with the real Chromium; decks are built once per module and inspected by several tests.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from danvan_metrics.cli import main as cli
from danvan_metrics.core import config
from danvan_metrics.core.model import Period
from danvan_metrics.export import images, slides
from danvan_metrics.export.pdf import build_pdf
from danvan_metrics.figures import charts, groups, selection
from danvan_metrics.figures.charts import ChartNote
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store

BA_DINH = "pre-d001"
DA_KRONG = "pre-d467"
THANH_XUAN = "pre-d009"  # one figure: the quickest profile deck
BA_DINH_SOURCE = (
    "Nâng cao hiệu lực, hiệu quả quản lý, điều hành của chính quyền các cấp — Ban Tuyên giáo Quận ủy Ba Đình, "
    "02/06/2020"
)
MEETING = dt.date(2026, 3, 5)
# Every character XML 1.0 forbids (C0 controls but tab, LF, CR; DEL; U+FFFE, U+FFFF), then a lone surrogate.
CONTROLS = "".join(map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0xFFFE, 0xFFFF]))
BROKEN = CONTROLS + "\ud800"


@pytest.fixture(scope="module")
def store(_real_store_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The shipped curated data, shared by this module's tests (they only read)."""
    home = tmp_path_factory.mktemp("deck") / "home"
    shutil.copytree(_real_store_template, home)
    return Store(home)


@pytest.fixture(scope="module")
def ba_dinh(store: Store) -> slides.Deck:
    return slides.profile_deck(store, BA_DINH)


@pytest.fixture(scope="module")
def ba_dinh_pptx(ba_dinh: slides.Deck) -> Presentation:
    return Presentation(io.BytesIO(ba_dinh.pptx(MEETING)))


@pytest.fixture(scope="module")
def ba_dinh_pdf(ba_dinh: slides.Deck) -> bytes:
    return ba_dinh.pdf(MEETING)


def slide_text(slide: Any) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


# 1. Slides are the pages' charts


def test_compare_slide_is_the_compare_pages_chart_in_presentation_size(store: Store) -> None:
    slide = slides.compare_slide(store, "communes", highlight=DA_KRONG)
    # What the page draws, described as presentation mode describes it:
    names = selection.distinct_names(queries.units_with_figures(store))  # former units marked, as on the page
    frame = selection.with_distinct_names(queries.compare(store, "communes"), names)
    metric = queries.metric(store, "communes")
    _, stats = groups.rank_and_gaps(frame, metric.direction)
    page = charts.describe(
        charts.build_compare_figure(frame, metric, DA_KRONG, stats),
        charts.chart_note(frame, queries.last_updated(store)),
        present=True,
    )
    assert slide.figure.to_dict() == page.to_dict()
    assert slide.title == "So sánh đơn vị: Xã, phường, thị trấn trực thuộc"
    assert "Quận Ba Đình (đến 30/06/2025), Huyện Đa Krông (đến 30/06/2025)" in slide.note.subtitle.replace("<br>", " ")
    assert charts.MIXED_PERIOD_WARNING in "\n".join(str(a.text) for a in slide.figure.layout.annotations)
    assert BA_DINH_SOURCE in slide.sources and len(slide.sources) == 3
    assert slide.file_name("png") == "so-sanh_xa-phuong-thi-tran-truc-thuoc_tat-ca-don-vi_moi-nhat.png"


def test_compare_slide_name_says_units_and_period(store: Store) -> None:
    period = Period(dt.date(2015, 1, 1), dt.date(2020, 6, 2))
    slide = slides.compare_slide(store, "complaints_resolved_rate", [BA_DINH], period)
    assert slide.file_name("pptx") == "so-sanh_ty-le-giai-quyet-don-khieu-nai_ba-dinh_2015-01-01-2020-06-02.pptx"
    assert "91,94% · 217/236 đơn" in slide.figure.data[0].text[0]


def test_trend_slide_is_the_trend_pages_chart(store: Store) -> None:
    slide = slides.trend_slide(store, "communes", [BA_DINH, DA_KRONG])
    names = selection.distinct_names(queries.units_with_figures(store))
    frame = selection.with_distinct_names(queries.trend(store, "communes", [BA_DINH, DA_KRONG]), names)
    page = charts.describe(
        charts.build_trend_figure(frame, queries.metric(store, "communes")),
        charts.chart_note(frame, queries.last_updated(store)),
        present=True,
    )
    assert slide.figure.to_dict() == page.to_dict()
    assert slide.title == "Xu hướng: Xã, phường, thị trấn trực thuộc"
    assert slide.file_name("png") == "xu-huong_xa-phuong-thi-tran-truc-thuoc_ba-dinh-da-krong_2020-2021.png"


def test_profile_has_one_slide_per_metric_with_the_unit_highlighted(store: Store) -> None:
    profile = queries.unit_profile(store, DA_KRONG)
    made = slides.profile_slides(store, DA_KRONG)
    assert len(made) == profile["metric_id"].nunique() == 13
    assert made[0].title == "Chuyển đổi số: Cán bộ, công chức dùng hộp thư công vụ"  # the profile page's order
    for slide in made:
        (bar,) = [t for t in slide.figure.data if isinstance(t, go.Bar)]
        assert "Huyện Đa Krông ★" in str(list(bar.y))
        assert charts.ORANGE in list(bar.marker.color)  # "my unit" colour
        assert "Báo Quảng Trị, 17/09/2021" in slide.note.footnote()
        assert slide.name[:2] == ("ho-so", "Huyện Đa Krông")


def test_profile_keeps_the_unit_and_its_nearest_peers_when_many_share_the_period() -> None:
    frame = pd.DataFrame({"unit_id": [f"u{i:02d}" for i in range(40)], "value": [float(i) for i in range(40)]})
    shown = slides._neighbours(frame, "u05", "higher", 15)
    assert len(shown) == 15 and "u05" in set(shown["unit_id"])
    assert set(shown["unit_id"]) == {f"u{i:02d}" for i in range(0, 15)}  # near the bottom: the window ends at the last


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda s: slides.compare_slide(s, "khong_co"),
            "Không có chỉ tiêu có mã «khong_co» trong danh mục. Các mã chỉ tiêu:",
        ),
        (lambda s: slides.trend_slide(s, "communes", ["pre-d999"]), "Không có đơn vị có mã «pre-d999»."),
        (lambda s: slides.profile_deck(s, "pre-d999"), "Không có đơn vị có mã «pre-d999»."),
        (
            lambda s: slides.compare_slide(s, "communes", period=Period(dt.date(2022, 1, 1), dt.date(2022, 3, 31))),
            "Chỉ tiêu «Xã, phường, thị trấn trực thuộc» chưa có số liệu nào cho các đơn vị và kỳ đã chọn.",
        ),
    ],
)
def test_what_cannot_be_built_is_said_in_vietnamese(
    store: Store, build: Callable[[Store], object], message: str
) -> None:
    with pytest.raises(slides.DeckError) as caught:
        build(store)
    assert str(caught.value).startswith(message)


# 2. PowerPoint


def test_pptx_is_widescreen_with_cover_charts_and_sources(ba_dinh: slides.Deck, ba_dinh_pptx: Presentation) -> None:
    assert (ba_dinh_pptx.slide_width, ba_dinh_pptx.slide_height) == (12192000, 6858000)  # 13,333 × 7,5 in: 16:9
    pages = list(ba_dinh_pptx.slides)
    assert len(pages) == len(ba_dinh.slides) + 2 == 10
    cover = slide_text(pages[0])
    assert "Hồ sơ số liệu: Quận Ba Đình" in cover
    assert "Quận · thuộc Thành phố Hà Nội" in cover
    assert "Ngày 05/03/2026" in cover
    closing = pages[-1]
    assert closing.shapes.title.text == "Nguồn số liệu"
    assert BA_DINH_SOURCE in slide_text(closing)
    assert "Số liệu cập nhật" in slide_text(closing)
    assert ba_dinh_pptx.core_properties.title == "Hồ sơ số liệu: Quận Ba Đình"


def test_each_chart_slide_has_its_title_picture_and_source(ba_dinh: slides.Deck, ba_dinh_pptx: Presentation) -> None:
    for made, page in zip(ba_dinh.slides, list(ba_dinh_pptx.slides)[1:-1], strict=True):
        assert page.shapes.title.text == made.title
        (picture,) = [s for s in page.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        image = Image.open(io.BytesIO(picture.image.blob))
        assert image.size == (1920, 1080)
        assert abs(picture.width / picture.height - 16 / 9) < 0.01  # not stretched
        assert 0 <= picture.left and picture.left + picture.width <= ba_dinh_pptx.slide_width
        assert picture.top + picture.height <= ba_dinh_pptx.slide_height
        assert "Nguồn: Ban Tuyên giáo Quận ủy Ba Đình, 02/06/2020" in slide_text(page)
        assert "Nguồn:" in page.notes_slide.notes_text_frame.text


def test_pptx_text_is_marked_vietnamese(ba_dinh_pptx: Presentation) -> None:
    languages = {
        run.font.language_id
        for slide in ba_dinh_pptx.slides
        for shape in slide.shapes
        if shape.has_text_frame
        for paragraph in shape.text_frame.paragraphs
        for run in paragraph.runs
    }
    assert {str(language) for language in languages} == {"VIETNAMESE (1066)"}


def _hostile_slide(store: Store) -> slides.Slide:
    """A compare slide whose every text (title, periods, units, sources, file name) holds control characters."""
    metric = queries.metric(store, "citizen_receptions")
    frame = queries.compare(store, metric.metric_id)
    frame = frame.assign(unit_name=frame["unit_name"] + CONTROLS, unit_short_name=frame["unit_short_name"] + CONTROLS)
    note = ChartNote(f"Kỳ: Quý 1/2023{BROKEN}", (f"Ban{CONTROLS} Tuyên giáo, 02/06/2020",), MEETING)
    figure = charts.describe(charts.build_compare_figure(frame, metric), note, present=True)
    return slides.Slide(f"So sánh{BROKEN} đơn vị", figure, note, (f"Tệp tải lên: quy{BROKEN}-1.csv",))


def test_stored_control_characters_never_break_a_pptx(fixture_store: Store) -> None:
    made = slides.Deck(f"Hồ sơ{BROKEN} số liệu", f"Quận{CONTROLS} Một", (_hostile_slide(fixture_store),))
    presentation = Presentation(io.BytesIO(made.pptx(MEETING)))
    cover, chart, closing = presentation.slides
    assert cover.shapes.title.text == "Hồ sơ\ufffd số liệu"  # a lone surrogate shows as "�", the rest goes
    assert "Quận Một" in slide_text(cover)
    assert chart.shapes.title.text == "So sánh\ufffd đơn vị"
    assert "Nguồn: Ban Tuyên giáo, 02/06/2020" in slide_text(chart)
    assert chart.notes_slide.notes_text_frame.text.startswith("Kỳ: Quý 1/2023\ufffd\nNguồn: Ban Tuyên giáo")
    (picture,) = [s for s in chart.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert picture._element.nvPicPr.cNvPr.get("descr").startswith("So sánh\ufffd đơn vị. Kỳ: Quý 1/2023\ufffd.")
    assert "Tệp tải lên: quy\ufffd-1.csv" in slide_text(closing)
    assert presentation.core_properties.title == "Hồ sơ\ufffd số liệu"
    every_text = "".join(slide_text(slide) for slide in presentation.slides)
    assert "_x00" not in every_text  # python-pptx's escape for a control character, shown as is


def test_stored_control_characters_never_break_a_pdf_or_a_chart_image(fixture_store: Store) -> None:
    slide = _hostile_slide(fixture_store)
    assert Image.open(io.BytesIO(images.to_png(slide.figure, 960, 540))).size == (960, 540)
    pdf = build_pdf([slide], f"Hồ sơ{BROKEN} số liệu", f"Quận{CONTROLS} Một", MEETING)
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 3


# 3. PDF


def test_pdf_has_one_page_per_slide_at_slide_size(ba_dinh: slides.Deck, ba_dinh_pdf: bytes) -> None:
    assert ba_dinh_pdf.startswith(b"%PDF")
    pages = re.findall(rb"/Type\s*/Page\b(?!s)", ba_dinh_pdf)
    assert len(pages) == len(ba_dinh.slides) + 2
    boxes = {
        tuple(round(float(n)) for n in box.split()) for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", ba_dinh_pdf)
    }
    assert boxes == {(0, 0, 960, 540)}  # 13,333 × 7,5 in, as the slides


def test_pdf_reader_shows_the_decks_title(ba_dinh_pdf: bytes) -> None:
    title = re.search(rb"/Title \((.*?)\)\n", ba_dinh_pdf, re.S)
    assert title is not None
    assert title.group(1).decode("utf-16") == "Hồ sơ số liệu: Quận Ba Đình"  # PDF text string: UTF-16 with BOM


# 4. The command line


def test_cli_writes_each_format(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = ["--home", str(store.home)]
    for fmt in ("png", "svg", "pptx", "pdf"):
        args = ["export", "--metric", "complaints_resolved_rate", "--format", fmt, "--out", str(tmp_path)]
        assert cli.main([*home, *args]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "bo-slide_ty-le-giai-quyet-don-khieu-nai.pdf",
        "bo-slide_ty-le-giai-quyet-don-khieu-nai.pptx",
        "so-sanh_ty-le-giai-quyet-don-khieu-nai_tat-ca-don-vi_moi-nhat.png",
        "so-sanh_ty-le-giai-quyet-don-khieu-nai_tat-ca-don-vi_moi-nhat.svg",
    ]
    png = Image.open(tmp_path / names[2])
    assert png.size == (1920, 1080)
    assert "Nguồn: Ban Tuyên giáo Quận ủy Ba Đình" in (tmp_path / names[3]).read_text(encoding="utf-8")
    assert len(list(Presentation(str(tmp_path / names[1])).slides)) == 3  # cover, the chart, sources
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", (tmp_path / names[0]).read_bytes())) == 3
    assert "Đã ghi" in capsys.readouterr().out


def test_cli_rejects_unknown_metric_and_unit_in_vietnamese(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = ["--home", str(store.home)]
    out = tmp_path / "x.png"
    assert cli.main([*home, "export", "--metric", "khong_co", "--out", str(out)]) == 1
    assert "Không có chỉ tiêu có mã «khong_co»" in capsys.readouterr().err
    assert cli.main([*home, "export", "--unit", "pre-d999", "--out", str(tmp_path / "x.pptx")]) == 1
    assert "Không có đơn vị có mã «pre-d999»" in capsys.readouterr().err
    assert cli.main([*home, "export", "--unit", BA_DINH, "--format", "png"]) == 2
    assert "dùng --format pptx hoặc pdf" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_cli_profile_deck_as_users_run_it(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "ho-so.pdf"
    result = subprocess.run(
        [sys.executable, "-m", "danvan_metrics", "--home", str(store.home), "export", "--unit", THANH_XUAN,
         "--out", str(out)],
        cwd=config.PROJECT_DIR, env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        capture_output=True, text=True, encoding="utf-8", timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Đã ghi {out} (1 biểu đồ, kèm trang bìa và trang nguồn)."
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", out.read_bytes())) == 3
