"""The map geometry and the unit centres shipped in ``data/boundaries/``.

Built once by ``scripts/build_boundaries.py`` (sources, licences and how good the borders are: see
``data/boundaries/README.md``); read here, cached for the process, never fetched from anywhere.

- The 63 provinces before 1 July 2025 (ids ``pre-p01``…) and the 34 after (``post-p01``…): outer
  rings as lon/lat lists with ``None`` between rings, ready for a Plotly scatter ``fill="toself"``.
- Hoàng Sa (Đà Nẵng) and Trường Sa (Khánh Hòa), kept apart from the simplified provinces: their
  islands are smaller than the simplification's tolerance.
- Centres (lon, lat) of the communes before and after the reform and of the old districts, for dot
  maps: the project has no openly licensed commune boundaries, and a map must not pretend it has.
"""

from __future__ import annotations

import csv
import functools
import json
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from danvan_metrics.core.config import DATA_DIR

BOUNDARIES_DIR = DATA_DIR / "boundaries"
CENTRES_FILE = BOUNDARIES_DIR / "centres.csv"


class Era(StrEnum):
    """Which administrative map a unit belongs to (the keys of `selection.ERA_SUFFIX`)."""

    BEFORE = "before"  # the 63 provinces, until 30 June 2025
    AFTER = "after"  # the 34 provinces, from 1 July 2025


ERA_FILES = {Era.BEFORE: "provinces-63.geojson", Era.AFTER: "provinces-34.geojson"}
ERA_PREFIX = {Era.BEFORE: "pre", Era.AFTER: "post"}


@dataclass(frozen=True, slots=True)
class Outline:
    """One province (or archipelago) as a Plotly scatter draws it."""

    unit_id: str
    name: str
    # Rings, closed, NaN between them; float32 (0.001° needs 7 digits), read-only: shared by every figure,
    # and Plotly sends such arrays as binary (a third the size of their text, never validated number by number).
    lon: npt.NDArray[np.float32]
    lat: npt.NDArray[np.float32]
    label: tuple[float, float]  # a point inside it (lon, lat)
    bounds: tuple[float, float, float, float]  # min lon, min lat, max lon, max lat


def _outline(unit_id: str, name: str, geometry: dict[str, Any], label: list[float]) -> Outline:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    lon: list[float] = []
    lat: list[float] = []
    for polygon in polygons:
        for x, y in polygon[0]:  # outer rings only: no province encloses another
            lon.append(float(x))
            lat.append(float(y))
        lon.append(float("nan"))
        lat.append(float("nan"))
    xs, ys = (np.array(values[:-1], dtype=np.float32) for values in (lon, lat))
    xs.flags.writeable = ys.flags.writeable = False
    bounds = (float(np.nanmin(xs)), float(np.nanmin(ys)), float(np.nanmax(xs)), float(np.nanmax(ys)))
    return Outline(unit_id, name, xs, ys, (float(label[0]), float(label[1])), bounds)


def _features(path: Path) -> list[dict[str, Any]]:
    return list(json.loads(path.read_text(encoding="utf-8"))["features"])


@functools.cache
def provinces(era: Era) -> dict[str, Outline]:
    """unit id → outline of every province of ``era``."""
    out = {}
    for feature in _features(BOUNDARIES_DIR / ERA_FILES[era]):
        properties = feature["properties"]
        unit_id = str(feature["id"])
        out[unit_id] = _outline(unit_id, str(properties["name"]), feature["geometry"], properties["label"])
    return out


@functools.cache
def islands(era: Era) -> tuple[Outline, ...]:
    """Hoàng Sa and Trường Sa, each with the id of the province of ``era`` it belongs to."""
    out = []
    for feature in _features(BOUNDARIES_DIR / "islands.geojson"):
        properties = feature["properties"]
        province = f"{ERA_PREFIX[era]}-p{properties['province_code']}"
        out.append(_outline(province, str(properties["name"]), feature["geometry"], properties["label"]))
    return tuple(out)


def era_of(unit_id: str) -> Era | None:
    """The era whose province map holds ``unit_id`` (a province); None for any other unit."""
    return next((era for era in Era if unit_id in provinces(era)), None)


@functools.cache
def centres() -> dict[str, tuple[float, float]]:
    """unit id → (lon, lat) of its centre: communes before and after the reform, and old districts."""
    with CENTRES_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["unit_id"]: (float(row["lon"]), float(row["lat"])) for row in csv.DictReader(handle)}
