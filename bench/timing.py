"""Timing helpers: repeated runs within a time box, percentiles, and ratios to a baseline."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(slots=True)
class Timing:
    """Run times of one thing, in milliseconds."""

    samples: list[float] = field(default_factory=list)
    error: str | None = None

    @property
    def n(self) -> int:
        return len(self.samples)

    @property
    def p50(self) -> float:
        return percentile(self.samples, 50)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95)

    def as_dict(self) -> dict[str, Any]:
        return {"n": self.n, "p50_ms": _round(self.p50), "p95_ms": _round(self.p95), "error": self.error}


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile by linear interpolation (NaN for no samples)."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def measure(
    action: Callable[[], object], *, min_runs: int = 5, max_runs: int = 30, max_seconds: float = 3.0, warmup: int = 0
) -> Timing:
    """Run ``action`` at least ``min_runs`` times and at most ``max_runs``, stopping after ``max_seconds``."""
    timing = Timing()
    for _ in range(warmup):
        action()
    started = time.perf_counter()
    while timing.n < max_runs and (timing.n < min_runs or time.perf_counter() - started < max_seconds):
        begin = time.perf_counter()
        action()
        timing.samples.append((time.perf_counter() - begin) * 1000)
    return timing


def ratio(value: float, floor: float) -> float | None:
    """value / floor, or None when either is unknown."""
    if not (math.isfinite(value) and math.isfinite(floor)) or floor <= 0:
        return None
    return round(value / floor, 2)


def _round(value: float) -> float | None:
    return None if not math.isfinite(value) else round(value, 2)


def dataclass_dict(item: Any) -> dict[str, Any]:
    return asdict(item)
