"""So sánh đơn vị: one metric across units, honest about periods, qualifiers and case counts."""

import streamlit as st

from danvan_metrics import analysis, messages, ui, ui_slides
from danvan_metrics.charts import build_compare_figure
from danvan_metrics.model import Period

st.title("So sánh đơn vị")

# 1. Selection: metric (grouped by category), comparison group, period
units = ui.query("units_with_figures")
names = dict(zip(units["unit_id"], units["name"], strict=True))
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
    p.period_key: f"{p.period_label} · {p.n_units} đơn vị" for p in periods.itertuples()
}
period_key = ui.st_url_select(
    "Kỳ số liệu",
    list(period_names),
    key="compare_period",
    param="ky",
    default="",
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
metric = ui.query("metric", metric_id)
frame = ui.query("compare", metric_id, members, Period.parse(period_key) if period_key else None)
if frame.empty:
    st.info(messages.NO_FIGURES_FOR_FILTER)
    st.stop()
ranked, stats = analysis.rank_and_gaps(frame, metric.direction)

# 3. Figure, with the honesty notes beside it
if not bool(frame["same_period"].all()):
    st.warning(messages.MIXED_PERIODS)
ui.st_chart(
    build_compare_figure(frame, metric, mine, stats),
    key="compare_chart",
    frame=frame,
    name_parts=["so-sanh", metric.name_vi, period_key or "moi-nhat"],
)
spec = ("compare", metric_id, tuple(members) if members is not None else None, period_key, mine)
ui_slides.st_chart_exports(spec, key="compare_export", name_parts=["so-sanh", metric.name_vi, period_key or "moi-nhat"])
if stats is not None:
    st.caption(f"Tốt nhất: {stats.best_unit} · trung vị của {stats.n} đơn vị cùng kỳ.")
elif metric.direction == "neutral":
    st.caption(messages.NOT_RANKED_NEUTRAL)
elif len(frame) > 1:
    st.caption(messages.NOT_RANKED_PERIODS)

# 4. The figures behind the chart, with source and quote; downloads of exactly these rows
st.dataframe(ui.compare_table(ranked, metric, stats), hide_index=True, width="stretch")
ui.st_downloads(
    frame.assign(metric_name=metric.name_vi, unit_of_measure=metric.unit),
    "so-sanh",
    metric.name_vi,
    period_key or "moi-nhat",
    key="compare_download",
)
