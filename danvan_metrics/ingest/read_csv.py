"""Reading a CSV upload: its encoding told for certain, its delimiter, and quoting read strictly.

Staff send what Excel on Vietnamese Windows writes: UTF-8 with or without BOM, UTF-16
("Unicode text", tab-separated), Windows-1258 or -1252, semicolons or tabs. The encoding is never
guessed: text that would come out as mojibake is refused with the encoding to save in, and a
quote that never closes is refused before it swallows the rows after it.
"""

from __future__ import annotations

import csv
import io
import itertools
import unicodedata
from collections.abc import Iterator

import charset_normalizer

from danvan_metrics.ingest.table import (
    HEADER_SEARCH_ROWS,
    SAVE_AS_HINT,
    BadQuote,
    Cell,
    RawTable,
    UploadRejected,
    canonical_header,
    nfc,
    table_from_records,
)

# The csv module's own 128 KB field limit would raise an English error; cells are bounded by
# MAX_CELL_CHARS (`table`), with a message naming the row and column.
csv.field_size_limit(max(csv.field_size_limit(), 256 * 1024 * 1024))
NUL_MESSAGE = f"Tệp chứa ký tự nhị phân (byte 0): không phải CSV văn bản. {SAVE_AS_HINT}"


def read_csv(data: bytes, max_rows: int) -> RawTable:
    """A CSV (or tab-separated "Unicode text") file's template rows.

    Raises:
        UploadRejected: the encoding cannot be told, the quoting is broken, or the table is refused.
    """
    text, encoding = decode_text(data)
    delimiter = _sniff_delimiter(_physical_lines(text, HEADER_SEARCH_ROWS))
    table = table_from_records(_csv_records(text, delimiter), max_rows, delimiter=delimiter)
    table.file_format, table.encoding, table.delimiter = "csv", encoding, delimiter
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
            return _no_nul(nfc(data[3:].decode("utf-8", errors="strict"))), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise UploadRejected(f"Tệp ghi là UTF-8 nhưng có byte không hợp lệ. {SAVE_AS_HINT}") from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _no_nul(nfc(data.decode("utf-16"))), "utf-16"
        except UnicodeDecodeError as exc:
            raise UploadRejected(f"Tệp UTF-16 bị lỗi mã hóa. {SAVE_AS_HINT}") from exc
    if b"\x00" in data:
        raise UploadRejected(NUL_MESSAGE)
    try:
        return nfc(data.decode("utf-8", errors="strict")), "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data, cp_isolation=["cp1258", "cp1252"]).best()
    candidates = {name: data.decode(name, errors="replace") for name in ("cp1258", "cp1252")}
    scores = {name: _vietnamese_score(nfc(text)) for name, text in candidates.items()}
    if scores["cp1258"] > 0 and scores["cp1258"] >= scores["cp1252"]:
        encoding = "cp1258"
    elif best is not None and best.encoding in candidates and scores[best.encoding] >= 0:
        encoding = best.encoding
    else:
        raise UploadRejected(f"Không xác định chắc chắn được bảng mã của tệp. {SAVE_AS_HINT}")
    text = nfc(candidates[encoding])
    if "\ufffd" in text:
        raise UploadRejected(f"Tệp có ký tự không đọc được theo bảng mã {encoding}. {SAVE_AS_HINT}")
    return text, encoding


def _no_nul(text: str) -> str:
    """Text that holds no NUL character (a binary file behind a BOM, or a broken export)."""
    if "\x00" in text:
        raise UploadRejected(NUL_MESSAGE)
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


def _csv_records(text: str, delimiter: str) -> Iterator[tuple[int, list[Cell]]]:
    """Each record with the line it starts on (a quoted cell may span lines); broken quotes raise BadQuote."""
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
            raise BadQuote(start, max(len(opened) - 1, 0), closed=not swallowed) from exc
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
