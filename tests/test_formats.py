"""Vietnamese formats: numbers, figures with qualifiers, case counts and dates (parsing them: test_ingest_numbers)."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from danvan_metrics.core.formats import (
    PLOTLY_SEPARATORS,
    format_date,
    format_datetime,
    format_figure,
    format_measure,
    format_number,
    format_parts,
    plotly_number_format,
)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (15590, 0, "15.590"),
        (91.94, 2, "91,94"),
        (22785, 0, "22.785"),
        (90, 2, "90,00"),  # trailing zeros kept, as the documents write "90,00%"
        (1234567.891, 2, "1.234.567,89"),
        (-1234.5, 1, "-1.234,5"),
        (597, 0, "597"),
    ],
)
def test_numbers_use_dot_for_thousands_and_comma_for_decimals(value: float, decimals: int, expected: str) -> None:
    assert format_number(value, decimals) == expected


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA])
def test_missing_number_is_an_en_dash(missing: object) -> None:
    assert format_number(missing) == "–"  # type: ignore[arg-type]
    assert format_measure(missing, "%") == "–"  # type: ignore[arg-type]
    assert format_figure(missing, "cuộc", 0, ">") == "–"  # type: ignore[arg-type]


def test_infinite_number_is_not_printed_as_digits() -> None:
    assert format_number(math.inf) == "∞"
    assert format_number(-math.inf) == "-∞"


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "expected"),
    [
        (91.94, "%", 2, "91,94%"),  # percent sign attached, no space
        (15590, "triệu đồng", 0, "15.590 triệu đồng"),
        (22785, "lượt", 0, "22.785 lượt"),
        (4941, "lượt", 0, "4.941 lượt"),
        (17, "", 0, "17"),
    ],
)
def test_measure_carries_its_unit(value: float, unit: str, decimals: int, expected: str) -> None:
    assert format_measure(value, unit, decimals) == expected


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "expected"),
    [
        (92, "%", ">=", "≥ 92%"),
        (650, "cuộc", ">", "> 650 cuộc"),
        (1250, "lượt", "~", "~ 1.250 lượt"),
        (15590, "triệu đồng", ">", "> 15.590 triệu đồng"),
        (10, "%", "<=", "≤ 10%"),
        (5, "vụ", "<", "< 5 vụ"),
        (597, "hộ", "=", "597 hộ"),  # an exact figure has no symbol
        (597, "hộ", None, "597 hộ"),
    ],
)
def test_figure_keeps_its_qualifier(value: float, unit: str, qualifier: str | None, expected: str) -> None:
    assert format_figure(value, unit, 0, qualifier) == expected


def test_rate_figure_with_decimals_and_bound() -> None:
    assert format_figure(91.94, "%", 2, "=") == "91,94%"
    assert format_figure(97.56, "%", 2, ">=") == "≥ 97,56%"


@pytest.mark.parametrize(
    ("numerator", "denominator", "what", "expected"),
    [
        (217, 236, "đơn", "217/236 đơn"),
        (40, 41, "đơn", "40/41 đơn"),
        (14, 14, "", "14/14"),
        (1250, 2000, "vụ", "1.250/2.000 vụ"),
        (None, 236, "đơn", ""),
        (217, float("nan"), "đơn", ""),
    ],
)
def test_parts_of_a_rate(numerator: float | None, denominator: float | None, what: str, expected: str) -> None:
    assert format_parts(numerator, denominator, what) == expected


@pytest.mark.parametrize(
    "value",
    [
        dt.date(2022, 12, 15),
        dt.datetime(2022, 12, 15, 8, 30),
        "2022-12-15",
        "2022-12-15T08:30:00",
        pd.Timestamp("2022-12-15"),
    ],
)
def test_dates_are_day_month_year(value: object) -> None:
    assert format_date(value) == "15/12/2022"  # type: ignore[arg-type]


def test_single_digit_day_and_month_are_zero_padded() -> None:
    assert format_date(dt.date(2021, 9, 7)) == "07/09/2021"
    assert format_date(dt.date(2020, 6, 2)) == "02/06/2020"


@pytest.mark.parametrize("missing", [None, pd.NaT])
def test_missing_date_is_an_en_dash(missing: object) -> None:
    assert format_date(missing) == "–"  # type: ignore[arg-type]


def test_datetime_shows_day_month_year_and_time() -> None:
    assert format_datetime(dt.datetime(2023, 1, 31, 9, 5)) == "31/01/2023 09:05"
    assert format_datetime(None) == "–"


def test_plotly_speaks_vietnamese_notation() -> None:
    # Plotly's separators are "decimal mark, then thousands separator".
    assert PLOTLY_SEPARATORS == ",."
    assert plotly_number_format(2) == ",.2f"
    assert plotly_number_format(0) == ",.0f"


@pytest.mark.parametrize(("value", "decimals", "text"), [(92.5, 0, "93"), (2.5, 0, "3"), (0.125, 2, "0,13")])
def test_halves_round_up_as_people_round(value: float, decimals: int, text: str) -> None:
    assert format_number(value, decimals) == text


def test_a_figure_shows_the_decimals_it_has() -> None:
    # 15590,5 kept (not rounded to 15.591); 100% beside 91,94%, not "100,00%"; computed rates at most 2.
    assert format_figure(15590.5, "triệu đồng", 0) == "15.590,5 triệu đồng"
    assert format_figure(100.0, "%", 2) == "100%"
    assert format_figure(91.94, "%", 2) == "91,94%"
    assert format_figure(100 * 217 / 236, "%", 2) == "91,95%"
    assert format_figure(92, "%", 2, ">=") == "≥ 92%"
    assert format_figure(0.0, "%", 2) == "0%"
