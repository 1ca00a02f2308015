"""Server-side chart images: the size asked for, the chart's colours and text, Vietnamese letters, one browser.

These draw with the real Chromium (/usr/bin/chromium, installed by `make test`); the export
browser starts once for the whole test session and every test reuses it.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import plotly.graph_objects as go
import pytest
from PIL import Image, ImageChops

from danvan_metrics.export import images
from danvan_metrics.figures import charts
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store


@pytest.fixture(scope="module")
def store(_real_store_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The shipped curated data, shared by this module's tests (they only read)."""
    home = tmp_path_factory.mktemp("images") / "home"
    shutil.copytree(_real_store_template, home)
    return Store(home)


@pytest.fixture(scope="module")
def complaints_figure(store: Store) -> go.Figure:
    """The "So sánh đơn vị" chart of complaints resolved, described as the page describes it."""
    frame = queries.compare(store, "complaints_resolved_rate")
    figure = charts.build_compare_figure(frame, queries.metric(store, "complaints_resolved_rate"))
    return charts.describe(figure, charts.chart_note(frame, queries.last_updated(store)), present=True)


@pytest.fixture(scope="module")
def complaints_png(complaints_figure: go.Figure) -> Image.Image:
    return Image.open(io.BytesIO(images.to_png(complaints_figure))).convert("RGB")


def colour_count(image: Image.Image, colour: str) -> int:
    """How many pixels are exactly this #RRGGBB colour."""
    rgb = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return sum(count for count, pixel in image.getcolors(image.width * image.height) or [] if pixel == rgb)


def dark_pixels(image: Image.Image, box: tuple[int, int, int, int] | None = None) -> int:
    grey = (image.crop(box) if box else image).convert("L")
    return sum(count for count, level in grey.getcolors(grey.width * grey.height) or [] if level < 80)


