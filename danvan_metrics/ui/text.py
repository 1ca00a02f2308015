"""Text from documents, uploads and people, shown literally inside Streamlit Markdown."""

from __future__ import annotations

import re
from collections.abc import Sequence

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:^=&])")


WORD_JOINER = "\u2060"


# Where Streamlit acts on text after Markdown has dropped the backslashes, so escaping cannot stop it:
# ":material/…:" icons, ":smile:" emoji and ":red[…]" colours (a ":" before a name), GFM autolinks
# ("http://", "https://", "www.", "a@b.vn"), and typography ("->" → "→", ">=" → "≥", "--" → "—").
_INERT_AFTER = re.compile(r"(?i)(:(?=[\w+-])|@(?=\w)|http(?=s?:)|www(?=\.)|[<>~-](?=[-<>=]))")


def md_text(text: object) -> str:
    """Text from a document, an upload or a person, shown literally inside Streamlit Markdown.

    Two steps, because Streamlit 1.67 acts on some text after Markdown has read the backslashes:
    an invisible WORD JOINER (U+2060) goes after each ":" that starts a name, after "http" and
    "www" of an address, after "@" and inside "->", ">=", "--" …, so no ``:material/home:`` icon,
    ``:smile:`` emoji, ``:red[…]`` colour or link to ``https://…`` / ``www.…`` is made; then the
    characters Markdown acts on ("**x**", "[a](b)", "<b>", "$x$" …) are backslash-escaped. The text
    reads exactly as typed, and copied from the page it gives the same characters plus those
    invisible joiners.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _INERT_AFTER.sub(r"\1" + WORD_JOINER, str(text)))


def quoted(values: Sequence[str], limit: int = 5) -> str:
    """Values from a link, quoted and shown literally: “a”, “b” và 3 giá trị khác (each cut at 60 characters)."""
    shown = [f"“{md_text(v if len(v) <= 60 else v[:59] + '…')}”" for v in values[:limit]]
    more = f" và {len(values) - limit} giá trị khác" if len(values) > limit else ""
    return ", ".join(shown) + more
