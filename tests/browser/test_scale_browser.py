"""Hundreds of units in a real browser: the compact compare views, the capped trend, the profile.

The app is served over generated sample data (300 communes over every province, 16 metrics,
4 quarters); screenshots go to artifacts/scale-*.png. `make bench` takes the same pictures at
national scale (3,321 communes × 60 metrics × 40 quarters).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from danvan_metrics.figures import groups, selection
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store
from tests import scale_sample
from tests.browser.conftest import choose, screenshot, wait_for_app

pytestmark = pytest.mark.browser


def bar_count(page: Page) -> int:
    return page.locator(".js-plotly-plot .barlayer .point").count()


def test_compare_switches_views_and_each_fits_on_a_screen(page: Page, scale_url: str, my_unit: tuple[str, str]) -> None:
    unit_id, name = my_unit
    page.goto(f"{scale_url}/so-sanh?toi={unit_id}")
    wait_for_app(page)
    chart = page.locator(".js-plotly-plot").first
    expect(chart).to_be_visible()
    expect(chart).to_contain_text("DỮ LIỆU MẪU")
    assert 0 < bar_count(page) <= 2 * groups.TOP_N + 1
    expect(chart).to_contain_text(name)  # my unit is drawn even in the middle of the ranking
    screenshot(page, "scale-compare-top-bottom")

    choose(page, page.get_by_test_id("stSelectbox").filter(has_text="Cách xem"), "Phân bố mọi đơn vị")
    page.wait_for_function("() => location.search.includes('xem=distribution')")
    expect(chart).to_contain_text("hạng ")
    expect(chart).to_contain_text("Trung vị")
    screenshot(page, "scale-compare-distribution")

    choose(page, page.get_by_test_id("stSelectbox").filter(has_text="Cách xem"), "Gộp theo tỉnh")
    page.wait_for_function("() => location.search.includes('xem=provinces')")
    # The URL changes before the chart is redrawn: wait for the roll-up's own note, then for its bars.
    expect(page.get_by_text("tỉnh, thành phố, gộp từ số liệu")).to_be_visible()
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .barlayer .point').length <= 34")
    assert 1 < bar_count(page) <= 34
    screenshot(page, "scale-compare-provinces")
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_trend_draws_eight_lines_with_a_note(
    page: Page, scale_url: str, my_unit: tuple[str, str], sample: Store
) -> None:
    unit_id, name = my_unit
    page.goto(f"{scale_url}/xu-huong?toi={unit_id}")
    wait_for_app(page)
    with_metric = len(queries.metric_unit_ids(sample, scale_sample.RATE))
    expect(page.get_by_text(f"Đang vẽ 8/{with_metric} đơn vị")).to_be_visible()
    legend = page.locator(".js-plotly-plot .legend .traces")
    expect(legend).to_have_count(selection.TREND_LINE_CAP)
    expect(page.locator(".js-plotly-plot .legend")).to_contain_text(name)
    screenshot(page, "scale-trends")


def test_profile_and_overview_read_at_scale(page: Page, scale_url: str, my_unit: tuple[str, str]) -> None:
    unit_id, name = my_unit
    page.goto(f"{scale_url}/ho-so?don_vi={unit_id}")
    wait_for_app(page)
    expect(page.get_by_role("heading", name=f"Hồ sơ: {name}")).to_be_visible()
    expect(page.get_by_text("Mỗi chỉ tiêu hiển thị số liệu mới nhất")).to_be_visible()
    screenshot(page, "scale-profile")
    page.goto(f"{scale_url}/?toi={unit_id}")
    wait_for_app(page)
    expect(page.locator(".js-plotly-plot").first).to_contain_text("Tỉnh")
    expect(page.get_by_test_id("stException")).to_have_count(0)
    screenshot(page, "scale-overview")