def test_png_has_the_stated_size_and_shows_the_bar_and_its_text(complaints_png: Image.Image) -> None:
    assert complaints_png.size == (1920, 1080)
    assert colour_count(complaints_png, charts.BLUE) > 50_000  # the bar itself, not a stray pixel
    width, height = complaints_png.size
    assert dark_pixels(complaints_png, (0, 0, width, height // 6)) > 1_000  # the title and subtitle at the top
    assert dark_pixels(complaints_png, (0, height * 5 // 6, width, height)) > 500  # the source note at the bottom


def test_png_size_and_scale_can_be_chosen(complaints_figure: go.Figure) -> None:
    small = Image.open(io.BytesIO(images.to_png(complaints_figure, 1280, 720)))
    assert small.size == (1280, 720)
    large_type = Image.open(io.BytesIO(images.to_png(complaints_figure, 1920, 1080, scale=1.5))).convert("RGB")
    assert large_type.size == (1920, 1080)
    # Drawn 1.5× large, the same chart's text covers clearly more of the picture.
    plain = Image.open(io.BytesIO(images.to_png(complaints_figure))).convert("RGB")
    assert dark_pixels(large_type) > 1.5 * dark_pixels(plain)


def test_svg_keeps_title_and_source_as_text(store: Store, complaints_figure: go.Figure) -> None:
    svg = images.to_svg(complaints_figure).decode("utf-8")
    assert svg.lstrip().startswith("<svg")
    assert 'width="1920"' in svg and 'height="1080"' in svg
    assert "Tỷ lệ giải quyết đơn khiếu nại" in svg
    assert "Nguồn: Ban Tuyên giáo Quận ủy Ba Đình, 02/06/2020" in svg
    assert "91,94%" in svg  # Vietnamese number format survives into the file


def letter_image(text: str) -> Image.Image:
    figure = go.Figure()
    figure.add_annotation(
        text=text, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
        font={"size": 80, "family": charts.FONT_FAMILY, "color": "#000000"},
    )  # fmt: skip
    figure.update_layout(xaxis_visible=False, yaxis_visible=False, plot_bgcolor="white", paper_bgcolor="white")
    return Image.open(io.BytesIO(images.to_png(figure, 300, 200))).convert("L")


@pytest.fixture(scope="module")
def missing_glyph() -> Image.Image:
    """What the exporter draws for a character no installed font has: a box ("tofu")."""
    return letter_image("\ue000")


@pytest.mark.parametrize("letter", ["ệ", "ặ", "ư", "ơ", "Đ", "ỹ"])
def test_vietnamese_letters_are_drawn_not_boxes(letter: str, missing_glyph: Image.Image) -> None:
    drawn = letter_image(letter)
    assert ImageChops.difference(drawn, missing_glyph).getbbox() is not None
    # And the marks are there: the letter has more ink than its bare base letter.
    base = {"ệ": "e", "ặ": "a", "ư": "u", "ơ": "o", "Đ": "D", "ỹ": "y"}[letter]
    assert dark_pixels(drawn.convert("RGB")) > dark_pixels(letter_image(base).convert("RGB"))


def test_images_reuse_one_browser(complaints_figure: go.Figure) -> None:
    images.to_png(complaints_figure, 640, 360)
    first = images._EXPORTER._kaleido.subprocess.pid
    images.to_svg(complaints_figure, 640, 360)
    images.to_png(complaints_figure, 640, 360)
    assert images._EXPORTER._kaleido.subprocess.pid == first


def test_concurrent_callers_each_get_their_own_image(complaints_figure: go.Figure) -> None:
    # Streamlit serves each session on its own thread: answers must not cross.
    sizes = [(640, 360), (800, 450), (960, 540), (1120, 630)]
    got: dict[tuple[int, int], tuple[int, int]] = {}

    def draw(size: tuple[int, int]) -> None:
        got[size] = Image.open(io.BytesIO(images.to_png(complaints_figure, *size))).size

    threads = [threading.Thread(target=draw, args=(size,)) for size in sizes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert got == {size: size for size in sizes}


@pytest.fixture
def no_browser_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setattr(images, "DEBIAN_CHROMIUM", tmp_path / "chromium")
    monkeypatch.setattr(images.shutil, "which", lambda name: None)
    yield


def test_without_chromium_the_error_says_how_to_install_it(no_browser_env: None) -> None:
    with pytest.raises(images.ExportError) as caught:
        images.browser_path()
    assert str(caught.value) == images.NO_BROWSER
    assert "apt-get install chromium" in str(caught.value)


def test_a_wrong_browser_path_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROWSER_PATH", "/khong/co/chromium")
    with pytest.raises(images.ExportError) as caught:
        images.browser_path()
    assert str(caught.value) == (
        "Không xuất được ảnh: BROWSER_PATH chỉ tới /khong/co/chromium, nhưng ở đó không có tệp chạy được."
    )


def test_debian_chromium_is_chosen_and_handed_to_choreographer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    assert images.browser_path() == "/usr/bin/chromium"
    assert os.environ["BROWSER_PATH"] == "/usr/bin/chromium"


def test_a_browser_that_fails_gives_an_error_then_the_next_image_works(
    monkeypatch: pytest.MonkeyPatch, complaints_figure: go.Figure
) -> None:
    # A browser that exits at once must not hang the caller (kaleido's own sync server would).
    images.stop()
    monkeypatch.setenv("BROWSER_PATH", "/bin/false")
    with pytest.raises(images.ExportError) as caught:
        images.to_png(complaints_figure, 320, 180)
    assert str(caught.value).startswith("Không xuất được ảnh: trình duyệt Chromium không khởi động được")
    assert not images.is_running()
    monkeypatch.undo()
    assert Image.open(io.BytesIO(images.to_png(complaints_figure, 320, 180))).size == (320, 180)


def test_the_exporter_page_loads_nothing_from_another_host() -> None:
    # The page Kaleido draws in, built as images.py configures it: scripts from disk only (offline intranets).
    from kaleido._page_generator import PageGenerator

    page = PageGenerator(plotly=images.local_plotly_js().as_uri(), mathjax=False).generate_index()
    sources = re.findall(r'src="([^"]+)"', page)
    assert sources and all(src.startswith("file://") for src in sources), sources
    assert "http://" not in page and "https://" not in page
