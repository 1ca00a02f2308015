"""Presentation mode in a real browser: no sidebar, no filters, a large self-describing chart; every label kept.

A screenshot of presentation mode goes into a meeting, so each card keeps its metric name, period and
source, the reform box its units, and the data page its heading and table — only larger.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pptx import Presentation

from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store
from tests.browser.conftest import ARTIFACTS, screenshot, wait_for_app

pytestmark = pytest.mark.browser

CHART_PAGES = [("", "coverage"), ("so-sanh", "compare"), ("xu-huong", "trend")]


@pytest.mark.parametrize(("path", "name"), CHART_PAGES)
def test_presentation_mode_hides_the_chrome_and_keeps_the_chart(
    browser: Browser, app_url: str, path: str, name: str
) -> None:
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{app_url}/{path}?present=1")
    wait_for_app(page)
    chart = page.locator(".js-plotly-plot").first
    expect(chart).to_be_visible()
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    expect(page.get_by_test_id("stHeader")).to_be_hidden()
    for widget in ("stSelectbox", "stMultiSelect", "stDownloadButton"):
        for element in page.get_by_test_id(widget).all():
            expect(element).to_be_hidden()
    expect(chart).to_contain_text("Nguồn:")  # the figure says where it comes from
    box = chart.bounding_box()
    assert box is not None and box["width"] >= 1700 and box["height"] >= 800  # fills the screen
    title_size = page.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('.js-plotly-plot .gtitle')).fontSize)"
    )
    assert title_size >= 28
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"present-{name}.png"))
    page.get_by_role("button", name="✕ Thoát trình chiếu").click()
    wait_for_app(page)
    expect(page.get_by_test_id("stSidebar")).to_be_visible()
    context.close()


def test_a_units_meeting_deck_is_two_clicks_away(browser: Browser, app_url: str, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{app_url}/ho-so?don_vi=pre-d001")
    wait_for_app(page)
    with page.expect_download(timeout=120_000) as download:
        page.get_by_test_id("stDownloadButton").filter(has_text="PowerPoint").first.click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == "ho-so_quan-ba-dinh.pptx"
    slides = Presentation(str(path)).slides
    texts = [" ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame) for slide in slides]
    assert "Hồ sơ số liệu: Quận Ba Đình" in texts[0]
    assert any("Nguồn: Ban Tuyên giáo Quận ủy Ba Đình" in text for text in texts[1:-1])
    assert "Nguồn số liệu" in texts[-1]
    context.close()


CARD = '[class*="st-key-figure_card_"]'
WIDTHS = [1440, 390]


def _open(browser: Browser, url: str, width: int) -> Page:
    page = browser.new_context(viewport={"width": width, "height": 1000}, locale="vi-VN").new_page()
    page.set_default_timeout(30_000)
    page.goto(url)
    wait_for_app(page)
    _settle(page)
    return page


def _settle(page: Page) -> None:
    """Wait until the page stops growing: Streamlit draws a long page in several steps."""
    count = -1
    for _ in range(40):
        now = int(page.evaluate("() => document.querySelectorAll('[data-testid=stMain] *').length"))
        if now == count:
            return
        count = now
        page.wait_for_timeout(500)


def _font_px(page: Page, selector: str) -> float:
    return float(page.evaluate(f"() => parseFloat(getComputedStyle(document.querySelector('{selector}')).fontSize)"))


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("path", "name"), [("?", "tong-quan"), ("ho-so?don_vi=pre-d001&", "ho-so")])
def test_presentation_mode_keeps_each_cards_metric_period_and_source(
    browser: Browser, app_url: str, app_home: Path, path: str, name: str, width: int
) -> None:
    metric_names = set(queries.metrics(Store(app_home))["name_vi"])
    normal = _open(browser, f"{app_url}/{path}", width)
    count = normal.locator(CARD).count()
    assert count >= 8
    normal_size = _font_px(normal, f"{CARD} [data-testid=stCaptionContainer]")
    normal.context.close()

    page = _open(browser, f"{app_url}/{path}present=1", width)
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    cards = page.locator(CARD)
    expect(cards).to_have_count(count)
    for card in cards.all():
        card.scroll_into_view_if_needed()
        expect(card).to_be_visible()
        label = card.get_by_test_id("stCaptionContainer").first
        expect(label).to_be_visible()
        assert label.inner_text().strip() in metric_names  # the metric's name, not a bare number
        expect(card.get_by_text("Kỳ:")).to_be_visible()
        expect(card.get_by_text("Nguồn:")).to_be_visible()
    assert _font_px(page, f"{CARD} [data-testid=stCaptionContainer]") >= normal_size * 1.1  # only larger
    if name == "ho-so":
        expect(page.get_by_text("nhập vào 8 đơn vị mới")).to_be_visible()
        links = page.get_by_test_id("stMain").get_by_test_id("stPageLink")
        expect(links).to_have_count(8)
        for link in links.all():
            expect(link).to_be_visible()
            text = link.locator("p")  # the whole name, wrapped on a phone rather than cut
            assert text.evaluate(
                "e => e.scrollWidth <= e.clientWidth + 1 && e.getBoundingClientRect().right <= innerWidth"
            )
        expect(links.filter(has_text="Phường Ba Đình")).to_be_visible()
    screenshot(page, f"present-cards-{name}-{width}")
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_data_page_presents_its_heading_table_and_sources(browser: Browser, app_url: str, width: int) -> None:
    page = _open(browser, f"{app_url}/du-lieu?present=1", width)
    expect(page.get_by_role("heading", name="Dữ liệu & nguồn")).to_be_visible()
    expect(page.get_by_text("33 số liệu")).to_be_visible()
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
    expect(page.get_by_role("heading", name="Văn bản nguồn")).to_be_visible()
    expect(page.get_by_test_id("stExpander").first).to_be_visible()
    for widget in ("stSidebar", "stMultiSelect", "stDownloadButton"):
        for element in page.get_by_test_id(widget).all():
            expect(element).to_be_hidden()
    screenshot(page, f"present-du-lieu-{width}")
    page.context.close()
