"""So sánh đơn vị: one metric across units, honest about periods, qualifiers and case counts."""

import streamlit as st

from danvan_metrics.core import messages
from danvan_metrics.export.chart_spec import CompareSpec, units_of
from danvan_metrics.figures import analysis, selection, views
from danvan_metrics.ui import cache, cards, compare_page, questions, tables, widgets
from danvan_metrics.ui import slides as ui_slides

st.title("So sánh đơn vị")

# 1. Selection: metric (grouped by category), comparison group, period
units = questions.units_with_figures()
names = questions.unit_names()  # "Xã Tân Phú (Tỉnh …)" where names are shared
chosen = compare_page.st_selection(units, names)

# 2. Data
metric = questions.metric(chosen.metric_id)
frame = questions.compare(chosen.metric_id, chosen.members, chosen.period, pending=chosen.pending)
if frame.empty:
    widgets.st_no_figures(chosen.pending)
    st.stop()
members = None if chosen.members is None else tuple(chosen.members)
frame = cache.derived(
    ("named", chosen.metric_id, members, chosen.period_key, chosen.pending),
    lambda: selection.with_distinct_names(frame, names),
)

# 3. Figure, with the honesty notes beside it; a map, or with many units a compact view (views.ScaleView)
if not bool(frame["same_period"].all()):
    st.warning(messages.MIXED_PERIODS)
view_choice = compare_page.st_view_choice(len(frame))
registry = questions.units() if analysis.needs_scale_view(len(frame)) or views.is_map(view_choice) else None
shared = ("compare", chosen.metric_id, members, chosen.period_key, chosen.mine, view_choice, chosen.pending)
shown = cache.built(shared, lambda: views.compare_view(frame, metric, registry, chosen.mine, view_choice))
for note in shown.notes:
    st.info(note)
name_parts = ["so-sanh", metric.name_vi, chosen.period_key or "moi-nhat", *(["chua-duyet"] if chosen.pending else [])]
name_parts += [messages.SCALE_VIEW_LABELS[shown.view]] if shown.view else []
cards.st_chart(shown.figure, key="compare_chart", frame=shown.described(frame), name_parts=name_parts, shared=shared)
view = shown.view.value if shown.view else None
spec = CompareSpec(chosen.metric_id, units_of(chosen.members), chosen.period, chosen.mine, view, chosen.pending)
ui_slides.st_chart_exports(spec, key="compare_export", name_parts=name_parts)
compare_page.st_rank_note(shown.stats, metric, len(frame))

# 4. The figures behind the chart, with source and quote; downloads of exactly these rows
compare_page.st_table_note(shown, chosen.mine)
table = cache.built((*shared, "table"), lambda: tables.compare_table(shown.rows, metric, shown.row_stats))
st.dataframe(table, hide_index=True, width="stretch")
cards.st_downloads(frame.assign(metric_name=metric.name_vi, unit_of_measure=metric.unit), "so-sanh", metric.name_vi,
                   chosen.period_key or "moi-nhat", key="compare_download")  # fmt: skip
