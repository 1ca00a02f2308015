"""The registry in the store: every unit and link loaded, pickers unchanged, rebuilt when it changes."""

from __future__ import annotations

import shutil
from pathlib import Path

from danvan_metrics.core import config
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store


def test_store_holds_the_registry_and_keeps_curated_rows(real_store: Store) -> None:
    with real_store.connect() as conn:
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM units), (SELECT count(*) FROM unit_links),"
            " (SELECT count(*) FROM unit_links WHERE disputed)"
        ).fetchone()
        bac_lieu = conn.execute("SELECT short_name FROM units WHERE unit_id = 'pre-d954'").fetchone()
    assert counts == (14_149, 14_388, 158)
    assert bac_lieu == ("TP. Bạc Liêu",)  # the curated row wins: its short name tells city from province


def test_pickers_still_offer_only_units_with_figures(real_store: Store) -> None:
    offered = queries.units_with_figures(real_store)
    curated = {"pre-p01", "pre-d001", "pre-d009", "pre-d021", "pre-p45", "pre-d467", "pre-p95", "pre-d954"}
    assert len(offered) == 5 and set(offered["unit_id"]) < curated  # not the 14,149 registry units
    assert len(queries.units(real_store)) == 14_149


def test_a_former_district_shows_what_it_became_and_a_new_ward_where_it_came_from(real_store: Store) -> None:
    successors = queries.unit_successors(real_store, "pre-d001")  # Quận Ba Đình
    assert "Phường Ba Đình" in set(successors["name"]) and (successors["level"] == "commune").all()
    came_from = queries.unit_predecessors(real_store, "post-c00004")  # Phường Ba Đình
    districts = ["Quận Ba Đình", "Quận Hoàn Kiếm", "Quận Tây Hồ"]
    assert came_from.loc[came_from["level"] == "district", "name"].to_list() == districts
    communes = came_from.loc[came_from["level"] == "commune"]
    assert "Phường Trúc Bạch" in set(communes["name"]) and set(communes["parent_name"]) == set(districts)
    disputed = queries.unit_successors(real_store, "pre-c04012")
    assert disputed["disputed"].all() and len(disputed) == 2


def test_a_registry_change_rebuilds_the_store(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(config.CURATED_DIR, data / "curated")
    shutil.copytree(config.DATA_DIR / "registry", data / "registry")
    store = Store(tmp_path / "home", curated_dir=data / "curated")
    assert store.ensure_current() is True and store.ensure_current() is False
    links = data / "registry" / "links.csv"
    text = links.read_text(encoding="utf-8")
    links.write_text(text.replace("pre-c00004,post-c00004,full,true,true,false", "", 1), encoding="utf-8")
    assert store.ensure_current() is True
    with store.connect() as conn:
        row = conn.execute("SELECT count(*) FROM unit_links WHERE old_id = 'pre-c00004'").fetchone()
    assert row == (0,)
