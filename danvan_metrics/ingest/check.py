"""The curation checker: every curated figure must stand, verbatim, in its source document.

Run by `python -m danvan_metrics check` and by the tests. Each problem names the file,
the line (the header is line 1) and the fault, in Vietnamese.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from danvan_metrics.core import config
from danvan_metrics.core.formats import format_number
from danvan_metrics.core.model import CURATED_FILES, LEVELS, QUALIFIERS, Direction, MetricKind
from danvan_metrics.core.text import fold
from danvan_metrics.ingest.numbers import Notation, decimals_written, parse_number

REQUIRED: dict[str, tuple[str, ...]] = {
    "units.csv": ("unit_id", "name", "kind", "level"),
    "metrics.csv": ("metric_id", "name_vi", "name_en", "category", "unit", "kind", "direction", "decimals"),
    "sources.csv": ("source_id", "title", "published", "file"),
    "observations.csv": (
        "unit_id",
        "metric_id",
        "period_start",
        "period_end",
        "period_label",
        "value",
        "qualifier",
        "value_text",
        "source_id",
        "source_quote",
    ),
}
KEYS: dict[str, str] = {"units.csv": "unit_id", "metrics.csv": "metric_id", "sources.csv": "source_id"}
VI = Notation.VIETNAMESE  # the source documents write "15.590" and "91,94%"


@dataclass(frozen=True, slots=True)
class Problem:
    """One fault in the curated data."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, dòng {self.line}" + (f", cột {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    cells: dict[str, str]
    width: int  # cells actually on the line; `cells` drops any beyond the header


def read_rows(path: Path) -> tuple[list[str], list[Row]]:
    """The header and every row of a CSV, each row with its line number in the file."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        rows: list[Row] = []
        start = reader.line_num + 1
        for cells in reader:
            rows.append(Row(start, dict(zip(header, cells, strict=False)), len(cells)))
            start = reader.line_num + 1
    return header, rows


def stands_in(figure: str, text: str) -> bool:
    """True when ``figure`` occurs in ``text`` as a whole number: "180" is not in "1800" nor "18" in "180"."""
    # Not preceded by a digit (or a digit and a separator), not followed by a digit (or a separator and a digit).
    pattern = rf"(?<!\d)(?<!\d[.,]){re.escape(figure)}(?!\d)(?![.,]\d)"
    return re.search(pattern, text) is not None


def check_curated(curated_dir: Path | None = None, project_dir: Path | None = None) -> list[Problem]:
    """Every problem in the curated files, in file order; an empty list means all is well.

    Args:
        curated_dir: folder with units.csv, metrics.csv, sources.csv, observations.csv.
        project_dir: folder that source files' ``file`` paths are relative to.
    """
    curated_dir = curated_dir or config.CURATED_DIR
    project_dir = project_dir or config.PROJECT_DIR
    problems: list[Problem] = []
    tables: dict[str, list[Row]] = {}
    for name, columns in CURATED_FILES.items():
        path = curated_dir / name
        if not path.exists():
            problems.append(Problem(name, 0, "", "thiếu tệp"))
            tables[name] = []
            continue
        header, rows = read_rows(path)
        if header != list(columns):
            problems.append(Problem(name, 1, "", f"tiêu đề phải là: {','.join(columns)}"))
            tables[name] = []
            continue
        tables[name] = rows
        problems.extend(_check_cells(name, rows, columns))
    problems.extend(_check_keys(tables))
    problems.extend(_check_dimensions(tables))
    problems.extend(_check_observations(tables, project_dir))
    return problems


def _check_cells(name: str, rows: list[Row], columns: dict[str, str]) -> Iterator[Problem]:
    for row in rows:
        if row.width != len(columns):
            yield Problem(name, row.line, "", "số cột không khớp tiêu đề")
            continue
        for column, sql_type in columns.items():
            text = row.cells[column]
            if text != unicodedata.normalize("NFC", text):
                yield Problem(name, row.line, column, "văn bản chưa chuẩn hóa Unicode NFC")
            if not text.strip():
                if column in REQUIRED[name]:
                    yield Problem(name, row.line, column, "ô bắt buộc đang trống")
                continue
            try:
                if sql_type == "DATE":
                    dt.date.fromisoformat(text)
                elif sql_type == "DOUBLE" and not math.isfinite(float(text)):
                    raise ValueError(text)
                elif sql_type == "INTEGER":
                    int(text)
            except ValueError:
                yield Problem(name, row.line, column, f"không đọc được giá trị {text!r} ({sql_type})")


def _check_keys(tables: dict[str, list[Row]]) -> Iterator[Problem]:
    for name, key in KEYS.items():
        seen: dict[str, int] = {}
        for row in tables[name]:
            value = row.cells.get(key, "")
            if value in seen:
                yield Problem(name, row.line, key, f"mã {value!r} trùng với dòng {seen[value]}")
            seen.setdefault(value, row.line)


def _ids(tables: dict[str, list[Row]], name: str) -> set[str]:
    return {row.cells.get(KEYS[name], "") for row in tables[name]}


def _check_dimensions(tables: dict[str, list[Row]]) -> Iterator[Problem]:
    unit_ids = _ids(tables, "units.csv")
    for row in tables["units.csv"]:
        parent = row.cells.get("parent_id", "")
        if parent and parent not in unit_ids:
            yield Problem("units.csv", row.line, "parent_id", f"không có đơn vị {parent!r}")
        if row.cells.get("level") not in LEVELS:
            yield Problem("units.csv", row.line, "level", f"cấp phải là một trong {sorted(LEVELS)}")
    for row in tables["metrics.csv"]:
        if row.cells.get("kind") not in {k.value for k in MetricKind}:
            yield Problem("metrics.csv", row.line, "kind", "loại chỉ tiêu không hợp lệ")
        if row.cells.get("direction") not in {d.value for d in Direction}:
            yield Problem("metrics.csv", row.line, "direction", "hướng không hợp lệ")
    for row in tables["sources.csv"]:
        unit = row.cells.get("unit_id", "")
        if unit and unit not in unit_ids:
            yield Problem("sources.csv", row.line, "unit_id", f"không có đơn vị {unit!r}")


def _check_observations(tables: dict[str, list[Row]], project_dir: Path) -> Iterator[Problem]:
    name = "observations.csv"
    unit_ids = _ids(tables, "units.csv")
    metric_rows = {row.cells.get("metric_id", ""): row.cells for row in tables["metrics.csv"]}
    documents: dict[str, str | None] = {}
    for row in tables["sources.csv"]:
        path = project_dir / row.cells.get("file", "")
        documents[row.cells.get("source_id", "")] = fold(path.read_text(encoding="utf-8")) if path.is_file() else None
        if not path.is_file():
            yield Problem("sources.csv", row.line, "file", f"không tìm thấy văn bản nguồn {row.cells.get('file')!r}")
    seen: dict[tuple[str, ...], int] = {}
    for row in tables[name]:
        cells = row.cells
        if row.width != len(CURATED_FILES[name]):
            continue
        if cells["unit_id"] not in unit_ids:
            yield Problem(name, row.line, "unit_id", f"không có đơn vị {cells['unit_id']!r} trong units.csv")
        if cells["metric_id"] not in metric_rows:
            yield Problem(name, row.line, "metric_id", f"không có chỉ tiêu {cells['metric_id']!r} trong metrics.csv")
        if cells["source_id"] not in documents:
            yield Problem(name, row.line, "source_id", f"không có nguồn {cells['source_id']!r} trong sources.csv")
        if cells["qualifier"] not in QUALIFIERS:
            yield Problem(name, row.line, "qualifier", f"dấu so sánh phải là một trong {sorted(QUALIFIERS)}")
        if cells["period_end"] < cells["period_start"]:
            yield Problem(name, row.line, "period_end", "kỳ kết thúc trước khi bắt đầu")
        key = (cells["unit_id"], cells["metric_id"], cells["period_start"], cells["period_end"])
        if key in seen:
            yield Problem(name, row.line, "", f"trùng đơn vị, chỉ tiêu và kỳ với dòng {seen[key]}")
        seen.setdefault(key, row.line)
        yield from _check_figure(row, documents.get(cells["source_id"]), metric_rows.get(cells["metric_id"]))


def _check_figure(row: Row, document: str | None, metric: dict[str, str] | None) -> Iterator[Problem]:
    name = "observations.csv"
    cells = row.cells
    quote = fold(cells["source_quote"])
    if document is not None and quote and quote not in document:
        yield Problem(name, row.line, "source_quote", "trích dẫn không có nguyên văn trong văn bản nguồn")
    value_text = fold(cells["value_text"])
    if value_text and not stands_in(value_text, quote):
        yield Problem(name, row.line, "value_text", f"con số {value_text!r} không nằm trong trích dẫn")
    try:
        value = float(cells["value"])
    except ValueError:
        return
    numerator, denominator = cells["numerator"].strip(), cells["denominator"].strip()
    if "/" in value_text:
        written_num, _, written_den = value_text.partition("/")
        try:
            written = 100.0 * parse_number(written_num, VI) / parse_number(written_den, VI)
        except (ValueError, ZeroDivisionError):
            yield Problem(name, row.line, "value_text", f"không đọc được con số {value_text!r}")
            return
        decimals = 0 if metric is None else int(metric.get("decimals") or 0)
        if abs(written - value) >= 10.0 ** (-decimals):
            yield Problem(name, row.line, "value", f"giá trị {value} khác con số trong văn bản {value_text!r}")
    elif value_text:
        try:
            written = parse_number(value_text, VI)
        except ValueError:
            yield Problem(name, row.line, "value_text", f"không đọc được con số {value_text!r}")
            return
        if abs(written - value) > 1e-9:
            yield Problem(name, row.line, "value", f"giá trị {value} khác con số trong văn bản {value_text!r}")
    if bool(numerator) != bool(denominator):
        yield Problem(name, row.line, "denominator", "phải có cả tử số và mẫu số, hoặc không có cả hai")
    elif numerator and denominator:
        try:
            num, den = float(numerator), float(denominator)
        except ValueError:
            return
        if den <= 0 or num < 0 or num > den:
            yield Problem(name, row.line, "numerator", "tử số phải nằm trong khoảng 0 đến mẫu số")
            return
        parts = f"{num:g}/{den:g}"
        # As the document writes them: plain ("217/236") or with thousands grouped ("1.250/2.000").
        written_parts = (parts, f"{format_number(num)}/{format_number(den)}")
        if not any(stands_in(p, quote) for p in written_parts):
            yield Problem(name, row.line, "numerator", f"tử số/mẫu số {parts!r} không nằm trong trích dẫn")
        tolerance = 10.0 ** (-decimals_written(value_text, VI)) if "/" not in value_text else 10.0**-6
        # The document may truncate rather than round (217/236 = 91,949… is written 91,94%).
        if abs(100.0 * num / den - value) >= max(tolerance, 1e-9):
            yield Problem(
                name,
                row.line,
                "value",
                f"giá trị {value} không khớp {parts} = {100.0 * num / den:.4f}% (kể cả làm tròn của văn bản)",
            )
