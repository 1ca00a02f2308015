"""Filters in the URL: decode query parameters against the options a page offers, and encode back.

A copied link must reproduce a view exactly, and a hand-edited or stale link must never
break a page: values not among the options fall back to the default, silently and safely.
"""

from __future__ import annotations

from collections.abc import Sequence

LIST_SEPARATOR = ","


def decode_one(raw: str | None, options: Sequence[str], default: str | None) -> str | None:
    """The option named by ``raw``, or ``default`` when it is missing or not an option."""
    if raw is not None and raw in options:
        return raw
    return default if default is None or default in options else None


def decode_many(raw: str | None, options: Sequence[str], default: Sequence[str] = ()) -> list[str]:
    """The options listed (comma-separated) in ``raw``, in the link's order, unknown ones dropped."""
    if raw is None:
        return [value for value in default if value in options]
    allowed = set(options)
    picked = [value.strip() for value in raw.split(LIST_SEPARATOR)]
    return list(dict.fromkeys(value for value in picked if value in allowed))


def encode(value: str | Sequence[str] | None) -> str | None:
    """The query-parameter text for a widget value; None removes the parameter."""
    if value is None:
        return None
    if isinstance(value, str):
        return value or None
    return LIST_SEPARATOR.join(value) or None
