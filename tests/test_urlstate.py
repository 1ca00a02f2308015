"""Links reproduce views; stale or hand-edited links fall back safely instead of breaking a page."""

from __future__ import annotations

from danvan_metrics import urlstate

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
