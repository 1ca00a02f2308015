"""Reading an XLSX upload: bounded in size and time, macros refused, only a sheet the person sees.

A workbook is a zip: its unpacked size, its ratio and its shared strings are checked before
openpyxl parses it, and reading stops after READ_SECONDS. The first visible sheet that holds
the template's header is read; a hidden one never is, and the refusal says which sheet to unhide.
"""

from __future__ import annotations

import io
import math
import time
import zipfile
from collections.abc import Iterator

from danvan_metrics.ingest.table import (
    HEADER_SEARCH_ROWS,
    SAVE_AS_HINT,
    Cell,
    RawTable,
    UploadRejected,
    canonical_header,
    is_header,
    nfc,
    table_from_records,
)

_MB = 1024 * 1024
XLSX_MAX_UNCOMPRESSED = 100 * _MB
XLSX_MAX_SHARED_STRINGS = 40 * _MB  # all the text of a 100,000-row template fits in a few MB
XLSX_MAX_RATIO = 150
READ_SECONDS = 30.0  # a file that takes longer to read than this is refused, not waited for


def read_xlsx(data: bytes, max_rows: int) -> RawTable:
    """The template rows of a workbook's first visible sheet that has the template's header.

    Raises:
        UploadRejected: too large, not a workbook, with macros, broken, too slow, or no visible template.
    """
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
                if any(is_header([canonical_header(c.text) for c in record]) for record in head):
                    hidden_with_template.append(sheet.title)
                continue
            try:
                table = table_from_records(_xlsx_records(sheet, deadline), max_rows)
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
    return Cell(nfc(str(value)).strip())
