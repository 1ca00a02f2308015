"""Reading an uploaded file into header-named rows: format, encoding, delimiter, header row.

Staff send what Excel on Vietnamese Windows writes: UTF-8 with or without BOM, UTF-16
("Unicode text", tab-separated), Windows-1258 or -1252 CSV, semicolons, a title block above
the header, or an XLSX workbook. This module accepts those and refuses, with a message a
person can act on, anything it cannot read for certain. It never guesses an encoding: text
that would come out as mojibake is refused with the encoding to save in.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import time
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath

import charset_normalizer

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
HEADER_SEARCH_ROWS = 30
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell: anything longer was not typed into the template
_MB = 1024 * 1024
XLSX_MAX_UNCOMPRESSED = 100 * _MB
XLSX_MAX_SHARED_STRINGS = 40 * _MB  # all the text of a 100,000-row template fits in a few MB
XLSX_MAX_RATIO = 150
READ_SECONDS = 30.0  # a file that takes longer to read than this is refused, not waited for
# The csv module's own 128 KB field limit would raise an English error; cells are bounded by
# MAX_CELL_CHARS below, with a message naming the row and column.
csv.field_size_limit(max(csv.field_size_limit(), 256 * 1024 * 1024))
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


def canonical_header(text: str) -> str | None:
    """The template column a header cell names ("Mã đơn vị", "ma_don_vi", "unit_id" → "ma_don_vi")."""
    key = fold_key(text).replace(" ", "_").replace("-", "_")
    if key in TEMPLATE_COLUMNS:
        return key
    return ENGLISH_COLUMNS.get(key)


def read_upload(data: bytes, file_name: str, max_rows: int = 100_000) -> RawTable:
    """Read an uploaded file into rows keyed by template column.

    Raises:
        UploadRejected: the file is empty, of a refused type, unreadable, or lacks the template header.
    """
    suffix = PurePath(file_name).suffix.lower()
    if not data.strip():
        raise UploadRejected("Tệp rỗng: không có dòng nào.")
    if suffix in {".xls", ".xlsm", ".xlsb", ".ods"}:
        raise UploadRejected(f"Không nhận tệp {suffix}: chỉ nhận .xlsx và .csv. {SAVE_AS_HINT}")
    if suffix == ".xlsx":
        if not data.startswith(b"PK\x03\x04"):
            raise UploadRejected(f"Tệp mang đuôi .xlsx nhưng không phải tệp Excel .xlsx. {SAVE_AS_HINT}")
        table = _read_xlsx(data, max_rows)
    elif suffix in {".csv", ".txt", ".tsv"}:
        if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF")):
            raise UploadRejected(f"Tệp mang đuôi {suffix} nhưng thực chất không phải văn bản CSV. {SAVE_AS_HINT}")
        table = _read_csv(data, max_rows)
    else:
        raise UploadRejected(f"Không nhận loại tệp “{suffix or file_name}”: chỉ nhận .csv và .xlsx.")
    if not table.rows:
        raise UploadRejected("Tệp chỉ có dòng tiêu đề, không có dòng số liệu nào.")
    return table


def decode_text(data: bytes) -> tuple[str, str]:
    """The file's text (NFC) and the encoding it was read in.

    BOMs decide first; then strict UTF-8; then a maintained detector (charset-normalizer)
    limited to the code pages Vietnamese Windows writes, checked for Vietnamese letters.

    Raises:
        UploadRejected: the encoding cannot be told for certain.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return _no_nul(_nfc(data[3:].decode("utf-8", errors="strict"))), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise UploadRejected(f"Tệp ghi là UTF-8 nhưng có byte không hợp lệ. {SAVE_AS_HINT}") from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _no_nul(_nfc(data.decode("utf-16"))), "utf-16"
        except UnicodeDecodeError as exc:
            raise UploadRejected(f"Tệp UTF-16 bị lỗi mã hóa. {SAVE_AS_HINT}") from exc
    if b"\x00" in data:
        raise UploadRejected(_NUL_MESSAGE)
    try:
        return _nfc(data.decode("utf-8", errors="strict")), "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data, cp_isolation=["cp1258", "cp1252"]).best()
    candidates = {name: data.decode(name, errors="replace") for name in ("cp1258", "cp1252")}
    scores = {name: _vietnamese_score(_nfc(text)) for name, text in candidates.items()}
    if scores["cp1258"] > 0 and scores["cp1258"] >= scores["cp1252"]:
        encoding = "cp1258"
    elif best is not None and best.encoding in candidates and scores[best.encoding] >= 0:
        encoding = best.encoding
    else:
        raise UploadRejected(f"Không xác định chắc chắn được bảng mã của tệp. {SAVE_AS_HINT}")
    text = _nfc(candidates[encoding])
    if "\ufffd" in text:
        raise UploadRejected(f"Tệp có ký tự không đọc được theo bảng mã {encoding}. {SAVE_AS_HINT}")
    return text, encoding


