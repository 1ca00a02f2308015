"""Validating an upload's rows: every error names the row and column, in Vietnamese; nothing is guessed.

Pure: the caller passes the catalog, a unit resolver and the figures already stored, so the
rules are tested without a database. Errors block the file; warnings are shown and kept. A row's
unit is found by `unit_lookup`, its figure checked by `row_values`, its period read by `periods`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from danvan_metrics.core.formats import format_figure
from danvan_metrics.core.model import Metric
from danvan_metrics.core.text import fold_key
from danvan_metrics.ingest.issues import Issue, ParsedRow, StoredFigure, Validation
from danvan_metrics.ingest.numbers import FileNotation, NumberError, infer_notation
from danvan_metrics.ingest.periods import period_in_year
from danvan_metrics.ingest.row_values import check_values
from danvan_metrics.ingest.table import CHOICE_SEPARATOR, COLUMN_LABELS, Cell, RawTable, cell_text
from danvan_metrics.ingest.unit_lookup import UnitResolver, check_unit

__all__ = [
    "JUMP_FACTOR",
    "MAX_NAME_LENGTH",
    "MAX_NOTE_LENGTH",
    "MIN_YEAR",
    "Context",
    "validate",
    "warnings_for",
]

MIN_YEAR = 2000
JUMP_FACTOR = 5.0
MAX_NOTE_LENGTH = 1000


@dataclass(frozen=True, slots=True)
class Context:
    """What validation checks rows against."""

    metrics: Mapping[str, Metric]
    resolver: UnitResolver
    today: dt.date
    stored: Mapping[tuple[str, str, dt.date, dt.date], StoredFigure] = field(default_factory=dict)
    previous: Mapping[tuple[str, str, dt.date, dt.date], StoredFigure] = field(default_factory=dict)
    jump_factor: float = JUMP_FACTOR
    # Folded unit name → the unit id the editor chose for it in the preview (for this file only).
    choices: Mapping[str, str] = field(default_factory=dict)
    # Unit id → the names of the units it became (the 2025 reform), for "không còn … nay là …".
    successors: Callable[[str], Sequence[str]] | None = None


def validate(table: RawTable, context: Context) -> Validation:
    """Check every row; return the rows that can go in and every error and warning."""
    result = Validation()
    header = table.columns
    names = {fold_key(m.name_vi): m.metric_id for m in context.metrics.values()}
    number_cells = [
        cells[c].text
        for _, cells in table.rows
        for c in ("gia_tri", "tu_so", "mau_so")
        if c in cells and cells[c].number is None
    ]
    try:
        notation = infer_notation(number_cells)
    except NumberError as exc:
        result.issues.append(Issue(None, header.get("gia_tri"), str(exc)))
        return result
    for ignored in table.ignored_columns:
        result.issues.append(
            Issue(
                None, ignored, "cột này không thuộc mẫu nên được bỏ qua (số liệu trong cột không được ghi)", "warning"
            )
        )
    seen: dict[tuple[str, str, dt.date, dt.date], tuple[int, float]] = {}
    for row_number, cells in table.rows:
        if _unprintable(row_number, cells, header, result.issues):
            continue
        issues_before = len(result.issues)
        parsed = _validate_row(row_number, cells, header, context, names, notation, result.issues)
        if (
            parsed is None
            or len(result.issues) > issues_before
            and any(i.severity == "error" for i in result.issues[issues_before:])
        ):
            continue
        if parsed.key in seen:
            first_row, first_value = seen[parsed.key]
            what = "trùng" if math.isclose(first_value, parsed.value) else "mâu thuẫn với"
            result.issues.append(
                Issue(row_number, None, f"{what} dòng {first_row} (cùng đơn vị, chỉ tiêu và kỳ {parsed.period_label})")
            )
            continue
        seen[parsed.key] = (row_number, parsed.value)
        _warn(parsed, context, result.issues)
        result.rows.append(parsed)
    return result


def warnings_for(rows: Sequence[ParsedRow], context: Context) -> list[Issue]:
    """The warnings accepted rows get against the stored figures in ``context`` (replacements, big jumps)."""
    issues: list[Issue] = []
    for row in rows:
        _warn(row, context, issues)
    return issues


# C0 and C1 control characters (tab, line feed and carriage return are text), and the bidirectional
# overrides that make a name display other than it reads (CVE-2021-42574, "Trojan Source").
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
MAX_NAME_LENGTH = 200  # a unit's or a metric's name or id; longer text is not one


def _unprintable(row: int, cells: Mapping[str, Cell], header: Mapping[str, str], issues: list[Issue]) -> bool:
    """Refuse cells holding characters no one types (they break exports and hide text); True if any."""
    found = False
    for column, cell in cells.items():
        match = _UNPRINTABLE.search(cell.text)
        if match:
            code = f"U+{ord(match.group()):04X}"
            issues.append(
                Issue(row, header.get(column, column),
                      f"ô có ký tự điều khiển không in được ({code}); hãy xóa ký tự đó rồi tải lên lại")
            )  # fmt: skip
            found = True
        elif column in ("ma_don_vi", "ten_don_vi", "ma_chi_tieu") and len(cell.text) > MAX_NAME_LENGTH:
            issues.append(
                Issue(row, header.get(column, column),
                      f"ô dài {len(cell.text)} ký tự: quá dài cho một mã hoặc tên (tối đa {MAX_NAME_LENGTH})")
            )  # fmt: skip
            found = True
    return found


def _validate_row(
    row: int,
    cells: Mapping[str, Cell],
    header: Mapping[str, str],
    context: Context,
    metric_names: Mapping[str, str],
    notation: FileNotation,
    issues: list[Issue],
) -> ParsedRow | None:
    def error(column: str | None, message: str) -> None:
        issues.append(Issue(row, header.get(column, column) if column else None, message))

    # Period
    year_text = cell_text(cells, "nam")
    year: int | None = None
    try:
        year_value = float(year_text.replace(" ", "")) if year_text else math.nan
        if year_value != int(year_value):
            raise ValueError
        year = int(year_value)
    except (ValueError, OverflowError):
        error("nam", f"năm “{year_text}” không hợp lệ (cần số năm, ví dụ {context.today.year})")
    if year is not None and not MIN_YEAR <= year <= context.today.year:
        error("nam", f"năm {year} nằm ngoài khoảng {MIN_YEAR}–{context.today.year}")
        year = None
    part = cell_text(cells, "quy")
    try:
        period_in_year(year or MIN_YEAR, part)  # the cell names a quarter, a half-year or (empty) the year
    except ValueError:
        error("quy", f"quý “{part}” không hợp lệ (cần 1–4, I–IV hoặc “Quý 2”; “6 tháng đầu năm” hoặc “6 tháng cuối "
                     "năm” nếu là số liệu nửa năm; để trống nếu cả năm)")  # fmt: skip
        year = None
    # Metric
    metric_text = cell_text(cells, "ma_chi_tieu")
    metric_key = metric_text.split(CHOICE_SEPARATOR, 1)[0].strip() if CHOICE_SEPARATOR in metric_text else metric_text
    metric_id = metric_key if metric_key in context.metrics else metric_names.get(fold_key(metric_text))
    if not metric_text:
        error("ma_chi_tieu", "thiếu mã chỉ tiêu")
    elif metric_id is None:
        error("ma_chi_tieu", f"không có chỉ tiêu “{metric_text}” trong danh mục (xem danh sách trong tệp mẫu)")
    if year is None or metric_id is None:
        check_unit(row, cells, header, context, None, issues)
        return None
    start, end, label = period_in_year(year, part)
    if start > context.today:
        error("quy" if part else "nam", f"kỳ {label} chưa bắt đầu")
        return None
    unit = check_unit(row, cells, header, context, (start, end), issues)
    metric = context.metrics[metric_id]
    numbers = check_values(row, cells, header, metric, notation, issues)
    if unit is None or numbers is None:
        return None
    value, numerator, denominator, value_text = numbers
    note = cell_text(cells, "ghi_chu")
    if len(note) > MAX_NOTE_LENGTH:
        error("ghi_chu", f"ghi chú dài {len(note)} ký tự, vượt giới hạn {MAX_NOTE_LENGTH}")
        return None
    # The row as the file holds it, each cell as typed, in words a reader follows.
    quote = " · ".join(f"{COLUMN_LABELS[c]} {cells[c].text}" for c in header if c in cells and cells[c].text)
    return ParsedRow(
        row,
        unit.unit_id,
        unit.name,
        metric_id,
        start,
        end,
        label,
        value,
        numerator,
        denominator,
        value_text,
        note,
        quote,
    )


def _warn(parsed: ParsedRow, context: Context, issues: list[Issue]) -> None:
    metric = context.metrics[parsed.metric_id]
    stored = context.stored.get(parsed.key)
    # Formatting (Babel) costs ~80 µs a figure: do it only for the rows that do get a warning.
    new = ""
    if stored is not None and stored.value is not None and not math.isclose(stored.value, parsed.value):
        new = format_figure(parsed.value, metric.unit, metric.decimals)
        old = format_figure(stored.value, metric.unit, metric.decimals, stored.qualifier)
        issues.append(
            Issue(parsed.row, None, f"thay số liệu đang lưu của {parsed.period_label}: {old} → {new}", "warning")
        )
    before = context.previous.get(parsed.key)
    if before is not None and before.value and parsed.value:
        ratio = parsed.value / before.value
        if ratio > context.jump_factor or ratio < 1 / context.jump_factor:
            new = new or format_figure(parsed.value, metric.unit, metric.decimals)
            old = format_figure(before.value, metric.unit, metric.decimals, before.qualifier)
            issues.append(
                Issue(parsed.row, None,
                      f"thay đổi lớn so với kỳ trước ({before.period_label}: {old} → {new}); hãy kiểm tra lại",
                      "warning")
            )  # fmt: skip
