"""Which unit a row names: by id, official code, name or the editor's choice, and existing in its period.

A name that fits several units is not guessed: the issue carries the candidates for the preview to
offer. A unit that had ceased (the 2025 reform) is named as such, with what it became; a misspelt
one gets the nearest names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

from danvan_metrics.core.formats import format_date
from danvan_metrics.core.text import fold_key
from danvan_metrics.ingest.issues import Issue
from danvan_metrics.ingest.table import CHOICE_SEPARATOR, Cell, cell_text

if TYPE_CHECKING:
    from danvan_metrics.ingest.validate import Context


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


def check_unit(
    row: int,
    cells: Mapping[str, Cell],
    header: Mapping[str, str],
    context: Context,
    period: tuple[dt.date, dt.date] | None,
    issues: list[Issue],
) -> UnitCandidate | None:
    """The one unit a row's id and name cells agree on, existing in ``period``; else None, with the issue why."""
    on = period[0] if period else None
    found: dict[str, UnitCandidate] = {}
    for column in ("ma_don_vi", "ten_don_vi"):
        text = cell_text(cells, column)
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
