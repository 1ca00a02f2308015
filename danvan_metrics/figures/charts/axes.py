"""Value axes that read on a phone: rates on a fixed 0–100 % axis, counts from 0 to a round tick, few
ticks; the tick labels an axis draws, and the left margin (gutter) that holds them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from danvan_metrics.core.formats import format_number, plotly_tick_format
from danvan_metrics.core.model import PERCENT_SIGN, Metric
from danvan_metrics.figures.charts.text import LINE_HEIGHT, text_width
from danvan_metrics.figures.charts.theme import BASE_FONT_SIZE, LIGHT_GREY, PAD

PERCENT_STEP = 25
VALUE_TICKS = 4  # at most this many steps on a count axis: ticks that do not collide on a phone


def round_step(span: float, whole: bool, steps: int = VALUE_TICKS) -> float:
    """The smallest round step (1, 2 or 5 × 10ⁿ; 2,5 × 10ⁿ too unless ``whole``, then at least 1) that
    covers ``span`` in at most ``steps`` steps."""
    raw = span / steps if span > 0 else 1.0
    magnitude = 10.0 ** math.floor(math.log10(raw))
    multiples = (1.0, 2.0, 5.0, 10.0) if whole else (1.0, 2.0, 2.5, 5.0, 10.0)
    step = next(m * magnitude for m in multiples if m * magnitude >= raw * (1 - 1e-9))
    return max(step, 1.0) if whole else step


def value_axis(metric: Metric, values: Iterable[Any], room: float | None = None) -> dict[str, Any]:
    """The axis a metric's figures are read on, as Plotly axis settings.

    Rates ("%") read on a fixed 0–100 % axis ("0%", "25%" … "100%"; wider only for a figure
    above 100 %). Counts and amounts start at 0 and end on a round tick at or above the largest
    figure, so no figure sits beyond the last tick; at most `VALUE_TICKS` steps.

    Args:
        metric: the catalog entry (its unit and decimals).
        values: the figures the axis must hold.
        room: the axis's length in px on a phone, for a horizontal axis: fewer labelled ticks
            when theirs would collide there ("0%", "50%", "100%", with a grid line every 25 %).
    """
    finite = [float(v) for v in values if not pd.isna(v)]
    high, low = max(finite, default=0.0), min(finite, default=0.0)
    for steps in (VALUE_TICKS, 3, 2):
        axis = _axis(metric, high, low, steps)
        labels = tick_labels(axis)
        widest = max(text_width(label, BASE_FONT_SIZE) for label in labels)
        if room is None or (widest + 12) * (len(labels) - 1) <= room:
            break
    return axis


def _axis(metric: Metric, high: float, low: float, steps: int) -> dict[str, Any]:
    if metric.is_percent:
        percent_step = PERCENT_STEP if steps >= VALUE_TICKS else 2 * PERCENT_STEP
        top = max(100.0, math.ceil(high / PERCENT_STEP) * PERCENT_STEP)
        bottom = min(0.0, math.floor(low / PERCENT_STEP) * PERCENT_STEP)
        top = bottom + math.ceil((top - bottom) / percent_step) * percent_step
        axis = {"range": [bottom, top], "autorange": False, "tick0": 0, "dtick": percent_step, "tickformat": ",.0f",
                "ticksuffix": PERCENT_SIGN}  # fmt: skip
        if percent_step != PERCENT_STEP:
            axis["minor"] = {"tick0": 0, "dtick": PERCENT_STEP, "showgrid": True, "gridcolor": LIGHT_GREY}
        return axis
    step = round_step(max(high, 0.0) - min(low, 0.0), whole=metric.decimals == 0, steps=steps)
    top = math.ceil(high / step - 1e-9) * step if high > 0 else 0.0
    bottom = math.floor(low / step + 1e-9) * step if low < 0 else 0.0
    if top == bottom:
        top = bottom + step
    return {"range": [bottom, top], "autorange": False, "tick0": 0, "dtick": step,
            "tickformat": plotly_tick_format(step)}  # fmt: skip


def tick_labels(axis: Mapping[str, Any]) -> list[str]:
    """The tick labels `value_axis` settings draw ("0%", "25%" …; "0", "5.000" …)."""
    bottom, top = axis["range"]
    step, start = float(axis["dtick"]), float(axis.get("tick0") or 0)
    precision = re.search(r"\.(\d+)f", str(axis.get("tickformat") or ""))  # ",.2f" → 2; ",d" → 0
    decimals = int(precision[1]) if precision else 0
    first, last = math.ceil((bottom - start) / step - 1e-9), math.floor((top - start) / step + 1e-9)
    suffix = axis.get("ticksuffix") or ""
    return [format_number(start + i * step, decimals) + suffix for i in range(first, last + 1)]


def gutter(labels: Sequence[str], size: float = BASE_FONT_SIZE, title: bool = False) -> int:
    """The left margin that holds these tick labels (and a rotated axis title): set, not left to automargin,
    so that notes and the source line can start at the picture's edge like the title (see `describe`)."""
    widest = max((text_width(label, size, "<b>" in label) for label in labels), default=0.0)
    return PAD + math.ceil(widest) + 10 + (math.ceil(LINE_HEIGHT * size) + 8 if title else 0)
