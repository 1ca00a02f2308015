"""The template's table as every reader fills it: its columns, the header row, the cells under it.

CSV (`read_csv`) and XLSX (`read_xlsx`) hand their records here; the header row is found below a
title block, every later row is keyed by template column, and a cell no template holds is refused
with the row and column it stands in.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from danvan_metrics.core.text import fold_key

# The template, a user-facing contract: Vietnamese column names, English accepted too.
TEMPLATE_COLUMNS: tuple[str, ...] = (
    "ma_don_vi",
    "ten_don_vi",
    "nam",
    "quy",
    "ma_chi_tieu",
    "gia_tri",
    "tu_so",
    "mau_so",
    "ghi_chu",
)
# How a row is quoted as the source of its figure ("Dòng 5 của tệp: mã đơn vị post-c00008 · năm 2024 · …").
COLUMN_LABELS: dict[str, str] = {
    "ma_don_vi": "mã đơn vị",
    "ten_don_vi": "tên đơn vị",
    "nam": "năm",
    "quy": "quý",
    "ma_chi_tieu": "chỉ tiêu",
    "gia_tri": "giá trị",
    "tu_so": "tử số",
    "mau_so": "mẫu số",
    "ghi_chu": "ghi chú",
}
ENGLISH_COLUMNS: dict[str, str] = {
    "unit_id": "ma_don_vi",
    "unit_name": "ten_don_vi",
    "year": "nam",
    "quarter": "quy",
    "metric_id": "ma_chi_tieu",
    "value": "gia_tri",
    "numerator": "tu_so",
    "denominator": "mau_so",
    "note": "ghi_chu",
}
# A drop-down entry: the code, then what a person recognises it by ("post-c24823 · Xã Tân Phú (Tỉnh Đồng Nai)");
# the validator keeps what is before it.
CHOICE_SEPARATOR = " · "
HEADER_SEARCH_ROWS = 30
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell: anything longer was not typed into the template
SAVE_AS_HINT = (
    "Hãy mở tệp trong Excel và lưu lại bằng “Lưu thành” → “CSV UTF-8 (phân cách bằng dấu phẩy)” "
    "hoặc “Sổ làm việc Excel (.xlsx)”."
)


class UploadRejected(Exception):
    """The whole file cannot be read; the message (Vietnamese) says why and what to do, and where."""

    def __init__(self, message: str, row: int | None = None, column: str | None = None) -> None:
        # Read alone it says where; `message` is the same without the place, for a table with row and column.
        super().__init__(f"Dòng {row}, cột {column}: {message}" if row is not None else message)
        self.message = message
        self.row = row
        self.column = column


class BadQuote(Exception):
    """A record whose quoting is broken: the line it starts on and the field where the quote opens."""

    def __init__(self, line: int, field_index: int, closed: bool) -> None:
        super().__init__(line, field_index, closed)
        self.line, self.field_index, self.closed = line, field_index, closed


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell: its text as the file holds it, and a number when the file stores one natively (XLSX)."""

    text: str
    number: float | None = None


@dataclass(slots=True)
class RawTable:
    """The template's columns found in the file and every data row, with its row number in the file."""

    columns: dict[str, str]  # template column -> the header as written in the file
    rows: list[tuple[int, dict[str, Cell]]] = field(default_factory=list)
    file_format: str = "csv"
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    ignored_columns: list[str] = field(default_factory=list)  # headed columns that are not the template's


def cell_text(cells: Mapping[str, Cell], column: str) -> str:
    """A row's text in one template column, trimmed; empty when the file has no such column."""
    cell = cells.get(column)
    return cell.text.strip() if cell else ""


def nfc(text: str) -> str:
    """Text in Unicode NFC, as the store keeps it (files and Excel may hold decomposed accents)."""
    return unicodedata.normalize("NFC", text)


def canonical_header(text: str) -> str | None:
    """The template column a header cell names ("Mã đơn vị", "ma_don_vi", "unit_id" → "ma_don_vi")."""
    key = fold_key(text).replace(" ", "_").replace("-", "_")
    if key in TEMPLATE_COLUMNS:
        return key
    return ENGLISH_COLUMNS.get(key)


def is_header(names: list[str | None]) -> bool:
    """True when a row's template columns (`canonical_header` of each cell) make the template's header."""
    found = {name for name in names if name}
    return "ma_chi_tieu" in found and bool({"ma_don_vi", "ten_don_vi"} & found) and "nam" in found


