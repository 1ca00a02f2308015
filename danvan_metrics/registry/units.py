"""The national unit registry at run time: reading ``data/registry`` and resolving names to units.

`Resolver` is built once from a units frame (the registry file or the store's ``units``
table) and answers in memory: "Quận Ba Đình", "Q. Ba Đình", "quan ba dinh", "Đakrông",
"Hoà"/"Hòa", an official code such as "00004". A name that fits several units ("Ba Đình"
was a district and is now a ward) is narrowed by the date of the data (``on``), the level
and the place it lies in ("Phường Ba Đình, Hà Nội"); whatever remains is returned as a list
to choose from, never guessed. `Resolver.suggest` offers near spellings for unknown names.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from rapidfuzz import fuzz, process

from danvan_metrics.core import curated
from danvan_metrics.core.dates import to_date
from danvan_metrics.core.model import LINK_COLUMNS, UNIT_COLUMNS
from danvan_metrics.core.text import fold
from danvan_metrics.registry import names

UNITS_FILE = "units.csv"
LINKS_FILE = "links.csv"
REGISTRY_FILES = (UNITS_FILE, LINKS_FILE)
LEVEL_ORDER = {"province": 0, "district": 1, "commune": 2}
CODE_WIDTH = {"province": 2, "district": 3, "commune": 5}

# Why a candidate matched, in the words a user reads beside it.
WHY_NAME = "tên chính thức"
WHY_VARIANT = "cách viết khác “{}”"
WHY_NO_ACCENTS = " (so không dấu)"
WHY_CODE = "mã thống kê {}"
WHY_NEAR = "gần giống “{}”"

__all__ = ["LINK_COLUMNS", "Candidate", "Resolver", "fingerprint", "read_links", "read_units"]


def read_units(directory: Path) -> pd.DataFrame:
    """``units.csv`` of a registry folder with the model's types (no sniffing); empty if absent."""
    path = directory / UNITS_FILE
    raw = curated.read_raw(path) if path.is_file() else pd.DataFrame(columns=list(UNIT_COLUMNS), dtype="str")
    return curated.to_typed(raw, UNIT_COLUMNS)


def read_links(directory: Path) -> pd.DataFrame:
    """``links.csv`` of a registry folder, flags as booleans; empty if absent.

    Raises:
        ValueError: a flag is neither "true" nor "false".
    """
    path = directory / LINKS_FILE
    raw = curated.read_raw(path) if path.is_file() else pd.DataFrame(columns=list(LINK_COLUMNS), dtype="str")
    out = raw[list(LINK_COLUMNS)].astype("str").copy()
    for column, sql_type in LINK_COLUMNS.items():
        if sql_type == "BOOLEAN":
            bad = ~out[column].isin(["true", "false"])
            if bad.any():
                raise ValueError(f"{LINKS_FILE}: {column} must be true or false, not {out.loc[bad, column].iloc[0]!r}")
            out[column] = (out[column] == "true").astype("bool")
    return out.reset_index(drop=True)


