"""The 2025 reform on a unit's profile: what a former unit became, and the figures of a new unit's predecessors."""

from __future__ import annotations

from typing import Any

import streamlit as st

from danvan_metrics.core.dates import REFORM_DAY
from danvan_metrics.core.formats import format_date
from danvan_metrics.ui import questions
from danvan_metrics.ui.cards import st_downloads
from danvan_metrics.ui.tables import figures_table

REFORM = format_date(REFORM_DAY)  # "01/07/2025"
LINK_KIND_LABELS = {"full": "toàn bộ", "partial": "một phần"}


def _link_label(row: Any) -> str:
    label = f"{row.name} ({LINK_KIND_LABELS.get(row.link_kind, row.link_kind)})"
    return label + (" ⚠ hai nguồn không thống nhất" if row.disputed else "")


def st_reform_links(unit_id: str) -> None:
    """What a former unit became, or what a new unit came from, each a link to its profile."""
    from danvan_metrics.core.messages import REFORM_NOTE

    successors = questions.unit_successors(unit_id)
    predecessors = questions.unit_predecessors(unit_id)
    if successors.empty and predecessors.empty:
        return
    with st.container(border=True):
        if not successors.empty:
            st.markdown(f"**Sau sắp xếp ngày {REFORM}, đơn vị này nhập vào {len(successors)} đơn vị mới:**")
        else:
            st.markdown(f"**Hình thành ngày {REFORM} từ {len(predecessors)} đơn vị cũ:**")
        links = successors if not successors.empty else predecessors
        shown = links.head(60)
        for column, row in zip(st.columns(3) * ((len(shown) + 2) // 3), shown.itertuples(index=False), strict=False):
            column.page_link("pages/unit_profile.py", label=_link_label(row), query_params={"don_vi": row.unit_id})
        if len(links) > len(shown):
            st.caption(f"… và {len(links) - len(shown)} đơn vị khác.")
        if bool(links["disputed"].any()):
            st.caption(
                "⚠: hai danh mục sắp xếp đơn vị công khai ghi khác nhau về liên kết này; cả hai đều được giữ, "
                "không tự chọn một."
            )
        st.caption(REFORM_NOTE)


def st_predecessor_figures(unit_id: str, unit_name: str = "") -> None:
    """Figures of the former units a new unit came from, clearly labelled as theirs, with their downloads."""
    predecessors = questions.unit_predecessors(unit_id)
    if predecessors.empty:
        return
    figures = questions.figures(predecessors["unit_id"].tolist())
    if figures.empty:
        return
    st.header("Số liệu của các đơn vị cũ")
    st.caption(
        f"Các số liệu dưới đây thuộc đơn vị hành chính cũ (trước {REFORM}), không phải của đơn vị hiện nay; "
        "chỉ để tham khảo lịch sử, không cộng dồn sang đơn vị mới."
    )
    kinds = dict(zip(predecessors["unit_id"], predecessors["link_kind"], strict=True))
    for former_id, group in figures.groupby("unit_id", sort=False):
        name = str(group["unit_name"].iloc[0])
        part = "toàn bộ" if kinds.get(former_id) == "full" else "một phần"
        st.subheader(f"{name} (đơn vị cũ, trước {REFORM} · nhập {part} vào đơn vị này)")
        st.dataframe(figures_table(group), hide_index=True, width="stretch")
    note = f"Số liệu của các đơn vị hành chính cũ (trước {REFORM}), không phải của đơn vị hiện nay."
    st_downloads(figures, "so-lieu-don-vi-cu", unit_name or unit_id, key="predecessor_download", note=note)
