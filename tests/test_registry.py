"""The shipped registry and its resolver: every unit findable, ambiguity listed, never guessed.

Tests read the committed ``data/registry`` files (built once per module), not the reference lists.
"""

from __future__ import annotations

import csv
import datetime as dt
import unicodedata

import pandas as pd
import pytest

from danvan_metrics.core import config
from danvan_metrics.registry import units as registry
from danvan_metrics.registry.units import Resolver

REGISTRY = config.DATA_DIR / "registry"
BEFORE = dt.date(2022, 1, 1)  # the documents' period
AFTER = dt.date(2025, 10, 1)


@pytest.fixture(scope="module")
def units() -> pd.DataFrame:
    return registry.read_units(REGISTRY)


@pytest.fixture(scope="module")
def links() -> pd.DataFrame:
    return registry.read_links(REGISTRY)


@pytest.fixture(scope="module")
def resolver(units: pd.DataFrame) -> Resolver:
    return Resolver.from_frame(units)


def ids(candidates: list[registry.Candidate]) -> list[str]:
    return [c.unit_id for c in candidates]


# -- the files ---------------------------------------------------------------------------------
def test_registry_holds_every_unit_of_both_eras(units: pd.DataFrame) -> None:
    era = units["unit_id"].str.split("-").str[0]
    counts = units.groupby([era, units["level"]]).size().to_dict()
    assert counts == {
        ("pre", "province"): 63,
        ("pre", "district"): 696,
        ("pre", "commune"): 10_035,
        ("post", "province"): 34,
        ("post", "commune"): 3_321,
    }


def test_ids_never_collide_though_codes_were_reused(units: pd.DataFrame) -> None:
    assert units["unit_id"].is_unique
    reused = units.loc[units["official_code"] == "00004", ["unit_id", "name"]].to_dict("records")
    assert reused == [
        {"unit_id": "pre-c00004", "name": "Phường Trúc Bạch"},
        {"unit_id": "post-c00004", "name": "Phường Ba Đình"},
    ]
    province_44 = units.loc[units["official_code"] == "44", "name"].to_list()
    assert province_44 == ["Tỉnh Quảng Bình", "Tỉnh Quảng Trị"]


def test_eras_parents_and_text_are_consistent(units: pd.DataFrame) -> None:
    pre = units["unit_id"].str.startswith("pre-")
    assert (units.loc[pre, "valid_to"] == dt.date(2025, 6, 30)).all() and units.loc[pre, "valid_from"].isna().all()
    assert (units.loc[~pre, "valid_from"] == dt.date(2025, 7, 1)).all() and units.loc[~pre, "valid_to"].isna().all()
    level_of = dict(zip(units["unit_id"], units["level"], strict=True))
    expected_parent = {"pre-d": "province", "pre-c": "district", "post-c": "province"}
    for unit_id, parent in zip(units["unit_id"], units["parent_id"], strict=True):
        prefix = unit_id[: unit_id.index("-") + 2]
        assert level_of.get(parent) == expected_parent.get(prefix), unit_id
    for column in ("name", "short_name", "variants"):
        text = units[column].dropna()
        assert (text == text.map(lambda s: " ".join(unicodedata.normalize("NFC", s).split()))).all(), column
    assert set(units["kind"]) == {
        "tỉnh", "thành phố trực thuộc trung ương", "quận", "huyện", "thị xã", "thành phố thuộc tỉnh",
        "thành phố thuộc thành phố trực thuộc trung ương", "phường", "xã", "thị trấn", "đặc khu",
    }  # fmt: skip


def test_links_join_old_units_to_new_ones_and_every_old_commune_has_one(
    units: pd.DataFrame, links: pd.DataFrame
) -> None:
    known = set(units["unit_id"])
    assert links["old_id"].str.startswith("pre-").all() and links["new_id"].str.startswith("post-").all()
    assert set(links["old_id"]) <= known and set(links["new_id"]) <= known
    assert not links.duplicated(["old_id", "new_id"]).any()
    old_communes = set(units.loc[units["unit_id"].str.startswith("pre-c"), "unit_id"])
    assert old_communes <= set(links["old_id"])
    provinces = links[links["old_id"].str.startswith("pre-p")]
    assert len(provinces) == 63 and provinces["old_id"].is_unique  # no province was split
    new_communes = set(units.loc[units["unit_id"].str.startswith("post-c"), "unit_id"])
    assert new_communes <= set(links["new_id"])  # every new commune came from somewhere


