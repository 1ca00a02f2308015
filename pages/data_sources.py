"""Dữ liệu & nguồn: every figure in a filterable table, and each source document with its figures."""

import streamlit as st

from danvan_metrics.core import messages
from danvan_metrics.core.formats import format_number
from danvan_metrics.ui import cards, questions, tables, widgets

MAX_ROWS = 5000
SOURCE_ROWS = 200  # per source document below: a national upload or sample set holds millions

st.title("Dữ liệu & nguồn")
st.caption(messages.SOURCE_NOTE)

# 1. Filters
units = questions.units_with_figures()
catalog = questions.metrics()
sources = questions.sources()
unit_names = questions.unit_names()
metric_names = tables.metric_label(catalog)
source_names = tables.source_labels(sources)
a, b, c, d = st.columns(4)
picked_units = widgets.st_filter("Đơn vị", list(unit_names), key="data_units", param="don_vi", labels=unit_names,
                                 container=a)  # fmt: skip
picked_categories = widgets.st_filter("Lĩnh vực", sorted(catalog["category"].unique()), key="data_categories",
                                      param="linh_vuc", container=b)  # fmt: skip
picked_metrics = widgets.st_filter("Chỉ tiêu", list(metric_names), key="data_metrics", param="chi_tieu",
                                   labels=metric_names, container=c)  # fmt: skip
picked_sources = widgets.st_filter("Nguồn", list(source_names), key="data_sources", param="nguon",
                                   labels=source_names, container=d)  # fmt: skip

# 2. Every matching figure; downloads of exactly these rows
filters = (picked_units or None, picked_metrics or None, picked_sources or None, picked_categories or None, MAX_ROWS)
frame = questions.figures(*filters)
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
    table = questions.figures_shown(*filters)
    st.dataframe(table, hide_index=True, width="stretch", height=420)
    cards.st_downloads(frame, "so-lieu", key="data_download")

# 3. Source documents, each with its metadata and figures (a retracted upload says so)
st.header("Văn bản nguồn")
listed = sources[sources["source_id"].isin(picked_sources)] if picked_sources else sources
cards.st_source_documents(listed, SOURCE_ROWS)
