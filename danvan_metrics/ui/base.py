"""Streamlit helpers: the one store per process, cached queries, and ``st_`` render functions.

Query results are cached by the store's data version, so a new upload or a curated
change is seen on the next rerun, and nothing expires on a timer.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, cast

import pandas as pd
import streamlit as st

from danvan_metrics.core import config, messages
from danvan_metrics.core.formats import (
    format_date,
    format_datetime,
    format_figure,
    format_measure,
    format_number,
    format_parts,
)
from danvan_metrics.core.messages import DEMO_BANNER
from danvan_metrics.core.model import Metric
from danvan_metrics.export import tables as export
from danvan_metrics.figures.analysis import GroupStats
from danvan_metrics.figures.charts import parts_noun
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store, open_store
from danvan_metrics.ui import urlstate


@st.cache_resource(show_spinner=False)
def _store_for(home: str) -> Store:
    return open_store(Path(home))


def get_store() -> Store:
    """The store for this process's state directory, created or refreshed once."""
    from danvan_metrics.core import config

    return _store_for(str(config.state_dir()))


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(name: str, home: str, version: str, args: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...]) -> Any:
    function: Callable[..., Any] = getattr(queries, name)
    return function(Store(Path(home)), *args, **dict(kwargs))


def query(name: str, *args: Any, **kwargs: Any) -> Any:
    """Call ``queries.<name>(store, *args, **kwargs)``, cached until the data changes."""
    store = get_store()
    return _cached(name, str(store.home), store.data_version(), args, tuple(sorted(kwargs.items())))


# What pages rebuild from a query on every rerun, built once per data version instead (`derived`).
_DERIVED: dict[str, Callable[..., Any]] = {
    "unit_names": lambda store: _distinct_names(queries.units_with_figures(store)),
    "picker_labels": lambda store: unit_label(queries.unit_picker(store)),
    "figures_table": lambda store, *args: figures_table(queries.figures(store, *args), with_unit=True),
}


def _distinct_names(units: pd.DataFrame) -> dict[str, str]:
    from danvan_metrics.figures.analysis import distinct_names

    return distinct_names(units)


@st.cache_data(show_spinner=False, max_entries=64)
def _cached_derived(name: str, home: str, version: str, args: tuple[Any, ...]) -> Any:
    return _DERIVED[name](Store(Path(home)), *args)


def derived(name: str, *args: Any) -> Any:
    """``_DERIVED[name](store, *args)``, cached until the data changes, like `query`."""
    store = get_store()
    return _cached_derived(name, str(store.home), store.data_version(), args)


def unit_names() -> dict[str, str]:
    """unit_id → a name that tells units apart (`analysis.distinct_names`), for every unit with figures.

    Cached: with thousands of units, building it on every rerun cost ~30 ms.
    """
    return cast(dict[str, str], derived("unit_names"))


def picker_labels() -> dict[str, str]:
    """`unit_label` of every unit the profile picker offers, cached (~60 ms per rerun at scale)."""
    return cast(dict[str, str], derived("picker_labels"))


def query_figures_table(*args: Any) -> pd.DataFrame:
    """`figures_table` of ``queries.figures(store, *args)``, with units, cached.

    Formatting thousands of figures (Babel) cost a page ~100 ms on every rerun; now only once.
    """
    return cast(pd.DataFrame, derived("figures_table", *args))


def figures_table(frame: pd.DataFrame, with_unit: bool = False) -> pd.DataFrame:
    """Figure rows as a reader sees them: formatted value with qualifier, parts, period, source, quote."""
    columns: dict[str, Any] = {}
    if with_unit:
        columns["Đơn vị"] = frame["unit_name"]
    columns |= {
        "Chỉ tiêu": frame["metric_name"],
        "Số liệu": [
            format_figure(v, u, int(d), q)
            for v, u, d, q in zip(
                frame["value"], frame["unit_of_measure"], frame["decimals"], frame["qualifier"], strict=True
            )
        ],
        "Tử số/mẫu số": [format_parts(n, d) for n, d in zip(frame["numerator"], frame["denominator"], strict=True)],
        "Kỳ số liệu": frame["period_label"],
        "Nguồn": [
            f"{t} ({format_date(p)})" for t, p in zip(frame["source_title"], frame["source_published"], strict=True)
        ],
        "Trích dẫn nguyên văn": frame["source_quote"],
    }
    return pd.DataFrame(columns)


