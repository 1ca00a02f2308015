"""Tổng quan: every unit's figures by category, with period and source, and one chart."""

import streamlit as st

from danvan_metrics import messages, ui
from danvan_metrics.charts import build_compare_figure
from danvan_metrics.formats import format_datetime

# 1. Header
st.title("Tổng quan dân vận chính quyền")
units = ui.query("units")
catalog = ui.query("metrics")
coverage = ui.query("coverage")
if coverage.empty:
    st.info(messages.NO_DATA)
    st.stop()
st.caption(
    f"{len(coverage)} số liệu · {coverage['unit_id'].nunique()} đơn vị · {len(catalog)} chỉ tiêu · "
    f"cập nhật {format_datetime(ui.query('last_updated'))}. {messages.SOURCE_NOTE}"
)

# 2. One metric across units
counts = coverage.groupby("metric_id")["unit_id"].nunique().sort_values(ascending=False)
names = dict(zip(catalog["metric_id"], catalog["category"] + " · " + catalog["name_vi"], strict=True))
options = sorted(counts.index, key=lambda m: names[m])
metric_id = st.selectbox(
    "Chỉ tiêu", options, index=options.index(str(counts.index[0])), format_func=names.__getitem__, key="metric"
)
metric = ui.query("metric", metric_id)
frame = ui.query("compare", metric_id)
st.plotly_chart(build_compare_figure(frame, metric), key="compare_chart")

# 3. Every unit's figures, by category
for unit_id, unit_name in units.loc[units["unit_id"].isin(coverage["unit_id"]), ["unit_id", "name"]].itertuples(index=False):
    st.subheader(unit_name)
    ui.st_figures_by_category(ui.query("unit_profile", unit_id))
