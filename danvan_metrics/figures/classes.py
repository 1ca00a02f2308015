"""Colour classes of a map: four groups by quartile (as PAPI's provincial maps do), or a metric's own tiers.

The best class is always the darkest, whatever the metric's direction; a neutral metric (more is
neither better nor worse) is classed from the highest figure down and never called good or bad.
Units with the same figure always fall in one class: classes are cut at values, not at ranks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from danvan_metrics.core.formats import format_measure, format_number
from danvan_metrics.core.model import Direction, Metric

# ColorBrewer "Blues" (sequential, readable in grey and with colour-vision deficiencies), darkest first.
CLASS_COLOURS = ("#08519C", "#3182BD", "#6BAED6", "#C6DBEF")
NO_FIGURE_COLOUR = "#E0E0E0"
NO_FIGURE_LABEL = "Chưa có số liệu"


@dataclass(frozen=True, slots=True)
class Tier:
    """One of a metric's own groups: figures from ``lower`` up (for a metric where less is better: up to it)."""

    label: str  # "Nhóm A"
    lower: float


# A metric's official groups (e.g. an index's A/B/C/D bands), with the document that sets them. No metric of
# the curated catalogue has such groups in its sources yet: add them here, never without their source.
METRIC_TIERS: Mapping[str, tuple[Tier, ...]] = {}


@dataclass(frozen=True, slots=True)
class MapClass:
    """A colour of the map and what its legend says."""

    label: str
    colour: str


@dataclass(frozen=True)
class Classing:
    """Every unit's class (index into ``classes``: 0 is the best or highest); units without a figure are absent."""

    classes: tuple[MapClass, ...]
    of_unit: dict[str, int]
    by_tiers: bool


def _range_label(low: float, high: float, metric: Metric) -> str:
    """ "70,00% – 80,00%" (a percentage carries its sign), "700 – 800 lượt" (a unit is said once)."""
    high_text = format_measure(high, metric.unit, metric.decimals)
    low_text = format_measure(low, metric.unit if metric.is_percent else "", metric.decimals)
    if low_text == format_measure(high, metric.unit if metric.is_percent else "", metric.decimals):
        return high_text
    return f"{low_text} – {high_text}"


def _rank_word(index: int, count: int, direction: str) -> str:
    if direction == Direction.NEUTRAL or count < 2:
        return ""
    return " (tốt nhất)" if index == 0 else " (kém nhất)" if index == count - 1 else ""


def quartile_classes(frame: pd.DataFrame, metric: Metric, noun: str = "đơn vị") -> Classing:
    """Up to four classes cut at the quartiles of the figures in ``frame`` (``unit_id``, ``value``).

    Fewer distinct figures give fewer classes. Each label gives the class's range of figures and
    how many units it holds: "Nhóm 1 (tốt nhất): 95,10% – 99,00% · 9 tỉnh".
    """
    known = frame.loc[frame["value"].notna(), ["unit_id", "value"]]
    values = known["value"].astype("float64").to_numpy()
    if len(values) == 0:
        return Classing((), {}, False)
    cuts = np.unique(np.quantile(values, [0.25, 0.5, 0.75]))
    raw = np.searchsorted(cuts, values, side="left")  # 0 = lowest figures; equal figures share a class
    used = np.unique(raw)
    count = len(used)
    low_first = metric.direction == Direction.LOWER  # the best class holds the lowest figures
    order = {int(c): (i if low_first else count - 1 - i) for i, c in enumerate(used)}
    index = np.array([order[int(c)] for c in raw])
    classes = []
    colours = CLASS_COLOURS if count == 4 else CLASS_COLOURS[:: max(1, 4 // max(count, 1))][:count]
    for position in range(count):
        members = values[index == position]
        label = f"Nhóm {position + 1}{_rank_word(position, count, metric.direction)}: "
        label += _range_label(float(members.min()), float(members.max()), metric)
        classes.append(MapClass(f"{label} · {format_number(len(members))} {noun}", colours[position]))
    return Classing(tuple(classes), dict(zip(known["unit_id"].astype(str), index.tolist(), strict=True)), False)


def tier_classes(frame: pd.DataFrame, metric: Metric, tiers: Sequence[Tier], noun: str = "đơn vị") -> Classing:
    """Classes by a metric's own groups, best first ("Nhóm A: từ 90%"), each with how many units it holds."""
    ordered = sorted(tiers, key=lambda t: t.lower, reverse=metric.direction != Direction.LOWER)
    known = frame.loc[frame["value"].notna(), ["unit_id", "value"]]
    of_unit: dict[str, int] = {}
    for unit_id, value in zip(known["unit_id"].astype(str), known["value"].astype("float64"), strict=True):
        if metric.direction == Direction.LOWER:
            hit = next((i for i, t in enumerate(ordered) if value <= t.lower), len(ordered) - 1)
        else:
            hit = next((i for i, t in enumerate(ordered) if value >= t.lower), len(ordered) - 1)
        of_unit[unit_id] = hit
    word = "đến" if metric.direction == Direction.LOWER else "từ"
    colours = CLASS_COLOURS if len(ordered) >= 4 else CLASS_COLOURS[:: max(1, 4 // len(ordered))]
    classes = tuple(
        MapClass(
            f"{tier.label}: {word} {format_measure(tier.lower, metric.unit, metric.decimals)}"
            f" · {format_number(sum(1 for c in of_unit.values() if c == i))} {noun}",
            colours[min(i, len(colours) - 1)],
        )
        for i, tier in enumerate(ordered)
    )
    return Classing(classes, of_unit, True)


def classify(frame: pd.DataFrame, metric: Metric, noun: str = "đơn vị") -> Classing:
    """The metric's own tiers where it has them (`METRIC_TIERS`), else quartile classes."""
    tiers = METRIC_TIERS.get(metric.metric_id)
    return tier_classes(frame, metric, tiers, noun) if tiers else quartile_classes(frame, metric, noun)
