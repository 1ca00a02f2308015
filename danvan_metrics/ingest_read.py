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
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

import charset_normalizer

from danvan_metrics.textkey import fold_key

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
XLSX_MAX_UNCOMPRESSED = 200 * 1024 * 1024
XLSX_MAX_RATIO = 150
SAVE_AS_HINT = (
    "Hãy mở tệp trong Excel và lưu lại bằng “Lưu thành” → “CSV UTF-8 (phân cách bằng dấu phẩy)” "
    "hoặc “Sổ làm việc Excel (.xlsx)”."
)


class UploadRejected(Exception):
    """The whole file cannot be read; the message (Vietnamese) says why and what to do."""


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
        table = _read_xlsx(data)
    elif suffix in {".csv", ".txt", ".tsv"}:
        if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF")):
            raise UploadRejected(f"Tệp mang đuôi {suffix} nhưng thực chất không phải văn bản CSV. {SAVE_AS_HINT}")
        table = _read_csv(data)
    else:
        raise UploadRejected(f"Không nhận loại tệp “{suffix or file_name}”: chỉ nhận .csv và .xlsx.")
    if not table.rows:
        raise UploadRejected("Tệp chỉ có dòng tiêu đề, không có dòng số liệu nào.")
    if len(table.rows) > max_rows:
        raise UploadRejected(f"Tệp có {len(table.rows)} dòng số liệu, vượt giới hạn {max_rows} dòng mỗi lần tải lên.")
    return table


def decode_text(data: bytes) -> tuple[str, str]:
    """The file's text (NFC) and the encoding it was read in.

    BOMs decide first; then strict UTF-8; then a maintained detector (charset-normalizer)
    limited to the code pages Vietnamese Windows writes, checked for Vietnamese letters.

    Raises:
        UploadRejected: the encoding cannot be told for certain.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return _nfc(data[3:].decode("utf-8", errors="strict")), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _nfc(data.decode("utf-16")), "utf-16"
        except UnicodeDecodeError as exc:
            raise UploadRejected(f"Tệp UTF-16 bị lỗi mã hóa. {SAVE_AS_HINT}") from exc
    if b"\x00" in data:
        raise UploadRejected(f"Tệp chứa ký tự nhị phân (byte 0): không phải CSV văn bản. {SAVE_AS_HINT}")
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


def _read_csv(data: bytes) -> RawTable:
    text, encoding = decode_text(data)
    lines = text.splitlines()
    delimiter = _sniff_delimiter(lines[:HEADER_SEARCH_ROWS])
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    table = _table_from_records([[Cell(c.strip()) for c in record] for record in records])
    table.file_format, table.encoding, table.delimiter = "csv", encoding, delimiter
    return table


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


def _table_from_records(records: list[list[Cell]]) -> RawTable:
    """Find the header row (title blocks above it are skipped) and key every later row by template column."""
    for index, record in enumerate(records[:HEADER_SEARCH_ROWS]):
        names = [canonical_header(cell.text) for cell in record]
        found = {name for name in names if name}
        if "ma_chi_tieu" in found and ({"ma_don_vi", "ten_don_vi"} & found) and "nam" in found:
            columns = {name: record[i].text for i, name in enumerate(names) if name}
            table = RawTable(columns=columns)
            for offset, row in enumerate(records[index + 1 :], start=index + 2):
                cells = {name: row[i] for i, name in enumerate(names) if name and i < len(row)}
                if any(cell.text for cell in cells.values()):
                    table.rows.append((offset, cells))
            return table
    raise UploadRejected(
        "Không tìm thấy dòng tiêu đề của mẫu (cần ít nhất các cột ma_chi_tieu, nam và ma_don_vi hoặc "
        "ten_don_vi). Hãy dùng tệp mẫu tải về từ trang Tải lên số liệu."
    )


def _read_xlsx(data: bytes) -> RawTable:
    import openpyxl  # defusedxml, when installed, makes openpyxl parse XML safely

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            total = sum(member.file_size for member in members)
            packed = sum(member.compress_size for member in members) or 1
            if total > XLSX_MAX_UNCOMPRESSED or total / packed > XLSX_MAX_RATIO:
                raise UploadRejected("Tệp Excel giải nén ra quá lớn so với kích thước tệp: từ chối vì lý do an toàn.")
            if "[Content_Types].xml" not in {member.filename for member in members}:
                raise UploadRejected(f"Tệp .xlsx không đúng cấu trúc Excel. {SAVE_AS_HINT}")
            if any(member.filename.lower().endswith("vbaproject.bin") for member in members):
                raise UploadRejected(f"Tệp Excel có chứa macro: không nhận. {SAVE_AS_HINT}")
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except UploadRejected:
        raise
    except Exception as exc:  # noqa: BLE001 — any parser failure means the same thing to the user
        raise UploadRejected(f"Tệp Excel bị hỏng hoặc không đọc được. {SAVE_AS_HINT}") from exc
    try:
        for sheet in workbook.worksheets:
            records = [[_xlsx_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
            try:
                table = _table_from_records(records)
            except UploadRejected:
                continue
            table.file_format, table.sheet = "xlsx", sheet.title
            return table
    except Exception as exc:  # noqa: BLE001
        raise UploadRejected(f"Tệp Excel bị hỏng hoặc không đọc được. {SAVE_AS_HINT}") from exc
    finally:
        workbook.close()
    raise UploadRejected(
        "Không trang tính nào có dòng tiêu đề của mẫu (ma_chi_tieu, nam, ma_don_vi hoặc ten_don_vi). "
        "Hãy dùng tệp mẫu tải về từ trang Tải lên số liệu."
    )


def _xlsx_cell(value: object) -> Cell:
    if value is None:
        return Cell("")
    if isinstance(value, bool):
        return Cell(str(value))
    if isinstance(value, int | float):
        return Cell(repr(value) if isinstance(value, float) else str(value), float(value))
    return Cell(_nfc(str(value)).strip())
