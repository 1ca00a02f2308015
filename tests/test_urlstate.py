"""Links reproduce views; stale or hand-edited links fall back safely instead of breaking a page."""

from __future__ import annotations

from danvan_metrics.ui import urlstate

OPTIONS = ["complaints_resolved_rate", "communes", "citizen_receptions"]


def test_a_known_value_is_restored_and_an_unknown_one_falls_back() -> None:
    assert urlstate.decode_one("communes", OPTIONS, "citizen_receptions") == "communes"
    assert urlstate.decode_one("'; DROP TABLE x", OPTIONS, "citizen_receptions") == "citizen_receptions"
    assert urlstate.decode_one(None, OPTIONS, "not-an-option") is None


def test_lists_keep_the_links_order_and_drop_unknown_or_repeated_values() -> None:
    assert urlstate.decode_many("communes,nope,complaints_resolved_rate,communes", OPTIONS) == [
        "communes",
        "complaints_resolved_rate",
    ]
    assert urlstate.decode_many(None, OPTIONS, ["communes"]) == ["communes"]


def test_encoding_round_trips_and_empty_values_leave_the_url() -> None:
    assert urlstate.encode(["a", "b"]) == "a,b"
    assert urlstate.decode_many(urlstate.encode(OPTIONS[:2]), OPTIONS) == OPTIONS[:2]
    assert urlstate.encode([]) is None
    assert urlstate.encode("") is None


CATEGORIES = ["An sinh xã hội", "Giải quyết khiếu nại, tố cáo", "Hòa giải"]


def test_a_name_with_a_comma_is_written_as_a_slug_and_read_back_whole() -> None:
    text = urlstate.encode(["Giải quyết khiếu nại, tố cáo", "Hòa giải"], CATEGORIES)
    assert text == "giai-quyet-khieu-nai-to-cao,hoa-giai"
    assert urlstate.read_many(text, CATEGORIES) == urlstate.Decoded(["Giải quyết khiếu nại, tố cáo", "Hòa giải"])


def test_links_written_before_slugs_and_hand_typed_names_still_read() -> None:
    old = "Giải quyết khiếu nại, tố cáo,Hòa giải"  # names joined by commas, as links used to be
    assert urlstate.decode_many(old, CATEGORIES) == ["Giải quyết khiếu nại, tố cáo", "Hòa giải"]
    assert urlstate.decode_many("hoa giai,HOÀ GIẢI", CATEGORIES) == ["Hòa giải"]


def test_what_a_link_names_that_is_no_option_is_reported_not_dropped_silently() -> None:
    decoded = urlstate.read_many("hoa-giai,xyz,,an-sinh-xa-hoi", CATEGORIES)
    assert decoded == urlstate.Decoded(["Hòa giải", "An sinh xã hội"], ["xyz"])
    assert urlstate.read_one("pre-d999", ["pre-d001"], "pre-d001") == urlstate.Decoded(["pre-d001"], ["pre-d999"])
    assert urlstate.read_one(None, ["pre-d001"], "pre-d001") == urlstate.Decoded(["pre-d001"])


def test_ids_stay_as_they_are_and_tokens_never_collide() -> None:
    assert urlstate.tokens(["pre-d001", "upload:U1", "2015-01-01..2020-06-02"]) == {
        "pre-d001": "pre-d001",
        "upload:U1": "upload:U1",
        "2015-01-01..2020-06-02": "2015-01-01..2020-06-02",
    }
    assert urlstate.tokens(["hoa-giai", "Hòa giải", "Hoà giải"]) == {
        "hoa-giai": "hoa-giai",
        "Hòa giải": "hoa-giai-2",
        "Hoà giải": "hoa-giai-3",
    }
    assert urlstate.decode_many("a,b", ["a", "b", "A, B"]) == ["a", "b"]  # two tokens, not the name "A, B"
