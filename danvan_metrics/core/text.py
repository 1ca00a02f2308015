"""Comparison keys for text people type: accents, case, spacing and Unicode form folded away.

"Mã đơn vị", "ma don vi" and "MA_DON_VI " compare equal; used for headers and catalog names.
"""

from __future__ import annotations

import unicodedata


def fold_key(text: str) -> str:
    """Lower-case ASCII letters and digits with single spaces: "  Quý  II " → "quy ii", "Đơn" → "don"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().replace("_", " ").split())
