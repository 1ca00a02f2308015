"""Tổng quan: headline figures per unit, what data exists (coverage), and when it was last updated."""

import datetime as dt

import streamlit as st

from danvan_metrics.core import messages
from danvan_metrics.core.formats import format_datetime, format_number
from danvan_metrics.figures import analysis
from danvan_metrics.figures.charts import build_coverage_figure
from danvan_metrics.ui import cards, questions, widgets

# 1. Header: how much data, how fresh
st.title("Tổng quan dân vận chính quyền")
units = questions.units_with_figures()
catalog = questions.metrics()
summary = questions.store_summary().iloc[0]
if not summary["n_figures"]:
    st.info(messages.NO_DATA)
    st.stop()
at_scale = analysis.needs_scale_view(len(units))
st.caption(
    f"{format_number(summary['n_figures'])} số liệu · {format_number(len(units))} đơn vị · "
    f"{summary['n_metrics']} chỉ tiêu có số liệu · "
    f"cập nhật {format_datetime(questions.last_updated())}. {messages.SOURCE_NOTE}"
)

# 2. Headline cards per unit (my unit first), former units marked as such
mine = widgets.my_unit()
names = questions.unit_names()
ordered = sorted(units.itertuples(index=False), key=lambda u: (u.unit_id != mine, u.name))
if at_scale:  # cards for thousands of units do not read: only my unit's
    ordered = [u for u in ordered if u.unit_id == mine]
    if not ordered:
        st.info("Chọn **Đơn vị của tôi** ở thanh bên để xem các số liệu chính của đơn vị.")
for unit in ordered:
    head, link = st.columns([4, 1], vertical_alignment="bottom")
    head.subheader(names.get(unit.unit_id, unit.name) + (" ★" if unit.unit_id == mine else ""))
    link.page_link("pages/unit_profile.py", label="Xem hồ sơ →", query_params={"don_vi": unit.unit_id})
    headline = analysis.headline_figures(questions.unit_profile(unit.unit_id))
    for column, (_, row) in zip(st.columns(4), headline.iterrows(), strict=False):
        with column:
            cards.st_figure_card(row)

# 3. Coverage: which unit has data in which field, and how recent
st.header("Số liệu hiện có")
categories = sorted(catalog["category"].unique())
if at_scale:
    matrix = analysis.coverage_by_province_matrix(questions.coverage_by_province(), categories)
    st.caption("Gộp theo tỉnh, thành phố: số con số của các đơn vị trong tỉnh theo lĩnh vực.")
else:
    matrix = analysis.coverage_matrix(questions.coverage(), units, categories)
today = dt.date.today()
# The note cites every source document the heatmap counts figures from (not a retracted upload).
sources = questions.sources()
cited = sources[sources["n_figures"] > 0]
cited = cited.rename(columns={"publisher": "source_publisher", "published": "source_published"})
cards.st_chart(
    build_coverage_figure(matrix, today, "tỉnh, thành phố" if at_scale else "đơn vị"),
    key="coverage_chart",
    frame=cited[["source_publisher", "source_published"]],
    name_parts=["so-lieu-hien-co", today.isoformat()],
)
st.caption("Ô trắng: chưa có số liệu của lĩnh vực đó — đơn vị có thể bổ sung qua tải lên số liệu quý.")
if at_scale:
    st.caption("Toàn bộ số liệu quá lớn để tải trong trình duyệt: dùng `python -m danvan_metrics dump`.")
else:
    cards.st_downloads(questions.figures(), "tong-quan", "tat-ca-so-lieu", key="overview_download")