def test_where_the_mappings_disagree_both_links_are_kept_and_marked(links: pd.DataFrame) -> None:
    by_pair = links.set_index(["old_id", "new_id"])
    # Xã 04012: convert says wholly into 03980; dvhcvn says split between 03980 and 04078.
    assert by_pair.loc[("pre-c04012", "post-c03980")].to_dict() == {
        "kind": "partial",
        "in_convert": True,
        "in_dvhcvn": True,
        "disputed": True,
    }
    assert by_pair.loc[("pre-c04012", "post-c04078")].to_dict() == {
        "kind": "partial",
        "in_convert": False,
        "in_dvhcvn": True,
        "disputed": True,
    }
    agreed = by_pair.loc[("pre-c00004", "post-c00004")].to_dict()  # Trúc Bạch → Ba Đình
    assert agreed == {"kind": "full", "in_convert": True, "in_dvhcvn": True, "disputed": False}
    assert 0 < links["disputed"].sum() < 0.02 * len(links)  # the upstream agree on ~99.6% of pairs


def test_former_district_links_to_the_new_communes_it_became(links: pd.DataFrame) -> None:
    ba_dinh = links[links["old_id"] == "pre-d001"].set_index("new_id")
    assert "post-c00004" in ba_dinh.index  # Quận Ba Đình → Phường Ba Đình (and others)
    assert (ba_dinh["kind"] == "partial").all() and len(ba_dinh) > 1
    con_dao = links[links["old_id"] == "pre-d755"]  # an island district without communes
    assert con_dao[["new_id", "kind", "disputed"]].values.tolist() == [["post-c26732", "full", False]]
    provinces = links[links["old_id"].isin(["pre-p44", "pre-p45", "pre-p95"])]
    assert dict(zip(provinces["old_id"], provinces["new_id"], strict=True)) == {
        "pre-p44": "post-p44",  # Quảng Bình → Quảng Trị
        "pre-p45": "post-p44",
        "pre-p95": "post-p96",  # Bạc Liêu → Cà Mau
    }


def test_curated_units_agree_with_the_registry(units: pd.DataFrame, resolver: Resolver) -> None:
    with (config.CURATED_DIR / "units.csv").open(encoding="utf-8", newline="") as handle:
        curated = list(csv.DictReader(handle))
    assert {row["unit_id"] for row in curated} == {
        "pre-p01", "pre-d001", "pre-d009", "pre-d021", "pre-p45", "pre-d467", "pre-p95", "pre-d954",
    }  # fmt: skip
    shipped = units.set_index("unit_id")
    for row in curated:
        unit = shipped.loc[row["unit_id"]]
        for column in ("official_code", "name", "kind", "level", "parent_id", "valid_from", "valid_to"):
            assert ("" if pd.isna(unit[column]) else str(unit[column])) == row[column], (row["unit_id"], column)
        for variant in filter(None, row["variants"].split("|")):  # every curated spelling finds its unit
            assert row["unit_id"] in ids(resolver.resolve(variant, on=BEFORE)), variant


# -- resolving ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "level", "unit_id"),
    [
        ("Quận Ba Đình", None, "pre-d001"),
        ("Q. Thanh Xuân", None, "pre-d009"),
        ("quận Bắc Từ Liêm", None, "pre-d021"),
        ("huyện Đakrông", None, "pre-d467"),
        ("Huyện Đa Krông", None, "pre-d467"),
        ("Đakrông", "district", "pre-d467"),
        ("TP. Bạc Liêu", None, "pre-d954"),
        ("TP Bạc Liêu", None, "pre-d954"),
        ("tỉnh Bạc Liêu", None, "pre-p95"),
        ("Quảng Trị", "province", "pre-p45"),
        ("Hà Nội", None, "pre-p01"),
        ("Thành phố Hà Nội", None, "pre-p01"),
    ],
)
def test_every_unit_of_the_five_documents_resolves(
    resolver: Resolver, text: str, level: str | None, unit_id: str
) -> None:
    assert ids(resolver.resolve(text, on=BEFORE, level=level)) == [unit_id]


