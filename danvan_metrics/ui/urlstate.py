"""Filters in the URL: decode query parameters against the options a page offers, and encode back.

A copied link must reproduce a view exactly, and a hand-edited or stale link must never
break a page. A list is written as tokens joined by commas: an option that is an id
("pre-d001", "complaints_resolved_rate") is its own token, any other option (a display name
such as "Giải quyết khiếu nại, tố cáo") is written as its slug ("giai-quyet-khieu-nai-to-cao"),
so no comma inside a name can split it. Links written before slugs (names joined by commas)
are still read. What a link names that is not an option is reported back (`Decoded.unknown`),
so the page can say so instead of silently showing something else.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from danvan_metrics.core.text import fold_key

LIST_SEPARATOR = ","
# An option made of these characters is an id and is written as it is (old links keep working).
_ID = re.compile(r"[A-Za-z0-9_.:\-]+")


@dataclass(frozen=True)
class Decoded:
    """What a query parameter named: the options understood, and the pieces that are not options."""

    values: list[str]
    unknown: list[str] = field(default_factory=list)


def slug(text: str) -> str:
    """ASCII lower-case words joined by "-": "Giải quyết khiếu nại, tố cáo" → "giai-quyet-khieu-nai-to-cao"."""
    return re.sub(r"[^a-z0-9]+", "-", fold_key(text)).strip("-")


def token(option: str) -> str:
    """How one option is written in a link: an id as it is, anything else as its slug."""
    return option if _ID.fullmatch(option) else slug(option) or "-"


def tokens(options: Sequence[str]) -> dict[str, str]:
    """Option → its unique token in a link; a slug two names share gets "-2", "-3" … in option order."""
    out: dict[str, str] = {option: option for option in options if _ID.fullmatch(option)}
    taken = set(out.values())
    for option in options:
        if option in out:
            continue
        base = token(option)
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        out[option] = candidate
        taken.add(candidate)
    return out


class _Finder:
    """Which option a piece of a link names: its token first, then (built lazily) the option it spells."""

    def __init__(self, options: Sequence[str]) -> None:
        self.options = options
        self.exact = {written: option for option, written in tokens(options).items()}
        self._spelt: dict[str, str] | None = None

    def find(self, text: str, *, fuzzy: bool = True) -> str | None:
        """The option ``text`` is the token of; with ``fuzzy``, also the option it spells (any accents, case)."""
        if text in self.exact or not fuzzy:
            return self.exact.get(text)
        if self._spelt is None:  # hand-typed and old links only: slugging every option costs ~5 µs each
            self._spelt = {}
            for option in self.options:
                self._spelt.setdefault(slug(option), option)
            self._spelt |= {option: option for option in self.options}
        return self._spelt.get(text) or self._spelt.get(slug(text) or text)

    def match(self, pieces: Sequence[str], start: int, widest: int) -> tuple[str, int] | None:
        """The option that ``pieces[start:end]`` names and ``end``: tokens first, longest run first.

        "a,b" is two tokens, never the name "A, B"; an old link's "Giải quyết khiếu nại, tố cáo" is one name.
        """
        runs = range(min(len(pieces), start + widest), start, -1)
        for fuzzy in (False, True):
            for end in runs:
                found = self.find(LIST_SEPARATOR.join(pieces[start:end]).strip(), fuzzy=fuzzy)
                if found is not None:
                    return found, end
        return None


def read_one(raw: str | None, options: Sequence[str], default: str | None) -> Decoded:
    """The option ``raw`` names (as itself, its token or its spelling), else ``default``; ``raw`` is unknown then."""
    fallback = [default] if default is not None and default in options else []
    if raw is None:
        return Decoded(fallback)
    if raw in options:  # the usual case: no lookup built over thousands of units
        return Decoded([raw])
    found = _Finder(options).find(raw.strip())
    return Decoded([found]) if found is not None else Decoded(fallback, [raw])


def read_many(raw: str | None, options: Sequence[str], default: Sequence[str] = ()) -> Decoded:
    """The options listed in ``raw``, in the link's order, repeats dropped, the pieces not understood reported."""
    if raw is None:
        return Decoded([value for value in default if value in options])
    finder = _Finder(options)
    widest = 1 + max((option.count(LIST_SEPARATOR) for option in options), default=0)
    pieces = raw.split(LIST_SEPARATOR)
    values: list[str] = []
    unknown: list[str] = []
    start = 0
    while start < len(pieces):
        matched = finder.match(pieces, start, widest)
        if matched is None:
            unknown += [pieces[start].strip()] if pieces[start].strip() else []
            start += 1
        else:
            values.append(matched[0])
            start = matched[1]
    return Decoded(list(dict.fromkeys(values)), list(dict.fromkeys(unknown)))


def decode_one(raw: str | None, options: Sequence[str], default: str | None) -> str | None:
    """The option named by ``raw``, or ``default`` when it is missing or not an option."""
    values = read_one(raw, options, default).values
    return values[0] if values else None


def decode_many(raw: str | None, options: Sequence[str], default: Sequence[str] = ()) -> list[str]:
    """The options listed in ``raw``, in the link's order, unknown ones dropped."""
    return read_many(raw, options, default).values


def encode(value: str | Sequence[str] | None, options: Sequence[str] | None = None) -> str | None:
    """The query-parameter text for a widget value; None removes the parameter.

    A list is written as tokens (`tokens` of ``options`` when given, so they are unique).
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value or None
    written = tokens(options) if options is not None else {}
    return LIST_SEPARATOR.join(written.get(v) or token(v) for v in value) or None
