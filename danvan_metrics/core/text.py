"""Text folding, defined once: Unicode form and spacing (`fold`), and accents and case (`fold_key`).

"Mã đơn vị", "ma don vi" and "MA_DON_VI " share one `fold_key`; quotes are compared with the
source documents through `fold`; file names and URL slugs take `ascii_letters`.
"""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """NFC, with runs of whitespace collapsed to one space and the ends trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def ascii_letters(text: str) -> str:
    """The text without its diacritics: "Đồng Tháp" → "Dong Thap" (đ/Đ have no decomposition of their own)."""
    decomposed = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_key(text: str) -> str:
    """Lower-case ASCII letters and digits with single spaces: "  Quý  II " → "quy ii", "Đơn" → "don"."""
    return " ".join(ascii_letters(text).casefold().replace("_", " ").split())