_NUL_MESSAGE = f"Tệp chứa ký tự nhị phân (byte 0): không phải CSV văn bản. {SAVE_AS_HINT}"


def _no_nul(text: str) -> str:
    """Text that holds no NUL character (a binary file behind a BOM, or a broken export)."""
    if "\x00" in text:
        raise UploadRejected(_NUL_MESSAGE)
    return text


_VIETNAMESE_LETTERS = frozenset("ăâđêôơưĂÂĐÊÔƠƯ")
_MOJIBAKE_LETTERS = frozenset("ðþÐÞ")


def _vietnamese_score(text: str) -> int:
    """Letters only Vietnamese uses, minus letters that appear when Vietnamese is read in the wrong code page."""
    plus = sum(1 for ch in text if ch in _VIETNAMESE_LETTERS or _has_vietnamese_tone(ch))
    minus = sum(1 for ch in text if ch in _MOJIBAKE_LETTERS)
    return plus - 3 * minus


def _has_vietnamese_tone(ch: str) -> bool:
    decomposed = unicodedata.normalize("NFD", ch)
    return len(decomposed) > 1 and any(mark in decomposed for mark in "\u0300\u0301\u0303\u0309\u0323")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _read_csv(data: bytes, max_rows: int) -> RawTable:
    text, encoding = decode_text(data)
    delimiter = _sniff_delimiter(_physical_lines(text, HEADER_SEARCH_ROWS))
    table = _table_from_records(_csv_records(text, delimiter), max_rows, delimiter=delimiter)
    table.file_format, table.encoding, table.delimiter = "csv", encoding, delimiter
    return table


class _BadQuote(Exception):
    """A record whose quoting is broken: the line it starts on and the field where the quote opens."""

    def __init__(self, line: int, field_index: int, closed: bool) -> None:
        super().__init__(line, field_index, closed)
        self.line, self.field_index, self.closed = line, field_index, closed


