"""A row's figure: its value and, for a rate, numerator and denominator, checked against the metric.

Each number is read under the file's notation (`numbers`), must be finite and within the kind's
bound; a rate's value must agree with its parts to the decimals it is written with.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from danvan_metrics.core.formats import format_figure, format_number
from danvan_metrics.core.kinds import MAX_PARTS, PARTS_NOUN, rules
from danvan_metrics.core.model import Metric
from danvan_metrics.ingest.issues import Issue
from danvan_metrics.ingest.numbers import FileNotation, NumberError, decimals_written, parse_number
from danvan_metrics.ingest.table import Cell, cell_text


def check_values(
    row: int, cells: Mapping[str, Cell], header: Mapping[str, str], metric: Metric, notation: FileNotation,
    issues: list[Issue],
) -> tuple[float, float | None, float | None, str] | None:  # fmt: skip
    """(value, numerator, denominator, value as written) of a row that holds a sound figure; else None.

    Every fault goes into ``issues``, naming the row and the column as headed in the file.
    """

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
    value_text = cell_text(cells, "gia_tri")
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
