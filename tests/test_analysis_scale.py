"""Readable at scale: rank and percentile, top and bottom, province roll-up, capped trend lines."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from danvan_metrics.core import messages
from danvan_metrics.figures import analysis, groups, selection

Q2 = (dt.date(2026, 4, 1), dt.date(2026, 6, 30), "Quý 2/2026")


def compare_rows(values: dict[str, float | None], level: str = "commune", same_period: bool = True) -> pd.DataFrame:
    """Rows shaped like `queries.compare` for units named after their ids."""
    start, end, label = Q2
    return pd.DataFrame(
        {
            "unit_id": list(values),
            "unit_name": [f"Xã {u}" for u in values],
            "unit_level": level,
            "unit_parent_id": "P1",
            "value": pd.array(list(values.values()), dtype="Float64"),
            "qualifier": "=",
            "numerator": None,
            "denominator": None,
            "period_start": start,
            "period_end": end,
            "period_label": label,
            "same_period": same_period,
            "source_title": "DỮ LIỆU MẪU",
        }
    )


def test_position_counts_rank_and_share_honestly() -> None:
    frame = compare_rows({"a": 90, "b": 80, "c": 80, "d": 70, "e": 60})
    higher = groups.unit_position(frame, "b", "higher")
    assert higher is not None
    assert (higher.rank, higher.n, higher.value, higher.better_than) == (2, 5, 80.0, 62.5)
    lower = groups.unit_position(frame, "b", "lower")
    assert lower is not None and (lower.rank, lower.better_than) == (3, 37.5)
    assert groups.unit_position(frame, "b", "neutral") is None
    assert groups.unit_position(frame, "zz", "higher") is None
    assert groups.unit_position(compare_rows({"a": 1, "b": 2}, same_period=False), "b", "higher") is None


def test_top_and_bottom_keep_my_unit_wherever_it_stands() -> None:
    frame = compare_rows({f"u{i:02d}": float(i) for i in range(1, 31)})
    shown = groups.top_bottom(frame, "higher", n=3, keep=["u15", None])
    assert shown["unit_id"].tolist() == ["u30", "u29", "u28", "u15", "u03", "u02", "u01"]
    assert shown["band"].tolist() == ["top"] * 3 + ["mine"] + ["bottom"] * 3
    assert shown["rank"].tolist() == [1, 2, 3, 16, 28, 29, 30]
    best_low = groups.top_bottom(frame, "lower", n=2)
    assert best_low["unit_id"].tolist() == ["u01", "u02", "u29", "u30"]
    neutral = groups.top_bottom(frame, "neutral", n=2)
    assert "rank" not in neutral and neutral["unit_id"].tolist() == ["u30", "u29", "u02", "u01"]


def test_top_and_bottom_of_a_small_group_shows_each_unit_once() -> None:
    frame = compare_rows({"a": 3.0, "b": 2.0, "c": 1.0, "d": None})
    shown = groups.top_bottom(frame, "higher", n=10, keep=["d"])
    assert shown["unit_id"].tolist() == ["a", "b", "c", "d"]
    assert shown["band"].tolist() == ["top", "top", "top", "mine"]


def registry() -> pd.DataFrame:
    after = dt.date(2025, 7, 1)
    rows = [
        ("P1", "Tỉnh Một", "province", None, after, None),
        ("P2", "Tỉnh Hai", "province", None, after, None),
        ("OLD", "Tỉnh Một", "province", None, None, dt.date(2025, 6, 30)),
        ("c1", "Xã c1", "commune", "P1", after, None),
        ("c2", "Xã c2", "commune", "P1", after, None),
        ("c3", "Xã c3", "commune", "P1", after, None),
        ("c4", "Xã c4", "commune", "P2", after, None),
        ("old-c", "Xã cũ", "commune", "OLD", None, dt.date(2025, 6, 30)),
    ]
    return pd.DataFrame(rows, columns=["unit_id", "name", "level", "parent_id", "valid_from", "valid_to"])


def test_provinces_pool_rates_and_say_what_is_missing() -> None:
    frame = compare_rows({"c1": 90.0, "c2": 33.33, "c4": 50.0})
    frame["numerator"] = [9.0, 10.0, 5.0]
    frame["denominator"] = [10.0, 30.0, 10.0]
    view = analysis.province_rollup(frame, registry(), "rate")
    assert view.frame is not None and view.note is None
    rolled = view.frame.set_index("unit_id")
    assert rolled.loc["P1", "value"] == pytest.approx(100 * 19 / 40)  # pooled, not the mean 61.7
    assert rolled.loc["P1", "source_title"] == "Tổng hợp từ 2/3 đơn vị"
    assert "2/3" in rolled.loc["P1", "note"]
    assert rolled.loc["P2", "value"] == pytest.approx(50.0) and rolled["same_period"].all()


def test_provinces_need_one_period_and_one_level() -> None:
    mixed = compare_rows({"c1": 1.0, "c2": 2.0}, same_period=False)
    assert analysis.province_rollup(mixed, registry(), "count") == analysis.ProvinceView(
        None, messages.ROLLUP_NEEDS_ONE_PERIOD
    )
    frame = pd.concat([compare_rows({"c1": 1.0, "c4": 2.0}), compare_rows({"P2": 5.0}, level="province")])
    view = analysis.province_rollup(frame, registry(), "count")
    assert view.frame is not None and view.note == "Không gộp 1 đơn vị khác cấp (province)."
    assert set(view.frame["unit_id"]) == {"P1", "P2"}


def test_provinces_of_both_eras_get_told_apart() -> None:
    frame = compare_rows({"c1": 1.0, "old-c": 2.0})
    view = analysis.province_rollup(frame, registry(), "count")
    assert view.frame is not None
    assert set(view.frame["unit_name"]) == {"Tỉnh Một (từ 07/2025)", "Tỉnh Một (trước 07/2025)"}


def test_province_of_walks_up_the_registry() -> None:
    units = registry()
    assert selection.province_of(units, "c2") == "P1"
    assert selection.province_of(units, "P2") == "P2"
    assert selection.province_of(units, "nowhere") is None and selection.province_of(units, None) is None


def units_with_figures(n: int) -> pd.DataFrame:
    ids = [f"c{i:02d}" for i in range(n)]
    return pd.DataFrame({"unit_id": ids, "name": [f"Xã {i}" for i in ids], "parent_id": ["P1"] * 5 + ["P2"] * (n - 5)})


def test_trend_lines_are_capped_around_my_unit() -> None:
    units = units_with_figures(20)
    chosen = selection.trend_selection(units, [], "c02", cap=4)
    assert chosen.unit_ids == ["c02", "c00", "c01", "c03"] and chosen.total == 20
    assert chosen.note is not None and "4/20" in chosen.note and "cùng cấp trên" in chosen.note
    assert selection.trend_selection(units_with_figures(6), [], None, cap=8) == selection.TrendSelection(None, 6)
    spread = selection.trend_selection(units, [], None, cap=3)
    assert spread.unit_ids == ["c00", "c05", "c01"], "one line per parent first, then the rest by name"
    picked = selection.trend_selection(units, ["c09", "c10"], "c02", cap=4)
    assert picked == selection.TrendSelection(["c09", "c10"], 2)
    many = selection.trend_selection(units, [f"c{i:02d}" for i in range(10)], "c07", cap=3)
    assert many.unit_ids == ["c07", "c00", "c01"] and many.note is not None and "3/10" in many.note


def test_the_fullest_recent_period_skips_a_quarter_still_coming_in() -> None:
    periods = pd.DataFrame({"period_key": ["q3", "q2", "q1"], "n_units": [12, 95, 100]})
    assert analysis.fullest_recent_period(periods) == "q2"
    assert analysis.fullest_recent_period(periods.iloc[:0]) is None


def test_coverage_by_province_fills_every_pair() -> None:
    cells = pd.DataFrame(
        {
            "unit_id": ["P1", "OLD"],
            "unit_name": ["Tỉnh Một", "Tỉnh Một"],
            "era": ["after", "before"],
            "category": ["Hòa giải", "Tiếp công dân"],
            "n_figures": [10, 3],
            "n_metrics": [1, 1],
            "n_units": [3, 1],
            "latest_end": [dt.date(2026, 9, 30), dt.date(2025, 6, 30)],
            "metrics": [["Tỷ lệ hòa giải thành"], ["Lượt tiếp công dân"]],
        }
    )
    matrix = analysis.coverage_by_province_matrix(cells, ["Hòa giải", "Tiếp công dân"])
    assert len(matrix) == 4 and matrix["n_figures"].sum() == 13
    assert set(matrix["unit_name"]) == {"Tỉnh Một (từ 07/2025)", "Tỉnh Một (trước 07/2025)"}
    empty = matrix[(matrix["unit_id"] == "P1") & (matrix["category"] == "Tiếp công dân")].iloc[0]
    assert empty["n_figures"] == 0 and empty["metrics"] == []


def test_scale_view_threshold() -> None:
    assert not analysis.needs_scale_view(analysis.SCALE_UNITS)
    assert analysis.needs_scale_view(analysis.SCALE_UNITS + 1)


def test_the_trend_spreads_lines_by_province_even_across_levels() -> None:
    # Two districts of P1, a commune of one of them, and units of P2 and P3: one line per province first.
    registry = pd.DataFrame({
        "unit_id": ["P1", "P2", "P3", "d1", "d2", "c1", "x2", "x3"],
        "parent_id": [None, None, None, "P1", "P1", "d1", "P2", "P3"],
        "level": ["province"] * 3 + ["district", "district", "commune", "commune", "commune"],
    })  # fmt: skip
    units = pd.DataFrame({"unit_id": ["d1", "d2", "c1", "x2", "x3"], "name": ["A", "B", "C", "D", "E"],
                          "parent_id": ["P1", "P1", "d1", "P2", "P3"]})  # fmt: skip
    assert selection.provinces_of(registry, ["c1", "d2", "P3", "nope"]) == ["P1", "P1", "P3", None]
    spread = selection.trend_selection(units, [], None, cap=3, registry=registry)
    assert spread.unit_ids == ["d1", "x2", "x3"], "C lies in P1 through its district: not a second P1 line first"
    assert spread.note is not None and "3/5" in spread.note
