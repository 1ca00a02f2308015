"""What a chart shows, as one typed value: the page, its PNG, its slide and the command line share it.

A page builds a `CompareSpec` or a `TrendSpec` from its filters; its PNG button, "Thêm vào bộ
slide", the deck it joins and ``python -m danvan_metrics export`` turn the same value into the
same slide with `slide_for`. A positional tuple once let the page add a field (the scale view)
that the exports did not unpack, and the compare PNG silently broke; a dataclass cannot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from danvan_metrics.core.model import Period
from danvan_metrics.export import slides
from danvan_metrics.store.connection import Store


@dataclass(frozen=True, slots=True)
class CompareSpec:
    """The "So sánh đơn vị" chart: one metric across units.

    ``units`` None compares every unit with a figure; ``period`` None takes each unit's latest;
    ``highlight`` is "Đơn vị của tôi"; ``view`` is the compact view (`views.ScaleView` value)
    chosen for many units; ``pending``: figures waiting for review shown too, marked "chưa duyệt".
    """

    metric_id: str
    units: tuple[str, ...] | None = None
    period: Period | None = None
    highlight: str | None = None
    view: str | None = None
    pending: bool = False


@dataclass(frozen=True, slots=True)
class TrendSpec:
    """The "Xu hướng" chart: one metric over time; ``units`` None draws every unit (capped); ``pending`` as above."""

    metric_id: str
    units: tuple[str, ...] | None = None
    highlight: str | None = None
    pending: bool = False


ChartSpec = CompareSpec | TrendSpec


def units_of(units: Sequence[str] | None) -> tuple[str, ...] | None:
    """A unit selection as a spec holds it: None for "every unit", else a tuple (hashable, comparable)."""
    return tuple(units) if units else None


def slide_for(store: Store, spec: ChartSpec) -> slides.Slide:
    """The slide a specification stands for, built from the store's current data.

    Raises:
        slides.DeckError: unknown metric or unit, or no figure to show.
    """
    if isinstance(spec, CompareSpec):
        units = list(spec.units) if spec.units else None
        return slides.compare_slide(store, spec.metric_id, units, spec.period, spec.highlight, spec.view,
                                    pending=spec.pending)  # fmt: skip
    return slides.trend_slide(store, spec.metric_id, list(spec.units) if spec.units else None, spec.highlight,
                              pending=spec.pending)  # fmt: skip
