"""Name keys and prefixes: the spellings people and upstream lists use must meet on one key."""

from __future__ import annotations

import unicodedata

import pytest

from danvan_metrics.registry import names


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Hòa Bình", "Hoà Bình"),  # old vs new tone placement
        ("Thủy Nguyên", "Thuỷ Nguyên"),
        ("Khỏe", "Khoẻ"),
        ("Đa Krông", "Đakrông"),  # spaced vs joined
        ("Bà Rịa - Vũng Tàu", "Bà Rịa-Vũng Tàu"),
        ("  Xã  Ngư Thủy ", "Xã Ngư Thủy"),  # stray spaces, as in the statistics office list
        (unicodedata.normalize("NFD", "Xã Trung Giã"), "Xã Trung Giã"),  # not NFC upstream
        ("HÒA BÌNH", "hoà bình"),
        ("Phường 01", "Phường 1"),
    ],
)
def test_spellings_of_one_name_share_the_accent_key(one: str, other: str) -> None:
    assert names.accent_key(one) == names.accent_key(other)


def test_different_tones_stay_apart_with_accents_and_meet_without() -> None:
    assert names.accent_key("Hóa") != names.accent_key("Hòa")
    assert names.bare_key("Hóa") == names.bare_key("Hòa") == names.bare_key("hoa")
    assert names.bare_key("Đình") == "dinh"
    assert names.has_diacritics("Ba Đình") and not names.has_diacritics("ba dinh")


@pytest.mark.parametrize(
    ("text", "kinds", "rest"),
    [
        ("Quận Ba Đình", {names.URBAN_DISTRICT}, "Ba Đình"),
        ("Q. Thanh Xuân", {names.URBAN_DISTRICT}, "Thanh Xuân"),
        ("quận Bắc Từ Liêm", {names.URBAN_DISTRICT}, "Bắc Từ Liêm"),
        ("quan ba dinh", {names.URBAN_DISTRICT}, "ba dinh"),
        ("Q1", {names.URBAN_DISTRICT}, "1"),
        ("P.12", {names.WARD}, "12"),
        ("H. Đa Krông", {names.RURAL_DISTRICT}, "Đa Krông"),
        ("huyện Đakrông", {names.RURAL_DISTRICT}, "Đakrông"),
        ("TP. Bạc Liêu", names.CITY_KINDS, "Bạc Liêu"),
        ("TP Bạc Liêu", names.CITY_KINDS, "Bạc Liêu"),
        ("Thành phố Hà Nội", names.CITY_KINDS, "Hà Nội"),
        ("TX. Quảng Trị", {names.TOWN}, "Quảng Trị"),
        ("Thị xã Quảng Trị", {names.TOWN}, "Quảng Trị"),  # not "xã" + "Quảng Trị"
        ("Thị trấn Ngọc Lặc", {names.TOWNLET}, "Ngọc Lặc"),
        ("tỉnh Bạc Liêu", {names.PROVINCE}, "Bạc Liêu"),
        ("X. Ba Đình", {names.COMMUNE}, "Ba Đình"),
        ("Đặc khu Côn Đảo", {names.SPECIAL_ZONE}, "Côn Đảo"),
    ],
)
def test_kind_words_and_abbreviations_are_recognised(text: str, kinds: set[str], rest: str) -> None:
    assert names.split_prefix(text) == (frozenset(kinds), rest)


@pytest.mark.parametrize("text", ["Quảng Trị", "Hà Nội", "Thành phố", "Q.", "Ba Đình"])
def test_a_name_without_a_prefix_is_left_whole(text: str) -> None:
    assert names.split_prefix(text) == (None, text)


def test_short_name_drops_the_kind_word_but_not_from_a_bare_number() -> None:
    assert names.short_name("Quận Ba Đình", names.URBAN_DISTRICT) == "Ba Đình"
    assert names.short_name("Thành phố Bạc Liêu", names.PROVINCIAL_CITY) == "Bạc Liêu"
    assert names.short_name("Phường 1", names.WARD) == "Phường 1"  # "1" alone names nothing
