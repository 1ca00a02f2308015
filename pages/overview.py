"""Tổng quan: headline figures per unit, what data exists (coverage), and when it was last updated."""

import datetime as dt

import streamlit as st

from danvan_metrics import analysis, messages, ui
from danvan_metrics.charts import build_coverage_figure
from danvan_metrics.formats import format_datetime

# 1. Header: how much data, how fresh
st.title("Tổng quan dân vận chính quyền")
units = ui.query("units_with_figures")
catalog = ui.query("metrics")
coverage = ui.query("coverage")
if coverage.empty:
    st.info(messages.NO_DATA)
    st.stop()
st.caption(
    f"{len(coverage)} số liệu · {len(units)} đơn vị · {coverage['metric_id'].nunique()} chỉ tiêu có số liệu · "
    f"cập nhật {format_datetime(ui.query('last_updated'))}. {messages.SOURCE_NOTE}"
)

# 2. Headline cards per unit (my unit first)
mine = ui.my_unit()
ordered = sorted(units.itertuples(index=False), key=lambda u: (u.unit_id != mine, u.name))
for unit in ordered:
    head, link = st.columns([4, 1], vertical_alignment="bottom")
    head.subheader(unit.name + (" ★" if unit.unit_id == mine else ""))
    link.page_link("pages/unit_profile.py", label="Xem hồ sơ →", query_params={"don_vi": unit.unit_id})
    cards = analysis.headline_figures(ui.query("unit_profile", unit.unit_id))
    for column, (_, row) in zip(st.columns(4), cards.iterrows(), strict=False):
        with column:
            ui.st_figure_card(row)

# 3. Coverage: which unit has data in which field, and how recent
st.header("Số liệu hiện có")
matrix = analysis.coverage_matrix(coverage, units, sorted(catalog["category"].unique()))
today = dt.date.today()
ui.st_chart(build_coverage_figure(matrix, today), key="coverage_chart", frame=ui.query("figures"),
            name_parts=["so-lieu-hien-co", today.isoformat()])  # fmt: skip
st.caption("Ô trắng: chưa có số liệu của lĩnh vực đó — đơn vị có thể bổ sung qua tải lên số liệu quý.")
ui.st_downloads(ui.query("figures"), "tong-quan", "tat-ca-so-lieu", key="overview_download")
