"""Widgets whose choice lives in the URL, "Đơn vị của tôi", and a file uploader that speaks Vietnamese."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from danvan_metrics.core import config, messages
from danvan_metrics.core.formats import format_number
from danvan_metrics.ui import questions, urlstate
from danvan_metrics.ui.cache import get_resolver
from danvan_metrics.ui.params import sync_url
from danvan_metrics.ui.presentation import presenting
from danvan_metrics.ui.text import md_text, quoted


def st_url_select(
    label: str,
    options: Sequence[str],
    *,
    key: str,
    param: str,
    default: str | None = None,
    format_func: Callable[[Any], str] = str,
    container: Any = None,
    resolve: Callable[[str], str | None] | None = None,
    **kwargs: Any,
) -> str | None:
    """A selectbox whose value lives in the URL (``?param=value``) as well as in the session.

    ``resolve`` turns a link's free text into an option (a unit name such as "Q. Ba Đình").
    A link's value that is neither says so in a warning naming it, and what is shown instead.
    """
    options = list(options)
    current = st.session_state.get(key)
    if key not in st.session_state or current not in options:
        from_link = key not in st.session_state  # else a stale value (other options now): not the link's fault
        raw = st.query_params.get(param)
        decoded = urlstate.read_one(raw, options, default)
        resolved = resolve(raw) if decoded.unknown and raw is not None and resolve is not None else None
        if resolved in options:
            decoded = urlstate.Decoded([str(resolved)])
        value = decoded.values[0] if decoded.values else None
        st.session_state[key] = value
        if decoded.unknown and from_link:
            shown = format_func(value) if value is not None else messages.NOT_CHOSEN
            st.warning(
                messages.URL_UNKNOWN_ONE.format(value=quoted(decoded.unknown), label=label, shown=md_text(shown))
            )
    kwargs.setdefault("placeholder", messages.SELECT_PLACEHOLDER)
    value = (container or st).selectbox(label, options, key=key, format_func=format_func, **kwargs)
    sync_url(param, value)
    return value


def st_url_multiselect(
    label: str,
    options: Sequence[str],
    *,
    key: str,
    param: str,
    default: Sequence[str] = (),
    format_func: Callable[[Any], str] = str,
    container: Any = None,
    **kwargs: Any,
) -> list[str]:
    """A multiselect whose values live in the URL (``?param=a,b``, ids or slugs) as well as in the session.

    No "Select all" row (Streamlit writes it in English; an empty choice already means all). A link's
    values that are not options are named in a warning. When presenting, the hidden filter's choice
    is written out, so a screenshot still says what the table holds.
    """
    options = list(options)
    current = st.session_state.get(key)
    if key not in st.session_state or not set(current or ()).issubset(options):
        from_link = key not in st.session_state
        decoded = urlstate.read_many(st.query_params.get(param), options, default)
        st.session_state[key] = decoded.values
        if decoded.unknown and from_link:
            them = "giá trị này" if len(decoded.unknown) == 1 else "các giá trị này"
            st.warning(messages.URL_UNKNOWN_MANY.format(values=quoted(decoded.unknown), label=label, them=them))
    kwargs.setdefault("placeholder", messages.MULTISELECT_PLACEHOLDER)
    kwargs.setdefault("select_all", False)
    place = container or st
    values = place.multiselect(label, options, key=key, format_func=format_func, **kwargs)
    sync_url(param, values, options)
    if values and presenting():
        place.caption(f"**{md_text(label)}:** " + "; ".join(md_text(format_func(v)) for v in values))
    return list(values)


MY_UNIT_KEY = "my_unit"


MY_UNIT_PARAM = "toi"


def st_my_unit(units: pd.DataFrame) -> str | None:
    """The sidebar's "Đơn vị của tôi": highlighted on every chart and kept in the URL across pages."""
    names = questions.unit_names() if len(units) else {}
    options = ["", *names]
    value = st_url_select(
        "Đơn vị của tôi",
        options,
        key=MY_UNIT_KEY,
        param=MY_UNIT_PARAM,
        default="",
        format_func=lambda u: names.get(u, "— Chưa chọn —"),
        container=st.sidebar,
        help="Đơn vị này được tô màu cam trên mọi biểu đồ.",
    )
    return value or None


def my_unit() -> str | None:
    """The unit chosen in the sidebar, if any."""
    return st.session_state.get(MY_UNIT_KEY) or None


