"""Hồ sơ đơn vị: everything about one unit, by category, and what it became or came from (2025 reform)."""

import streamlit as st

from danvan_metrics.core import messages
from danvan_metrics.core.formats import format_number
from danvan_metrics.figures import analysis
from danvan_metrics.ui import cards, questions, reform, tables, widgets
from danvan_metrics.ui import slides as ui_slides

# 1. Selection: grouped by province, with the era of each unit (● has figures)
picker = questions.unit_picker()
if picker.empty:
    st.title("Hồ sơ đơn vị")
    st.info(messages.NO_DATA)
    st.stop()
labels = questions.picker_labels()
with_figures = picker.loc[picker["has_figures"], "unit_id"].tolist()
unit_id = str(widgets.st_url_select(
    "Đơn vị (● có số liệu)", list(labels), key="profile_unit", param="don_vi",
    default=widgets.my_unit() if widgets.my_unit() in labels else (with_figures or list(labels))[0],
    format_func=labels.__getitem__, resolve=lambda text: widgets.resolve_unit_text(text, set(labels)),
))  # fmt: skip
unit = questions.units().set_index("unit_id").loc[unit_id]

# 2. Header: who the unit is, and its place in the reform
st.title(f"Hồ sơ: {unit['name']}")
profile = questions.unit_profile(unit_id)
facts = [str(unit["kind"]).capitalize()]
if isinstance(unit["parent_name"], str):
    facts.append(f"thuộc {unit['parent_name']}")
if tables.unit_validity(unit):
    facts.append(tables.unit_validity(unit))
facts.append(f"{format_number(len(profile))} số liệu từ {format_number(profile['source_id'].nunique())} nguồn")
st.caption(" · ".join(facts))
reform.st_reform_links(unit_id)

# 3. Every figure, by category, as cards
if profile.empty:
    st.info(messages.NO_UNIT_FIGURES)
shown = profile
if len(profile) > 60:  # years of quarters: the latest figure of each metric; the download keeps them all
    shown = analysis.headline_figures(profile, limit=len(profile))
    st.caption(f"Mỗi chỉ tiêu hiển thị số liệu mới nhất; tải xuống để có đủ {format_number(len(profile))} số liệu.")
for category, group in shown.groupby("category", sort=True):
    st.subheader(category)
    for column, (_, row) in zip(st.columns(3) * ((len(group) + 2) // 3), group.iterrows(), strict=False):
        with column:
            cards.st_figure_card(row, with_quote=True)

# 4. Figures of the former units it came from, labelled as theirs
reform.st_predecessor_figures(unit_id, str(unit["name"]))

# 5. Downloads of exactly these figures, and the unit's deck for a meeting (not shown when presenting)
if not profile.empty:
    with st.container(key="present_hide_profile_tools"):
        cards.st_downloads(profile, "ho-so", str(unit["name"]), key="profile_download")
        ui_slides.st_profile_deck(unit_id, str(unit["name"]))
