"""Roll-up of commune figures to provinces. Every figure here is SYNTHETIC (made up for the test)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from danvan_metrics.core import config
from danvan_metrics.core.model import MetricKind
from danvan_metrics.registry import units as registry
from danvan_metrics.registry.rollup import NOTE_ACROSS, rollup

YEAR_2024 = {"period_start": dt.date(2024, 1, 1), "period_end": dt.date(2024, 12, 31), "period_label": "Năm 2024"}
QUARTER_4_2025 = {
    "period_start": dt.date(2025, 10, 1),
    "period_end": dt.date(2025, 12, 31),
    "period_label": "Quý 4/2025",
}


@pytest.fixture(scope="module")
def units() -> pd.DataFrame:
    return registry.read_units(config.DATA_DIR / "registry")


@pytest.fixture(scope="module")
def links() -> pd.DataFrame:
    return registry.read_links(config.DATA_DIR / "registry")


def communes_of(units: pd.DataFrame, province: str) -> list[str]:
    """Every commune in a province, through its districts before the reform."""
    districts = set(units.loc[units["parent_id"] == province, "unit_id"])
    inside = units["parent_id"].isin(districts | {province}) & (units["level"] == "commune")
    return sorted(units.loc[inside, "unit_id"])


def synthetic(unit_ids: list[str], period: dict[str, object], **columns: list[float]) -> pd.DataFrame:
    """SYNTHETIC figures: one per unit, values given per column."""
    frame = pd.DataFrame({"unit_id": unit_ids, **columns})
    for key, value in period.items():
        frame[key] = value
    frame["qualifier"] = "="
    return frame


def test_synthetic_commune_counts_sum_to_the_province_figure(units: pd.DataFrame) -> None:
    communes = communes_of(units, "pre-p95")  # Tỉnh Bạc Liêu before the reform
    values = [float(i % 7 + 1) for i in range(len(communes))]
    province_figure = sum(values)  # what the province would report for the same SYNTHETIC data
    out = rollup(synthetic(communes, YEAR_2024, value=values), units, MetricKind.COUNT)
    assert out[["unit_id", "era", "value", "qualifier", "complete"]].values.tolist() == [
        ["pre-p95", "before", province_figure, "=", True]
    ]
    assert out.loc[0, "n_figures"] == out.loc[0, "n_expected"] == len(communes) == 64
    assert pd.isna(out.loc[0, "note"])


def test_a_rate_rolls_up_from_its_parts_not_as_a_mean(units: pd.DataFrame) -> None:
    communes = communes_of(units, "pre-p95")[:2]
    figures = synthetic(communes, YEAR_2024, value=[90.0, 10.0], numerator=[90.0, 1.0], denominator=[100.0, 10.0])
    out = rollup(figures, units, MetricKind.RATE)
    assert out.loc[0, "value"] == pytest.approx(100 * 91 / 110)  # 82.7 %, not the mean 50 %
    assert (out.loc[0, "numerator"], out.loc[0, "denominator"]) == (91.0, 110.0)
    assert out.loc[0, "note"] == "Tỷ lệ chỉ tính trên 2/64 đơn vị có số liệu."


def test_a_rate_without_its_parts_is_not_rolled_up_and_says_why(units: pd.DataFrame) -> None:
    communes = communes_of(units, "pre-p95")[:2]
    figures = synthetic(communes, YEAR_2024, value=[90.0, 10.0], numerator=[90.0, None], denominator=[100.0, None])
    out = rollup(figures, units, MetricKind.RATE)
    assert pd.isna(out.loc[0, "value"])
    assert "không lấy trung bình các tỷ lệ" in out.loc[0, "reason"]


def test_a_province_missing_communes_gets_a_lower_bound(units: pd.DataFrame) -> None:
    communes = communes_of(units, "pre-p95")[:3]
    out = rollup(synthetic(communes, YEAR_2024, value=[1.0, 2.0, 3.0]), units, MetricKind.COUNT)
    assert (out.loc[0, "value"], out.loc[0, "qualifier"], bool(out.loc[0, "complete"])) == (6.0, ">=", False)
    assert out.loc[0, "note"] == "Chỉ gồm 3/64 đơn vị có số liệu: tổng thực tế có thể lớn hơn."


def test_nothing_crosses_the_reform_unless_asked(units: pd.DataFrame, links: pd.DataFrame) -> None:
    old = communes_of(units, "pre-p95")
    kept = rollup(synthetic(old, YEAR_2024, value=[1.0] * len(old)), units, MetricKind.COUNT)
    assert kept["unit_id"].to_list() == ["pre-p95"]  # the former province, not Cà Mau
    carried = rollup(
        synthetic(old, YEAR_2024, value=[1.0] * len(old)), units, MetricKind.COUNT, links=links, across_reform=True
    )
    row = carried.iloc[0]
    assert (row["unit_id"], row["value"], row["qualifier"]) == ("post-p96", 64.0, ">=")
    assert row["n_expected"] == 64 + len(communes_of(units, "pre-p96"))  # old Cà Mau's communes are missing
    assert NOTE_ACROSS.format(old="Tỉnh Bạc Liêu", new="Tỉnh Cà Mau") in row["note"]


def test_new_communes_roll_up_to_new_provinces(units: pd.DataFrame) -> None:
    new = communes_of(units, "post-p96")
    out = rollup(synthetic(new, QUARTER_4_2025, value=[2.0] * len(new)), units, MetricKind.AMOUNT)
    assert out[["unit_id", "era", "value", "complete"]].values.tolist() == [["post-p96", "after", 2.0 * len(new), True]]


def test_mixed_eras_in_one_period_are_not_pooled_across_the_boundary(units: pd.DataFrame, links: pd.DataFrame) -> None:
    mixed = communes_of(units, "pre-p95")[:1] + communes_of(units, "post-p96")[:1]
    figures = synthetic(mixed, YEAR_2024, value=[1.0, 1.0])
    assert rollup(figures, units, MetricKind.COUNT)["unit_id"].to_list() == ["pre-p95", "post-p96"]
    pooled = rollup(figures, units, MetricKind.COUNT, links=links, across_reform=True)
    assert pd.isna(pooled.loc[0, "value"]) and "cả số liệu trước và sau" in pooled.loc[0, "reason"]


def test_bad_input_is_refused_with_a_reason(units: pd.DataFrame) -> None:
    communes = communes_of(units, "pre-p95")[:2]
    with pytest.raises(ValueError, match="mix levels"):
        rollup(synthetic([communes[0], "pre-d954"], YEAR_2024, value=[1.0, 1.0]), units, MetricKind.COUNT)
    two_periods = synthetic(communes, YEAR_2024, value=[1.0, 1.0])
    two_periods.loc[1, "period_end"] = dt.date(2024, 6, 30)
    with pytest.raises(ValueError, match="one period only"):
        rollup(two_periods, units, MetricKind.COUNT)
    with pytest.raises(ValueError, match="no districts"):
        rollup(synthetic(communes_of(units, "post-p96")[:1], QUARTER_4_2025, value=[1.0]), units,
               MetricKind.COUNT, to_level="district")  # fmt: skip