def test_ba_dinh_is_the_district_before_the_reform_and_the_ward_after(resolver: Resolver) -> None:
    before = resolver.resolve("Ba Đình", on=BEFORE)
    assert ids(before)[0] == "pre-d001"
    assert {c.level for c in before[1:]} == {"commune"}  # wards/communes of that era named Ba Đình
    assert all(c.valid_on(BEFORE) for c in before)
    assert ids(resolver.resolve("Ba Đình", on=BEFORE, level="district")) == ["pre-d001"]
    after = resolver.resolve("Ba Đình", on=AFTER)
    assert "post-c00004" in ids(after) and not any(i.startswith("pre-") for i in ids(after))
    ward = resolver.resolve("Phường Ba Đình, Hà Nội", on=AFTER)
    assert [(c.unit_id, c.parent_name) for c in ward] == [("post-c00004", "Thành phố Hà Nội")]


def test_bac_lieu_lists_city_province_and_ward_until_narrowed(resolver: Resolver) -> None:
    assert ids(resolver.resolve("Bạc Liêu")) == ["pre-p95", "pre-d954", "post-c31825"]
    assert ids(resolver.resolve("Bạc Liêu", level="province")) == ["pre-p95"]
    assert ids(resolver.resolve("Bạc Liêu", level="district")) == ["pre-d954"]
    after = resolver.resolve("Bạc Liêu", on=AFTER)
    assert [(c.name, c.parent_name) for c in after] == [("Phường Bạc Liêu", "Tỉnh Cà Mau")]
    assert ids(resolver.resolve("Bạc Liêu", on=BEFORE)) == ["pre-p95", "pre-d954"]  # still a choice


@pytest.mark.parametrize(
    ("text", "unit_id"),
    [
        ("Tỉnh Hòa Bình", "pre-p17"),  # the list writes "Hoà Bình"
        ("tinh hoa binh", "pre-p17"),
        ("TINH HOÀ BÌNH", "pre-p17"),
        ("Tỉnh Thanh Hoá", "pre-p38"),  # the list writes "Thanh Hóa"
        ("quan ba dinh", "pre-d001"),
        ("huyen da krong", "pre-d467"),
        ("Quận 9", "pre-d769"),  # merged into Thủ Đức in 2021: an upstream alias
    ],
)
def test_tone_placement_and_missing_accents_do_not_matter(resolver: Resolver, text: str, unit_id: str) -> None:
    assert ids(resolver.resolve(text, on=BEFORE)) == [unit_id]


def test_accents_given_are_respected(resolver: Resolver) -> None:
    # "Xã Ba Dinh" (Quảng Ngãi) is written without marks: it is not what "Ba Đình" means,
    # but it is a candidate when the input has no marks either.
    assert "pre-c21499" not in ids(resolver.resolve("Ba Đình", on=BEFORE))
    assert "pre-c21499" in ids(resolver.resolve("ba dinh", on=BEFORE))
    assert resolver.get("pre-c21499") is not None


def test_an_official_code_needs_its_era(resolver: Resolver) -> None:
    assert [c.name for c in resolver.resolve("00004", on=BEFORE)] == ["Phường Trúc Bạch"]
    assert [c.name for c in resolver.resolve("00004", on=AFTER)] == ["Phường Ba Đình"]
    assert ids(resolver.resolve("00004")) == ["pre-c00004", "post-c00004"]  # no date: both, never a guess
    assert [c.name for c in resolver.resolve_code("4", level="commune", on=AFTER)] == ["Phường Ba Đình"]
    assert [c.name for c in resolver.resolve("44", on=BEFORE)] == ["Tỉnh Quảng Bình"]
    assert [c.name for c in resolver.resolve("44", on=AFTER)] == ["Tỉnh Quảng Trị"]
    assert resolver.resolve("00004")[0].why == "mã thống kê 00004"


def test_unknown_names_get_suggestions_not_guesses(resolver: Resolver) -> None:
    assert resolver.resolve("Quận Ba Đìnhh") == []
    suggested = resolver.suggest("Quận Ba Đìnhh")
    assert suggested[0].unit_id == "pre-d001" and 80 < suggested[0].score < 100
    assert [c.unit_id for c in resolver.suggest("Dakrongg", level="district", limit=1)] == ["pre-d467"]
    assert resolver.suggest("") == []


def test_a_resolver_over_the_store_reads_its_dates(real_store: object) -> None:
    from danvan_metrics.store import queries
    from danvan_metrics.store.connection import Store

    assert isinstance(real_store, Store)
    resolver = Resolver.from_frame(queries.units(real_store))
    assert ids(resolver.resolve("Hà Nội", on=AFTER)) == ["post-p01"]
    assert ids(resolver.resolve("Hà Nội", on=BEFORE)) == ["pre-p01"]
