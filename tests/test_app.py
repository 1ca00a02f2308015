"""The app as Streamlit runs it (AppTest): the home page renders, in Vietnamese formats."""

from __future__ import annotations

from tests.apptest_helpers import chart_specs, open_app, table_text


def test_home_renders_every_units_figures_with_sources() -> None:
    at = open_app()
    assert not at.exception
    assert at.title[0].value == "Tổng quan dân vận chính quyền"
    tables = table_text(at)
    assert "91,94%" in tables  # Vietnamese decimal comma
    assert "217/236" in tables  # the case count beside the rate
    assert "> 15.590 triệu đồng" in tables  # qualifier kept, thousands dot
    assert "≥ 92%" in tables
    assert "Nhiệm kỳ 2015–2020" in tables
    assert "đã giải quyết 217/236 đơn khiếu nại" in tables  # verbatim quote shown
    headers = [h.value for h in at.subheader]
    for unit in ["Quận Ba Đình", "Quận Bắc Từ Liêm", "Quận Thanh Xuân", "Huyện Đa Krông", "Thành phố Bạc Liêu"]:
        assert unit in headers


def test_home_chart_follows_the_chosen_metric() -> None:
    at = open_app()
    at.selectbox(key="metric").set_value("complaints_resolved_rate").run()
    assert not at.exception
    spec = chart_specs(at)[0]
    assert spec["layout"]["title"]["text"].startswith("Tỷ lệ giải quyết đơn khiếu nại")
    assert spec["layout"]["separators"] == ",."
    assert "91,94% · 217/236" in spec["data"][0]["text"][0]
