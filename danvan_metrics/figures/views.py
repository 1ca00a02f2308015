"""What a compare chart draws: a bar per unit, or — with many units — a view that still reads.

The compare page, its PNG, and its slide all call `compare_view`, so what a leader sees on the
screen is what goes into the meeting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import pandas as pd
import plotly.graph_objects as go

from danvan_metrics.core.model import Metric
from danvan_metrics.figures import analysis, charts, groups, mapping, selection
from danvan_metrics.figures.groups import GroupStats


class ScaleView(StrEnum):
    """The compact compare views (URL parameter ``xem``)."""

    TOP_BOTTOM = "top_bottom"
    DISTRIBUTION = "distribution"
    PROVINCES = "provinces"
    MAP = "map"  # at any number of units: provinces coloured by class, or dots at unit centres
    MAP_PROVINCES = "map_provinces"  # communes or districts rolled up to their provinces, on the map


DEFAULT_VIEW = ScaleView.TOP_BOTTOM


def is_map(view: str | None) -> bool:
    """Whether ``view`` draws a map (which needs the registry at any number of units)."""
    return view in (ScaleView.MAP, ScaleView.MAP_PROVINCES)


@dataclass(frozen=True)
class CompareView:
    """The figure to draw, the table rows behind it, and the notes to show beside it.

    ``stats`` are the units' rank statistics (None where ranking is not honest); ``row_stats``
    those of the table rows (None for provinces, which are not ranked).

    ``scaled`` is True when the compare result had too many units for a bar each; ``view`` is
    the compact view actually drawn (a province roll-up that cannot be made falls back to the
    top/bottom view, and the notes say why).
    """

    figure: go.Figure
    rows: pd.DataFrame
    row_stats: GroupStats | None
    stats: GroupStats | None
    scaled: bool
    view: ScaleView | None = None
    notes: list[str] = field(default_factory=list)
    drawn: pd.DataFrame | None = None  # a map: the rows it draws (its subtitle and sources name those only)

    def described(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows the figure's subtitle and source line speak of: what it draws, of ``frame``."""
        return frame if self.drawn is None else self.drawn


def compare_view(
    frame: pd.DataFrame,
    metric: Metric,
    registry: pd.DataFrame | None = None,
    highlight: str | None = None,
    view: str | None = None,
) -> CompareView:
    """The compare chart for ``frame`` (rows of `queries.compare`), readable at any number of units.

    Args:
        frame: one metric's figures, one row per unit.
        metric: the metric.
        registry: every unit (`queries.units`), for provinces and place names; needed only
            when `analysis.needs_scale_view` holds for ``frame``.
        highlight: "Đơn vị của tôi": orange, and always shown in the top/bottom view.
        view: a `ScaleView` value; ignored (a bar per unit) when there are few units, except the map.
    """
    if is_map(view):
        if registry is None:
            raise ValueError("compare_view: a map needs the registry")
        return _map_view(frame, metric, registry, highlight, ScaleView(str(view)))
    ranked, stats = groups.rank_and_gaps(frame, metric.direction)
    if not analysis.needs_scale_view(len(frame)):
        return CompareView(charts.build_compare_figure(frame, metric, highlight, stats), ranked, stats, stats, False)
    if registry is None:
        raise ValueError("compare_view: many units need the registry")
    chosen = ScaleView(view) if view in set(ScaleView) else DEFAULT_VIEW
    notes: list[str] = []
    if chosen == ScaleView.PROVINCES:
        rolled = analysis.province_rollup(frame, registry, metric.kind)
        notes += [rolled.note] if rolled.note else []
        if rolled.frame is not None:
            province = selection.province_of(registry, highlight)
            figure = charts.build_compare_figure(rolled.frame, metric, province)
            return CompareView(figure, rolled.frame, None, stats, True, chosen, notes)
        chosen = ScaleView.TOP_BOTTOM
    # The table lists the ends and my unit in both views: thousands of formatted rows cost every rerun.
    rows = groups.top_bottom(frame, metric.direction, keep=[highlight])
    if chosen == ScaleView.DISTRIBUTION:
        position = groups.unit_position(frame, highlight, metric.direction)
        figure = charts.build_distribution_figure(frame, metric, highlight, position)
        return CompareView(figure, rows, stats, stats, True, chosen, notes)
    parents = registry[registry["unit_id"].isin(rows["unit_parent_id"].dropna())]  # only the places drawn
    places = dict(zip(parents["unit_id"], parents["name"], strict=True))
    figure = charts.build_top_bottom_figure(rows, metric, len(frame), highlight, stats, places)
    return CompareView(figure, rows, stats, stats, True, chosen, notes)


def _map_view(
    frame: pd.DataFrame, metric: Metric, registry: pd.DataFrame, highlight: str | None, view: ScaleView
) -> CompareView:
    """The map: of the units themselves, or (`ScaleView.MAP_PROVINCES`) of their provinces' roll-up.

    Ranks and the table are of the units drawn; provinces rolled up are not ranked (their figures
    gather unequal shares of their units), as in the province view. A roll-up that cannot be made
    draws the units as dots, and the notes say why.
    """
    notes: list[str] = []
    if view == ScaleView.MAP_PROVINCES:
        rolled = analysis.province_rollup(frame, registry, metric.kind)
        notes += [rolled.note] if rolled.note else []
        if rolled.frame is not None:
            shown = mapping.map_view(rolled.frame, metric, registry, selection.province_of(registry, highlight))
            stats = groups.rank_and_gaps(frame, metric.direction)[1]
            return CompareView(shown.figure, shown.rows, None, stats, True, view, notes + shown.notes, shown.rows)
    shown = mapping.map_view(frame, metric, registry, highlight)
    ranked, stats = groups.rank_and_gaps(shown.rows, metric.direction)
    scaled = analysis.needs_scale_view(len(shown.rows))
    rows = groups.top_bottom(shown.rows, metric.direction, keep=[highlight]) if scaled else ranked
    return CompareView(shown.figure, rows, stats, stats, scaled, ScaleView.MAP, notes + shown.notes, shown.rows)
