"""Text people typed reaches Streamlit's Markdown as plain text: no icon, emoji, colour, formula or link.

Streamlit 1.67 acts on some text after Markdown has removed the backslashes (its
``StreamlitMarkdown`` bundle). The patterns below are copied from there, so these tests
read `ui.md_text`'s output as Streamlit does; tests/browser/test_user_text_browser.py shows
the same in a real browser.
"""

from __future__ import annotations

import re

import pytest

from danvan_metrics.ui.text import WORD_JOINER, md_text

# Streamlit 1.67, frontend: what it rewrites or replaces, and on what text.
ICON_SOURCE = ":material/"  # replaced by ":material_" in the raw source, before parsing
ICON = re.compile(r":material_(\w+):", re.ASCII)  # then drawn as an icon from the parsed text
LOGO = re.compile(r":streamlit:")
EMOJI = re.compile(r":\+1:|:-1:|:[\w-]+:", re.ASCII)  # remark-emoji
AUTOLINK = re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.IGNORECASE | re.ASCII)  # GFM autolink literal
EMAIL = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)", re.ASCII)  # Streamlit also asks what comes before
TYPOGRAPHY = re.compile(r"(^|\s)(<->|->|<-|--|>=|<=|~=)(\s|$)")  # "->" → "→" and the like
DIRECTIVE = re.compile(r"(?<!\\):[a-z][a-z0-9-]*\[", re.IGNORECASE)  # ":red[…]", a directive when unescaped
MATH = re.compile(r"(?<!\$)\$(?![\s$])[^$\n]*?[^\s$]\$(?!\d)")
MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # CommonMark: a backslash before ASCII punctuation

HOSTILE = [
    ":material/home:",
    "Trang :material/home: chủ",
    ":streamlit:",
    ":smile: :+1: :100:",
    ":red[đỏ] :blue-badge[x] :small[nhỏ]",
    "https://evil.example/x",
    "HTTPS://EVIL.EXAMPLE/X và http://evil.example",
    "www.evil.example",
    "WWW.Evil.Example/x",
    "thu@evil.example",
    "mailto:thu@evil.example",
    "A -> B <- C <-> D -- E >= 1 <= 2 ~= 3",
    "$x$ và $$y$$",
    "**đậm** _nghiêng_ [liên kết](https://evil.example) <b>thẻ</b> `mã` # tiêu đề",
]


def _as_streamlit_reads(markdown: str) -> str:
    """The text Streamlit's plugins see: its raw-source rewrite, then Markdown's escapes resolved."""
    return MARKDOWN_ESCAPE.sub(r"\1", markdown.replace(ICON_SOURCE, ":material_"))


@pytest.mark.parametrize("text", HOSTILE)
def test_nothing_streamlit_acts_on_survives_md_text(text: str) -> None:
    markdown = md_text(text)
    seen = _as_streamlit_reads(markdown)
    assert ICON_SOURCE not in markdown and not ICON.search(seen) and not LOGO.search(seen)
    assert not EMOJI.search(seen)
    assert not AUTOLINK.search(seen) and not EMAIL.search(seen)
    assert not TYPOGRAPHY.search(seen)
    assert not DIRECTIVE.search(markdown)
    assert not MATH.search(re.sub(r"\\[\\$`]", "_", markdown))  # how Streamlit decides to load KaTeX


@pytest.mark.parametrize("text", [*HOSTILE, "Quận Ba Đình", "Lúc 10:30, ISO 9001:2015", "a\\b \\* c", ""])
def test_md_text_reads_as_typed_with_only_invisible_joiners_added(text: str) -> None:
    assert _as_streamlit_reads(md_text(text)).replace(WORD_JOINER, "") == text


def test_plain_text_gets_no_joiner() -> None:
    for text in ["Quận Ba Đình", "Nguồn: Ban Tuyên giáo, 02/06/2020", "Tỷ lệ 91,94% (217/236)", "Phường 1 - Quận 3"]:
        assert WORD_JOINER not in md_text(text)
