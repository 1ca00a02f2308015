"""What a figure's labels say about a metric's figures: my unit's label, the case-count noun, the text
on a bar, and my unit's rank on a distribution.
"""

from __future__ import annotations

import pandas as pd

from danvan_metrics.core.formats import format_figure, format_number, format_parts, is_missing
from danvan_metrics.core.model import Metric
from danvan_metrics.figures.groups import Position

MY_UNIT_LABEL = "Đơn vị của tôi"
PENDING_LABEL = "chưa duyệt"  # on every figure still waiting for review, wherever it is shown


def parts_noun(metric: Metric) -> str:
    """The noun a rate's case count is written with: "đơn" for "217/236 đơn"."""
    label = (metric.denominator_label or "").strip()
    return label.split()[0] if label else ""


def figure_label(row: pd.Series, metric: Metric, with_period: bool) -> str:
    """The text on a bar: the figure with its qualifier, the case count for a rate, the period if needed."""
    label = format_figure(row["value"], metric.unit, metric.decimals, row["qualifier"])
    parts = format_parts(row.get("numerator"), row.get("denominator"), parts_noun(metric))
    if parts:
        label += f" · {parts}"
    if with_period:
        label += f" · {row['period_label']}"
    if is_pending(row):
        label += f" · {PENDING_LABEL}"
    return label


def is_pending(row: pd.Series) -> bool:
    """Whether a figure is still waiting for review (shown only when a reader asked for those)."""
    value = row.get("pending", False)
    return False if is_missing(value) else bool(value)


def pending_flags(frame: pd.DataFrame) -> list[bool]:
    """`is_pending` for every row of ``frame``; all False when it has no ``pending`` column."""
    if "pending" not in frame:
        return [False] * len(frame)
    return [False if is_missing(p) else bool(p) for p in frame["pending"]]


def position_text(position: Position, metric: Metric) -> str:
    """ "Phường A: 91,94% · hạng 120/3.321 · tốt hơn 96% số đơn vị"."""
    figure = format_figure(position.value, metric.unit, metric.decimals)
    return (
        f"{position.unit_name}: {figure} · hạng {format_number(position.rank)}/{format_number(position.n)}"
        f" · tốt hơn {format_number(position.better_than)}% số đơn vị"
    )
