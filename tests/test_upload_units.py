"""Units in an upload, as editors name them (issue #13): gone units named with what they became,
ambiguous names chosen in the preview for this file, and the template's "code · name" drop-downs."""

from __future__ import annotations

import datetime as dt

from danvan_metrics.services import uploads
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store
from danvan_metrics.store.resolving import resolver_for
from tests.fixtures import commit_as

TODAY = dt.date(2026, 11, 26)
HEADER = "ma_don_vi,ten_don_vi,nam,quy,ma_chi_tieu,gia_tri\n"


def _prepare(store: Store, rows: str, choices: dict[str, str] | None = None) -> uploads.Preview:
    data = (HEADER + rows).encode()
    return uploads.prepare(store, data, "q.csv", resolver_for(store), today=TODAY, choices=choices)


def test_a_unit_gone_by_the_period_is_named_with_its_date_and_successors(real_store: Store) -> None:
    preview = _prepare(real_store, ",Quận Ba Đình,2026,1,citizen_receptions,5\n")
    [error] = preview.errors
    assert (error.row, error.column) == (2, "ten_don_vi")
    assert error.message.startswith("Quận Ba Đình không còn từ 01/07/2025; nay là Phường Ba Đình, ")
    assert "Phường Ngọc Hà" in error.message and "Có phải là" not in error.message


def test_by_id_too_the_gone_unit_names_its_successors(real_store: Store) -> None:
    [error] = _prepare(real_store, "pre-d001,,2026,1,citizen_receptions,5\n").errors
    assert error.message.startswith("Quận Ba Đình không còn từ 01/07/2025; nay là ")


def test_a_suggestion_never_repeats_the_name_typed(real_store: Store) -> None:
    [error] = _prepare(real_store, ",Quận Ba Đìnhh,2024,1,citizen_receptions,5\n").errors
    assert error.message.startswith("không tìm thấy đơn vị “Quận Ba Đìnhh”. Có phải là: Quận Ba Đình")


def test_an_ambiguous_name_offers_its_candidates_and_a_choice_resolves_it(real_store: Store) -> None:
    rows = ",Đa Krông,2024,1,citizen_receptions,120\n,Đa Krông,2024,2,citizen_receptions,130\n"
    preview = _prepare(real_store, rows)
    assert preview.ambiguous == {"Đa Krông": ("pre-d467", "pre-c19564")}
    assert [e.row for e in preview.errors] == [2, 3]
    chosen = _prepare(real_store, rows, {"Đa Krông": "pre-d467"})
    assert chosen.ok and {r.unit_id for r in chosen.validation.rows} == {"pre-d467"}
    assert chosen.choices == {"Đa Krông": "pre-d467"}
    upload_id = commit_as(real_store, chosen, (HEADER + rows).encode(), "bien.tap")
    log = queries.upload_log(real_store).set_index("upload_id")
    assert log.loc[upload_id, "choices"] == "“Đa Krông” là pre-d467"
    audit = queries.audit_log(real_store)
    assert audit.loc[audit["action"] == "upload", "detail"].str.contains("“Đa Krông” là pre-d467").all()


def test_a_choice_for_another_file_or_name_changes_nothing(real_store: Store) -> None:
    preview = _prepare(real_store, ",Đa Krông,2024,1,citizen_receptions,120\n", {"Ba Đình": "pre-d001"})
    assert not preview.ok and preview.choices == {}


def test_the_templates_drop_down_values_are_read(real_store: Store) -> None:
    row = "pre-d001 · Quận Ba Đình (Thành phố Hà Nội),,2024,1,citizen_receptions · Lượt tiếp công dân,120\n"
    preview = _prepare(real_store, row)
    assert preview.ok, [e.message for e in preview.errors]
    [parsed] = preview.validation.rows
    assert (parsed.unit_id, parsed.metric_id) == ("pre-d001", "citizen_receptions")


def test_a_jump_is_measured_against_the_figures_as_they_will_stand(real_store: Store) -> None:
    stored = _prepare(real_store, "pre-d001,,2024,1,citizen_receptions,61\n")
    commit_as(real_store, stored, (HEADER + "pre-d001,,2024,1,citizen_receptions,61\n").encode(), "bien.tap")
    # Alone, 610 after a stored 61 is a tenfold jump worth a warning.
    alone = _prepare(real_store, "pre-d001,,2024,2,citizen_receptions,610\n")
    assert any("thay đổi lớn so với kỳ trước" in w.message for w in alone.warnings)
    # The same file corrects Q1 to 600: Q2's 610 is no jump, only Q1's replacement is said.
    both = _prepare(real_store, "pre-d001,,2024,1,citizen_receptions,600\npre-d001,,2024,2,citizen_receptions,610\n")
    assert [w.message for w in both.warnings if w.row == 3] == []  # row 3 is Q2
    assert [w.message for w in both.warnings if w.row == 2] == [
        "thay số liệu đang lưu của Quý 1/2024: 61 lượt → 600 lượt"
    ]
