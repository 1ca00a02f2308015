"""The home page in a real browser: Vietnamese text and formats render, the chart draws."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_home_shows_chart_and_figures_in_vietnamese_formats(page: Page, app_url: str) -> None:
    page.goto(app_url)
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Tổng quan dân vận chính quyền")).to_be_visible()
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    body = page.get_by_test_id("stMain").inner_text()
    assert "Quận Ba Đình" in body
    assert "Thành phố Bạc Liêu" in body
    assert not page.get_by_test_id("stException").count()
    screenshot(page, "home")
