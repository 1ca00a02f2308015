"""Validating an upload's rows: every error names the row and column, in Vietnamese; nothing is guessed.

Pure: the caller passes the catalog, a unit resolver and the figures already stored, so the
rules are tested without a database. Errors block the file; warnings are shown and kept.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from danvan_metrics.core.formats import format_date, format_figure, format_number
from danvan_metrics.core.kinds import MAX_PARTS, PARTS_NOUN, rules
from danvan_metrics.core.model import Metric
from danvan_metrics.core.text import fold_key
from danvan_metrics.ingest.numbers import FileNotation, NumberError, decimals_written, infer_notation, parse_number
from danvan_metrics.ingest.read import COLUMN_LABELS, Cell, RawTable

CHOICE_SEPARATOR = " · "  # the template's drop-downs: "post-c24823 · Xã Tân Phú (Tỉnh Đồng Nai)"

MIN_YEAR = 2000
JUMP_FACTOR = 5.0
ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
MAX_NOTE_LENGTH = 1000


class UnitCandidate(Protocol):
    @property
    def unit_id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def valid_from(self) -> dt.date | None: ...
    @property
    def valid_to(self) -> dt.date | None: ...


class UnitResolver(Protocol):
    """Finds units by id, official code or any known name (`registry.Resolver`)."""

    def get(self, unit_id: str) -> UnitCandidate | None: ...

    def resolve(self, text: str, *, on: dt.date | None = None) -> Sequence[UnitCandidate]: ...

    def suggest(self, text: str, *, limit: int = 5) -> Sequence[UnitCandidate]: ...


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem with an upload: where (row in the file, column as headed there) and what."""

    row: int | None
    column: str | None
    message: str
    severity: str = "error"  # or "warning"
    ambiguous: str | None = None  # a unit name that fits several units: the preview offers ``candidates``
    candidates: tuple[str, ...] = ()

    def where(self, file_name: str = "") -> str:
        parts = [f"tệp {file_name}"] if file_name else []
        if self.row is not None:
            parts.append(f"dòng {self.row}")
        if self.column:
            parts.append(f"cột {self.column}")
        return ", ".join(parts)

    def describe(self, file_name: str = "") -> str:
        where = self.where(file_name)
        return f"{where}: {self.message}" if where else self.message


@dataclass(frozen=True, slots=True)
class ParsedRow:
    """An accepted row, ready to become an observation."""

    row: int
    unit_id: str
    unit_name: str
    metric_id: str
    period_start: dt.date
    period_end: dt.date
    period_label: str
    value: float
    numerator: float | None
    denominator: float | None
    value_text: str
    note: str
    quote: str

    @property
    def key(self) -> tuple[str, str, dt.date, dt.date]:
        return (self.unit_id, self.metric_id, self.period_start, self.period_end)


@dataclass(frozen=True, slots=True)
class StoredFigure:
    value: float | None
    qualifier: str
    period_label: str


@dataclass(slots=True)
class Validation:
    rows: list[ParsedRow] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]


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


