"""Downloads of figure rows that a Vietnamese user opens in Excel: CSV and XLSX, safe to open.

Headers are Vietnamese, CSV is UTF-8 with BOM, ``;``-separated with a decimal comma (what
Vietnamese Windows Excel expects), and every text cell that a spreadsheet could read as a
formula gets a leading apostrophe (OWASP "CSV injection" guidance): source quotes come from
documents and uploads, so they are untrusted input. Every text also passes `xml_safe`, so no
stored character (a NUL, an ESC, a lone surrogate) can make an XLSX, a CSV or a deck fail.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from danvan_metrics.core.dates import to_date
from danvan_metrics.core.formats import QUALIFIER_SYMBOLS
from danvan_metrics.core.text import ascii_letters
from danvan_metrics.figures.charts.labels import PENDING_LABEL

# Figure-row column → download header, in download order.
EXPORT_HEADERS: dict[str, str] = {
    "unit_id": "Mã đơn vị",
    "unit_name": "Đơn vị",
    "metric_id": "Mã chỉ tiêu",
    "metric_name": "Chỉ tiêu",
    "period_start": "Từ ngày",
    "period_end": "Đến ngày",
    "period_label": "Kỳ số liệu",
    "qualifier": "Dấu so sánh",
    "value": "Giá trị",
    "numerator": "Tử số",
    "denominator": "Mẫu số",
    "unit_of_measure": "Đơn vị tính",
    "source_id": "Mã nguồn",
    "source_title": "Nguồn",
    "source_quote": "Trích dẫn nguyên văn",
    "note": "Ghi chú",
    "pending": "Tình trạng duyệt",  # only in files made with figures waiting for review shown
}
_DATE_COLUMNS = ("period_start", "period_end")
_NUMBER_COLUMNS = ("value", "numerator", "denominator")

# Characters that make Excel or LibreOffice start a formula (OWASP CSV injection), after NFKC:
# a full-width "＝" (U+FF1D) counts as "=", as some spreadsheets read it so.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
# Characters a reader does not see at the start of a cell: skipped when looking for a trigger.
_INVISIBLE_CATEGORIES = ("Cc", "Cf")
# Not allowed in XML 1.0 (and so in XLSX and PPTX), or invisible controls: every C0 and C1 control
# but tab, LF and CR, DEL, and the non-characters U+FFFE and U+FFFF.
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
CSV_SEPARATOR = ";"
CSV_DECIMAL = ","
XLSX_DATE_FORMAT = "dd/mm/yyyy"
XLSX_DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
NOTE_SHEET_TITLE = "Ghi chú"
MAX_NAME_LENGTH = 120
_MAX_COLUMN_WIDTH = 60


def neutralise(value: Any) -> Any:
    """Text a spreadsheet could run as a formula gets a leading apostrophe; anything else is kept.

    "=HYPERLINK(…)", "+1", "-2", "@SUM(A1)", "\\t=1" and " =1" become "'=HYPERLINK(…)" and so
    on. Leading spaces, control and format characters (ESC, U+200B, U+FEFF, U+200E …) are
    skipped and the first visible character is NFKC-normalised, so "\\u200b=1" and "＝1" are
    caught too. Numbers stay numbers (-2 is a number, not a formula); None and NaN become None.
    """
    if _is_missing(value):
        return None
    if isinstance(value, str) and starts_formula(value):
        return "'" + value
    return value


def starts_formula(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula (see `neutralise`)."""
    for char in text:
        if char in FORMULA_TRIGGERS:  # a tab, CR or LF anywhere before the first visible character
            return True
        if char.isspace() or unicodedata.category(char) in _INVISIBLE_CATEGORIES:
            continue
        return unicodedata.normalize("NFKC", char).startswith(FORMULA_TRIGGERS)
    return False


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids, so any stored text can go into XLSX or PPTX.

    C0 and C1 control characters (but tab, LF and CR), DEL, U+FFFE and U+FFFF are removed; a lone
    surrogate (half of a broken emoji) becomes U+FFFD "�", a proper surrogate pair its character.
    Everything a reader sees is kept: "Ghi\\x00 chú\\x1b" → "Ghi chú".
    """
    if _SURROGATE.search(text):
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return _XML_UNSAFE.sub("", text)


def export_frame(frame: pd.DataFrame, metric_names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The download table of figure rows: Vietnamese headers, dates as ``datetime.date``.

    Args:
        frame: figure rows as `queries.compare`, `trend`, `unit_profile` or `dump` return them.
        metric_names: metric id → Vietnamese name, for rows without ``metric_name``.

    Returns:
        One row per input row, with the columns of ``EXPORT_HEADERS`` the input can fill, in
        that order. "Chỉ tiêu" is kept (empty if no name is known) whenever "Mã chỉ tiêu" is.
        The qualifier is shown as a sign ("≥", ">", "~", …); an exact figure has none. When a row
        still waits for review, "Tình trạng duyệt" says "chưa duyệt" on it.
    """
    source = frame.reset_index(drop=True)
    out = pd.DataFrame(index=source.index)
    for column, header in EXPORT_HEADERS.items():
        if column == "metric_name" and "metric_id" in source:
            out[header] = _metric_names(source, metric_names)
        elif column not in source:
            continue
        elif column in _DATE_COLUMNS:
            out[header] = pd.Series([to_date(v) for v in source[column]], index=source.index, dtype=object)
        elif column in _NUMBER_COLUMNS:
            out[header] = pd.to_numeric(source[column], errors="coerce").astype("float64")
        elif column == "pending":
            if bool(source[column].fillna(False).any()):  # approved-only files keep their columns as before
                out[header] = [PENDING_LABEL if bool(p) else "" for p in source[column].fillna(False)]
        elif column == "qualifier":
            out[header] = [None if _is_missing(q) else QUALIFIER_SYMBOLS.get(q, q).strip() for q in source[column]]
        else:
            out[header] = source[column]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as a CSV that Vietnamese Excel opens as-is.

    UTF-8 with BOM, ``;`` between cells, decimal comma without thousands separator
    (91.94 → "91,94", 15590.0 → "15590"), ISO dates, CRLF, text neutralised.
    """
    cells = frame.map(_csv_cell)
    cells.columns = [_csv_cell(str(c)) for c in frame.columns]
    text = cells.to_csv(index=False, sep=CSV_SEPARATOR, lineterminator="\r\n", na_rep="")
    return text.encode("utf-8-sig")


def to_xlsx_bytes(frame: pd.DataFrame, sheet_title: str = "Số liệu", note: str | None = None) -> bytes:
    """The frame as an Excel workbook: bold frozen header, numbers as numbers, dates dd/mm/yyyy.

    Text cells are neutralised and stored as strings, never formulas; the apostrophe also
    keeps a cell from turning into a formula when the user edits it later.

    Args:
        frame: the table, usually from `export_frame`.
        sheet_title: name of the data sheet.
        note: text for a second sheet "Ghi chú" (source, export date); one row per line.

    Returns:
        The .xlsx file's bytes.
    """
    workbook = Workbook()
    workbook.properties.creator = "danvan"
    sheet = workbook.active
    assert sheet is not None
    sheet.title = xml_safe(sheet_title)
    widths: list[int] = []
    for col, header in enumerate(frame.columns, start=1):
        cell = sheet.cell(row=1, column=col)
        _set_cell(cell, str(header))
        cell.font = Font(bold=True)
        widths.append(len(str(header)))
    for row, values in enumerate(frame.itertuples(index=False, name=None), start=2):
        for col, value in enumerate(values, start=1):
            shown = _set_cell(sheet.cell(row=row, column=col), value)
            widths[col - 1] = max(widths[col - 1], shown)
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = min(width + 2, _MAX_COLUMN_WIDTH)
    sheet.freeze_panes = "A2"
    if len(frame.columns):
        sheet.auto_filter.ref = sheet.dimensions
    if note:
        note_sheet = workbook.create_sheet(NOTE_SHEET_TITLE)
        # Sanitised first: str.splitlines would also break at \x0b, \x0c, \x1c–\x1e and \x85.
        for row, line in enumerate(xml_safe(note).splitlines(), start=1):
            _set_cell(note_sheet.cell(row=row, column=1), line)
        note_sheet.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download_name(*parts: str, ext: str) -> str:
    """A safe ASCII file name from Vietnamese parts, joined by "_", at most ``MAX_NAME_LENGTH`` long.

    ("so-sanh", "Tỷ lệ giải quyết đơn khiếu nại", "2015-01-01..2020-06-02"), ext "csv" →
    "so-sanh_ty-le-giai-quyet-don-khieu-nai_2015-01-01-2020-06-02.csv".
    """
    suffix = _slug(ext)
    stem = "_".join(slug for slug in map(_slug, parts) if slug) or "danvan"
    stem = stem[: MAX_NAME_LENGTH - len(suffix) - 1].rstrip("-_")
    return f"{stem}.{suffix}" if suffix else stem


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", ascii_letters(text).lower()).strip("-")


def _is_missing(value: Any) -> bool:
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def _metric_names(source: pd.DataFrame, metric_names: Mapping[str, str] | None) -> list[str | None]:
    given = source["metric_name"] if "metric_name" in source else pd.Series(None, index=source.index, dtype=object)
    lookup = metric_names or {}
    return [
        lookup.get(metric_id) if _is_missing(name) else name
        for metric_id, name in zip(source["metric_id"], given, strict=True)
    ]


def _plain(value: Any) -> Any:
    """A cell value as a plain Python scalar: numpy scalars unwrapped, lists joined, timestamps as datetimes."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, list | tuple | np.ndarray):
        return ", ".join(str(v) for v in value)
    return value


def _csv_cell(value: Any) -> str | None:
    value = _plain(value)
    if _is_missing(value):
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        # Shortest text that reads back as the same float, never in exponent form.
        return np.format_float_positional(value, trim="-").replace(".", CSV_DECIMAL)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d" if value.time() == dt.time() else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(neutralise(xml_safe(str(value))))


def _set_cell(cell: Any, value: Any) -> int:
    """Write one value to an openpyxl cell with its type and format; return its display width."""
    value = _plain(value)
    if _is_missing(value):
        cell.value = None
        return 0
    if isinstance(value, bool | int | float):
        cell.value = value
        return len(str(value))
    if isinstance(value, dt.datetime):
        value = value.replace(tzinfo=None)
        if value.time() == dt.time():
            value = value.date()
    if isinstance(value, dt.datetime):
        cell.value = value
        cell.number_format = XLSX_DATETIME_FORMAT
        return len("dd/mm/yyyy hh:mm")
    if isinstance(value, dt.date):
        cell.value = value
        cell.number_format = XLSX_DATE_FORMAT
        return len("dd/mm/yyyy")
    text = str(neutralise(xml_safe(str(value))))
    cell.value = text
    cell.data_type = "s"
    return max((len(line) for line in text.splitlines()), default=0)
