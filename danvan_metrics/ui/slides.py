"""Meeting exports in the app: a chart's PNG, "Thêm vào bộ slide", and the deck as PowerPoint or PDF.

Images and decks are drawn only when their button is clicked (Streamlit calls the data
function then), with the same figure builders as the pages: what you see is what you export.
A deck is kept in the session as a list of typed chart specifications (`chart_spec`), rebuilt
on download so it always shows the current data.

A file that cannot be made never fails in silence. Streamlit runs a download's data function
outside the page, where no message can be shown: so the function catches the failure, hands
back a file that says in Vietnamese what failed and what to do (an image, a one-slide deck, a
PDF page), and leaves the message for the page, which shows it on its next run.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from danvan_metrics.core.messages import EXPORT_FAILED, EXPORT_FAILED_UNEXPECTED
from danvan_metrics.export import formats, images, slides
from danvan_metrics.export.chart_spec import ChartSpec, slide_for
from danvan_metrics.ui.cache import get_store

DECK_KEY = "slide_specs"
DECK_FORMATS = (formats.PPTX, formats.PDF)  # the deck buttons, in order
_LOG = logging.getLogger("danvan")
# Session id → the last export failure of that session, shown (and cleared) on its next page run.
_FAILURES: dict[str, str] = {}
_FAILURES_LOCK = threading.Lock()


def _session_id() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else ""


def export_failure_message(what: str, exc: BaseException) -> str:
    """What the person reads when ``what`` ("ảnh PNG", "bộ slide PowerPoint") could not be made."""
    if isinstance(exc, slides.DeckError | images.ExportError):
        return EXPORT_FAILED.format(what=what, reason=str(exc))
    return EXPORT_FAILED_UNEXPECTED.format(what=what)


def guarded(make: Callable[[], bytes], what: str, fallback: Callable[[str], bytes]) -> Callable[[], bytes]:
    """``make`` for a download button, made safe: on failure the file explains itself and the page is told.

    Args:
        make: builds the file's bytes (called when the button is clicked).
        what: the file in Vietnamese, for the message ("ảnh PNG 1920×1080").
        fallback: builds a file of the same type that shows a message.
    """
    session = _session_id()

    def run() -> bytes:
        try:
            return make()
        except Exception as exc:  # noqa: BLE001 — turned into a message the person reads, twice
            message = export_failure_message(what, exc)
            if isinstance(exc, slides.DeckError | images.ExportError):
                _LOG.warning("export failed: %s: %s", what, exc)
            else:  # a defect: logged in full so tests and administrators see it
                _LOG.exception("export failed: %s", what)
            with _FAILURES_LOCK:
                _FAILURES[session] = message
            return fallback(message)

    return run


def st_export_failures() -> None:
    """Show (once) the message of an export that failed since this session's last run."""
    with _FAILURES_LOCK:
        message = _FAILURES.pop(_session_id(), None)
    if message:
        st.error(message)


def _png(spec: ChartSpec) -> Callable[[], bytes]:
    png = formats.PNG
    assert png.notice is not None
    return guarded(lambda: png.build(slide_for(get_store(), spec).figure), png.what, png.notice)


def st_chart_exports(spec: ChartSpec, *, key: str, name_parts: Sequence[str]) -> None:
    """Under a chart: a 1920×1080 PNG drawn on the server, and "add to the slide deck"."""
    left, right = st.columns(2)
    left.download_button(
        formats.PNG.label, _png(spec), file_name=formats.PNG.file_name(*name_parts), mime=formats.PNG.mime,
        key=f"{key}_png", on_click="ignore", width="stretch",
    )  # fmt: skip
    specs: list[ChartSpec] = st.session_state.setdefault(DECK_KEY, [])
    added = spec in specs
    right.button(
        # Material icons, not emoji: headless and office browsers without an emoji font draw ➕ as a box.
        "Đã có trong bộ slide" if added else "Thêm vào bộ slide", key=f"{key}_add", disabled=added,
        icon=":material/check:" if added else ":material/add:",
        on_click=lambda: specs.append(spec), width="stretch",
    )  # fmt: skip


def st_deck_download(
    target: Any, fmt: formats.DeckFormat, make: Callable[[], slides.Deck], *name_parts: str, key: str,
    primary: bool = False,
) -> None:  # fmt: skip
    """One deck's download button in ``target`` (a column, the sidebar box); ``make`` runs on click.

    Args:
        target: where the button goes (``st``, a column, a container).
        fmt: `formats.PPTX` or `formats.PDF`: label, file name, MIME type, writer, failure file.
        make: builds the deck (from the current data) when the button is clicked.
        name_parts: the file name's parts ("ho-so", unit name).
        key: the widget key's stem; the format's name is appended ("deck" → "deck_pptx").
        primary: draw it as the page's main button.
    """
    target.download_button(
        fmt.label, guarded(lambda: fmt.write(make()), fmt.what, fmt.notice), file_name=fmt.file_name(*name_parts),
        mime=fmt.mime, key=f"{key}_{fmt.name}", on_click="ignore", width="stretch",
        type="primary" if primary else "secondary",
    )  # fmt: skip


def _deck(specs: list[ChartSpec]) -> slides.Deck:
    store = get_store()
    return slides.chart_deck([slide_for(store, spec) for spec in specs])


def st_deck_sidebar() -> None:
    """In the sidebar: the deck being assembled, with PowerPoint and PDF downloads."""
    specs: list[ChartSpec] = st.session_state.get(DECK_KEY, [])
    if not specs:
        return
    box = st.sidebar.container(border=True)
    box.markdown(f"**Bộ slide: {len(specs)} biểu đồ**")
    chosen = list(specs)
    for fmt in DECK_FORMATS:
        st_deck_download(box, fmt, lambda: _deck(chosen), "bo-slide", key="deck")
    box.button("Xóa bộ slide", key="deck_clear", on_click=lambda: specs.clear(), width="stretch")


def st_profile_deck(unit_id: str, unit_name: str) -> None:
    """On a unit's profile: its whole deck in one click, as PowerPoint or PDF."""
    st.subheader("Bộ slide cho cuộc họp")
    st.caption(f"Mỗi chỉ tiêu của {unit_name} một slide, kèm kỳ số liệu và nguồn; slide cuối liệt kê mọi nguồn.")
    for column, fmt in zip(st.columns(2), DECK_FORMATS, strict=True):
        st_deck_download(column, fmt, lambda: slides.profile_deck(get_store(), unit_id), "ho-so", unit_name,
                         key="profile", primary=fmt is formats.PPTX)  # fmt: skip
