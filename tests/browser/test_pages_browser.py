"""Every page in a real browser: it loads, draws its chart, shows no error, and filters live in the URL."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from tests.browser.conftest import choose, screenshot, serve_app, wait_for_app

pytestmark = pytest.mark.browser

PAGES = [
    ("", "Tổng quan dân vận chính quyền", True),
    ("so-sanh", "So sánh đơn vị", True),
    ("xu-huong", "Xu hướng theo thời gian", True),
    ("ho-so?don_vi=pre-d467", "Hồ sơ: Huyện Đa Krông", False),
    ("du-lieu", "Dữ liệu & nguồn", False),
]


def _console_errors(page: Page) -> list[str]:
    errors: list[str] = []

    def keep(message: ConsoleMessage) -> None:
        # Streamlit's frontend probes /<page>/_stcore/health before the root one: a known, harmless 404.
        if message.type == "error" and "/_stcore/" not in message.location.get("url", ""):
            errors.append(message.text)

    page.on("console", keep)
    return errors


@pytest.mark.parametrize(("path", "heading", "has_chart"), PAGES)
def test_page_loads_with_its_chart_and_no_error(
    page: Page, app_url: str, path: str, heading: str, has_chart: bool
) -> None:
    errors = _console_errors(page)
    page.goto(f"{app_url}/{path}")
    wait_for_app(page)
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    if has_chart:
        expect(page.locator(".js-plotly-plot").first).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    nav = page.get_by_test_id("stSidebarNav").inner_text()
    for title in ["Tổng quan", "So sánh đơn vị", "Xu hướng", "Hồ sơ đơn vị", "Dữ liệu & nguồn"]:
        assert title in nav
    screenshot(page, f"page-{path.split('?')[0] or 'tong-quan'}")
    assert errors == [], errors


def test_compare_view_lives_in_the_url_and_survives_a_reload(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/so-sanh")
    wait_for_app(page)
    choose(page, page.get_by_test_id("stSelectbox").filter(has_text="Chỉ tiêu"), "Xã, phường, thị trấn")
    wait_for_app(page)
    expect(page.locator(".js-plotly-plot").first).to_contain_text("Xã, phường, thị trấn trực thuộc")
    expect(page.locator(".js-plotly-plot").first).to_contain_text("Các số liệu không cùng kỳ")
    page.wait_for_function("() => location.search.includes('chi_tieu=communes')")
    choose(page, page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox"), "Quận Ba Đình")
    wait_for_app(page)
    page.wait_for_function("() => location.search.includes('toi=pre-d001')")
    params = parse_qs(urlparse(page.url).query)
    assert params["chi_tieu"] == ["communes"]
    assert params["toi"] == ["pre-d001"]
    screenshot(page, "compare-communes-my-unit")

    page.reload()
    wait_for_app(page)
    chart = page.locator(".js-plotly-plot").first
    expect(chart).to_contain_text("Xã, phường, thị trấn trực thuộc")
    expect(chart).to_contain_text("Quận Ba Đình")
    expect(chart).to_contain_text("(đến 30/06/2025) ★")  # my unit, marked as a former unit
    assert parse_qs(urlparse(page.url).query)["toi"] == ["pre-d001"]
    screenshot(page, "compare-after-reload")


@pytest.mark.parametrize("width", [1440, 390])
def test_a_category_with_a_comma_survives_a_reload_of_the_copied_link(
    browser: Browser, app_url: str, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 1000}, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{app_url}/du-lieu")
    wait_for_app(page)
    expect(page.get_by_text("33 số liệu", exact=True)).to_be_visible()
    categories = page.get_by_test_id("stMultiSelect").filter(has_text="Lĩnh vực")
    categories.get_by_role("combobox").click()
    page.keyboard.type("khiếu nại")
    page.get_by_role("option").filter(has_text="Giải quyết khiếu nại, tố cáo").first.click()
    page.keyboard.press("Escape")
    wait_for_app(page)
    page.wait_for_function("() => location.search.includes('linh_vuc=giai-quyet-khieu-nai-to-cao')")
    expect(page.get_by_text("2 số liệu", exact=True)).to_be_visible()
    copied = page.url

    pasted = context.new_page()  # the link pasted into a new tab, and that tab reloaded
    for _ in range(2):
        if pasted.url == "about:blank":
            pasted.goto(copied)
        else:
            pasted.reload()
        wait_for_app(pasted)
        chosen = pasted.get_by_test_id("stMultiSelect").filter(has_text="Lĩnh vực")
        expect(chosen.get_by_text("Giải quyết khiếu nại, tố cáo")).to_be_visible()
        expect(pasted.get_by_text("2 số liệu", exact=True)).to_be_visible()  # not all 33
        expect(pasted.get_by_test_id("stAlert")).to_have_count(0)
    assert parse_qs(urlparse(pasted.url).query)["linh_vuc"] == ["giai-quyet-khieu-nai-to-cao"]
    screenshot(pasted, f"du-lieu-comma-category-{width}")
    context.close()


def test_a_link_to_a_unit_the_picker_does_not_offer_says_so(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/ho-so?don_vi=pre-d999")
    wait_for_app(page)
    warning = page.get_by_test_id("stAlert").filter(has_text="pre-d999")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("không có lựa chọn nào như vậy")
    expect(warning).to_contain_text("Trang đang hiển thị")
    screenshot(page, "ho-so-unknown-unit")


def test_a_deep_link_as_the_first_visit_after_a_start_opens_its_page(
    browser: Browser, page: Page, tmp_path: Path
) -> None:
    """A leader's bookmark of /so-sanh, opened right after the server (re)started: the page, no error dialog."""
    home = tmp_path / "home"
    home.mkdir()
    with serve_app(home, browser, warm=False) as url:
        page.goto(f"{url}/so-sanh?xem=map")
        wait_for_app(page)
        expect(page.get_by_role("heading", name="So sánh đơn vị")).to_be_visible()
        expect(page.get_by_test_id("stPlotlyChart")).to_contain_text("trên bản đồ")
        page.wait_for_timeout(1500)
        expect(page.get_by_text("Page not found")).to_have_count(0)
        expect(page.get_by_role("dialog")).to_have_count(0)