def unit_validity(unit: pd.Series) -> str:
    """When a unit existed, in words: "đến 30/06/2025" for units dissolved by the 2025 reform."""
    start, end = unit.get("valid_from"), unit.get("valid_to")
    has_start, has_end = start is not None and not pd.isna(start), end is not None and not pd.isna(end)
    if has_start and has_end:
        return f"tồn tại {format_date(start)}–{format_date(end)}"
    if has_end:
        return f"đơn vị hành chính đến {format_date(end)}"
    if has_start:
        return f"từ {format_date(start)}"
    return ""


def st_figures_by_category(frame: pd.DataFrame) -> None:
    """One table per category of a unit's figures."""
    for category, group in frame.groupby("category", sort=True):
        st.markdown(f"**{category}**")
        st.dataframe(figures_table(group), hide_index=True, width="stretch")


def _sync_url(param: str, value: str | Sequence[str] | None, options: Sequence[str] | None = None) -> None:
    text = urlstate.encode(value, options)
    if text is None:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != text:
        st.query_params[param] = text


def _quoted(values: Sequence[str], limit: int = 5) -> str:
    """Values from a link, quoted and shown literally: “a”, “b” và 3 giá trị khác (each cut at 60 characters)."""
    shown = [f"“{md_text(v if len(v) <= 60 else v[:59] + '…')}”" for v in values[:limit]]
    more = f" và {len(values) - limit} giá trị khác" if len(values) > limit else ""
    return ", ".join(shown) + more


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
            quoted = _quoted(decoded.unknown)
            st.warning(messages.URL_UNKNOWN_ONE.format(value=quoted, label=label, shown=md_text(shown)))
    kwargs.setdefault("placeholder", messages.SELECT_PLACEHOLDER)
    value = (container or st).selectbox(label, options, key=key, format_func=format_func, **kwargs)
    _sync_url(param, value)
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
            st.warning(messages.URL_UNKNOWN_MANY.format(values=_quoted(decoded.unknown), label=label, them=them))
    kwargs.setdefault("placeholder", messages.MULTISELECT_PLACEHOLDER)
    kwargs.setdefault("select_all", False)
    place = container or st
    values = place.multiselect(label, options, key=key, format_func=format_func, **kwargs)
    _sync_url(param, values, options)
    if values and presenting():
        place.caption(f"**{md_text(label)}:** " + "; ".join(md_text(format_func(v)) for v in values))
    return list(values)


MY_UNIT_KEY = "my_unit"
MY_UNIT_PARAM = "toi"


def st_my_unit(units: pd.DataFrame) -> str | None:
    """The sidebar's "Đơn vị của tôi": highlighted on every chart and kept in the URL across pages."""
    names = unit_names() if len(units) else {}
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


def metric_label(catalog: pd.DataFrame) -> dict[str, str]:
    """Metric id → "Lĩnh vực · Tên chỉ tiêu", the way metric pickers show them (grouped by category)."""
    return dict(zip(catalog["metric_id"], catalog["category"] + " · " + catalog["name_vi"], strict=True))


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
        "⬇ Tải CSV (Excel)",
        lambda: export.to_csv_bytes(rows()),
        file_name=export.download_name(*name_parts, ext="csv"),
        mime="text/csv",
        key=f"{key}_csv",
        width="stretch",
        on_click="ignore",
    )
    right.download_button(
        "⬇ Tải XLSX",
        lambda: export.to_xlsx_bytes(rows(), sheet_title=sheet_title, note=note),
        file_name=export.download_name(*name_parts, ext="xlsx"),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        width="stretch",
        on_click="ignore",
    )


def compare_table(frame: pd.DataFrame, metric: Metric, stats: GroupStats | None) -> pd.DataFrame:
    """The compare chart's rows as a table: figure, case count, period, rank and gaps, source, quote."""
    noun = parts_noun(metric)
    table = pd.DataFrame(
        {
            "Đơn vị": frame["unit_name"],
            "Số liệu": [
                format_figure(v, metric.unit, metric.decimals, q)
                for v, q in zip(frame["value"], frame["qualifier"], strict=True)
            ],
            "Tử số/mẫu số": [
                format_parts(n, d, noun) for n, d in zip(frame["numerator"], frame["denominator"], strict=True)
            ],
            "Kỳ số liệu": frame["period_label"],
        }
    )
    if stats is not None:
        table["Hạng"] = [f"{r}/{stats.n}" for r in frame["rank"]]
        table["So với tốt nhất"] = [_signed(g, metric) for g in frame["gap_best"]]
        table["So với trung vị"] = [_signed(g, metric) for g in frame["gap_median"]]
    table["Nguồn"] = [
        f"{t} ({format_date(p)})" for t, p in zip(frame["source_title"], frame["source_published"], strict=True)
    ]
    table["Trích dẫn nguyên văn"] = frame["source_quote"]
    return table