def period_of(year: int, quarter: int | None) -> tuple[dt.date, dt.date, str]:
    """The dates and label of a year or one of its quarters."""
    if quarter is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31), f"Năm {year}"
    start = dt.date(year, 3 * quarter - 2, 1)
    end_month = 3 * quarter
    end = (dt.date(year + (end_month == 12), end_month % 12 + 1, 1)) - dt.timedelta(days=1)
    return start, end, f"Quý {quarter}/{year}"


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period just before a year or a quarter (same length)."""
    if start.month == 1 and end.month == 12:
        return dt.date(start.year - 1, 1, 1), dt.date(start.year - 1, 12, 31)
    quarter = (start.month - 1) // 3 + 1
    year, quarter = (start.year - 1, 4) if quarter == 1 else (start.year, quarter - 1)
    first, last, _ = period_of(year, quarter)
    return first, last


def parse_quarter(text: str) -> int | None:
    """1–4 from "2", "II", "Quý 2", "Q2", "quy IV"; None for an empty cell (the whole year).

    Raises:
        ValueError: not a quarter.
    """
    key = fold_key(text)
    if not key:
        return None
    key = re.sub(r"^(quy|q)\s*", "", key).strip()
    if key in ROMAN_QUARTERS:
        return ROMAN_QUARTERS[key]
    if key.isdigit() and 1 <= int(key) <= 4:
        return int(key)
    raise ValueError(key)


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


def _text(cells: Mapping[str, Cell], column: str) -> str:
    cell = cells.get(column)
    return cell.text.strip() if cell else ""


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
    year_text = _text(cells, "nam")
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
    try:
        quarter = parse_quarter(_text(cells, "quy"))
    except ValueError:
        error("quy", f"quý “{_text(cells, 'quy')}” không hợp lệ (cần 1–4, I–IV hoặc “Quý 2”; để trống nếu cả năm)")
        quarter, year = None, None
    # Metric
    metric_text = _text(cells, "ma_chi_tieu")
    metric_key = metric_text.split(CHOICE_SEPARATOR, 1)[0].strip() if CHOICE_SEPARATOR in metric_text else metric_text
    metric_id = metric_key if metric_key in context.metrics else metric_names.get(fold_key(metric_text))
    if not metric_text:
        error("ma_chi_tieu", "thiếu mã chỉ tiêu")
    elif metric_id is None:
        error("ma_chi_tieu", f"không có chỉ tiêu “{metric_text}” trong danh mục (xem danh sách trong tệp mẫu)")
    if year is None or metric_id is None:
        _check_unit(row, cells, header, context, None, issues)
        return None
    start, end, label = period_of(year, quarter)
    if start > context.today:
        error("quy" if quarter else "nam", f"kỳ {label} chưa bắt đầu")
        return None
    unit = _check_unit(row, cells, header, context, (start, end), issues)
    metric = context.metrics[metric_id]
    numbers = _check_numbers(row, cells, header, metric, notation, issues)
    if unit is None or numbers is None:
        return None
    value, numerator, denominator, value_text = numbers
    note = _text(cells, "ghi_chu")
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


def _check_unit(
    row: int,
    cells: Mapping[str, Cell],
    header: Mapping[str, str],
    context: Context,
    period: tuple[dt.date, dt.date] | None,
    issues: list[Issue],
) -> UnitCandidate | None:
    on = period[0] if period else None
    found: dict[str, UnitCandidate] = {}
    for column in ("ma_don_vi", "ten_don_vi"):
        text = _text(cells, column)
        if not text:
            continue
        by_id = _by_id(context.resolver, text) if column == "ma_don_vi" else None
        chosen = context.choices.get(fold_key(text))  # picked in the preview for this file
        if by_id is None and chosen is not None:
            by_id = context.resolver.get(chosen)
        candidates = [by_id] if by_id is not None else list(context.resolver.resolve(text, on=on))
        if not candidates:
            issues.append(_not_found(row, header.get(column), text, context, period))
            return None
        if len(candidates) > 1 and "ma_don_vi" in found:  # a common name is fine beside an exact id
            candidates = [c for c in candidates if c.unit_id == found["ma_don_vi"].unit_id] or candidates[:1]
        if len(candidates) > 1:
            listed = "; ".join(f"{c.name} ({c.unit_id})" for c in candidates[:6])
            issues.append(
                Issue(row, header.get(column),
                      f"“{text}” có thể là nhiều đơn vị: {listed}. Hãy chọn đơn vị đúng ở phần xem trước "
                      "(hoặc ghi mã đơn vị vào tệp).",
                      ambiguous=text, candidates=tuple(c.unit_id for c in candidates))
            )  # fmt: skip
            return None
        found[column] = candidates[0]
    if not found:
        issues.append(Issue(row, header.get("ma_don_vi") or header.get("ten_don_vi"), "thiếu mã hoặc tên đơn vị"))
        return None
    if len({c.unit_id for c in found.values()}) > 1:
        by_id, by_name = found["ma_don_vi"], found["ten_don_vi"]
        issues.append(
            Issue(
                row,
                header.get("ten_don_vi"),
                f"tên “{by_name.name}” không khớp mã đơn vị {by_id.unit_id} ({by_id.name})",
            )
        )
        return None
    unit = next(iter(found.values()))
    if period is not None and not _exists_in(unit, period):
        issues.append(Issue(row, header.get("ma_don_vi") or header.get("ten_don_vi"), _gone(unit, period, context)))
        return None
    return unit


def _by_id(resolver: UnitResolver, text: str) -> UnitCandidate | None:
    """A unit by its id, also as the template's drop-down writes it ("post-c24823 · Xã Tân Phú (…)")."""
    found = resolver.get(text)
    if found is None and CHOICE_SEPARATOR in text:
        found = resolver.get(text.split(CHOICE_SEPARATOR, 1)[0].strip())
    return found


def _exists_in(unit: UnitCandidate, period: tuple[dt.date, dt.date]) -> bool:
    start, end = period
    return not ((unit.valid_to and unit.valid_to < start) or (unit.valid_from and unit.valid_from > end))


def _gone(unit: UnitCandidate, period: tuple[dt.date, dt.date], context: Context) -> str:
    """Why a unit that exists takes no figure for this period: it had ceased (and what it became), or not begun."""
    if unit.valid_to and unit.valid_to < period[0]:
        after = unit.valid_to + dt.timedelta(days=1)
        became = list(context.successors(unit.unit_id)) if context.successors else []
        now = ""
        if became:
            shown = ", ".join(became[:6]) + (f" và {len(became) - 6} đơn vị khác" if len(became) > 6 else "")
            now = f"; nay là {shown}"
        return (
            f"{unit.name} không còn từ {format_date(after)}{now}. Hãy ghi số liệu của kỳ này cho đơn vị mới "
            "(chọn trong danh sách của tệp mẫu)"
        )
    return (
        f"{unit.name} chỉ có từ {format_date(unit.valid_from)}: số liệu của kỳ trước đó thuộc về các đơn vị cũ; "
        "hãy ghi cho đơn vị đang tồn tại trong kỳ đó"
    )


