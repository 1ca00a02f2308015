"""Presentation mode (``?present=1``): the chrome and controls hidden, every label kept, larger; page CSS."""

from __future__ import annotations

import streamlit as st

from danvan_metrics.ui.params import sync_url

PRESENT_KEY = "present"


PRESENT_PARAM = "present"


PRESENT_CSS = """
<style>
/* Chrome and controls go; every heading, label, caption, card, table and link stays, larger. */
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stSelectbox"],
[data-testid="stMultiSelect"], [data-testid="stDownloadButton"], [data-testid="stFileUploader"],
[data-testid="stBaseButton-secondary"], [class*="st-key-present_hide"] { display: none !important; }
.st-key-present_exit [data-testid="stBaseButton-secondary"] { display: inline-flex !important; }
html { font-size: 20px !important; }
@media (max-width: 640px) { html { font-size: 18px !important; } }
[data-testid="stCaptionContainer"] { color: #333333 !important; opacity: 1 !important; }  /* dark on a projector */
[data-testid="stMainBlockContainer"] { padding: 0.5rem 1.5rem !important; max-width: 100% !important; }
[data-testid="stApp"] { background: #FFFFFF !important; }
</style>
"""


# On every page: a caption (a footnote, a source line, a long file name) and a link's label (a long
# commune name in the reform box, on a phone) wrap instead of running off the edge.
PAGE_CSS = """
<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
[data-testid="stPageLink-NavLink"] p { white-space: normal !important; overflow-wrap: anywhere; }
[data-testid="stPageLink-NavLink"], [data-testid="stPageLink-NavLink"] > span { max-width: 100%; overflow: visible; }
</style>
"""


def presenting() -> bool:
    """Presentation mode: the sidebar toggle, or ``?present=1`` in the link."""
    if PRESENT_KEY not in st.session_state:
        st.session_state[PRESENT_KEY] = st.query_params.get(PRESENT_PARAM) == "1"
    return bool(st.session_state[PRESENT_KEY])


def st_presentation_toggle() -> None:
    """In the sidebar: the presentation-mode switch, kept in the URL as ``present=1``."""
    presenting()
    on = st.sidebar.toggle(
        "Chế độ trình chiếu", key=PRESENT_KEY, help="Ẩn thanh bên, bộ lọc và nút; giữ mọi nhãn, chữ lớn hơn; 16:9."
    )
    sync_url(PRESENT_PARAM, "1" if on else None)


def st_presentation_frame() -> None:
    """The page-wide style; when presenting, hide the chrome and the controls (labels stay), and offer a way back."""
    st.html(PAGE_CSS)
    if not presenting():
        return
    st.html(PRESENT_CSS)
    with st.container(key="present_exit"):
        st.button("✕ Thoát trình chiếu", key="present_exit_button", on_click=_leave_presentation)


def _leave_presentation() -> None:
    # A callback runs before the rerun, when the toggle's state may still be changed.
    st.session_state[PRESENT_KEY] = False
    sync_url(PRESENT_PARAM, None)
