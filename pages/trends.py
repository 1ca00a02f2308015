"""Xu hướng: a metric over time for chosen units, years and quarters on one date axis."""

import streamlit as st

from danvan_metrics.core import messages
from danvan_metrics.export.chart_spec import TrendSpec, units_of
from danvan_metrics.figures import analysis
from danvan_metrics.figures.charts import build_trend_figure
from danvan_metrics.ui import base as ui
from danvan_metrics.ui import slides as ui_slides

st.title("Xu hướng theo thời gian")

# 1. Selection
units = ui.query("units_with_figures")
names = ui.unit_names()  # "Xã Tân Phú (Tỉnh …)" where names are shared
options, labels = ui.metric_choices()
if not options:
    st.info(messages.NO_DATA)
    st.stop()
left, right = st.columns([3, 4])
metric_id = ui.st_url_select(
    "Chỉ tiêu",
    options,
    key="trend_metric",
    param="chi_tieu",
    default="complaints_resolved_rate",
    format_func=labels.__getitem__,
    container=left,
)
picked = ui.st_url_multiselect(
    "Đơn vị",
    list(names),
    key="trend_units",
    param="don_vi",
    format_func=names.__getitem__,
    container=right,
    placeholder="Tất cả đơn vị có số liệu",
)

# 2. Data
metric = ui.metric(metric_id)
with_metric = units[units["unit_id"].isin(ui.query("metric_unit_ids", metric_id))]  # a line each can draw
chosen = analysis.trend_selection(with_metric, picked, ui.my_unit(), registry=ui.query("units"))
if chosen.note:
    st.info(chosen.note)
frame = ui.query("trend", metric_id, chosen.unit_ids)
if frame.empty:
    st.info(messages.NO_FIGURES_FOR_FILTER)
    st.stop()
frame = analysis.with_distinct_names(frame, names)

# 3. Figure
if bool((frame.groupby("unit_id").size() <= 1).all()):
    st.info(messages.SINGLE_POINT)
ui.st_chart(
    build_trend_figure(frame, metric, ui.my_unit()),
    key="trend_chart",
    frame=frame,
    name_parts=["xu-huong", metric.name_vi],
)
spec = TrendSpec(metric_id, units_of(chosen.unit_ids), ui.my_unit())
ui_slides.st_chart_exports(spec, key="trend_export", name_parts=["xu-huong", metric.name_vi])
st.caption(
    "Mỗi điểm đặt ở ngày cuối kỳ của số liệu; vạch mờ cho biết kỳ đó dài bao lâu (quý, năm, nhiệm kỳ). "
    "Điểm rỗng hình thoi: số liệu là cận hoặc ước tính."
)

# 4. The figures behind the chart
st.dataframe(
    ui.figures_table(
        frame.assign(metric_name=metric.name_vi, unit_of_measure=metric.unit, decimals=metric.decimals), with_unit=True
    ),
    hide_index=True,
    width="stretch",
)
ui.st_downloads(
    frame.assign(metric_name=metric.name_vi, unit_of_measure=metric.unit),
    "xu-huong",
    metric.name_vi,
    key="trend_download",
)