def _uploader_css(key: str) -> str:
    # Streamlit 1.67 has no locale option and no parameter for these texts: the English "Upload"
    # button label, the "20MB per file • XLSX, …" line (said above in Vietnamese) and the
    # "Drag and drop a file here" overlay (the zone's only child div holding a bare span: the chips of a
    # chosen file are a div of divs) are hidden, and the button and the overlay say it in Vietnamese.
    # The button itself stays: the file dialog and dropping a file work as before.
    zone = f'.st-key-{key} [data-testid="stFileUploaderDropzone"]'
    return f"""<style>
{zone} [data-testid="stFileUploaderDropzoneInstructions"],
{zone} button [data-testid="stMarkdownContainer"] {{ display: none !important; }}
{zone} button span[data-has-shortcut]::after {{ content: "{messages.UPLOAD_BUTTON}"; }}
{zone} > div:has(> span) > span {{ display: none !important; }}
{zone} > div:has(> span)::after {{ content: "{messages.UPLOAD_DROP_HERE}"; margin: auto; }}
</style>"""


def st_file_uploader(label: str, types: Sequence[str], *, key: str) -> Any:
    """A file uploader that speaks Vietnamese: its limits in a caption above it, its button "Chọn tệp"."""
    limit = min(float(st.get_option("server.maxUploadSize")), config.max_upload_bytes() / 1_000_000)
    mb = format_number(limit, 0 if limit == int(limit) else 1)
    st.caption(messages.UPLOAD_LIMITS.format(mb=mb, types=", ".join(f".{t}" for t in types)))
    st.html(_uploader_css(key))
    help_text = f"Kéo thả tệp vào ô này, hoặc bấm “{messages.UPLOAD_BUTTON}”."
    return st.file_uploader(label, type=list(types), key=key, help=help_text)


def resolve_unit_text(text: str, allowed: set[str]) -> str | None:
    """The one unit among ``allowed`` that a link's text names, or None when none or several do."""
    found = [c.unit_id for c in get_resolver().resolve(text) if c.unit_id in allowed]
    return found[0] if len(found) == 1 else None


def st_metric_select(*, key: str, container: Any = None, default: str = "complaints_resolved_rate") -> str:
    """The "Chỉ tiêu" picker over the metrics with figures (``?chi_tieu=``); stops the page when there are none."""
    options, labels = questions.metric_choices()
    if not options:
        st.info(messages.NO_DATA)
        st.stop()
    value = st_url_select("Chỉ tiêu", options, key=key, param="chi_tieu", default=default,
                          format_func=labels.__getitem__, container=container)  # fmt: skip
    return str(value)


def st_filter(
    label: str,
    options: Sequence[str],
    *,
    key: str,
    param: str,
    labels: dict[str, str] | None = None,
    container: Any = None,
    placeholder: str = "Tất cả",
) -> list[str]:
    """A multiselect filter kept in the URL; nothing chosen means every option (said by ``placeholder``)."""
    return st_url_multiselect(label, list(options), key=key, param=param, container=container,
                              format_func=labels.__getitem__ if labels else str, placeholder=placeholder)  # fmt: skip


def st_pending_switch(*, key: str, container: Any = None) -> bool:
    """ "Hiện cả số liệu chờ duyệt" (``?cho_duyet=1``), offered only while some upload waits for review.

    Off by default: charts count approved figures only; on, the waiting ones are drawn marked "chưa duyệt".
    """
    waiting = questions.pending_uploads()
    if not waiting:
        st.session_state.pop(key, None)
        sync_url("cho_duyet", None)
        return False
    if key not in st.session_state:
        st.session_state[key] = st.query_params.get("cho_duyet") == "1"
    on = (container or st).toggle(
        f"Hiện cả số liệu chờ duyệt ({format_number(waiting)} tệp)", key=key,
        help="Mặc định chỉ tính số liệu đã duyệt. Bật để xem cả số liệu đang chờ duyệt, luôn ghi rõ “chưa duyệt”.",
    )  # fmt: skip
    sync_url("cho_duyet", "1" if on else None)
    return bool(on)


def st_no_figures(pending: bool) -> None:
    """Nothing matches the filter; while uploads wait for review and the switch is off, say they may hold it."""
    waiting = 0 if pending else questions.pending_uploads()
    hint = (
        f" Có {format_number(waiting)} tệp số liệu chờ duyệt: bật “Hiện cả số liệu chờ duyệt” để xem."
        if waiting
        else ""
    )
    st.info(messages.NO_FIGURES_FOR_FILTER + hint)
