"""The upload corpus (tests/upload_corpus/files, synthetic sample figures): each file's exact outcome.

Every rejected file leaves the store exactly as it was; every accepted file commits and shows.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from danvan_metrics.services import uploads
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store
from danvan_metrics.store.resolving import resolver_for
from tests.fixtures import commit_as

FILES = Path(__file__).resolve().parent / "upload_corpus" / "files"
TODAY = dt.date(2026, 11, 26)
SAVE = "Hãy mở tệp trong Excel và lưu lại"

# file -> rows accepted (None: rejected) and the errors: (row, column, start of the message)
EXPECTED: dict[str, tuple[int | None, list[tuple[int | None, str | None, str]]]] = {
    "01_utf8.csv": (2, []),
    "02_utf8_bom.csv": (1, []),
    "03_utf16_tab.txt": (1, []),
    "04_cp1258_semicolon.csv": (1, []),
    "05_cp1252.csv": (1, []),
    "06_semicolon_decimal_comma.csv": (1, []),
    "07_title_block.csv": (1, []),
    "08_english_headers.csv": (1, []),
    "09_plain_numbers.csv": (1, []),
    "10_ambiguous_number.csv": (
        None,
        [(2, "gia_tri", "“1.250” có thể là 1250 (dấu chấm phân cách hàng nghìn) hoặc 1.250")],
    ),
    "11_mixed_notation.csv": (
        None,
        [(None, "gia_tri", "Tệp dùng lẫn hai cách viết số: “91,94” (dấu phẩy thập phân) và “90.5”")],
    ),
    "12_unknown_unit.csv": (
        None,
        [(2, "ten_don_vi", "không tìm thấy đơn vị “Quận Ba Dinhh”. Có phải là: Quận Ba Đình")],
    ),
    "13_unknown_metric.csv": (None, [(2, "ma_chi_tieu", "không có chỉ tiêu “so_cuoc_hop” trong danh mục")]),
    "14_year_out_of_range.csv": (None, [(2, "nam", "năm 1999 nằm ngoài khoảng 2000–2026")]),
    "15_bad_quarter.csv": (None, [(2, "quy", "quý “5” không hợp lệ")]),
    "16_value_not_number.csv": (None, [(2, "gia_tri", "“nhiều” không phải là số")]),
    "17_rate_over_100.csv": (None, [(2, "gia_tri", "tỷ lệ 120% nằm ngoài khoảng 0–100")]),
    "18_numerator_over_denominator.csv": (None, [(2, "tu_so", "tử số 240 lớn hơn mẫu số 236")]),
    "19_value_disagrees_with_parts.csv": (None, [(2, "gia_tri", "giá trị 95,00% khác tử số/mẫu số 217/236")]),
    "20_negative_count.csv": (None, [(2, "gia_tri", "Lượt tiếp công dân không thể âm (-5)")]),
    "21_duplicate_rows.csv": (None, [(3, None, "trùng dòng 2 (cùng đơn vị, chỉ tiêu và kỳ Quý 1/2024)")]),
    "22_conflicting_rows.csv": (None, [(3, None, "mâu thuẫn với dòng 2 (cùng đơn vị, chỉ tiêu và kỳ Quý 1/2024)")]),
    "23_unit_gone_in_period.csv": (
        None,
        [(2, "ma_don_vi", "Quận Ba Đình không còn từ 01/07/2025; nay là Phường Ba Đình, Phường Giảng Võ")],
    ),
    "24_id_and_name_disagree.csv": (
        None,
        [(2, "ten_don_vi", "tên “Quận Thanh Xuân” không khớp mã đơn vị pre-d001 (Quận Ba Đình)")],
    ),
    "25_empty.csv": (None, [(None, None, "Tệp rỗng: không có dòng nào.")]),
    "26_header_only.csv": (None, [(None, None, "Tệp chỉ có dòng tiêu đề, không có dòng số liệu nào.")]),
    "27_truncated.xlsx": (None, [(None, None, "Tệp Excel bị hỏng hoặc không đọc được. " + SAVE)]),
    "28_corrupt.xlsx": (None, [(None, None, "Tệp Excel bị hỏng hoặc không đọc được. " + SAVE)]),
    "29_zip_bomb.xlsx": (None, [(None, None, "Tệp Excel giải nén ra 286 MB, quá lớn")]),
    "30_renamed_png.csv": (None, [(None, None, "Tệp chứa ký tự nhị phân (byte 0): không phải CSV văn bản. " + SAVE)]),
    "31_formula.xlsx": (None, [(2, "gia_tri", "thiếu giá trị")]),
    "32_very_long_note.csv": (None, [(2, "ghi_chu", "ghi chú dài 5000 ký tự, vượt giới hạn 1000")]),
    "33_macro.xlsm": (None, [(None, None, "Không nhận tệp .xlsm: chỉ nhận .xlsx và .csv. " + SAVE)]),
    "34_good.xlsx": (2, []),
    "35_quarter_words.csv": (3, []),
    "36_no_template_header.csv": (None, [(None, None, "Không tìm thấy dòng tiêu đề của mẫu")]),
    "37_metric_by_name.csv": (1, []),
    "38_ambiguous_name.csv": (None, [(2, "ten_don_vi", "“Ba Đình” có thể là nhiều đơn vị: Quận Ba Đình (pre-d001)")]),
}


def test_the_corpus_has_every_file_and_no_other() -> None:
    assert sorted(p.name for p in FILES.iterdir()) == sorted(EXPECTED)
    assert len(EXPECTED) >= 30


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_file_has_its_exact_outcome(name: str, real_store: Store) -> None:
    rows, errors = EXPECTED[name]
    data = (FILES / name).read_bytes()
    before = queries.dump(real_store)
    version = real_store.data_version()
    preview = uploads.prepare(real_store, data, name, resolver_for(real_store), today=TODAY)
    found = [(e.row, e.column, e.message) for e in preview.errors]
    assert len(found) == len(errors), found
    for (row, column, message), (want_row, want_column, want_start) in zip(found, errors, strict=True):
        assert (row, column) == (want_row, want_column)
        assert message.startswith(want_start), message
    if rows is None:
        assert not preview.ok
        with pytest.raises(uploads.UploadError):
            commit_as(real_store, preview, data, "kiem.thu")
        assert queries.dump(real_store).equals(before)  # nothing changed
        assert real_store.data_version() == version
        assert not (real_store.home / "uploads").exists()
    else:
        assert preview.ok and len(preview.validation.rows) == rows
        upload_id = commit_as(real_store, preview, data, "kiem.thu")
        mine = queries.dump(real_store).loc[lambda d: d["upload_id"] == upload_id]
        assert len(mine) == rows
        assert (real_store.home / "uploads" / f"{preview.sha256}{Path(name).suffix}").read_bytes() == data


def test_windows_1258_text_is_stored_composed_not_as_mojibake(real_store: Store) -> None:
    data = (FILES / "04_cp1258_semicolon.csv").read_bytes()
    preview = uploads.prepare(real_store, data, "q.csv", resolver_for(real_store), today=TODAY)
    assert preview.table is not None and preview.table.encoding == "cp1258"
    [row] = preview.validation.rows
    assert row.unit_name == "Quận Ba Đình" and row.note == "ghi chú" and row.value == 91.94


def test_the_readme_example_file_is_valid_and_labelled_as_sample(real_store: Store) -> None:
    path = Path(__file__).resolve().parents[1] / "examples" / "so-lieu-quy-MAU.csv"
    preview = uploads.prepare(real_store, path.read_bytes(), path.name, resolver_for(real_store), today=TODAY)
    assert preview.ok and preview.rows_added == 4
    assert all(row.note.startswith("SỐ LIỆU MẪU") for row in preview.validation.rows)
    assert {row.unit_id for row in preview.validation.rows} == {"post-c00004", "post-c00008"}


def test_a_common_name_beside_an_exact_id_is_accepted(real_store: Store) -> None:
    data = "ma_don_vi,ten_don_vi,nam,quy,ma_chi_tieu,gia_tri\npre-d001,Ba Đình,2024,1,citizen_receptions,120\n"
    preview = uploads.prepare(real_store, data.encode(), "q1.csv", resolver_for(real_store), today=TODAY)
    assert preview.ok and [row.unit_id for row in preview.validation.rows] == ["pre-d001"]
    wrong = data.replace("Ba Đình", "Thanh Xuân")
    preview = uploads.prepare(real_store, wrong.encode(), "q1.csv", resolver_for(real_store), today=TODAY)
    assert [e.column for e in preview.errors] == ["ten_don_vi"]  # a name that is not the id's unit still fails
