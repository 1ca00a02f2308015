"""Questions whose answers stay small however many figures the store holds."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from danvan_metrics.core.model import Period
from danvan_metrics.demo import synth
from danvan_metrics.figures import analysis
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    root = tmp_path_factory.mktemp("scale")
    written = synth.generate(synth.Plan(demo=True), root / "synthetic", today=dt.date(2026, 11, 26))
    store, _ = synth.load(written.out, root / "home")
    return store


def test_metrics_with_figures_agrees_with_coverage(demo_store: Store) -> None:
    coverage = queries.coverage(demo_store)
    found = queries.metrics_with_figures(demo_store).set_index("metric_id")
    expected = coverage.groupby("metric_id").agg(n=("unit_id", "size"), end=("period_end", "max"))
    assert found["n_figures"].to_dict() == expected["n"].to_dict()
    assert (pd.to_datetime(found["latest_end"]) == pd.to_datetime(expected["end"])).all()


def test_store_summary_counts_current_figures(demo_store: Store, fixture_store: Store) -> None:
    for store in (demo_store, fixture_store):
        coverage = queries.coverage(store)
        summary = queries.store_summary(store).iloc[0]
        assert summary["n_figures"] == len(coverage)
        assert summary["n_units"] == coverage["unit_id"].nunique()
        assert summary["n_metrics"] == coverage["metric_id"].nunique()


def test_coverage_by_province_sums_every_figure_into_a_province(demo_store: Store) -> None:
    cells = queries.coverage_by_province(demo_store)
    coverage = queries.coverage(demo_store)
    assert cells["n_figures"].sum() == len(coverage)
    units = queries.units(demo_store).set_index("unit_id")
    assert units.loc[cells["unit_id"], "level"].eq("province").all()
    assert set(cells["era"]) == {"before", "after"}  # seed districts before the reform, communes after
    hanoi = cells[(cells["unit_id"] == "post-p01") & (cells["category"] == "Tiếp công dân")].iloc[0]
    assert list(hanoi["metrics"]) == ["Lượt tiếp công dân"] and hanoi["n_units"] > 1
    matrix = analysis.coverage_by_province_matrix(cells, sorted(queries.metrics(demo_store)["category"].unique()))
    assert matrix["unit_name"].is_unique is False  # one row per category …
    assert not matrix.duplicated(["unit_name", "category"]).any()  # … and names told apart across eras


def test_compare_picks_each_units_latest_figure(demo_store: Store) -> None:
    frame = queries.compare(demo_store, "complaints_resolved_rate")
    every = queries.trend(demo_store, "complaints_resolved_rate")
    latest = every.sort_values(["period_end", "period_start"]).drop_duplicates("unit_id", keep="last")
    assert dict(zip(frame["unit_id"], frame["obs_id"], strict=True)) == dict(
        zip(latest["unit_id"], latest["obs_id"], strict=True)
    )
    assert not frame["same_period"].all()  # districts end before the reform, communes report after it
    one = queries.compare(demo_store, "complaints_resolved_rate", None, Period.parse("2026-04-01..2026-06-30"))
    assert one["same_period"].all() and set(one["period_label"]) == {"Quý 2/2026"}
    assert frame["value"].is_monotonic_decreasing


def test_sources_count_the_figures_of_each_source(demo_store: Store, real_store: Store) -> None:
    for store in (demo_store, real_store):
        counted = queries.sources(store).set_index("source_id")["n_figures"]
        expected = queries.figures(store).groupby("source_id").size()
        assert counted.to_dict() == expected.reindex(counted.index, fill_value=0).to_dict()
        assert counted.sum() == len(queries.figures(store))


def test_the_fixture_store_still_answers(fixture_store: Store) -> None:
    assert not queries.metrics_with_figures(fixture_store).empty
    assert not queries.coverage_by_province(fixture_store).empty


def test_unit_picker_marks_exactly_the_units_with_figures(demo_store: Store, real_store: Store) -> None:
    for store in (demo_store, real_store):
        picker = queries.unit_picker(store)
        reported = set(queries.units_with_figures(store)["unit_id"])
        assert set(picker.loc[picker["has_figures"], "unit_id"]) == reported
        assert reported <= set(picker["unit_id"]) and picker["unit_id"].is_unique
