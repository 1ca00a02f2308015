"""Hồ sơ đơn vị: everything about one unit, by category, each figure a card with period, source and quote."""

import streamlit as st

from danvan_metrics import messages, ui

# 1. Selection
units = ui.query("units_with_figures")
if units.empty:
    st.title("Hồ sơ đơn vị")
    st.info(messages.NO_DATA)
    st.stop()
names = dict(zip(units["unit_id"], units["name"], strict=True))
unit_id = ui.st_url_select(
    "Đơn vị",
    list(names),
    key="profile_unit",
    param="don_vi",
    default=ui.my_unit() or next(iter(names)),
    format_func=names.__getitem__,
)
unit = units.loc[units["unit_id"] == unit_id].iloc[0]

# 2. Header: who the unit is
st.title(f"Hồ sơ: {unit['name']}")
profile = ui.query("unit_profile", unit_id)
facts = [str(unit["kind"]).capitalize()]
if isinstance(unit["parent_name"], str):
    facts.append(f"thuộc {unit['parent_name']}")
if ui.unit_validity(unit):
    facts.append(ui.unit_validity(unit))
st.caption(" · ".join(facts) + f" · {len(profile)} số liệu từ {profile['source_id'].nunique()} văn bản nguồn")

# 3. Every figure, by category, as cards
for category, group in profile.groupby("category", sort=True):
    st.subheader(category)
    for column, (_, row) in zip(st.columns(3) * ((len(group) + 2) // 3), group.iterrows(), strict=False):
        with column:
            ui.st_figure_card(row, with_quote=True)

# 4. Downloads of exactly these figures
ui.st_downloads(profile, "ho-so", str(unit["name"]), key="profile_download")
