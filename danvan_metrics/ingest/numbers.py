"""Numbers in uploaded files: Vietnamese ("91,94", "15.590") or plain ("91.94"), decided per file.

"1.234" alone could be 1234 (Vietnamese grouping) or 1.234 (a decimal point). A file that
shows its convention elsewhere ("91,94" or "2.5") settles it; a file that does not is told
so, with the cell — the number is never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Notation(StrEnum):
    VIETNAMESE = "vi"  # "." groups thousands, "," is the decimal mark
    PLAIN = "plain"  # "." is the decimal mark, "," groups thousands (or nothing groups)
    UNKNOWN = "unknown"


_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_DIGITS = re.compile(r"^-?\d+$")
_GROUPED_DOT = re.compile(r"^-?\d{1,3}(\.\d{3})+$")  # 15.590 or 1.234.567: ambiguous alone
_GROUPED_COMMA = re.compile(r"^-?\d{1,3}(,\d{3})+$")  # 1,234: ambiguous alone
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")
_DECIMAL_DOT = re.compile(r"^-?\d+\.\d+$")
_VI_FULL = re.compile(r"^-?\d{1,3}(\.\d{3})+,\d+$")  # 1.234,5
_PLAIN_FULL = re.compile(r"^-?\d{1,3}(,\d{3})+\.\d+$")  # 1,234.5


class NumberError(ValueError):
    """A cell that is not a number, or whose notation cannot be told."""


def clean(text: str) -> tuple[str, bool]:
    """The number's characters without spaces or a trailing "%", and whether a "%" was written."""
    stripped = _SPACES.sub("", text)
    percent = stripped.endswith("%")
    return stripped.rstrip("%"), percent


def evidence(text: str) -> Notation:
    """What one cell says about its file's notation (UNKNOWN when it says nothing)."""
    core, _ = clean(text)
    if _VI_FULL.match(core) or (_DECIMAL_COMMA.match(core) and not _GROUPED_COMMA.match(core)):
        return Notation.VIETNAMESE
    if _PLAIN_FULL.match(core) or (_DECIMAL_DOT.match(core) and not _GROUPED_DOT.match(core)):
        return Notation.PLAIN
    return Notation.UNKNOWN


@dataclass(frozen=True, slots=True)
class FileNotation:
    """A file's notation and the cell that decided it (for messages)."""

    notation: Notation
    example: str = ""


def infer_notation(texts: Iterable[str]) -> FileNotation:
    """The notation a file's number cells agree on.

    Raises:
        NumberError: the file mixes both notations (the message names an example of each).
    """
    seen: dict[Notation, str] = {}
    for text in texts:
        found = evidence(text)
        if found is not Notation.UNKNOWN:
            seen.setdefault(found, text)
    if len(seen) > 1:
        raise NumberError(
            f"Tệp dùng lẫn hai cách viết số: “{seen[Notation.VIETNAMESE]}” (dấu phẩy thập phân) và "
            f"“{seen[Notation.PLAIN]}” (dấu chấm thập phân). Hãy thống nhất một cách viết."
        )
    for notation, example in seen.items():
        return FileNotation(notation, example)
    return FileNotation(Notation.UNKNOWN)


def parse_number(text: str, notation: Notation) -> float:
    """One cell as a number, under the file's notation.

    Raises:
        NumberError: not a number, or ambiguous under an unknown notation.
    """
    core, _ = clean(text)
    if not core:
        raise NumberError("ô trống")
    if _DIGITS.match(core):
        return float(core)
    if _GROUPED_DOT.match(core):
        if notation is Notation.VIETNAMESE:
            return float(core.replace(".", ""))
        if notation is Notation.PLAIN:
            if core.count(".") > 1:  # "1.234.567" has no decimal point: it groups thousands, unlike the file
                raise NumberError(
                    f"“{text}” dùng dấu chấm phân cách hàng nghìn, khác cách viết số của các ô khác trong tệp"
                )
            return float(core)
        raise NumberError(
            f"“{text}” có thể là {core.replace('.', '')} (dấu chấm phân cách hàng nghìn) hoặc {core} "
            "(dấu chấm thập phân); tệp không cho biết cách viết nào. Hãy viết số không có dấu phân cách "
            "hàng nghìn (ví dụ 15590) hoặc ghi phần thập phân bằng dấu phẩy (ví dụ 91,94)."
        )
    if _GROUPED_COMMA.match(core):
        if notation is Notation.PLAIN:
            return float(core.replace(",", ""))
        if notation is Notation.VIETNAMESE:
            if core.count(",") > 1:  # "1,234,567" has no decimal comma: it groups thousands, unlike the file
                raise NumberError(
                    f"“{text}” dùng dấu phẩy phân cách hàng nghìn, khác cách viết số của các ô khác trong tệp"
                )
            return float(core.replace(",", "."))
        raise NumberError(
            f"“{text}” có thể là {core.replace(',', '')} hoặc {core.replace(',', '.')}: tệp không cho biết "
            "cách viết số. Hãy viết số không có dấu phân cách hàng nghìn."
        )
    if _VI_FULL.match(core) or _DECIMAL_COMMA.match(core):
        if notation is Notation.PLAIN:
            raise NumberError(f"“{text}” dùng dấu phẩy thập phân, khác cách viết số của các ô khác trong tệp")
        return float(core.replace(".", "").replace(",", "."))
    if _PLAIN_FULL.match(core) or _DECIMAL_DOT.match(core):
        if notation is Notation.VIETNAMESE:
            raise NumberError(f"“{text}” dùng dấu chấm thập phân, khác cách viết số của các ô khác trong tệp")
        return float(core.replace(",", ""))
    raise NumberError(f"“{text}” không phải là số")


def decimals_written(text: str, notation: Notation) -> int:
    """How many decimals a cell is written with, under the file's notation: as `parse_number` reads it.

    "91,94" → 2 and "91,949" → 3 in Vietnamese ("15.590" → 0); "91.949" → 3 in plain notation.
    """
    core, _ = clean(text)
    mark = "," if notation is Notation.VIETNAMESE else "."
    # Only an unknown notation leaves "1.234" undecided; the file's own mark is a decimal mark.
    if mark not in core or (notation is Notation.UNKNOWN and _GROUPED_DOT.match(core)):
        return 0
    return len(core.rsplit(mark, 1)[1])
