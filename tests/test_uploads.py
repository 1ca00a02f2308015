"""Upload write path: preview writes nothing, commit is all-or-nothing and archived, retract restores."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from danvan_metrics.core.text import fold_key
from danvan_metrics.services import uploads
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store
from tests.fixtures import commit_as, retract_as

TODAY = dt.date(2024, 6, 1)
HEADER = "ma_don_vi,ten_don_vi,nam,quy,ma_chi_tieu,gia_tri,tu_so,mau_so,ghi_chu\n"


@dataclass(frozen=True)
class Unit:
    unit_id: str
    name: str
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class ExactResolver:
    """Test double for the registry resolver: exact ids and accent-insensitive names of the fixture units."""

    def __init__(self, store: Store) -> None:
        frame = queries.units(store)
        self.units = [Unit(r.unit_id, r.name) for r in frame.itertuples()]

    def get(self, unit_id: str) -> Unit | None:
        return next((u for u in self.units if u.unit_id == unit_id), None)

    def resolve(self, text: str, *, on: dt.date | None = None, level: str | None = None) -> Sequence[Unit]:
        return [u for u in self.units if fold_key(text) == fold_key(u.name)]

    def suggest(self, text: str, *, limit: int = 5) -> Sequence[Unit]:
        return [u for u in self.units if fold_key(text)[:3] in fold_key(u.name)][:limit]


def _prepare(store: Store, text: str, name: str = "quy1.csv") -> tuple[uploads.Preview, bytes]:
    data = text.encode("utf-8")
    return uploads.prepare(store, data, name, ExactResolver(store), today=TODAY), data


def _current(store: Store, unit: str, metric: str) -> list[tuple[str, float]]:
    frame = queries.trend(store, metric, [unit])
    return [(str(r.period_label), float(r.value)) for r in frame.itertuples()]


def test_a_valid_file_previews_then_commits_and_shows_in_queries(fixture_store: Store) -> None:
    preview, data = _prepare(fixture_store, HEADER + "t-d2,,2024,1,citizen_receptions,1.250,,,\n"
                             "t-d1,,2024,1,complaints_resolved_rate,\"90,0\",45,50,\n")  # fmt: skip
    assert preview.ok and preview.rows_added == 2 and preview.rows_replaced == 0
    assert _current(fixture_store, "t-d1", "complaints_resolved_rate")[-1][0] == "Quý 2/2023"  # nothing written yet
    version = fixture_store.data_version()
    upload_id = commit_as(fixture_store, preview, data, "editor1")
    assert fixture_store.data_version() != version
    assert _current(fixture_store, "t-d1", "complaints_resolved_rate")[-1] == ("Quý 1/2024", 90.0)
    assert ("Quý 1/2024", 1250.0) in _current(fixture_store, "t-d2", "citizen_receptions")
    archived = list((fixture_store.home / "uploads").iterdir())
    assert [p.read_bytes() for p in archived] == [data]
    row = queries.figures(fixture_store, units=["t-d1"], metrics=["complaints_resolved_rate"], limit=1).iloc[0]
    assert row["upload_id"] == upload_id
    # Cited as what it is: the unit's report, sent as a file by an editor — not by a login alone.
    assert row["source_quote"].startswith("Dòng 3 của tệp: mã đơn vị t-d1 · năm 2024 · quý 1")
    assert row["source_publisher"] == "Báo cáo của đơn vị (tệp quy1.csv, editor1 tải lên)"


def test_the_same_file_twice_is_recognised(fixture_store: Store) -> None:
    text = HEADER + "t-d2,,2024,1,citizen_receptions,1250,,,\n"
    preview, data = _prepare(fixture_store, text)
    commit_as(fixture_store, preview, data, "editor1")
    again, _ = _prepare(fixture_store, text, "ban-sao.csv")
    assert again.duplicate_of is not None and not again.ok
    with pytest.raises(uploads.UploadError, match="đã được tải lên"):
        commit_as(fixture_store, again, data, "editor1")


def test_a_replacement_keeps_history_and_retracting_it_restores_the_old_figure(fixture_store: Store) -> None:
    first, data1 = _prepare(fixture_store, HEADER + "t-d2,,2024,1,citizen_receptions,1250,,,\n")
    commit_as(fixture_store, first, data1, "editor1")
    second, data2 = _prepare(fixture_store, HEADER + "t-d2,,2024,1,citizen_receptions,1300,,,sửa số\n")
    assert second.rows_replaced == 1
    assert any("1.250 lượt → 1.300 lượt" in w.message for w in second.warnings)
    upload_id = commit_as(fixture_store, second, data2, "editor2")
    assert ("Quý 1/2024", 1300.0) in _current(fixture_store, "t-d2", "citizen_receptions")
    assert retract_as(fixture_store, upload_id, "admin") == 1
    assert ("Quý 1/2024", 1250.0) in _current(fixture_store, "t-d2", "citizen_receptions")
    with pytest.raises(uploads.UploadError, match="đã được rút lại"):
        retract_as(fixture_store, upload_id, "admin")


def test_a_rejected_file_changes_nothing(fixture_store: Store) -> None:
    before = queries.dump(fixture_store)
    preview, data = _prepare(fixture_store, HEADER + "t-d2,,2024,1,citizen_receptions,1250,,,\n"
                             "t-d9,,2024,1,citizen_receptions,7,,,\n")  # fmt: skip
    assert not preview.ok
    assert [e.describe("quy1.csv") for e in preview.errors] == [
        "tệp quy1.csv, dòng 3, cột ma_don_vi: không tìm thấy đơn vị “t-d9”."
    ]
    with pytest.raises(uploads.UploadError):
        commit_as(fixture_store, preview, data, "editor1")
    assert queries.dump(fixture_store).equals(before)
    assert not (fixture_store.home / "uploads").exists()


def test_an_ambiguous_number_is_an_error_not_a_guess(fixture_store: Store) -> None:
    preview, _ = _prepare(fixture_store, HEADER + "t-d2,,2024,1,citizen_receptions,1.250,,,\n")
    assert [(e.row, e.column) for e in preview.errors] == [(2, "gia_tri")]
    assert "có thể là 1250" in preview.errors[0].message


def _copies_match(store: Store) -> None:
    """The read-side copies (current_by_unit, unit_metric_counts) say exactly what the figures say."""
    with store.connect() as conn:
        by_unit = conn.execute("SELECT obs_id FROM current_by_unit EXCEPT ALL SELECT obs_id FROM current_observations")
        assert by_unit.fetchall() == []
        missing = conn.execute("SELECT obs_id FROM current_observations EXCEPT ALL SELECT obs_id FROM current_by_unit")
        assert missing.fetchall() == []
        counts = conn.execute(
            "SELECT unit_id, metric_id, count(*), max(period_end) FROM current_observations GROUP BY ALL "
            "EXCEPT SELECT * FROM unit_metric_counts UNION ALL "
            "SELECT * FROM unit_metric_counts EXCEPT SELECT unit_id, metric_id, count(*), max(period_end) "
            "FROM current_observations GROUP BY ALL"
        )
        assert counts.fetchall() == []


def test_a_units_profile_and_the_pickers_follow_every_commit_and_retraction(fixture_store: Store) -> None:
    _copies_match(fixture_store)
    before = len(queries.unit_profile(fixture_store, "t-d2"))
    first, data1 = _prepare(fixture_store, HEADER + "t-d2,,2024,1,citizen_receptions,1250,,,\n")
    commit_as(fixture_store, first, data1, "editor1")
    _copies_match(fixture_store)
    second, data2 = _prepare(fixture_store, HEADER + "t-d2,,2024,1,citizen_receptions,1300,,,sửa số\n")
    upload_id = commit_as(fixture_store, second, data2, "editor2")
    _copies_match(fixture_store)
    profile = queries.unit_profile(fixture_store, "t-d2")
    assert len(profile) == before + 1 and 1300.0 in set(profile["value"])
    newest = queries.figures(fixture_store, units=["t-d2"], metrics=["citizen_receptions"], limit=1)
    assert newest["value"].iloc[0] == 1300.0
    retract_as(fixture_store, upload_id, "admin")
    _copies_match(fixture_store)
    assert 1250.0 in set(queries.unit_profile(fixture_store, "t-d2")["value"])
    summary = queries.store_summary(fixture_store).iloc[0]
    assert summary["n_figures"] == len(queries.dump(fixture_store))
