"""Dữ liệu & nguồn: every figure in a filterable table, and each source document with its figures."""

import streamlit as st

from danvan_metrics.core import messages
from danvan_metrics.core.formats import format_number
from danvan_metrics.ui import base as ui

MAX_ROWS = 5000
SOURCE_ROWS = 200  # per source document below: a national upload or sample set holds millions

st.title("Dữ liệu & nguồn")
st.caption(messages.SOURCE_NOTE)

# 1. Filters
units = ui.query("units_with_figures")
catalog = ui.query("metrics")
sources = ui.query("sources")
unit_names = ui.unit_names()
metric_names = ui.metric_label(catalog)
source_names = ui.source_labels(sources)
a, b, c, d = st.columns(4)
picked_units = ui.st_url_multiselect(
    "Đơn vị",
    list(unit_names),
    key="data_units",
    param="don_vi",
    format_func=unit_names.__getitem__,
    container=a,
    placeholder="Tất cả",
)
picked_categories = ui.st_url_multiselect(
    "Lĩnh vực",
    sorted(catalog["category"].unique()),
    key="data_categories",
    param="linh_vuc",
    container=b,
    placeholder="Tất cả",
)
picked_metrics = ui.st_url_multiselect(
    "Chỉ tiêu",
    list(metric_names),
    key="data_metrics",
    param="chi_tieu",
    format_func=metric_names.__getitem__,
    container=c,
    placeholder="Tất cả",
)
picked_sources = ui.st_url_multiselect(
    "Nguồn",
    list(source_names),
    key="data_sources",
    param="nguon",
    format_func=source_names.__getitem__,
    container=d,
    placeholder="Tất cả",
)

# 2. Every matching figure; downloads of exactly these rows
filters = (picked_units or None, picked_metrics or None, picked_sources or None, picked_categories or None, MAX_ROWS)
frame = ui.query("figures", *filters)
if frame.empty:
    st.info(messages.NO_FIGURES_FOR_FILTER)
else:
    shown = f"{format_number(len(frame))} số liệu"
    if len(frame) >= MAX_ROWS:  # the query stops at MAX_ROWS: there may be many more
        shown = (
            f"Hiển thị {format_number(MAX_ROWS)} số liệu đầu tiên (bảng và tệp tải xuống). Thu hẹp bộ lọc, "
            "hoặc dùng lệnh `python -m danvan_metrics dump` để lấy toàn bộ."
        )
    st.caption(shown)
    table = ui.query_figures_table(*filters)
    st.dataframe(table, hide_index=True, width="stretch", height=420)
    ui.st_downloads(frame, "so-lieu", key="data_download")

# 3. Source documents, each with its metadata and figures (a retracted upload says so)
st.header("Văn bản nguồn")
ui.st_source_documents(sources[sources["source_id"].isin(picked_sources)] if picked_sources else sources, SOURCE_ROWS)