def _signed(gap: float, metric: Metric) -> str:
    """A gap as "+1,20 điểm %" / "−3 lượt": positive means better than the reference."""
    if pd.isna(gap) or abs(gap) < 10.0 ** (-metric.decimals) / 2:
        return "0"
    unit = "điểm %" if metric.is_percent else metric.unit
    sign = "+" if gap > 0 else "−"
    return f"{sign}{format_measure(abs(gap), unit, metric.decimals)}"


def uploads_table(log: pd.DataFrame, *, for_file: bool = False) -> pd.DataFrame:
    """The upload log as a reader sees it; ``for_file``: times as date-times a spreadsheet can sort."""
    return pd.DataFrame(
        {
            "Mã tải lên": log["upload_id"],
            "Tệp": log["file_name"],
            "Người tải": log["uploaded_by"],
            "Lúc": list(log["uploaded_at"]) if for_file else [format_datetime(t) for t in log["uploaded_at"]],
            "Thêm mới": log["rows_added"],
            "Thay thế": log["rows_replaced"],
            "Trạng thái": [
                "đang dùng" if s == "committed" else f"đã rút lại bởi {b} lúc {format_datetime(t)}"
                for s, b, t in zip(log["status"], log["retracted_by"], log["retracted_at"], strict=True)
            ],
        }
    )


# The audit trail's "Chi tiết" holds whole sentences: give it the room a grid cell has.
WIDE_LAST_COLUMN = {"Chi tiết": st.column_config.TextColumn(width="large")}


def audit_table(log: pd.DataFrame, *, for_file: bool = False) -> pd.DataFrame:
    """The audit trail as a reader sees it; ``for_file``: times as date-times a spreadsheet can sort."""
    from danvan_metrics.auth.audit import ACTION_LABELS

    return pd.DataFrame(
        {
            "Lúc": list(log["happened_at"]) if for_file else [format_datetime(t) for t in log["happened_at"]],
            "Người": log["actor"],
            "Hoạt động": [ACTION_LABELS.get(a, a) for a in log["action"]],
            "Chi tiết": log["detail"].fillna(""),
        }
    )


def source_labels(sources: pd.DataFrame) -> dict[str, str]:
    """Source id → its title, "(đã rút lại)" after a retracted upload's: what the source picker shows."""
    retracted = set(sources.loc[sources["upload_status"] == "retracted", "source_id"])
    return {
        source_id: title + (f" ({messages.RETRACTED_SOURCE})" if source_id in retracted else "")
        for source_id, title in zip(sources["source_id"], sources["title"], strict=True)
    }


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
            figures = query_figures_table(None, None, [source.source_id], None, rows)
            if figures.empty:
                st.caption("Không còn số liệu nào đang dùng từ văn bản này: đã được thay bằng số liệu mới hơn.")
            elif len(figures) >= rows:
                st.caption(f"Hiển thị {rows} số liệu đầu tiên; lọc theo nguồn ở bảng trên để xem thêm.")
            if not figures.empty:
                st.dataframe(figures, hide_index=True, width="stretch")


def get_resolver() -> Any:
    """The unit-name resolver over the store's registry (built once per data version)."""
    from danvan_metrics.store.resolving import resolver_for

    return resolver_for(get_store())


ERA_LABELS = {"before": "trước 01/07/2025", "after": "từ 01/07/2025"}


def unit_label(picker: pd.DataFrame) -> dict[str, str]:
    """Unit id → "Quận Ba Đình · Thành phố Hà Nội · trước 01/07/2025 ●" (● : has figures)."""
    return {
        row.unit_id: (
            f"{row.name} · {row.province_name} · {ERA_LABELS[row.era]}" if row.level != "province"
            else f"{row.name} · {ERA_LABELS[row.era]}"
        ) + (" ●" if row.has_figures else "")
        for row in picker.itertuples(index=False)
    }  # fmt: skip


def resolve_unit_text(text: str, allowed: set[str]) -> str | None:
    """The one unit among ``allowed`` that a link's text names, or None when none or several do."""
    found = [c.unit_id for c in get_resolver().resolve(text) if c.unit_id in allowed]
    return found[0] if len(found) == 1 else None


LINK_KIND_LABELS = {"full": "toàn bộ", "partial": "một phần"}


