"""Numbers in uploads: Vietnamese and plain notations, decided per file, never guessed."""

from __future__ import annotations

import pytest

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
