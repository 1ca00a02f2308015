"""Hostile uploads (issue #21, #20): every one is refused with its row and column, and nothing is written.

Each case is a file an attacker on the office network, or a broken export, could send. The store
must be unchanged after each refusal, and no exception may escape the reader or the validator.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile

import openpyxl
import pytest

from danvan_metrics.core.formats import format_figure, format_number, format_parts
from danvan_metrics.ingest import read_xlsx
from danvan_metrics.ingest.read import read_upload
from danvan_metrics.ingest.table import UploadRejected
from danvan_metrics.services import uploads
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store
from danvan_metrics.store.resolving import resolver_for
from tests.fixtures import commit_as

TODAY = dt.date(2026, 11, 26)
HEADER = "ma_don_vi,ten_don_vi,nam,quy,ma_chi_tieu,gia_tri,tu_so,mau_so,ghi_chu"
RATE = 'pre-d001,Quận Ba Đình,2024,{q},complaints_resolved_rate,"91,94",217,236,{note}'
COUNT = "pre-d001,Quận Ba Đình,2024,{q},citizen_receptions,{value},,,"


def csv_file(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


def xlsx_file(rows: list[list[object]], *, hidden_first: list[list[object]] | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    if hidden_first is not None:
        sheet.title = "An"
        for row in [HEADER.split(","), *hidden_first]:
            sheet.append(row)
        sheet.sheet_state = "hidden"
        sheet = book.create_sheet("So lieu")
    for row in [HEADER.split(","), *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def refused(store: Store, data: bytes, name: str) -> list[tuple[int | None, str | None, str]]:
    """The errors of a refused upload, after checking that committing it is refused and writes nothing."""
    before, version = queries.dump(store), store.data_version()
    preview = uploads.prepare(store, data, name, resolver_for(store), today=TODAY)
    assert not preview.ok
    with pytest.raises(uploads.UploadError):
        commit_as(store, preview, data, "kiem.thu")
    assert queries.dump(store).equals(before)
    assert store.data_version() == version
    return [(e.row, e.column, e.message) for e in preview.errors]


# 1. Numbers beyond what a figure can be


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("pre-d001,,2024,1,complaints_resolved_rate,," + "1" + "0" * 30 + ",1" + "0" * 30 + ",", "tu_so"),
        (COUNT.format(q=1, value="1" + "0" * 28), "gia_tri"),
        (COUNT.format(q=1, value="2000000000000"), "gia_tri"),
        ("pre-d001,,2024,1,poor_household_loan_amount,1" + "0" * 16 + ",,,", "gia_tri"),
    ],
)
def test_numbers_too_large_for_their_kind_are_refused(real_store: Store, row: str, column: str) -> None:
    errors = refused(real_store, csv_file(row), "lon.csv")
    assert errors and errors[0][:2] == (2, column)
    assert errors[0][2].startswith("số quá lớn"), errors


@pytest.mark.parametrize("value", [1e308, -1e308, 1e28])
def test_an_xlsx_cell_with_an_extreme_number_is_refused_not_crashed(real_store: Store, value: float) -> None:
    data = xlsx_file([["pre-d001", "", 2024, 1, "citizen_receptions", value, None, None, None]])
    errors = refused(real_store, data, "lon.xlsx")
    assert [(r, c) for r, c, _ in errors] == [(2, "gia_tri")]
    assert errors[0][2].startswith("số quá lớn")


@pytest.mark.parametrize("text", ["NaN", "nan", "Infinity", "-inf", "1e400", "0x10"])
def test_non_numbers_are_refused_by_cell(real_store: Store, text: str) -> None:
    errors = refused(real_store, csv_file(COUNT.format(q=1, value=text)), "so.csv")
    assert [(r, c) for r, c, _ in errors] == [(2, "gia_tri")]


def test_the_largest_real_figures_still_go_in(real_store: Store) -> None:
    data = csv_file(COUNT.format(q=1, value="999999999999"))
    preview = uploads.prepare(real_store, data, "ok.csv", resolver_for(real_store), today=TODAY)
    assert preview.ok, [e.message for e in preview.errors]


@pytest.mark.parametrize("value", [1e308, -1e308, 1e28, 1e30, 5e-324, float("inf"), float("nan"), 10**40])
def test_every_formatter_is_total(value: float) -> None:
    # No stored value may make a page fail: each formatter returns text for any number.
    assert isinstance(format_number(value, 2), str)
    assert isinstance(format_figure(value, "%", 2, ">="), str)
    assert isinstance(format_parts(value, value, "đơn"), str)
    assert format_number(1e30) == "1" + ".000" * 10


# 2. Quotes that swallow rows


def test_an_unclosed_quote_is_refused_at_the_row_where_it_opens(real_store: Store) -> None:
    rows = [RATE.format(q=q, note="ghi chú") for q in (1, 2, 3, 4)]
    rows[1] = RATE.format(q=2, note='"ghi chú mở ngoặc mà không đóng')
    rows += [COUNT.format(q=1, value=1250), COUNT.format(q=2, value=1300)]
    errors = refused(real_store, csv_file(*rows), "ngoac.csv")
    assert [(r, c) for r, c, _ in errors] == [(3, "ghi_chu")]
    assert "thiếu dấu ngoặc kép đóng" in errors[0][2]


def test_a_quote_closed_rows_later_is_refused_too(real_store: Store) -> None:
    rows = [RATE.format(q=1, note='"mở ở đây'), RATE.format(q=2, note="x"), RATE.format(q=3, note='đóng ở đây"')]
    errors = refused(real_store, csv_file(*rows), "ngoac2.csv")
    assert [(r, c) for r, c, _ in errors] == [(2, "ghi_chu")]
    assert "thiếu dấu ngoặc kép đóng" in errors[0][2]


def test_a_real_line_break_in_a_note_is_kept_and_rows_keep_their_line_numbers(real_store: Store) -> None:
    rows = [RATE.format(q=1, note='"dòng một\ndòng hai"'), "pre-d001,,2024,2,complaints_resolved_rate,200,,,"]
    preview = uploads.prepare(real_store, csv_file(*rows), "xuong-dong.csv", resolver_for(real_store), today=TODAY)
    assert preview.validation.rows[0].note == "dòng một\ndòng hai"
    # The second record starts on line 4 of the file (the note spans lines 2–3): errors name line 4.
    assert [(e.row, e.column) for e in preview.errors] == [(4, "gia_tri")]


def test_text_after_a_closing_quote_is_refused(real_store: Store) -> None:
    errors = refused(real_store, csv_file(RATE.format(q=1, note='"ghi" chú')), "ngoac3.csv")
    assert [(r, c) for r, c, _ in errors] == [(2, "ghi_chu")]


# 3. Oversized cells, control characters, blank rows, extra columns


def test_a_cell_over_the_limit_is_refused_with_row_column_and_limit(real_store: Store) -> None:
    errors = refused(real_store, csv_file(RATE.format(q=1, note="x" * 1_000_000)), "dai.csv")
    assert [(r, c) for r, c, _ in errors] == [(2, "ghi_chu")]
    assert "32.767" in errors[0][2]


def test_a_huge_unit_name_is_refused_quickly(real_store: Store) -> None:
    errors = refused(real_store, csv_file(f",{'Ba Đình' * 3000},2024,1,citizen_receptions,5,,,"), "ten.csv")
    assert [(r, c) for r, c, _ in errors] == [(2, "ten_don_vi")]


@pytest.mark.parametrize("char", ["\x01", "\x08", "\x1b", "\x7f", "\x85", "\u202e"])
def test_control_characters_are_refused_by_cell(real_store: Store, char: str) -> None:
    errors = refused(real_store, csv_file(RATE.format(q=1, note=f"ghi{char}chú")), "dieu-khien.csv")
    assert [(r, c) for r, c, _ in errors] == [(2, "ghi_chu")]
    assert f"U+{ord(char):04X}" in errors[0][2]


@pytest.mark.parametrize(
    "data",
    [
        b"\xef\xbb\xbf" + csv_file(RATE.format(q=1, note="a\x00b")),
        "\ufeff".encode("utf-16") + HEADER.encode("utf-16-le") + "\n\x00".encode("utf-16-le"),
    ],
)
def test_nul_bytes_are_refused_after_a_bom_or_in_utf16(real_store: Store, data: bytes) -> None:
    errors = refused(real_store, data, "nul.csv")
    assert errors[0][2].startswith("Tệp chứa ký tự nhị phân")


def test_blank_rows_count_toward_the_row_limit() -> None:
    data = csv_file(RATE.format(q=1, note=""), *([",,,,,,,,"] * 50))
    with pytest.raises(UploadRejected, match="hơn 10 dòng"):
        read_upload(data, "trong.csv", max_rows=10)
    data = xlsx_file([[None] * 9] * 50 + [["pre-d001", "", 2024, 1, "citizen_receptions", 5, None, None, None]])
    with pytest.raises(UploadRejected, match="hơn 10 dòng"):
        read_upload(data, "trong.xlsx", max_rows=10)


def test_extra_columns_are_named_in_a_warning(real_store: Store) -> None:
    data = (HEADER + ",cot_la\n" + COUNT.format(q=1, value=5) + ",bí mật\n").encode()
    preview = uploads.prepare(real_store, data, "them-cot.csv", resolver_for(real_store), today=TODAY)
    assert preview.ok
    assert [(w.column, w.message[:21]) for w in preview.warnings] == [("cot_la", "cột này không thuộc m")]


# 4. XLSX: hidden sheets, decompressed size, time


def test_the_visible_sheet_is_read_not_a_hidden_one(real_store: Store) -> None:
    hidden = [["pre-d001", "", 2024, 1, "citizen_receptions", 999, None, None, "ẩn"]]
    visible = [["pre-d001", "", 2024, 1, "citizen_receptions", 5, None, None, "hiện"]]
    table = read_upload(xlsx_file(visible, hidden_first=hidden), "an.xlsx")
    assert table.sheet == "So lieu"
    assert [cells["ghi_chu"].text for _, cells in table.rows] == ["hiện"]


def test_a_template_only_on_a_hidden_sheet_is_refused(real_store: Store) -> None:
    book = openpyxl.Workbook()
    book.active.append(["Ghi chú: xem trang khác"])
    hidden = book.create_sheet("Du lieu")
    hidden.append(HEADER.split(","))
    hidden.append(["pre-d001", "", 2024, 1, "citizen_receptions", 5, None, None, None])
    hidden.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    errors = refused(real_store, buffer.getvalue(), "an2.xlsx")
    assert errors[0][2].startswith("Trang tính “Du lieu” có dòng tiêu đề của mẫu nhưng đang bị ẩn")


def test_shared_strings_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read_xlsx, "XLSX_MAX_SHARED_STRINGS", 1024 * 1024)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/sharedStrings.xml", "<sst>" + os.urandom(800_000).hex() + "</sst>")
    with pytest.raises(UploadRejected, match="quá lớn"):
        read_upload(buffer.getvalue(), "chuoi.xlsx")


def test_reading_an_xlsx_is_bounded_in_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read_xlsx, "READ_SECONDS", 0.0)
    rows = [["pre-d001", "", 2024, 1, "citizen_receptions", i, None, None, None] for i in range(2500)]
    with pytest.raises(UploadRejected, match="Đọc tệp Excel quá 0 giây"):
        read_upload(xlsx_file(rows), "cham.xlsx")
