"""Reading an uploaded file into header-named rows: which reader its type takes, and what is refused.

Staff send CSV (`read_csv`: encoding, delimiter, quoting) or an XLSX workbook (`read_xlsx`);
either fills the template's table (`table`). Anything that cannot be read for certain is refused
with a message a person can act on.
"""

from __future__ import annotations

from pathlib import PurePath

from danvan_metrics.ingest.read_csv import read_csv
from danvan_metrics.ingest.read_xlsx import read_xlsx
from danvan_metrics.ingest.table import SAVE_AS_HINT, RawTable, UploadRejected

__all__ = ["read_upload"]


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
        table = read_xlsx(data, max_rows)
    elif suffix in {".csv", ".txt", ".tsv"}:
        if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF")):
            raise UploadRejected(f"Tệp mang đuôi {suffix} nhưng thực chất không phải văn bản CSV. {SAVE_AS_HINT}")
        table = read_csv(data, max_rows)
    else:
        raise UploadRejected(f"Không nhận loại tệp “{suffix or file_name}”: chỉ nhận .csv và .xlsx.")
    if not table.rows:
        raise UploadRejected("Tệp chỉ có dòng tiêu đề, không có dòng số liệu nào.")
    return table
