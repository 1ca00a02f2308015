"""`cache.built`: a figure built once per data version and selection, rebuilt when the data changes."""

from __future__ import annotations

from danvan_metrics.services import uploads
from danvan_metrics.store.resolving import resolver_for
from danvan_metrics.ui import cache
from tests.fixtures import commit_as


def test_a_built_value_is_reused_for_the_same_key_and_rebuilt_after_an_upload() -> None:
    calls: list[str] = []

    def build(name: str) -> object:
        calls.append(name)
        return object()

    first = cache.built(("chart", "a"), lambda: build("a"))
    assert cache.built(("chart", "a"), lambda: build("a")) is first  # the same object, not a copy
    assert cache.built(("chart", "b"), lambda: build("b")) is not first
    assert calls == ["a", "b"]

    store = cache.get_store()
    data = b"ma_don_vi,nam,quy,ma_chi_tieu,gia_tri\npre-d001,2024,1,citizen_receptions,120\n"
    preview = uploads.prepare(store, data, "q1.csv", resolver_for(store))
    commit_as(store, preview, data, "bien.tap")
    assert cache.built(("chart", "a"), lambda: build("a")) is not first  # new figures: built again
    assert calls == ["a", "b", "a"]