def _link_label(row: Any) -> str:
    label = f"{row.name} ({LINK_KIND_LABELS.get(row.link_kind, row.link_kind)})"
    return label + (" ⚠ hai nguồn không thống nhất" if row.disputed else "")


def st_reform_links(unit_id: str) -> None:
    """What a former unit became, or what a new unit came from, each a link to its profile."""
    from danvan_metrics.core.messages import REFORM_NOTE

    successors = query("unit_successors", unit_id)
    predecessors = query("unit_predecessors", unit_id)
    if successors.empty and predecessors.empty:
        return
    with st.container(border=True):
        if not successors.empty:
            st.markdown(f"**Sau sắp xếp ngày 01/07/2025, đơn vị này nhập vào {len(successors)} đơn vị mới:**")
        else:
            st.markdown(f"**Hình thành ngày 01/07/2025 từ {len(predecessors)} đơn vị cũ:**")
        links = successors if not successors.empty else predecessors
        shown = links.head(60)
        for column, row in zip(st.columns(3) * ((len(shown) + 2) // 3), shown.itertuples(index=False), strict=False):
            column.page_link("pages/unit_profile.py", label=_link_label(row), query_params={"don_vi": row.unit_id})
        if len(links) > len(shown):
            st.caption(f"… và {len(links) - len(shown)} đơn vị khác.")
        if bool(links["disputed"].any()):
            st.caption(
                "⚠: hai danh mục sắp xếp đơn vị công khai ghi khác nhau về liên kết này; cả hai đều được giữ, "
                "không tự chọn một."
            )
        st.caption(REFORM_NOTE)


def st_predecessor_figures(unit_id: str, unit_name: str = "") -> None:
    """Figures of the former units a new unit came from, clearly labelled as theirs, with their downloads."""
    predecessors = query("unit_predecessors", unit_id)
    if predecessors.empty:
        return
    figures = query("figures", predecessors["unit_id"].tolist())
    if figures.empty:
        return
    st.header("Số liệu của các đơn vị cũ")
    st.caption(
        "Các số liệu dưới đây thuộc đơn vị hành chính cũ (trước 01/07/2025), không phải của đơn vị hiện nay; "
        "chỉ để tham khảo lịch sử, không cộng dồn sang đơn vị mới."
    )
    kinds = dict(zip(predecessors["unit_id"], predecessors["link_kind"], strict=True))
    for former_id, group in figures.groupby("unit_id", sort=False):
        name = str(group["unit_name"].iloc[0])
        part = "toàn bộ" if kinds.get(former_id) == "full" else "một phần"
        st.subheader(f"{name} (đơn vị cũ, trước 01/07/2025 · nhập {part} vào đơn vị này)")
        st.dataframe(figures_table(group), hide_index=True, width="stretch")
    note = "Số liệu của các đơn vị hành chính cũ (trước 01/07/2025), không phải của đơn vị hiện nay."
    st_downloads(figures, "so-lieu-don-vi-cu", unit_name or unit_id, key="predecessor_download", note=note)


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
    _sync_url(PRESENT_PARAM, "1" if on else None)


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
    _sync_url(PRESENT_PARAM, None)


def st_chart(figure: Any, *, key: str, frame: pd.DataFrame, name_parts: Sequence[str], extra: str = "") -> None:
    """Show a figure that describes itself (title, periods and units, sources, data date), in any mode.

    The chart's own camera button saves a 1920×1080 PNG named after what it shows.
    """
    from danvan_metrics.core.config import demo_mode
    from danvan_metrics.figures.charts import chart_note, describe, mark_demo

    note = chart_note(frame, query("last_updated"), extra)
    figure = describe(figure, note, present=presenting())
    if demo_mode() or get_store().synthetic:  # sample figures are stamped wherever they are drawn
        figure = mark_demo(figure)
    name = export.download_name(*name_parts, ext="png").removesuffix(".png")
    config = {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "width": 1920, "height": 1080, "filename": name},
        "locale": "vi",
    }
    st.plotly_chart(figure, key=key, width="stretch", config=config)


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


def metric(metric_id: str) -> Metric:
    """One catalog entry, from the cached catalog: a filter change then opens no connection for it."""
    catalog = query("metrics")
    return Metric.from_row(catalog.loc[catalog["metric_id"] == metric_id].iloc[0].to_dict())


def metric_choices() -> tuple[list[str], dict[str, str]]:
    """The metrics that have figures, in catalog order, and their "Lĩnh vực · Tên" labels."""
    catalog = query("metrics")
    with_data = set(query("metrics_with_figures")["metric_id"])
    return [m for m in catalog["metric_id"] if m in with_data], metric_label(catalog)
