"""Vietnamese unit names: kinds, prefixes and the matching keys every name lookup uses.

Upstream lists and people write the same unit many ways: "Quận Ba Đình", "Q. Ba Đình",
"quan ba dinh"; "Đa Krông" and "Đakrông"; "Hòa" (old tone placement) and "Hoà" (new);
text that is not NFC, doubled spaces. Two keys absorb all of that:

- ``accent_key``: case-folded, separators removed, each tone mark moved to the end of its
  vowel run (so "hòa" and "hoà" agree), leading zeros of numbers dropped; diacritics kept.
- ``bare_key``: the same without any diacritics ("đ" becomes "d"), for accent-free input.

``split_prefix`` recognises the kind words and abbreviations a name may start with.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from danvan_metrics.core.text import fold

# Kinds of unit, as the law names them (lowercase Vietnamese).
PROVINCE = "tỉnh"
CENTRAL_CITY = "thành phố trực thuộc trung ương"
URBAN_DISTRICT = "quận"
RURAL_DISTRICT = "huyện"
TOWN = "thị xã"
PROVINCIAL_CITY = "thành phố thuộc tỉnh"
MUNICIPAL_CITY = "thành phố thuộc thành phố trực thuộc trung ương"
WARD = "phường"
COMMUNE = "xã"
TOWNLET = "thị trấn"
SPECIAL_ZONE = "đặc khu"

CITY_KINDS: frozenset[str] = frozenset({CENTRAL_CITY, PROVINCIAL_CITY, MUNICIPAL_CITY})


@dataclass(frozen=True, slots=True)
class Prefix:
    """A kind word that opens a name ("Quận"), its abbreviations ("Q."), and the kinds it means."""

    word: str
    abbreviations: tuple[str, ...]
    kinds: frozenset[str]


PREFIXES: tuple[Prefix, ...] = (
    Prefix("Thành phố", ("TP", "T.P"), CITY_KINDS),
    Prefix("Tỉnh", (), frozenset({PROVINCE})),
    Prefix("Quận", ("Q",), frozenset({URBAN_DISTRICT})),
    Prefix("Huyện", ("H",), frozenset({RURAL_DISTRICT})),
    Prefix("Thị xã", ("TX", "T.X"), frozenset({TOWN})),
    Prefix("Thị trấn", ("TT", "T.T"), frozenset({TOWNLET})),
    Prefix("Phường", ("P",), frozenset({WARD})),
    Prefix("Xã", ("X",), frozenset({COMMUNE})),
    Prefix("Đặc khu", ("ĐK",), frozenset({SPECIAL_ZONE})),
)

# The kind word written before a name of each kind, and its usual abbreviation.
KIND_WORD: dict[str, str] = {kind: p.word for p in PREFIXES for kind in p.kinds}
KIND_ABBREVIATION: dict[str, str] = {
    kind: f"{p.abbreviations[0]}." for p in PREFIXES if p.abbreviations and p.word != "Đặc khu" for kind in p.kinds
}

_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng
_VOWELS = frozenset("aeiouy")
_SEPARATORS = re.compile(r"[\s.,;:'’‘\"“”()\-–—_/]+")
_LEADING_ZEROS = re.compile(r"(?<!\d)0+(?=\d)")
_PLAIN_SINGLE_LETTERS = frozenset({"q", "p"})  # "Q1", "P12": a bare letter may touch a number


@lru_cache(maxsize=200_000)
def accent_key(text: str) -> str:
    """The key for accent-sensitive matching: "Hòa Bình", "hoà  bình" and "HOÀBÌNH" share one."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    out: list[str] = []
    run_tones: list[str] = []
    in_vowel_run = False
    for char in decomposed:
        if char in _TONE_MARKS:
            run_tones.append(char)
            continue
        if unicodedata.combining(char):
            out.append(char)  # vowel quality (circumflex, breve, horn) stays on its letter
            continue
        is_vowel = char in _VOWELS
        if in_vowel_run and not is_vowel:
            out.extend(run_tones)
            run_tones.clear()
        in_vowel_run = is_vowel
        out.append(char)
    out.extend(run_tones)
    joined = _SEPARATORS.sub("", "".join(out))
    return _LEADING_ZEROS.sub("", joined)


@lru_cache(maxsize=200_000)
def bare_key(text: str) -> str:
    """The key for accent-free matching: "Đa Krông", "da krong" and "Đakrông" share one."""
    key = accent_key(text).replace("đ", "d")
    return "".join(char for char in key if not unicodedata.combining(char))


def has_diacritics(text: str) -> bool:
    """True when the text carries any Vietnamese mark, so an accent-exact match is meaningful."""
    return accent_key(text) != bare_key(text)


def _prefix_pattern() -> tuple[re.Pattern[str], dict[str, frozenset[str]]]:
    """One regex trying every kind word and abbreviation, longest first, each followed by a name."""
    alternatives: list[tuple[str, frozenset[str]]] = []
    for prefix in PREFIXES:
        marked = prefix.word.casefold()
        plain = " ".join(bare_key(part) for part in marked.split())
        for word in sorted({marked, plain}):
            spaced = r"\s+".join(re.escape(part) for part in word.split())
            tail = r"(?:\s+|(?=\d))" if prefix.word in ("Quận", "Phường") else r"\s+"
            alternatives.append((spaced + tail, prefix.kinds))
        for abbreviation in prefix.abbreviations:
            abbr = abbreviation.casefold()
            if len(abbr) == 1:
                digit = r"|(?=\d)" if abbr in _PLAIN_SINGLE_LETTERS else ""
                tail = rf"(?:\.\s*|\s+{digit})"
            else:
                tail = r"\.?\s*"  # no Vietnamese word starts "tp", "tx", "tt", "đk": "TPHCM" is TP + HCM
            alternatives.append((re.escape(abbr) + tail, prefix.kinds))
    # Longest first, so "thị xã" is tried before "xã" could misread it and "tp" before a one-letter form.
    alternatives.sort(key=lambda item: len(item[0]), reverse=True)
    groups = {f"p{i}": kinds for i, (_, kinds) in enumerate(alternatives)}
    body = "|".join(f"(?P<p{i}>{pattern})(?=\\S)" for i, (pattern, _) in enumerate(alternatives))
    return re.compile(f"^(?:{body})"), groups


_PATTERN, _PATTERN_KINDS = _prefix_pattern()


def split_prefix(text: str) -> tuple[frozenset[str] | None, str]:
    """Split a leading kind word or abbreviation from a name.

    Accent-free kind words are read too ("quan Ba Dinh"). A word that only looks like a prefix
    ("Tinh Túc" meant as Tĩnh Túc) is misread here; callers also try the whole text unsplit.

    Args:
        text: a name as written, e.g. "TP. Bạc Liêu", "quan Ba Dinh", "Q1", "Bạc Liêu".

    Returns:
        The kinds the prefix means (None when there is none) and the rest of the name, folded.
        A prefix is only taken when something follows it.
    """
    folded = fold(text)
    match = _PATTERN.match(folded.casefold())
    if match is None or match.lastgroup is None:
        return None, folded
    return _PATTERN_KINDS[match.lastgroup], folded[match.end() :].strip()


def short_name(name: str, kind: str) -> str:
    """The name without its kind word: "Quận Ba Đình" → "Ba Đình".

    A number alone says nothing ("Phường 1" → "1"), so such names are kept whole.
    """
    word = KIND_WORD.get(kind, "")
    folded = fold(name)
    if word and folded.casefold().startswith(word.casefold() + " "):
        rest = folded[len(word) + 1 :]
        return folded if rest.isdigit() else rest
    return folded
