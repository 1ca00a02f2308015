"""The compare page's own sections: the selection row, the compact-view choice, and the captions."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from danvan_metrics.core import messages
from danvan_metrics.core.formats import format_number
from danvan_metrics.core.model import Metric, Period
from danvan_metrics.figures import analysis, groups, views
from danvan_metrics.ui import questions
from danvan_metrics.ui.widgets import my_unit, st_filter, st_metric_select, st_pending_switch, st_url_select


@dataclass(frozen=True, slots=True)
class Selection:
    """What the reader asked to compare."""

    metric_id: str
    members: list[str] | None  # None: every unit
    period_key: str  # "" : each unit's latest figure
    mine: str | None
    pending: bool = False  # figures waiting for review shown too, marked "chưa duyệt"

    @property
    def period(self) -> Period | None:
        return Period.parse(self.period_key) if self.period_key else None


def st_selection(units: pd.DataFrame, names: dict[str, str]) -> Selection:
    """Metric (grouped by category), comparison group and period on one row; the units when "Tự chọn"."""
    left, middle, right = st.columns([3, 2, 2])
    metric_id = st_metric_select(key="compare_metric", container=left)
    group = st_url_select("Nhóm so sánh", list(groups.GROUP_LABELS), key="compare_group", param="nhom",
                          default=groups.Group.ALL, format_func=groups.GROUP_LABELS.__getitem__,
                          container=middle)  # fmt: skip
    pending = st_pending_switch(key="compare_pending")
    periods = questions.periods(metric_id, pending=pending)
    period_names = {"": "Mới nhất của mỗi đơn vị"} | {
        p.period_key: f"{p.period_label} · {format_number(p.n_units)} đơn vị" for p in periods.itertuples()
    }
    default = analysis.fullest_recent_period(periods) if analysis.needs_scale_view(len(units)) else ""
    period_key = st_url_select("Kỳ số liệu", list(period_names), key="compare_period", param="ky", default=default,
                               format_func=period_names.__getitem__, container=right)  # fmt: skip
    picked: list[str] = []
    if group == groups.Group.CUSTOM:
        picked = st_filter("Đơn vị", list(names), key="compare_units", param="don_vi", labels=names,
                           placeholder="Chọn các đơn vị cần so sánh")  # fmt: skip
    mine = my_unit()
    if group in (groups.Group.PROVINCE, groups.Group.KIND) and not mine:
        st.info("Chọn **Đơn vị của tôi** ở thanh bên để so sánh với các đơn vị cùng tỉnh hoặc cùng loại.")
    members = groups.group_members(units, str(group), mine, picked)
    return Selection(metric_id, members, period_key or "", mine, pending)


def st_view_choice(n_units: int) -> str | None:
    """How to draw the comparison (``?xem=``): a bar per unit or a map with few units; with thousands, a
    compact view or the map. None: a bar per unit."""
    scaled = analysis.needs_scale_view(n_units)
    few = {"": messages.BARS_LABEL, "map": messages.SCALE_VIEW_LABELS["map"]}
    labels = messages.SCALE_VIEW_LABELS if scaled else few
    default = views.DEFAULT_VIEW.value if scaled else ""
    view = st_url_select("Cách xem", list(labels), key="compare_view", param="xem", default=default,
                         format_func=labels.__getitem__)  # fmt: skip
    if scaled:
        st.caption(messages.SCALE_VIEW_NOTE.format(n=format_number(n_units)))
    return view or None


def st_rank_note(stats: groups.GroupStats | None, metric: Metric, n_units: int) -> None:
    """Who is best and the median; or why the units are not ranked."""
    if stats is not None:
        st.caption(f"Tốt nhất: {stats.best_unit} · trung vị của {format_number(stats.n)} đơn vị cùng kỳ.")
    elif metric.direction == "neutral":
        st.caption(messages.NOT_RANKED_NEUTRAL)
    elif n_units > 1:
        st.caption(messages.NOT_RANKED_PERIODS)


def st_table_note(shown: views.CompareView, mine: str | None) -> None:
    """In a compact view, which rows the table below holds."""
    if shown.view and shown.scaled:
        with_mine = " cùng đơn vị của tôi" if mine in set(shown.rows["unit_id"]) else ""
        st.caption(messages.SCALE_TABLE_NOTE[shown.view].format(k=format_number(len(shown.rows)), mine=with_mine))
