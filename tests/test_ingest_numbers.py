"""Numbers in uploads and source documents: Vietnamese and plain notations, decided per file, never guessed.

The curation checker (`ingest.check`) reads the documents' figures with the Vietnamese notation.
"""

from __future__ import annotations

import pytest

from danvan_metrics.core.formats import format_number
from danvan_metrics.ingest.numbers import Notation, NumberError, decimals_written, infer_notation, parse_number


@pytest.mark.parametrize(
    ("cells", "notation"),
    [
        (["91,94", "15.590"], Notation.VIETNAMESE),
        (["1.234,5"], Notation.VIETNAMESE),
        (["91.94", "15590"], Notation.PLAIN),
        (["1,234.5"], Notation.PLAIN),
        (["15.590", "1.234", "236"], Notation.UNKNOWN),
    ],
)
def test_a_files_notation_is_read_from_its_unambiguous_cells(cells: list[str], notation: Notation) -> None:
    assert infer_notation(cells).notation is notation


def test_a_file_mixing_notations_is_refused_with_an_example_of_each() -> None:
    with pytest.raises(NumberError, match="“91,94”.*“2.5”"):
        infer_notation(["91,94", "2.5"])


@pytest.mark.parametrize(
    ("text", "notation", "number"),
    [
        ("15.590", Notation.VIETNAMESE, 15590.0),
        ("91,94%", Notation.VIETNAMESE, 91.94),
        ("1.234.567", Notation.VIETNAMESE, 1234567.0),
        ("91.94", Notation.PLAIN, 91.94),
        ("15.590", Notation.PLAIN, 15.59),
        ("1,234", Notation.PLAIN, 1234.0),
        (" 4 941 ", Notation.UNKNOWN, 4941.0),
        ("217", Notation.UNKNOWN, 217.0),
    ],
)
def test_numbers_parse_under_the_files_notation(text: str, notation: Notation, number: float) -> None:
    assert parse_number(text, notation) == pytest.approx(number)


def test_an_ambiguous_number_in_a_file_without_hints_is_an_error_that_says_so() -> None:
    with pytest.raises(NumberError) as caught:
        parse_number("1.234", Notation.UNKNOWN)
    assert "có thể là 1234" in str(caught.value) and "hoặc 1.234" in str(caught.value)


@pytest.mark.parametrize("text", ["abc", "12a", "1..2", "--3", "=SUM(A1)"])
def test_text_that_is_not_a_number_is_refused(text: str) -> None:
    with pytest.raises(NumberError, match="không phải là số"):
        parse_number(text, Notation.VIETNAMESE)


def test_decimals_as_written() -> None:
    assert decimals_written("91,94", Notation.VIETNAMESE) == 2
    assert decimals_written("15.590", Notation.VIETNAMESE) == 0
    assert decimals_written("91.9", Notation.PLAIN) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15.590", 15590),
        ("91,94%", 91.94),
        ("91,94", 91.94),
        ("22.785", 22785),
        ("4941", 4941),
        ("1.234.567", 1234567),
        ("1.234,5", 1234.5),
        (" 92 % ", 92),
        ("100%", 100),
        ("-5", -5),
    ],
)
def test_figures_as_vietnamese_documents_write_them(text: str, expected: float) -> None:
    assert parse_number(text, Notation.VIETNAMESE) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1.23", "“1.23” dùng dấu chấm thập phân"),  # "." groups thousands: groups after the first have three digits
        ("1.2345", "“1.2345” dùng dấu chấm thập phân"),
        ("1..234", "“1..234” không phải là số"),
        (".590", "“.590” không phải là số"),  # a group separator with nothing before it
        ("1234.567", "“1234.567” dùng dấu chấm thập phân"),  # the first group has at most three digits
        ("abc", "“abc” không phải là số"),
        ("12a", "“12a” không phải là số"),
        ("", "ô trống"),
        ("   ", "ô trống"),
        ("%", "ô trống"),
        ("1,2,3", "“1,2,3” không phải là số"),
        ("91.94", "“91.94” dùng dấu chấm thập phân"),  # English decimal point: would silently read as 9194
        ("+5", "“+5” không phải là số"),
    ],
)
def test_what_is_not_a_vietnamese_number_is_refused(text: str, message: str) -> None:
    with pytest.raises(NumberError) as caught:
        parse_number(text, Notation.VIETNAMESE)
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("91,94%", 2), ("15.590", 0), ("92%", 0), ("90,00%", 2), ("97,5", 1), ("4941", 0), (" 91,94 % ", 2)],
)
def test_decimals_as_vietnamese_documents_write_them(text: str, expected: int) -> None:
    assert decimals_written(text, Notation.VIETNAMESE) == expected


@pytest.mark.parametrize(("text", "notation"), [("91,949", Notation.VIETNAMESE), ("91.949", Notation.PLAIN)])
def test_three_decimals_count_as_decimals_where_the_notation_reads_them_so(text: str, notation: Notation) -> None:
    # Read as 91.949, so a rate written so is held to three decimals, as the checker holds "91,949%".
    assert parse_number(text, notation) == pytest.approx(91.949)
    assert decimals_written(text, notation) == 3
    assert decimals_written("1.234", Notation.UNKNOWN) == 0  # undecided: never read as a number


def test_format_and_parse_round_trip() -> None:
    for value, decimals in [(15590, 0), (91.94, 2), (1234567.5, 1), (0, 0)]:
        text = format_number(value, decimals)
        assert parse_number(text, Notation.VIETNAMESE) == pytest.approx(value)
        assert decimals_written(text, Notation.VIETNAMESE) == decimals