def _not_found(
    row: int, column: str | None, text: str, context: Context, period: tuple[dt.date, dt.date] | None
) -> Issue:
    """A unit that resolves to nothing in the period: gone or not yet there (named as such), else misspelt."""
    if period is not None:
        at_any_time = [c for c in context.resolver.resolve(text) if not _exists_in(c, period)]
        if len(at_any_time) == 1:
            return Issue(row, column, _gone(at_any_time[0], period, context))
    hints = [
        n
        for n in dict.fromkeys(c.name for c in context.resolver.suggest(text, limit=5))
        if fold_key(n) != fold_key(text)
    ]
    hint = f" Có phải là: {', '.join(hints)}?" if hints else ""
    return Issue(row, column, f"không tìm thấy đơn vị “{text}”.{hint}")


def _number(
    row: int, cells: Mapping[str, Cell], header: Mapping[str, str], column: str, notation: FileNotation,
    issues: list[Issue], limit: float, what: str,
) -> tuple[float | None, bool]:  # fmt: skip
    """One number cell, finite and within ``limit``; (None, True) for an empty cell, (None, False) on an error."""
    cell = cells.get(column)
    if cell is None or not cell.text:
        return None, True
    if cell.number is not None:
        number = cell.number
    else:
        try:
            number = parse_number(cell.text, notation.notation)
        except NumberError as exc:
            issues.append(Issue(row, header.get(column), str(exc)))
            return None, False
    if not math.isfinite(number):
        issues.append(Issue(row, header.get(column), f"“{cell.text}” không phải là số hữu hạn"))
        return None, False
    if abs(number) > limit:
        issues.append(
            Issue(row, header.get(column), f"số quá lớn: “{cell.text}” vượt giới hạn {format_number(limit)} {what}")
        )
        return None, False
    return number, True


def _check_numbers(
    row: int, cells: Mapping[str, Cell], header: Mapping[str, str], metric: Metric, notation: FileNotation,
    issues: list[Issue],
) -> tuple[float, float | None, float | None, str] | None:  # fmt: skip
    def error(column: str, message: str) -> None:
        issues.append(Issue(row, header.get(column, column), message))

    kind = rules(metric.kind)
    limit = kind.max_value
    # A rate's own bound (0–100) has its own message below; the hard limit here only keeps numbers sane.
    value, ok_v = _number(row, cells, header, "gia_tri", notation, issues, max(limit, MAX_PARTS), kind.noun)
    numerator, ok_n = _number(row, cells, header, "tu_so", notation, issues, MAX_PARTS, PARTS_NOUN)
    denominator, ok_d = _number(row, cells, header, "mau_so", notation, issues, MAX_PARTS, PARTS_NOUN)
    if not (ok_v and ok_n and ok_d):
        return None
    value_text = _text(cells, "gia_tri")
    if (numerator is None) != (denominator is None):
        error("mau_so" if denominator is None else "tu_so", "cần ghi cả tử số và mẫu số, hoặc để trống cả hai")
        return None
    if numerator is not None and denominator is not None:
        if not metric.is_rate:
            error("tu_so", f"chỉ tiêu “{metric.name_vi}” không phải tỷ lệ: không ghi tử số/mẫu số")
            return None
        if denominator <= 0 or numerator < 0:
            error("mau_so", "mẫu số phải lớn hơn 0 và tử số không âm")
            return None
        if numerator > denominator:
            error("tu_so", f"tử số {numerator:g} lớn hơn mẫu số {denominator:g}")
            return None
        computed = 100.0 * numerator / denominator
        if value is None:
            value, value_text = round(computed, metric.decimals), ""
        else:
            # The written value may be rounded or truncated to the decimals it shows ("91,94" for 91,949…).
            if cells["gia_tri"].number is not None:
                tolerance = 0.01
            else:
                tolerance = 10.0 ** (-decimals_written(value_text, notation.notation))
            # The value as the cell holds it ("95,00"), so the person finds what they typed.
            written = (
                f"{value_text}%" if cells["gia_tri"].number is None else format_figure(value, "%", metric.decimals)
            )
            if abs(computed - value) >= tolerance:
                error(
                    "gia_tri",
                    f"giá trị {written} khác tử số/mẫu số "
                    f"{numerator:g}/{denominator:g} = {format_figure(computed, '%', 2)}",
                )
                return None
    if value is None:
        error(
            "gia_tri",
            "thiếu giá trị (với tỷ lệ có thể ghi tử số và mẫu số thay cho giá trị; nếu ô có công thức, "
            "hãy mở và lưu tệp trong Excel để có giá trị đã tính)",
        )
        return None
    if metric.is_rate and not 0 <= value <= 100:
        error("gia_tri", f"tỷ lệ {value:g}% nằm ngoài khoảng 0–100")
        return None
    if not metric.is_rate and abs(value) > limit:
        error(
            "gia_tri",
            f"số quá lớn: {format_number(value)} vượt giới hạn {format_number(limit)} {kind.noun}",
        )
        return None
    if not kind.may_be_negative and value < 0:
        error("gia_tri", f"{metric.name_vi} không thể âm ({value:g})")
        return None
    return value, numerator, denominator, value_text


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