def fingerprint(directory: Path) -> str:
    """SHA-256 over the registry files' bytes (or "none" when there is no registry)."""
    digest = hashlib.sha256()
    found = False
    for name in REGISTRY_FILES:
        path = directory / name
        if path.is_file():
            found = True
            digest.update(name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest() if found else "none"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A unit a text may mean, with where it lies, when it existed and why it matched."""

    unit_id: str
    name: str
    kind: str
    level: str
    official_code: str | None
    parent_id: str | None
    parent_name: str | None
    province_name: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    why: str
    score: float = 100.0

    def valid_on(self, day: dt.date) -> bool:
        """True when the unit existed on ``day``."""
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True, slots=True)
class _Unit:
    unit_id: str
    name: str
    kind: str
    level: str
    official_code: str | None
    parent_id: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None


class Resolver:
    """Names and codes to units, in memory. Build once per units frame with `from_frame`."""

    def __init__(self, units: list[_Unit], spellings: list[list[str]]) -> None:
        self._units = units
        self._by_id = {unit.unit_id: i for i, unit in enumerate(units)}
        self._index: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
        self._codes: dict[str, list[int]] = defaultdict(list)
        shown: dict[str, str] = {}
        for i, (unit, texts) in enumerate(zip(units, spellings, strict=True)):
            if unit.official_code:
                self._codes[unit.official_code].append(i)
            seen: set[str] = set()
            for position, text in enumerate(texts):
                kinds, rest = names.split_prefix(text)
                if kinds is not None and unit.kind not in kinds:
                    rest = fold(text)  # "quan9" names Thủ Đức, not a quận called 9: keep it whole
                accent = names.accent_key(rest)
                if not accent or accent in seen:
                    continue
                seen.add(accent)
                bare = names.bare_key(rest)
                self._index[bare].append((i, accent, WHY_NAME if position < 2 else WHY_VARIANT.format(text)))
                shown.setdefault(bare, rest)
        self._choices = sorted(self._index)
        self._shown = shown

    @classmethod
    def from_frame(cls, units: pd.DataFrame) -> Resolver:
        """A resolver over a frame with the registry's columns (extra columns are ignored)."""
        records: list[_Unit] = []
        spellings: list[list[str]] = []
        columns = [c for c in UNIT_COLUMNS if c in units.columns]
        for values in zip(*(units[c].tolist() for c in columns), strict=True):
            row = dict(zip(columns, values, strict=True))
            records.append(
                _Unit(
                    unit_id=str(row["unit_id"]),
                    name=str(row["name"]),
                    kind=str(row["kind"] or ""),
                    level=str(row["level"]),
                    official_code=_text(row.get("official_code")),
                    parent_id=_text(row.get("parent_id")),
                    valid_from=to_date(row.get("valid_from")),
                    valid_to=to_date(row.get("valid_to")),
                )
            )
            variants = [v for v in (_text(row.get("variants")) or "").split("|") if v]
            spellings.append([str(row["name"]), _text(row.get("short_name")) or str(row["name"]), *variants])
        return cls(records, spellings)

    def __len__(self) -> int:
        return len(self._units)

    def get(self, unit_id: str) -> Candidate | None:
        """The unit with this id, or None."""
        i = self._by_id.get(unit_id)
        return None if i is None else self._candidate(i, WHY_NAME)

    def resolve(
        self, text: str, *, on: dt.date | None = None, level: str | None = None, within: str | None = None
    ) -> list[Candidate]:
        """Every unit ``text`` may mean, narrowed by date, level and place; never a guess.

        Args:
            text: a name as written ("Q. Ba Đình", "huyện Đakrông", "tinh Bac Lieu"), optionally
                followed by the places it lies in ("Phường Ba Đình, Hà Nội"), or an official code
                of 2 (province), 3 (district) or 5 (commune) digits.
            on: keep units that existed on this day (the period of the data).
            level: keep units of this level: "province", "district" or "commune".
            within: keep units lying in this unit (an id such as "post-p01").

        Returns:
            The candidates, by level, then era (before the reform first), then name. Empty when
            nothing matches (see `suggest`); several when the text is ambiguous.
        """
        folded = fold(text)
        if not folded.strip(" ,"):
            return []
        if "," in folded:
            head, *places = [part.strip() for part in folded.split(",") if part.strip()] or [""]
            found = self.resolve(head, on=on, level=level, within=within)
            for place in places:
                ids = {c.unit_id for c in self.resolve(place)}
                found = [c for c in found if ids & self._ancestors(c.unit_id)]
            return found
        if folded.isdigit():
            return self.resolve_code(folded, on=on, level=level, within=within)
        kinds, rest = names.split_prefix(folded)
        hits = self._lookup(rest, kinds) if kinds else []
        hits += self._lookup(folded, None)  # a word that only looked like a prefix: "Tinh Túc"
        return self._finish(hits, on, level, within)

    def resolve_code(
        self, code: str, *, on: dt.date | None = None, level: str | None = None, within: str | None = None
    ) -> list[Candidate]:
        """Units with this official code. Codes were reused (00004: Trúc Bạch, then Ba Đình): pass ``on``.

        With ``level`` the code is zero-padded to that level's width ("4" → "00004" for a commune);
        without it, only 2-, 3- and 5-digit codes are read.
        """
        code = code.strip()
        if not code.isdigit():
            return []
        if level in CODE_WIDTH:
            code = code.zfill(CODE_WIDTH[level])
        elif len(code) not in CODE_WIDTH.values():
            return []
        hits = [(i, WHY_CODE.format(code)) for i in self._codes.get(code, []) if len(code) == _width(self._units[i])]
        return self._finish(hits, on, level, within)

    def suggest(
        self, text: str, *, limit: int = 5, on: dt.date | None = None, level: str | None = None
    ) -> list[Candidate]:
        """Near spellings for a name that resolved to nothing ("có phải là …?"), best first.

        Scores are rapidfuzz's similarity (0–100) between accent-free keys.
        """
        kinds, rest = names.split_prefix(text)
        key = names.bare_key(rest)
        if not key or limit <= 0:
            return []
        out: list[Candidate] = []
        seen: set[str] = set()
        matches = process.extract(key, self._choices, scorer=fuzz.ratio, limit=limit * 20, score_cutoff=60)
        for choice, score, _ in matches:
            for i, _, _ in self._index[choice]:
                unit = self._units[i]
                if unit.unit_id in seen or (kinds and unit.kind not in kinds) or not self._keep(unit, on, level):
                    continue
                seen.add(unit.unit_id)
                out.append(self._candidate(i, WHY_NEAR.format(self._shown[choice]), float(score)))
                if len(out) >= limit:
                    return out
        return out

    # -- internals ---------------------------------------------------------------------------
    def _lookup(self, text: str, kinds: frozenset[str] | None) -> list[tuple[int, str]]:
        entries = [e for e in self._index.get(names.bare_key(text), []) if not kinds or self._units[e[0]].kind in kinds]
        if names.has_diacritics(text):
            accent = names.accent_key(text)
            exact = [e for e in entries if e[1] == accent]
            if exact:
                return [(i, why) for i, _, why in exact]
            return [(i, why + WHY_NO_ACCENTS) for i, _, why in entries]
        return [(i, why) for i, _, why in entries]

    def _finish(
        self, hits: list[tuple[int, str]], on: dt.date | None, level: str | None, within: str | None
    ) -> list[Candidate]:
        best: dict[int, str] = {}
        for i, why in hits:
            if i not in best or (why.startswith(WHY_NAME) and not best[i].startswith(WHY_NAME)):
                best[i] = why
        kept = [i for i in best if self._keep(self._units[i], on, level)]
        if within is not None:
            kept = [i for i in kept if within in self._ancestors(self._units[i].unit_id)]
        kept.sort(key=self._order)
        return [self._candidate(i, best[i]) for i in kept]

    def _order(self, i: int) -> tuple[int, dt.date, str, str]:
        unit = self._units[i]
        return (LEVEL_ORDER.get(unit.level, 9), unit.valid_from or dt.date.min, unit.name, unit.unit_id)

    @staticmethod
    def _keep(unit: _Unit, on: dt.date | None, level: str | None) -> bool:
        if level is not None and unit.level != level:
            return False
        if on is None:
            return True
        return (unit.valid_from is None or unit.valid_from <= on) and (unit.valid_to is None or on <= unit.valid_to)

    def _ancestors(self, unit_id: str) -> set[str]:
        found: set[str] = set()
        i = self._by_id.get(unit_id)
        while i is not None:
            parent = self._units[i].parent_id
            if not parent or parent in found:
                break
            found.add(parent)
            i = self._by_id.get(parent)
        return found

    def _candidate(self, i: int, why: str, score: float = 100.0) -> Candidate:
        unit = self._units[i]
        parent = self._units[self._by_id[unit.parent_id]] if unit.parent_id in self._by_id else None
        province = unit if unit.level == "province" else None
        ancestor = parent
        while ancestor is not None and province is None:
            if ancestor.level == "province":
                province = ancestor
            ancestor = self._units[self._by_id[ancestor.parent_id]] if ancestor.parent_id in self._by_id else None
        return Candidate(
            unit_id=unit.unit_id,
            name=unit.name,
            kind=unit.kind,
            level=unit.level,
            official_code=unit.official_code,
            parent_id=unit.parent_id,
            parent_name=parent.name if parent else None,
            province_name=province.name if province and province is not unit else None,
            valid_from=unit.valid_from,
            valid_to=unit.valid_to,
            why=why,
            score=score,
        )


def _width(unit: _Unit) -> int:
    return CODE_WIDTH.get(unit.level, 0)


def _text(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None
