"""So sánh đơn vị: one metric across units, honest about periods, qualifiers and case counts."""

import streamlit as st

from danvan_metrics.core import messages
from danvan_metrics.core.formats import format_number
from danvan_metrics.core.model import Period
from danvan_metrics.export.chart_spec import CompareSpec, units_of
from danvan_metrics.figures import analysis, views
from danvan_metrics.ui import base as ui
from danvan_metrics.ui import slides as ui_slides

st.title("So sánh đơn vị")

# 1. Selection: metric (grouped by category), comparison group, period
units = ui.query("units_with_figures")
names = ui.unit_names()  # "Xã Tân Phú (Tỉnh …)" where names are shared
options, labels = ui.metric_choices()
if not options:
    st.info(messages.NO_DATA)
    st.stop()
left, middle, right = st.columns([3, 2, 2])
metric_id = ui.st_url_select(
    "Chỉ tiêu",
    options,
    key="compare_metric",
    param="chi_tieu",
    default="complaints_resolved_rate",
    format_func=labels.__getitem__,
    container=left,
)
group = ui.st_url_select(
    "Nhóm so sánh",
    list(analysis.GROUP_LABELS),
    key="compare_group",
    param="nhom",
    default=analysis.Group.ALL,
    format_func=analysis.GROUP_LABELS.__getitem__,
    container=middle,
)
periods = ui.query("periods", metric_id)
period_names = {"": "Mới nhất của mỗi đơn vị"} | {
    p.period_key: f"{p.period_label} · {format_number(p.n_units)} đơn vị" for p in periods.itertuples()
}
period_key = ui.st_url_select(
    "Kỳ số liệu",
    list(period_names),
    key="compare_period",
    param="ky",
    default=analysis.fullest_recent_period(periods) if analysis.needs_scale_view(len(units)) else "",
    format_func=period_names.__getitem__,
    container=right,
)
picked: list[str] = []
if group == analysis.Group.CUSTOM:
    picked = ui.st_url_multiselect(
        "Đơn vị",
        list(names),
        key="compare_units",
        param="don_vi",
        format_func=names.__getitem__,
        placeholder="Chọn các đơn vị cần so sánh",
    )
mine = ui.my_unit()
if group in (analysis.Group.PROVINCE, analysis.Group.KIND) and not mine:
    st.info("Chọn **Đơn vị của tôi** ở thanh bên để so sánh với các đơn vị cùng tỉnh hoặc cùng loại.")
members = analysis.group_members(units, group, mine, picked)

# 2. Data
metric = ui.metric(metric_id)
frame = ui.query("compare", metric_id, members, Period.parse(period_key) if period_key else None)
if frame.empty:
    st.info(messages.NO_FIGURES_FOR_FILTER)
    st.stop()
frame = analysis.with_distinct_names(frame, names)
registry = ui.query("units") if analysis.needs_scale_view(len(frame)) else None

# 3. Figure, with the honesty notes beside it; with many units a compact view (views.ScaleView)
if not bool(frame["same_period"].all()):
    st.warning(messages.MIXED_PERIODS)
view = None
if analysis.needs_scale_view(len(frame)):  # thousands of bars do not read: a view that fits
    view = ui.st_url_select(
        "Cách xem",
        list(messages.SCALE_VIEW_LABELS),
        key="compare_view",
        param="xem",
        default=views.DEFAULT_VIEW.value,
        format_func=messages.SCALE_VIEW_LABELS.__getitem__,
    )
    st.caption(messages.SCALE_VIEW_NOTE.format(n=format_number(len(frame))))
shown = views.compare_view(frame, metric, registry, mine, view)
for note in shown.notes:
    st.info(note)
name_parts = ["so-sanh", metric.name_vi, period_key or "moi-nhat"]
name_parts += [messages.SCALE_VIEW_LABELS[shown.view]] if shown.view else []
ui.st_chart(shown.figure, key="compare_chart", frame=frame, name_parts=name_parts)
period = Period.parse(period_key) if period_key else None
spec = CompareSpec(metric_id, units_of(members), period, mine, shown.view.value if shown.view else None)
ui_slides.st_chart_exports(spec, key="compare_export", name_parts=name_parts)
stats = shown.stats
if stats is not None:
    st.caption(f"Tốt nhất: {stats.best_unit} · trung vị của {format_number(stats.n)} đơn vị cùng kỳ.")
elif metric.direction == "neutral":
    st.caption(messages.NOT_RANKED_NEUTRAL)
elif len(frame) > 1:
    st.caption(messages.NOT_RANKED_PERIODS)

# 4. The figures behind the chart, with source and quote; downloads of exactly these rows
if shown.view:
    with_mine = " cùng đơn vị của tôi" if mine in set(shown.rows["unit_id"]) else ""
    st.caption(messages.SCALE_TABLE_NOTE[shown.view].format(k=format_number(len(shown.rows)), mine=with_mine))
st.dataframe(ui.compare_table(shown.rows, metric, shown.row_stats), hide_index=True, width="stretch")
ui.st_downloads(
    frame.assign(metric_name=metric.name_vi, unit_of_measure=metric.unit),
    "so-sanh",
    metric.name_vi,
    period_key or "moi-nhat",
    key="compare_download",
)
