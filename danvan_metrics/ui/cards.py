"""Figures on a page: cards, tables by category, source documents, charts, and their downloads."""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from danvan_metrics.core import config, messages
from danvan_metrics.core.formats import format_date, format_datetime, format_figure, format_number, format_parts
from danvan_metrics.core.messages import DEMO_BANNER
from danvan_metrics.export import formats
from danvan_metrics.export import tables as export
from danvan_metrics.ui import questions
from danvan_metrics.ui.cache import built, get_store
from danvan_metrics.ui.presentation import presenting
from danvan_metrics.ui.tables import figures_table
from danvan_metrics.ui.text import md_text


def card_key(row: pd.Series) -> str:
    """The card's key (and CSS class ``st-key-…``), unique per figure: "figure_card_<id>_<crc32 of id>"."""
    obs_id = str(row.get("obs_id", ""))
    return f"figure_card_{re.sub(r'[^A-Za-z0-9_-]', '_', obs_id)[:40]}_{zlib.crc32(obs_id.encode()):08x}"


def st_figure_card(row: pd.Series, *, title: str | None = None, with_quote: bool = False) -> None:
    """One figure as a card: name, the figure with its qualifier and case count, period, source (and quote)."""
    with st.container(border=True, key=card_key(row)):
        st.caption(title or str(row["metric_name"]))
        figure = format_figure(row["value"], row["unit_of_measure"], int(row["decimals"]), row["qualifier"])
        st.markdown(f"### {figure}")
        parts = format_parts(row["numerator"], row["denominator"], str(row.get("denominator_label") or ""))
        if parts:
            st.markdown(f"**{parts}**")
        st.caption(
            f"Kỳ: **{md_text(row['period_label'])}**  \n"
            f"Nguồn: {md_text(row['source_publisher'])}, {format_date(row['source_published'])}"
        )
        if with_quote:
            st.markdown(f"> “{md_text(row['source_quote'])}”")
            st.caption(md_text(row["source_title"]))
            if isinstance(row.get("note"), str) and row["note"]:
                st.caption(f"Ghi chú: {md_text(row['note'])}")


def st_figures_by_category(frame: pd.DataFrame) -> None:
    """One table per category of a unit's figures."""
    for category, group in frame.groupby("category", sort=True):
        st.markdown(f"**{category}**")
        st.dataframe(figures_table(group), hide_index=True, width="stretch")


def st_downloads(frame: pd.DataFrame, *name_parts: str, key: str, note: str | None = None) -> None:
    """CSV and XLSX downloads of exactly the figure rows behind what is shown (formula injection neutralised)."""
    if config.demo_mode() or get_store().synthetic:  # a sample figure stays marked in every file made from it
        frame = frame.assign(note=DEMO_BANNER)
        note = f"{DEMO_BANNER}\n{note or ''}"
    st_table_downloads(frame, *name_parts, key=key, note=note, prepare=export.export_frame)


def st_table_downloads(
    table: pd.DataFrame,
    *name_parts: str,
    key: str,
    note: str | None = None,
    sheet_title: str = "Số liệu",
    prepare: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> None:
    """CSV and XLSX downloads of a table with Vietnamese headers (a log, a list), cells neutralised.

    ``prepare`` turns ``table`` into the file's rows, only when a button is clicked: an XLSX of
    thousands of rows would otherwise cost every rerun a second.
    """

    def rows() -> pd.DataFrame:
        return prepare(table) if prepare is not None else table

    left, right = st.columns(2)
    left.download_button(
        formats.CSV.label,
        lambda: formats.CSV.build(rows()),
        file_name=formats.CSV.file_name(*name_parts),
        mime=formats.CSV.mime,
        key=f"{key}_{formats.CSV.name}",
        width="stretch",
        on_click="ignore",
    )
    right.download_button(
        formats.XLSX.label,
        lambda: formats.XLSX.build(rows(), sheet_title=sheet_title, note=note),
        file_name=formats.XLSX.file_name(*name_parts),
        mime=formats.XLSX.mime,
        key=f"{key}_{formats.XLSX.name}",
        width="stretch",
        on_click="ignore",
    )


def st_source_documents(sources: pd.DataFrame, rows: int) -> None:
    """Each source document as an expander: its metadata and its first ``rows`` current figures.

    A retracted upload is marked "đã rút lại" (by whom, when) instead of "0 số liệu"; a document
    whose figures were all replaced says so instead of showing an empty grid.
    """
    for source in sources.itertuples(index=False):
        retracted = source.upload_status == "retracted"
        count = messages.RETRACTED_SOURCE if retracted else f"{format_number(source.n_figures)} số liệu"
        title = f"{md_text(source.title)} — {md_text(source.publisher)}, {format_date(source.published)} · {count}"
        with st.expander(title, icon=":material/description:"):
            place = md_text(source.unit_name) if isinstance(source.unit_name, str) else "–"
            st.markdown(
                f"**Mã nguồn:** `{source.source_id}` · **Loại:** {source.doc_kind} · "
                f"**Đơn vị:** {place} · **Tác giả/ký:** {md_text(source.author or '–')} · "
                f"**Tệp gốc:** `{source.file}`"
            )
            if retracted:
                at = format_datetime(source.retracted_at)
                st.caption(messages.RETRACTED_SOURCE_NOTE.format(by=md_text(source.retracted_by), at=at))
                continue
            figures = questions.figures_shown(None, None, [source.source_id], None, rows)
            if figures.empty:
                st.caption("Không còn số liệu nào đang dùng từ văn bản này: đã được thay bằng số liệu mới hơn.")
            elif len(figures) >= rows:
                st.caption(f"Hiển thị {rows} số liệu đầu tiên; lọc theo nguồn ở bảng trên để xem thêm.")
            if not figures.empty:
                st.dataframe(figures, hide_index=True, width="stretch")


def st_chart(
    figure: Any,
    *,
    key: str,
    frame: pd.DataFrame,
    name_parts: Sequence[str],
    extra: str = "",
    shared: tuple[Hashable, ...] | None = None,
) -> None:
    """Show a figure that describes itself (title, periods and units, sources, data date), in any mode.

    The chart's own camera button saves a 1920×1080 PNG named after what it shows. ``shared``: the
    figure is `cache.built` under this key (shared, never changed): the finished one is kept too.
    """
    from danvan_metrics.core.config import demo_mode

    demo = demo_mode() or get_store().synthetic  # sample figures are stamped wherever they are drawn
    present = presenting()
    if shared is None:
        figure = _finished(figure, frame, extra, present, demo)
    else:
        original = figure
        figure = built(("chart", *shared, present, demo, extra),
                       lambda: _finished(go.Figure(original), frame, extra, present, demo))  # fmt: skip
    name = formats.PNG.file_name(*name_parts).removesuffix(f".{formats.PNG.extension}")
    config = {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "width": 1920, "height": 1080, "filename": name},
        "locale": "vi",
    }
    st.plotly_chart(figure, key=key, width="stretch", config=config)


def _finished(figure: Any, frame: pd.DataFrame, extra: str, present: bool, demo: bool) -> Any:
    """``figure`` with its title block and source line (`describe`), stamped when the data is synthetic."""
    from danvan_metrics.figures.charts import chart_note, describe, mark_demo

    figure = describe(figure, chart_note(frame, questions.last_updated(), extra), present=present)
    return mark_demo(figure) if demo else figure
