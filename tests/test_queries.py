"""Query functions over the synthetic fixture: the answers a chart or table is built from."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from danvan_metrics.core import kinds
from danvan_metrics.core.model import MetricKind, Period
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store
from tests.fixtures import QUOTE_NAME


def test_compare_flags_figures_from_different_periods(fixture_store: Store) -> None:
    frame = queries.compare(fixture_store, "citizen_receptions", units=["t-d1", "t-d2"])
    assert list(frame["unit_id"]) == ["t-d2", "t-d1"]  # largest first
    assert not frame["same_period"].any()
    assert set(frame["period_label"]) == {"Năm 2023", "Quý 1/2023"}
    assert frame.loc[frame["unit_id"] == "t-d2", "qualifier"].item() == ">"


def test_compare_for_one_period_is_flagged_same_period(fixture_store: Store) -> None:
    q1 = Period(dt.date(2023, 1, 1), dt.date(2023, 3, 31))
    frame = queries.compare(fixture_store, "citizen_receptions", period=q1)
    assert set(frame["unit_id"]) == {"t-d1", "t-c1"}
    assert frame["same_period"].all()


def test_compare_takes_each_units_latest_figure(fixture_store: Store) -> None:
    frame = queries.compare(fixture_store, "complaints_resolved_rate", units=["t-d1"])
    row = frame.iloc[0]
    assert (row["period_label"], row["value"], row["numerator"], row["denominator"]) == ("Quý 2/2023", 50, 50, 100)
    assert row["source_quote"].startswith("Quý 2/2023 Quận Một")


def test_unit_name_with_quotes_round_trips(fixture_store: Store) -> None:
    frame = queries.compare(fixture_store, "citizen_receptions", units=["t-c1"])
    assert frame["unit_name"].tolist() == [QUOTE_NAME]
    profile = queries.unit_profile(fixture_store, "t-c1")
    assert profile["unit_name"].unique().tolist() == [QUOTE_NAME]
    # A name used as a parameter value is bound, never spliced into SQL.
    assert queries.compare(fixture_store, "citizen_receptions", units=[QUOTE_NAME, "x' OR '1'='1"]).empty


def test_rate_over_two_periods_is_pooled_not_averaged(fixture_store: Store) -> None:
    frame = queries.aggregate(fixture_store, "complaints_resolved_rate", dt.date(2023, 1, 1), dt.date(2023, 6, 30))
    one = frame.set_index("unit_id").loc["t-d1"]
    assert one["value"] == pytest.approx(100 * 59 / 110)  # 53.64 %, not the 70 % mean of 90 % and 50 %
    assert (one["numerator"], one["denominator"], one["n_figures"]) == (59, 110, 2)
    assert one["period_labels"] == ["Quý 1/2023", "Quý 2/2023"]


def test_rate_without_parts_is_not_aggregated_and_says_why(fixture_store: Store) -> None:
    frame = queries.aggregate(fixture_store, "complaints_resolved_rate", dt.date(2023, 1, 1), dt.date(2023, 6, 30))
    two = frame.set_index("unit_id").loc["t-d2"]
    assert pd.isna(two["value"])
    assert "tử số hoặc mẫu số" in two["reason"]


def test_counts_add_up_and_bounds_carry_over(fixture_store: Store) -> None:
    frame = queries.aggregate(fixture_store, "citizen_receptions", dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    by_unit = frame.set_index("unit_id")
    assert by_unit.loc["t-d2", "value"] == 4941
    assert by_unit.loc["t-d2", "qualifier"] == ">"
    assert by_unit.loc["t-d1", "value"] == 1250


@pytest.mark.parametrize(
    ("qualifiers", "expected"),
    [(["=", "="], "="), (["=", ">"], ">"), (["=", ">="], ">="), ([">", "<"], "~"), (["~", "="], "~"), ([], "=")],
)
def test_combined_qualifier_of_a_sum(qualifiers: list[str], expected: str) -> None:
    assert kinds.combine_qualifiers(qualifiers, MetricKind.COUNT) == expected


def test_trend_is_in_time_order_with_granularity(fixture_store: Store) -> None:
    frame = queries.trend(fixture_store, "complaints_resolved_rate", units=["t-d1"])
    assert frame["period_label"].tolist() == ["Quý 1/2023", "Quý 2/2023"]
    assert frame["granularity"].tolist() == ["quarter", "quarter"]
    yearly = queries.trend(fixture_store, "citizen_receptions", units=["t-d2"])
    assert yearly["granularity"].tolist() == ["year"]


def test_unit_profile_lists_every_figure_with_source(fixture_store: Store) -> None:
    frame = queries.unit_profile(fixture_store, "t-d1")
    assert len(frame) == 3
    assert set(frame["category"]) == {"Giải quyết khiếu nại, tố cáo", "Tiếp công dân"}
    assert frame["source_title"].eq("Văn bản thử nghiệm").all()
    assert frame["source_quote"].str.len().gt(0).all()


def test_coverage_has_one_row_per_figure(fixture_store: Store) -> None:
    frame = queries.coverage(fixture_store)
    assert len(frame) == 6
    assert {"unit_id", "metric_id", "category", "period_start", "period_end"} <= set(frame.columns)


def test_periods_newest_first_with_unit_counts(fixture_store: Store) -> None:
    frame = queries.periods(fixture_store, "citizen_receptions")
    assert frame["period_label"].tolist() == ["Năm 2023", "Quý 1/2023"]
    assert frame["n_units"].tolist() == [1, 2]


def test_unknown_metric_raises_key_error(fixture_store: Store) -> None:
    with pytest.raises(KeyError):
        queries.metric(fixture_store, "no_such_metric")
