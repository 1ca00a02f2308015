"""Which map a compare result draws: provinces of one era coloured by class, or units as dots.

- Provinces (the 63 before 1 July 2025 or the 34 after) whenever the result holds any: the era
  with more of its provinces; a unit of the other era or of another level is left out, and a note
  says how many and how to see them.
- Districts and communes: dots at their centres, over their provinces; zoomed on the province when
  they all lie in one, with the units of that level that have no figure as small grey dots.
  Hoàng Sa and Trường Sa are on every map of the country, and on the map of Đà Nẵng or Khánh Hòa.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from danvan_metrics.core.formats import format_number
from danvan_metrics.core.model import Metric
from danvan_metrics.figures import classes, selection
from danvan_metrics.figures.charts.maps import MapLayer, build_dot_map, build_province_map
from danvan_metrics.registry import geometry
from danvan_metrics.registry.geometry import Era, Outline

MAX_GREY_DOTS = 2_000  # units without a figure drawn as grey dots; more would only hide the figures
ERA_NAMES = {Era.BEFORE: "63 tỉnh, thành phố trước 01/7/2025", Era.AFTER: "34 tỉnh, thành phố từ 01/7/2025"}
LEVEL_NOUNS = {"province": "tỉnh", "district": "huyện", "commune": "xã"}


@dataclass(frozen=True)
class MapView:
    """The map, the rows it draws, and what the page says beside it."""

    figure: go.Figure
    rows: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def _provinces_of(unit_ids: Iterable[str], registry: pd.DataFrame) -> dict[str, str]:
    """unit id → the province it lies in (itself for a province); units the registry cannot place are absent."""
    ids = list(unit_ids)
    return {u: p for u, p in zip(ids, selection.provinces_of(registry, ids), strict=True) if p is not None}


def _extent(outlines: Iterable[Outline]) -> tuple[float, float, float, float]:
    boxes = [o.bounds for o in outlines]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _era(province_ids: Iterable[str]) -> tuple[Era, int]:
    """The era most of these provinces belong to (the newer on a tie), and how many belong to neither it."""
    eras = [geometry.era_of(p) for p in province_ids]
    before, after = eras.count(Era.BEFORE), eras.count(Era.AFTER)
    era = Era.BEFORE if before > after else Era.AFTER
    return era, len(eras) - max(before, after)


def _left_out(count: int, why: str) -> list[str]:
    return [f"{format_number(count)} đơn vị không vẽ trên bản đồ: {why}."] if count else []


def map_view(frame: pd.DataFrame, metric: Metric, registry: pd.DataFrame, highlight: str | None = None) -> MapView:
    """The map of a compare result (rows of `queries.compare`), with notes on what it leaves out.

    Args:
        frame: one metric's figures, one row per unit.
        metric: the metric.
        registry: every unit (`queries.units`): levels, parents, names.
        highlight: "Đơn vị của tôi": outlined (a province) or ringed (a dot).
    """
    province_rows = frame[frame["unit_level"] == "province"]
    below = frame[frame["unit_level"] != "province"]
    if not province_rows.empty:  # the headline map; communes and districts are dots of a group of their own
        return _province_view(frame, province_rows, metric, highlight)
    return _dot_view(frame, below, metric, registry, highlight)


def _province_view(frame: pd.DataFrame, rows: pd.DataFrame, metric: Metric, highlight: str | None) -> MapView:
    era, other_era = _era(rows["unit_id"].astype(str))
    outlines = geometry.provinces(era)
    drawn = rows[rows["unit_id"].astype(str).isin(outlines)]
    notes = _left_out(other_era, f"tỉnh của địa giới khác (bản đồ vẽ {ERA_NAMES[era]}); chọn một kỳ để xem đúng")
    levels = frame.loc[frame["unit_level"] != "province", "unit_level"].astype(str)
    others = sorted({LEVEL_NOUNS.get(level, level) for level in levels})
    notes += _left_out(len(frame) - len(rows), f"cấp {', '.join(others)}, không phải cấp tỉnh (xem chúng thành điểm: "
                       "chọn nhóm “Cùng tỉnh” hoặc “Tự chọn đơn vị” chỉ gồm các đơn vị đó)")  # fmt: skip
    islands = geometry.islands(era)
    layer = MapLayer(outlines, islands, _extent([*outlines.values(), *islands]))
    classing = classes.classify(drawn, metric, "tỉnh")
    return MapView(build_province_map(drawn, metric, layer, classing, highlight), drawn, notes)


def _dot_view(
    frame: pd.DataFrame, below: pd.DataFrame, metric: Metric, registry: pd.DataFrame, highlight: str | None
) -> MapView:
    level = str(below["unit_level"].mode().iloc[0])
    rows = below[below["unit_level"] == level]
    province_of = _provinces_of(rows["unit_id"].astype(str), registry)
    era, other_era = _era(set(province_of.values()))
    outlines = geometry.provinces(era)
    centres = geometry.centres()
    ids = rows["unit_id"].astype(str)
    drawn = rows[ids.map(lambda u: u in centres and province_of.get(u) in outlines)]
    shown = sorted({province_of[u] for u in drawn["unit_id"].astype(str)})
    notes = _left_out(len(frame) - len(rows), f"khác cấp (bản đồ vẽ cấp {LEVEL_NOUNS.get(level, level)})")
    why = "không có toạ độ trung tâm" + (" hoặc thuộc địa giới khác" if other_era else "")
    notes += _left_out(len(rows) - len(drawn), why)
    islands = geometry.islands(era)
    in_view = [outlines[p] for p in shown] or list(outlines.values())
    whole = len(shown) != 1
    kept_islands = [i for i in islands if whole or i.unit_id in shown]
    extent = _extent([*in_view, *kept_islands])
    without: list[tuple[str, str]] = []
    if not whole:
        same = registry[(registry["level"] == level)]
        same = same[same["unit_id"].astype(str).map(lambda u: u in centres)]
        home = _provinces_of(same["unit_id"].astype(str), registry)
        have = set(drawn["unit_id"].astype(str))
        without = [(str(u), str(n)) for u, n in zip(same["unit_id"], same["name"], strict=True)
                   if home.get(str(u)) == shown[0] and str(u) not in have][:MAX_GREY_DOTS]  # fmt: skip
    layer = MapLayer(outlines, kept_islands, extent, centres, without)
    classing = classes.classify(drawn, metric, LEVEL_NOUNS.get(level, "đơn vị"))
    return MapView(build_dot_map(drawn, metric, layer, classing, highlight), drawn, notes)
