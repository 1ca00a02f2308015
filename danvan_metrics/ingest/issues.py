"""What validating an upload yields: each problem with its row and column, and the rows accepted.

Every check (`validate`, `unit_lookup`, `row_values`) reports through `Issue`; an error blocks the
file, a warning is shown and kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


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
