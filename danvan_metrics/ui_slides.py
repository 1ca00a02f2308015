"""Meeting exports in the app: a chart's PNG, "Thêm vào bộ slide", and the deck as PowerPoint or PDF.

Images and decks are drawn only when their button is clicked (Streamlit calls the data
function then), with the same figure builders as the pages: what you see is what you export.
A deck is kept in the session as a list of chart specifications, rebuilt on download so it
always shows the current data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from danvan_metrics import deck, images
from danvan_metrics.model import Period
from danvan_metrics.ui import get_store

DECK_KEY = "slide_specs"
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

Spec = tuple[Any, ...]  # ("compare", metric_id, units, period_key, highlight) or ("trend", metric_id, units, highlight)


def slide_for(spec: Spec) -> deck.Slide:
    """The slide a specification stands for, built from the store's current data."""
    store = get_store()
    if spec[0] == "compare":
        _, metric_id, units, period_key, highlight = spec
        period = Period.parse(period_key) if period_key else None
        return deck.compare_slide(store, metric_id, list(units) if units else None, period, highlight)
    _, metric_id, units, highlight = spec
    return deck.trend_slide(store, metric_id, list(units) if units else None, highlight)


def _png(spec: Spec) -> Callable[[], bytes]:
    def draw() -> bytes:
        return images.to_png(slide_for(spec).figure)

    return draw


def st_chart_exports(spec: Spec, *, key: str, name_parts: Sequence[str]) -> None:
    """Under a chart: a 1920×1080 PNG drawn on the server, and "add to the slide deck"."""
    left, right = st.columns(2)
    left.download_button(
        "⬇ Ảnh PNG 1920×1080", _png(spec), file_name=deck.file_name(*name_parts, ext="png"), mime="image/png",
        key=f"{key}_png", on_click="ignore", width="stretch",
    )  # fmt: skip
    specs: list[Spec] = st.session_state.setdefault(DECK_KEY, [])
    added = spec in specs
    right.button(
        "✓ Đã có trong bộ slide" if added else "➕ Thêm vào bộ slide", key=f"{key}_add", disabled=added,
        on_click=lambda: specs.append(spec), width="stretch",
    )  # fmt: skip


def _deck(specs: list[Spec]) -> deck.Deck:
    return deck.chart_deck([slide_for(spec) for spec in specs])


def st_deck_sidebar() -> None:
    """In the sidebar: the deck being assembled, with PowerPoint and PDF downloads."""
    specs: list[Spec] = st.session_state.get(DECK_KEY, [])
    if not specs:
        return
    box = st.sidebar.container(border=True)
    box.markdown(f"**Bộ slide: {len(specs)} biểu đồ**")
    box.download_button(
        "⬇ PowerPoint (.pptx)", lambda: _deck(list(specs)).pptx(), file_name=deck.file_name("bo-slide", ext="pptx"),
        mime=PPTX_MIME, key="deck_pptx", on_click="ignore", width="stretch",
    )  # fmt: skip
    box.download_button(
        "⬇ PDF", lambda: _deck(list(specs)).pdf(), file_name=deck.file_name("bo-slide", ext="pdf"),
        mime="application/pdf", key="deck_pdf", on_click="ignore", width="stretch",
    )  # fmt: skip
    box.button("Xóa bộ slide", key="deck_clear", on_click=lambda: specs.clear(), width="stretch")


def st_profile_deck(unit_id: str, unit_name: str) -> None:
    """On a unit's profile: its whole deck in one click, as PowerPoint or PDF."""
    st.subheader("Bộ slide cho cuộc họp")
    st.caption(f"Mỗi chỉ tiêu của {unit_name} một slide, kèm kỳ số liệu và nguồn; slide cuối liệt kê mọi nguồn.")
    left, right = st.columns(2)
    left.download_button(
        "⬇ PowerPoint (.pptx)", lambda: deck.profile_deck(get_store(), unit_id).pptx(),
        file_name=deck.file_name("ho-so", unit_name, ext="pptx"), mime=PPTX_MIME, key="profile_pptx",
        on_click="ignore", width="stretch", type="primary",
    )  # fmt: skip
    right.download_button(
        "⬇ PDF", lambda: deck.profile_deck(get_store(), unit_id).pdf(),
        file_name=deck.file_name("ho-so", unit_name, ext="pdf"), mime="application/pdf", key="profile_pdf",
        on_click="ignore", width="stretch",
    )  # fmt: skip
