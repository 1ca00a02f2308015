"""Maps in Chromium (issue #18): the province map of each era and a commune dot map draw offline, hover
with the figure, and their PNG and slide show the same map. The `page` fixture fails on any request
to another host, so a map that reached for a CDN topology or tiles would fail here.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect
from pptx import Presentation

from danvan_metrics.figures.classes import CLASS_COLOURS
from danvan_metrics.registry import geometry
from danvan_metrics.registry.geometry import Era
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store
from tests import map_sample
from tests.browser.conftest import choose, screenshot, serve_app, wait_for_app
from tests.browser.test_actions_browser import button, check_png, download, pdf_pages

FILLS = "[data-testid='stPlotlyChart'] .scatterlayer path.js-fill"


@pytest.fixture(scope="module")
def map_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """Every province while it existed (tests.map_sample); not conftest's `sample`, which has communes only."""
    return map_sample.build(tmp_path_factory.mktemp("map_browser"))


@pytest.fixture(scope="module")
def map_url(map_store: Store, browser: Browser) -> Iterator[str]:
    with serve_app(map_store.home, browser, DANVAN_CURATED_DIR=str(map_store.curated_dir)) as url:
        yield url


def colours(image: Image.Image) -> set[str]:
    return {f"#{r:02X}{g:02X}{b:02X}" for _, (r, g, b) in image.convert("RGB").getcolors(maxcolors=4_000_000) or []}


def point_on_screen(page: Page, lon: float, lat: float) -> tuple[float, float]:
    """Where a longitude/latitude is drawn on the page (through the chart's own axes)."""
    x, y = page.evaluate(
        """([lon, lat]) => {
            const gd = document.querySelector("[data-testid='stPlotlyChart'] .js-plotly-plot");
            const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
            return [box.left + xa._offset + xa.l2p(lon), box.top + ya._offset + ya.l2p(lat)];
        }""",
        [lon, lat],
    )
    return float(x), float(y)


def test_the_province_map_draws_offline_hovers_and_exports(page: Page, map_url: str, tmp_path: Path) -> None:
    page.goto(f"{map_url}/so-sanh?ky={map_sample.AFTER}&xem=map")
    wait_for_app(page)
    expect(page.locator(FILLS)).to_have_count(34 + 2)  # the provinces, and Hoàng Sa and Trường Sa
    chart = page.get_by_test_id("stPlotlyChart")
    expect(chart).to_contain_text("Quần đảo Hoàng Sa")
    expect(chart).to_contain_text("(Đà Nẵng)")
    expect(chart).to_contain_text("Quần đảo Trường Sa")
    expect(chart).to_contain_text("Nhóm 1 (tốt nhất)")
    expect(page.get_by_test_id("stMain")).to_contain_text("không phải cấp tỉnh")

    hanoi = geometry.provinces(Era.AFTER)["post-p01"]
    page.mouse.move(*point_on_screen(page, *hanoi.label))
    hover = page.locator(".hoverlayer")
    expect(hover).to_contain_text("Thành phố Hà Nội")
    expect(hover).to_contain_text("Kỳ: Quý 3/2026")
    expect(hover).to_contain_text("Nguồn:")
    shot = screenshot(page, "map-provinces-34")
    assert set(CLASS_COLOURS[:2]) <= colours(Image.open(shot)), "the screenshot shows the provinces in colour"

    png = download(page, button(page, "Ảnh PNG"), tmp_path)
    check_png(png)
    assert set(CLASS_COLOURS[:2]) <= colours(Image.open(png)), "the PNG draws the same map"
    page.get_by_role("button", name="Thêm vào bộ slide").click()
    wait_for_app(page)
    sidebar = page.get_by_test_id("stSidebar")
    deck = Presentation(str(download(page, button(page, "PowerPoint", within=sidebar), tmp_path)))
    slide = deck.slides[1]
    assert slide.shapes.title is not None and slide.shapes.title.text.startswith("So sánh")
    pictures = [shape for shape in slide.shapes if shape.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE
    assert pictures, "the slide carries the map as a picture"
    assert set(CLASS_COLOURS[:2]) <= colours(Image.open(io.BytesIO(pictures[0].image.blob)))
    assert pdf_pages(download(page, button(page, "PDF", within=sidebar), tmp_path)) == len(deck.slides)
    sidebar.get_by_role("button", name="Xóa bộ slide").click()
    wait_for_app(page)

    choose(page, page.get_by_test_id("stSelectbox").filter(has_text="Kỳ số liệu"), "Quý 2/2025")
    expect(page.locator(FILLS)).to_have_count(63 + 2)  # the era follows the period: the 63 provinces
    screenshot(page, "map-provinces-63")


def test_the_communes_of_my_province_are_dots(page: Page, map_url: str, map_store: Store) -> None:
    frame = queries.compare(map_store, map_sample.RATE, None, None)
    mine = frame[(frame["unit_level"] == "commune") & (frame["unit_parent_id"] == "post-p01")].iloc[0]
    page.goto(f"{map_url}/so-sanh?ky={map_sample.AFTER}&xem=map&nhom=province&toi={mine['unit_id']}")
    wait_for_app(page)
    chart = page.get_by_test_id("stPlotlyChart")
    expect(chart).to_contain_text("Mỗi điểm là trung tâm của một đơn vị")
    expect(chart).to_contain_text("Chưa có số liệu")
    expect(chart).to_contain_text("Đơn vị của tôi")
    page.mouse.move(*point_on_screen(page, *geometry.centres()[str(mine["unit_id"])]))
    expect(page.locator(".hoverlayer")).to_contain_text(str(mine["unit_name"]).split(" (")[0])
    screenshot(page, "map-communes-ha-noi")