def _csv_records(text: str, delimiter: str) -> Iterator[tuple[int, list[Cell]]]:
    """Each record with the line it starts on (a quoted cell may span lines); broken quotes raise _BadQuote."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # strict: a quote never closed ("unexpected end of data") or text right after a closing quote.
            first_line = (_physical_lines(text, start)[start - 1 :] or [""])[0]
            opened = next(csv.reader([first_line], delimiter=delimiter), [""])
            # A record that ran past its first line before failing swallowed the rows after it.
            swallowed = "end of data" in str(exc) or reader.line_num > start
            raise _BadQuote(start, max(len(opened) - 1, 0), closed=not swallowed) from exc
        yield start, [Cell(c.strip()) for c in record]
        start = reader.line_num + 1


def _physical_lines(text: str, count: int) -> list[str]:
    """The first ``count`` lines as the csv reader numbers them (ends: \\n, \\r or \\r\\n)."""
    return [line.rstrip("\r\n") for line in itertools.islice(io.StringIO(text, newline=""), count)]


def _sniff_delimiter(lines: list[str]) -> str:
    """The delimiter of the header row: the one among tab, semicolon and comma that splits it most."""
    best, best_count = ",", 0
    for line in lines:
        for delimiter in ("\t", ";", ","):
            cells = next(csv.reader([line], delimiter=delimiter), [])
            count = sum(1 for cell in cells if canonical_header(cell))
            if count > best_count:
                best, best_count = delimiter, count
    return best


def _is_header(names: list[str | None]) -> bool:
    found = {name for name in names if name}
    return "ma_chi_tieu" in found and bool({"ma_don_vi", "ten_don_vi"} & found) and "nam" in found


def _table_from_records(
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
            if _is_header(names):
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
    except _BadQuote as bad:
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


def _read_xlsx(data: bytes, max_rows: int) -> RawTable:
    import openpyxl  # defusedxml, when installed, makes openpyxl parse XML safely

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            total = sum(member.file_size for member in members)
            packed = sum(member.compress_size for member in members) or 1
            strings = sum(m.file_size for m in members if m.filename.lower().endswith("sharedstrings.xml"))
            if total > XLSX_MAX_UNCOMPRESSED or total / packed > XLSX_MAX_RATIO or strings > XLSX_MAX_SHARED_STRINGS:
                raise UploadRejected(
                    f"Tệp Excel giải nén ra {total / _MB:.0f} MB, quá lớn so với một tệp số liệu quý "
                    f"(giới hạn {XLSX_MAX_UNCOMPRESSED / _MB:.0f} MB): từ chối vì lý do an toàn."
                )
            if "[Content_Types].xml" not in {member.filename for member in members}:
                raise UploadRejected(f"Tệp .xlsx không đúng cấu trúc Excel. {SAVE_AS_HINT}")
            if any(member.filename.lower().endswith("vbaproject.bin") for member in members):
                raise UploadRejected(f"Tệp Excel có chứa macro: không nhận. {SAVE_AS_HINT}")
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except UploadRejected:
        raise
    except Exception as exc:  # noqa: BLE001 — any parser failure means the same thing to the user
        raise UploadRejected(f"Tệp Excel bị hỏng hoặc không đọc được. {SAVE_AS_HINT}") from exc
    deadline = time.monotonic() + READ_SECONDS
    hidden_with_template: list[str] = []
    try:
        # Visible sheets first: a hidden sheet is never read in place of what the person sees.
        for sheet in sorted(workbook.worksheets, key=lambda ws: ws.sheet_state != "visible"):
            if sheet.sheet_state != "visible":
                head = [
                    [_xlsx_cell(v) for v in row]
                    for row in sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)
                ]
                if any(_is_header([canonical_header(c.text) for c in record]) for record in head):
                    hidden_with_template.append(sheet.title)
                continue
            try:
                table = _table_from_records(_xlsx_records(sheet, deadline), max_rows)
            except UploadRejected as exc:
                if str(exc).startswith("Không tìm thấy dòng tiêu đề"):
                    continue
                raise
            table.file_format, table.sheet = "xlsx", sheet.title
            return table
    except UploadRejected:
        raise
    except Exception as exc:  # noqa: BLE001
        raise UploadRejected(f"Tệp Excel bị hỏng hoặc không đọc được. {SAVE_AS_HINT}") from exc
    finally:
        workbook.close()
    if hidden_with_template:
        raise UploadRejected(
            f"Trang tính “{hidden_with_template[0]}” có dòng tiêu đề của mẫu nhưng đang bị ẩn; không trang tính "
            "hiển thị nào có mẫu. Hãy bỏ ẩn trang tính đó (chuột phải → Bỏ ẩn) hoặc chép số liệu sang trang "
            "hiển thị, kiểm tra lại rồi tải lên."
        )
    raise UploadRejected(
        "Không trang tính nào có dòng tiêu đề của mẫu (ma_chi_tieu, nam, ma_don_vi hoặc ten_don_vi). "
        "Hãy dùng tệp mẫu tải về từ trang Tải lên số liệu."
    )


def _xlsx_records(sheet: object, deadline: float) -> Iterator[tuple[int, list[Cell]]]:
    """A sheet's rows with their row numbers, refused when reading takes longer than READ_SECONDS."""
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):  # type: ignore[attr-defined]
        if number % 1000 == 0 and time.monotonic() > deadline:
            raise UploadRejected(
                f"Đọc tệp Excel quá {READ_SECONDS:.0f} giây (đến dòng {number}): tệp quá lớn hoặc quá phức tạp. "
                f"Hãy chia thành nhiều tệp nhỏ hơn. {SAVE_AS_HINT}"
            )
        yield number, [_xlsx_cell(value) for value in row]


def _xlsx_cell(value: object) -> Cell:
    if value is None:
        return Cell("")
    if isinstance(value, bool):
        return Cell(str(value))
    if isinstance(value, int | float):
        text = repr(value) if isinstance(value, float) else str(value)
        try:
            return Cell(text, float(value))
        except OverflowError:  # an integer past any float (not from Excel): refused by cell as not finite
            return Cell(text, math.inf if value > 0 else -math.inf)
    return Cell(_nfc(str(value)).strip())