def table_from_records(
    records: Iterable[tuple[int, list[Cell]]], max_rows: int, delimiter: str | None = None
) -> RawTable:
    """Find the header row (title blocks above it are skipped) and key every later row by template column.

    Every record after the header counts toward ``max_rows``, blank ones too, so a file of a million
    empty lines is refused as soon as it passes the limit rather than read whole.

    Raises:
        UploadRejected: no header in the first rows, too many rows, a cell too long, or broken quoting.
    """
    iterator = iter(records)
    names: list[str | None] = []
    header: list[Cell] = []
    try:
        for line, record in iterator:
            names = [canonical_header(cell.text) for cell in record]
            if is_header(names):
                header = record
                break
            if line >= HEADER_SEARCH_ROWS:
                break
        if not header:
            raise UploadRejected(
                "Không tìm thấy dòng tiêu đề của mẫu (cần ít nhất các cột ma_chi_tieu, nam và ma_don_vi hoặc "
                "ten_don_vi). Hãy dùng tệp mẫu tải về từ trang Tải lên số liệu."
            )
        columns = {name: header[i].text for i, name in enumerate(names) if name}
        table = RawTable(columns=columns)
        table.ignored_columns = [cell.text for cell, name in zip(header, names, strict=True) if not name and cell.text]
        width = len(header)
        for count, (line, row) in enumerate(iterator, start=1):
            if count > max_rows:
                raise UploadRejected(
                    f"Tệp có hơn {_grouped(max_rows)} dòng sau dòng tiêu đề (kể cả dòng trống), vượt giới hạn "
                    f"{_grouped(max_rows)} dòng mỗi lần tải lên: hãy chia thành nhiều tệp."
                )
            cells = {name: row[i] for i, name in enumerate(names) if name and i < len(row)}
            for i, cell in enumerate(row):
                _check_cell(line, header[i].text if i < width else f"thứ {i + 1}", cell, delimiter, width)
            if any(cell.text for cell in cells.values()):
                table.rows.append((line, cells))
        return table
    except BadQuote as bad:
        column = header[bad.field_index].text if bad.field_index < len(header) else f"thứ {bad.field_index + 1}"
        if bad.closed:
            message = (
                "dấu ngoặc kép đặt sai chỗ: sau dấu ngoặc kép đóng phải là dấu phân cách. "
                "Hãy sửa ô này (hoặc lưu lại tệp từ Excel) rồi tải lên lại."
            )
        else:
            message = (
                f"ô mở dấu ngoặc kép ở dòng {bad.line} mà không đóng trên dòng đó, nên các dòng sau bị gộp vào "
                "ô này — có lẽ thiếu dấu ngoặc kép đóng. Hãy thêm dấu ngoặc kép đóng (hoặc bỏ dấu ngoặc kép mở) "
                "rồi tải lên lại; chưa ghi số liệu nào."
            )
        raise UploadRejected(message, bad.line, column) from None


def _grouped(count: int) -> str:
    """A count grouped the Vietnamese way ("32.767"): only the number, never the message's own commas."""
    return f"{count:,}".replace(",", ".")


def _check_cell(line: int, column: str, cell: Cell, delimiter: str | None, width: int) -> None:
    """Refuse a cell longer than any template cell, or a quoted CSV cell that swallowed template rows."""
    if len(cell.text) > MAX_CELL_CHARS:
        raise UploadRejected(
            f"ô dài {_grouped(len(cell.text))} ký tự, vượt giới hạn {_grouped(MAX_CELL_CHARS)} ký tự của một ô.",
            line,
            column,
        )
    if delimiter is None or ("\n" not in cell.text and "\r" not in cell.text):
        return
    # A line break inside a quoted cell is fine ("Alt+Enter" in Excel); a line inside it that splits
    # like a row of the template is the rest of the file, swallowed by a quote that never closed.
    for inner in cell.text.splitlines()[1:]:
        if len(next(csv.reader([inner], delimiter=delimiter), [])) >= max(3, width - 2):
            raise UploadRejected(
                f"ô mở dấu ngoặc kép ở dòng {line} và chứa cả những dòng sau như "
                "thể là dòng số liệu — có lẽ thiếu dấu ngoặc kép đóng. Hãy sửa ô này rồi tải lên lại; "
                "chưa ghi số liệu nào.",
                line,
                column,
            )
