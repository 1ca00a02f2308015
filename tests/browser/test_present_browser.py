"""Presentation mode in a real browser at 1920×1080: no sidebar, no filters, a large self-describing chart."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from pptx import Presentation

from tests.browser.conftest import ARTIFACTS, wait_for_app

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
