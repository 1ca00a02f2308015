"""Comparison rules: who is in a group, when ranking is honest, headline picks, coverage and recency."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from danvan_metrics.figures import analysis, groups
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store


def test_group_by_province_and_by_kind_is_built_around_my_unit(fixture_store: Store) -> None:
    units = queries.units(fixture_store)
    assert groups.group_members(units, groups.Group.PROVINCE, "t-d1") == ["t-d1", "t-d2"]
    assert groups.group_members(units, groups.Group.KIND, "t-d1") == ["t-d1"]  # only quận
    assert groups.group_members(units, groups.Group.ALL, "t-d1") is None
    assert groups.group_members(units, groups.Group.PROVINCE, None) is None  # no unit: everyone
    assert groups.group_members(units, groups.Group.CUSTOM, None, ["t-d2"]) == ["t-d2"]


def _compare_rows(values: list[float], same_period: bool = True) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_id": [f"u{i}" for i in range(len(values))],
            "unit_name": [f"Đơn vị {i}" for i in range(len(values))],
            "value": values,
            "same_period": same_period,
        }
    )


def test_rank_and_gaps_follow_the_metric_direction() -> None:
    ranked, stats = groups.rank_and_gaps(_compare_rows([90.0, 80.0, 70.0]), "lower")
    assert stats is not None
    assert stats.best == 70.0 and stats.median == 80.0 and stats.best_unit == "Đơn vị 2"
    assert ranked.set_index("unit_id")["rank"].to_dict() == {"u2": 1, "u1": 2, "u0": 3}
    assert ranked.set_index("unit_id")["gap_median"].to_dict() == {"u2": 10.0, "u1": 0.0, "u0": -10.0}


def test_no_rank_across_periods_or_for_neutral_metrics() -> None:
    assert groups.rank_and_gaps(_compare_rows([1.0, 2.0], same_period=False), "higher")[1] is None
    frame, stats = groups.rank_and_gaps(_compare_rows([1.0, 2.0]), "neutral")
    assert stats is None and "rank" not in frame


def test_headline_cards_put_key_metrics_first(real_store: Store) -> None:
    cards = analysis.headline_figures(queries.unit_profile(real_store, "pre-d001"))
    assert list(cards["metric_id"]) == [
        "complaints_resolved_rate",
        "denunciations_resolved_rate",
        "mediation_success_rate",
        "citizen_receptions",
    ]


def test_recency_buckets() -> None:
    today = dt.date(2026, 11, 26)
    assert analysis.recency_label(dt.date(2026, 3, 31), today) == "Trong 1 năm"
    assert analysis.recency_label(dt.date(2023, 9, 30), today) == "2–4 năm"
    assert analysis.recency_label(dt.date(2020, 6, 2), today) == "Trên 4 năm"
    assert analysis.recency_label(None, today) == analysis.NO_DATA_LABEL


def test_coverage_matrix_shows_gaps_as_well_as_data(real_store: Store) -> None:
    catalog = queries.metrics(real_store)
    categories = sorted(catalog["category"].unique())
    matrix = analysis.coverage_matrix(queries.coverage(real_store), queries.units(real_store), categories)
    assert len(matrix) == 5 * len(categories)  # every unit with data × every category
    cell = matrix.set_index(["unit_id", "category"]).loc[("pre-d001", "Giải quyết khiếu nại, tố cáo")]
    assert cell["n_figures"] == 2
    empty = matrix.set_index(["unit_id", "category"]).loc[("pre-d009", "An sinh xã hội")]
    assert empty["n_figures"] == 0 and pd.isna(empty["latest_end"])
