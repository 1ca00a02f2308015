"""What the command line prints: user text made safe for a terminal, and figures as plain text or JSON.

Every command prints through these, so a file name, an account name or a stored figure reads
the same in ``dump``, ``uploads`` and an error message.
"""

from __future__ import annotations

import math
import sys
from typing import Any

import pandas as pd


def visible(text: object) -> str:
    """User-supplied text for a terminal: control and format characters shown as escapes, never obeyed.

    A file named "\\x1b[2K\\x1b[1Aok.csv" would otherwise erase a line of the administrator's
    terminal or retitle its window; here it prints as ``\\x1b[2K\\x1b[1Aok.csv``.
    """
    return "".join(ch if ch.isprintable() or ch == " " else _escape(ch) for ch in str(text))


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def fail(message: str, code: int) -> int:
    """Print ``message`` (Vietnamese, already safe to show) to standard error and return the exit ``code``."""
    print(message, file=sys.stderr)
    return code


def plain_number(value: Any) -> str:
    """A number as plain text with a decimal point: 15590 → "15590", 91.94 → "91.94"; empty if missing."""
    if value is None or pd.isna(value):
        return ""
    number = float(value)
    if math.isfinite(number) and number == int(number):
        return str(int(number))
    return repr(number)


def dump_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The dump as text: ISO dates, plain numbers, empty cells for missing values."""
    out = frame.copy()
    for column in ("value", "numerator", "denominator"):
        out[column] = out[column].map(plain_number)
    for column in ("period_start", "period_end"):
        out[column] = pd.to_datetime(out[column]).dt.strftime("%Y-%m-%d")
    return out.fillna("")


def json_number(value: object) -> int | float | None:
    """A figure for JSON: 15590 → 15590, 91.94 → 91.94, missing → null (numbers stay numbers)."""
    if value is None or pd.isna(value):
        return None
    number = float(value)  # type: ignore[arg-type]
    return int(number) if math.isfinite(number) and number == int(number) else number
