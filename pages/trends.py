"""Xu hướng: a metric over time for chosen units, years and quarters on one date axis."""

import streamlit as st

from danvan_metrics.core import messages
from danvan_metrics.export.chart_spec import TrendSpec, units_of
from danvan_metrics.figures import selection
from danvan_metrics.figures.charts import build_trend_figure
from danvan_metrics.ui import cards, questions, tables, widgets
from danvan_metrics.ui import slides as ui_slides

st.title("Xu hướng theo thời gian")

# 1. Selection
units = questions.units_with_figures()
names = questions.unit_names()  # "Xã Tân Phú (Tỉnh …)" where names are shared
left, right = st.columns([3, 4])
metric_id = widgets.st_metric_select(key="trend_metric", container=left)
picked = widgets.st_filter("Đơn vị", list(names), key="trend_units", param="don_vi", labels=names, container=right,
                           placeholder="Tất cả đơn vị có số liệu")  # fmt: skip

pending = widgets.st_pending_switch(key="trend_pending")

# 2. Data
metric = questions.metric(metric_id)
mine = widgets.my_unit()
with_metric = units[units["unit_id"].isin(questions.metric_unit_ids(metric_id))]  # a line each can draw
chosen = selection.trend_selection(with_metric, picked, mine, registry=questions.units())
if chosen.note:
    st.info(chosen.note)
frame = questions.trend(metric_id, chosen.unit_ids, pending=pending)
if frame.empty:
    widgets.st_no_figures(pending)
    st.stop()
frame = selection.with_distinct_names(frame, names)

# 3. Figure
if bool((frame.groupby("unit_id").size() <= 1).all()):
    st.info(messages.SINGLE_POINT)
name_parts = ["xu-huong", metric.name_vi, *(["chua-duyet"] if pending else [])]
cards.st_chart(build_trend_figure(frame, metric, mine), key="trend_chart", frame=frame, name_parts=name_parts)
ui_slides.st_chart_exports(TrendSpec(metric_id, units_of(chosen.unit_ids), mine, pending), key="trend_export",
                           name_parts=name_parts)  # fmt: skip
st.caption(
    "Mỗi điểm đặt ở ngày cuối kỳ của số liệu; vạch mờ cho biết kỳ đó dài bao lâu (quý, năm, nhiệm kỳ). "
    "Điểm rỗng hình thoi: số liệu là cận hoặc ước tính; điểm tròn rỗng: số liệu chưa duyệt."
)

# 4. The figures behind the chart
rows = frame.assign(metric_name=metric.name_vi, unit_of_measure=metric.unit, decimals=metric.decimals)
st.dataframe(tables.figures_table(rows, with_unit=True), hide_index=True, width="stretch")
cards.st_downloads(frame.assign(metric_name=metric.name_vi, unit_of_measure=metric.unit), "xu-huong", metric.name_vi,
                   key="trend_download")  # fmt: skip
