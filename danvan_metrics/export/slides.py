"""Meeting slides: the pages' own figures, built from the store as slides and gathered into decks.

What you see is what you export: a slide's figure comes from the same query, analysis and
figure builder as its page (`charts.build_compare_figure`, `build_trend_figure`), described
in place by `charts.describe` (title, periods, units, "Nguồn: …") in presentation size.
The app ("Tạo bộ slide") and the command line (``export``) both build slides here; `pptx` and
`pdf` write a deck (with the cover and sources pages of `covers`), `formats` names the files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from danvan_metrics.core import config
from danvan_metrics.core.formats import format_date, format_number
from danvan_metrics.core.messages import SCALE_VIEW_LABELS
from danvan_metrics.core.model import Direction, Metric, Period
from danvan_metrics.export.tables import download_name
from danvan_metrics.figures import analysis, charts, groups, selection, views
from danvan_metrics.figures.charts import ChartNote
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store

# Every Vietnamese string a slide shows, in one place for review (the cover's and sources page's: `covers`).
DEFAULT_TITLE = "Số liệu dân vận chính quyền"
COMPARE_TITLE = "So sánh đơn vị: {metric}"
TREND_TITLE = "Xu hướng: {metric}"
PROFILE_TITLE = "{category}: {metric}"
PENDING_TITLE = " (có số liệu chưa duyệt)"
PROFILE_DECK_TITLE = "Hồ sơ số liệu: {unit}"
PROFILE_PEERS = "{unit} và các đơn vị cùng tỉnh có số liệu cùng kỳ"
PROFILE_NEIGHBOURS = "{unit} và {shown} đơn vị xếp gần nhất trong {total} đơn vị cùng tỉnh, cùng kỳ"
ALL_UNITS = "Tất cả đơn vị"
TREND_CAPPED = "vẽ {shown}/{total} đơn vị"
LATEST = "Mới nhất"
UNKNOWN_METRIC = "Không có chỉ tiêu có mã «{metric_id}» trong danh mục. Các mã chỉ tiêu: {known}."
UNKNOWN_UNITS = "Không có đơn vị có mã {ids}. Xem mã đơn vị ở trang Hồ sơ đơn vị hoặc lệnh `dump`."
NO_FIGURES = "Chỉ tiêu «{metric}» chưa có số liệu nào cho các đơn vị và kỳ đã chọn."
NO_UNIT_FIGURES = "Đơn vị «{unit}» chưa có số liệu nào để đưa vào bộ slide."

MAX_PROFILE_BARS = 15


class DeckError(ValueError):
    """A deck cannot be built as asked (unknown metric or unit, no figures); the message is Vietnamese."""


@dataclass(frozen=True)
class Slide:
    """One chart of a deck: its slide title, the described figure, and what it cites.

    ``sources`` are full citations for the closing slide (``note.sources`` may be shortened);
    ``name`` are the parts of a meaningful file name (kind, metric, units, period).
    """

    title: str
    figure: go.Figure
    note: ChartNote
    sources: tuple[str, ...] = ()
    name: tuple[str, ...] = ()

    def file_name(self, ext: str) -> str:
        """A download name such as "so-sanh_ty-le-giai-quyet-don-khieu-nai_tat-ca-don-vi_moi-nhat.png"."""
        return file_name(*(self.name or ("bieu-do", self.title)), ext=ext)


@dataclass(frozen=True)
class Deck:
    """Slides with their cover (title, subtitle) and the parts of a meaningful file name."""

    title: str
    subtitle: str
    slides: tuple[Slide, ...]
    name: tuple[str, ...] = ("bo-slide",)

    def pptx(self, date: dt.date | None = None) -> bytes:
        """The deck as PowerPoint (`formats.PPTX`, see `pptx.build_pptx`)."""
        from danvan_metrics.export import formats  # formats imports this module: imported when first used

        return formats.PPTX.write(self, date)

    def pdf(self, date: dt.date | None = None) -> bytes:
        """The deck as PDF (`formats.PDF`, see `pdf.build_pdf`)."""
        from danvan_metrics.export import formats

        return formats.PDF.write(self, date)

    def file_name(self, ext: str) -> str:
        """A download name such as "ho-so_huyen-da-krong.pptx"."""
        return file_name(*self.name, ext=ext)


def file_name(kind: str, *parts: str, ext: str) -> str:
    """A safe ASCII file name from Vietnamese parts: ("so-sanh", "Tỷ lệ …", "Ba Đình", "2015..2020").

    Args:
        kind: what the file holds ("so-sanh", "xu-huong", "ho-so", "bo-slide").
        parts: metric, units, period: whatever tells two files apart.
        ext: "png", "svg", "pptx" or "pdf".
    """
    return download_name(kind, *parts, ext=ext)


# 1. Slides: the pages' queries and figure builders, in presentation size


def compare_slide(
    store: Store,
    metric_id: str,
    units: Sequence[str] | None = None,
    period: Period | None = None,
    highlight: str | None = None,
    view: str | None = None,
    *,
    pending: bool = False,
) -> Slide:
    """The "So sánh đơn vị" chart: one metric across units, as the page draws it.

    Args:
        store: the store.
        metric_id: a catalog id.
        units: unit ids to compare; None compares every unit with a figure.
        period: only figures over exactly this period; None takes each unit's latest.
        highlight: the unit drawn in orange ("Đơn vị của tôi").
        view: with many units, the compact view (`views.ScaleView`) the page shows.
        pending: figures waiting for review too, marked "chưa duyệt" on the chart and in the title.

    Raises:
        DeckError: unknown metric or unit, or no figure to show.
    """
    metric = _metric(store, metric_id)
    if units is not None:
        _check_units(store, [*units, *([highlight] if highlight else [])])
    frame = queries.compare(store, metric_id, units, period, pending=pending)
    if frame.empty:
        raise DeckError(NO_FIGURES.format(metric=metric.name_vi))
    frame = selection.with_distinct_names(frame, selection.distinct_names(queries.units_with_figures(store)))
    needs_registry = analysis.needs_scale_view(len(frame)) or views.is_map(view)
    registry = queries.units(store) if needs_registry else None
    shown = views.compare_view(frame, metric, registry, highlight, view)
    note = charts.chart_note(shown.described(frame), queries.last_updated(store))
    figure = _finish(store, shown.figure, note)
    name: tuple[str, ...] = ("so-sanh", metric.name_vi, _units_part(frame, units), period.key() if period else LATEST)
    name += (SCALE_VIEW_LABELS[shown.view],) if shown.view else ()
    title = COMPARE_TITLE.format(metric=metric.name_vi) + _pending_mark(frame)
    return Slide(title, figure, note, _citations(frame), name + (("chua-duyet",) if _pending_mark(frame) else ()))


def trend_slide(
    store: Store,
    metric_id: str,
    units: Sequence[str] | None = None,
    highlight: str | None = None,
    *,
    pending: bool = False,
) -> Slide:
    """The "Xu hướng" chart: one metric over time for the chosen units (None: every unit).

    Like the page, it draws at most `selection.TREND_LINE_CAP` lines (my unit and its neighbours
    first) and says so on the slide.

    Raises:
        DeckError: unknown metric or unit, or no figure to show.
    """
    metric = _metric(store, metric_id)
    if units is not None:
        _check_units(store, [*units, *([highlight] if highlight else [])])
    with_figures = queries.units_with_figures(store)
    with_metric = with_figures[with_figures["unit_id"].isin(queries.metric_unit_ids(store, metric_id))]
    chosen = selection.trend_selection(with_metric, list(units or []), highlight, registry=queries.units(store))
    frame = queries.trend(store, metric_id, chosen.unit_ids, pending=pending)
    if frame.empty:
        raise DeckError(NO_FIGURES.format(metric=metric.name_vi))
    frame = selection.with_distinct_names(frame, selection.distinct_names(with_figures))
    capped = ""
    if chosen.note:
        capped = TREND_CAPPED.format(shown=format_number(len(chosen.unit_ids or [])), total=format_number(chosen.total))
    note = charts.chart_note(frame, queries.last_updated(store), capped)
    figure = _finish(store, charts.build_trend_figure(frame, metric, highlight), note)
    years = f"{pd.Timestamp(frame['period_start'].min()).year}-{pd.Timestamp(frame['period_end'].max()).year}"
    name = ("xu-huong", metric.name_vi, _units_part(frame, units), years)
    title = TREND_TITLE.format(metric=metric.name_vi) + _pending_mark(frame)
    return Slide(title, figure, note, _citations(frame), name + (("chua-duyet",) if _pending_mark(frame) else ()))


def profile_slides(store: Store, unit_id: str) -> list[Slide]:
    """A unit's profile deck: one compare chart per metric it has figures for, in the profile page's order.

    Each chart shows the unit's latest figure (highlighted) beside the units of its province
    with a figure for exactly the same period: a rank and a median only where they are honest,
    and context that grows as quarterly uploads arrive. With many such units, the unit and its
    nearest neighbours in rank are shown (the median still counts them all).

    Raises:
        DeckError: unknown unit, or a unit without figures.
    """
    all_units = queries.units(store)
    _check_units(store, [unit_id], all_units)
    unit_name = str(all_units.loc[all_units["unit_id"] == unit_id, "name"].iloc[0])
    profile = queries.unit_profile(store, unit_id)
    if profile.empty:
        raise DeckError(NO_UNIT_FIGURES.format(unit=unit_name))
    peers = sorted({unit_id, *(groups.group_members(all_units, groups.Group.PROVINCE, unit_id) or [])})
    updated = queries.last_updated(store)
    catalog = {str(m["metric_id"]): Metric.from_row(m) for m in queries.metrics(store).to_dict("records")}
    slides = []
    # unit_profile sorts by category, name, newest period first: the first row per metric is its latest.
    for row in profile.drop_duplicates("metric_id").itertuples(index=False):
        metric = catalog[str(row.metric_id)]
        period = Period(pd.Timestamp(row.period_start).date(), pd.Timestamp(row.period_end).date())
        frame = queries.compare(store, metric.metric_id, peers, period)
        _, stats = groups.rank_and_gaps(frame, metric.direction)
        shown = _neighbours(frame, unit_id, metric.direction, MAX_PROFILE_BARS)
        extra = (
            PROFILE_NEIGHBOURS.format(unit=unit_name, shown=len(shown) - 1, total=len(frame))
            if len(shown) < len(frame)
            else (PROFILE_PEERS.format(unit=unit_name) if len(frame) > 1 else "")
        )
        note = charts.chart_note(shown, updated, extra)
        figure = _finish(store, charts.build_compare_figure(shown, metric, unit_id, stats), note)
        title = PROFILE_TITLE.format(category=row.category, metric=metric.name_vi)
        name = ("ho-so", unit_name, metric.name_vi, period.key())
        slides.append(Slide(title, figure, note, _citations(shown), name))
    return slides


def profile_deck(store: Store, unit_id: str) -> Deck:
    """A unit's whole profile as a deck: cover "Hồ sơ số liệu: Quận Ba Đình", "Quận · thuộc Thành phố Hà Nội".

    Raises:
        DeckError: unknown unit, or a unit without figures.
    """
    all_units = queries.units(store)
    _check_units(store, [unit_id], all_units)
    unit = all_units.loc[all_units["unit_id"] == unit_id].iloc[0]
    facts = [str(unit["kind"]).capitalize()]
    if isinstance(unit["parent_name"], str):
        facts.append(f"thuộc {unit['parent_name']}")
    slides = tuple(profile_slides(store, unit_id))
    title = PROFILE_DECK_TITLE.format(unit=unit["name"])
    return Deck(title, " · ".join(facts), slides, ("ho-so", str(unit["name"])))


def chart_deck(slides: Sequence[Slide], title: str = DEFAULT_TITLE, subtitle: str = "") -> Deck:
    """Chosen charts as a deck; the file is named after the charts' metrics ("bo-slide_…")."""
    metrics = list(dict.fromkeys(slide.name[1] for slide in slides if len(slide.name) > 1))
    return Deck(title, subtitle, tuple(slides), ("bo-slide", *metrics[:3]))


# Helpers


def _pending_mark(frame: pd.DataFrame) -> str:
    """What a title adds when a figure on the slide still waits for review: never mixed in silently."""
    return PENDING_TITLE if "pending" in frame and bool(frame["pending"].fillna(False).any()) else ""


def _metric(store: Store, metric_id: str) -> Metric:
    try:
        return queries.metric(store, metric_id)
    except KeyError:
        known = ", ".join(queries.metrics(store)["metric_id"])
        raise DeckError(UNKNOWN_METRIC.format(metric_id=metric_id, known=known)) from None


def _check_units(store: Store, unit_ids: Sequence[str], all_units: pd.DataFrame | None = None) -> None:
    known = set((queries.units(store) if all_units is None else all_units)["unit_id"])
    missing = [u for u in unit_ids if u not in known]
    if missing:
        raise DeckError(UNKNOWN_UNITS.format(ids=", ".join(f"«{u}»" for u in missing)))


def _units_part(frame: pd.DataFrame, units: Sequence[str] | None) -> str:
    if units is None:
        return ALL_UNITS
    short = dict(zip(frame["unit_id"], frame["unit_short_name"].astype(str), strict=True))
    names = [short[unit_id] for unit_id in dict.fromkeys(units) if unit_id in short]  # in the order asked for
    return " ".join(names) if len(names) <= 3 else f"{' '.join(names[:3])} và {len(names) - 3} đơn vị khác"


def _citations(frame: pd.DataFrame) -> tuple[str, ...]:
    """Full citations of the sources in ``frame``: "Title — Publisher, dd/mm/yyyy"."""
    found: list[str] = []
    for title, publisher, published in zip(
        frame["source_title"], frame["source_publisher"], frame["source_published"], strict=True
    ):
        if not isinstance(title, str):
            continue
        origin = ", ".join(p for p in (publisher if isinstance(publisher, str) else "", format_date(published)) if p)
        citation = f"{title} — {origin}" if origin else title
        if citation not in found:
            found.append(citation)
    return tuple(found)


def _neighbours(frame: pd.DataFrame, unit_id: str, direction: str, limit: int) -> pd.DataFrame:
    """The unit and the units nearest to it in order of value, at most ``limit`` rows."""
    if len(frame) <= limit:
        return frame
    ascending = direction == Direction.LOWER
    ordered = frame.sort_values("value", ascending=ascending, na_position="last").reset_index(drop=True)
    at = int(ordered.index[ordered["unit_id"] == unit_id][0])
    start = min(max(0, at - limit // 2), len(ordered) - limit)
    return ordered.iloc[start : start + limit]


def _finish(store: Store, figure: go.Figure, note: ChartNote) -> go.Figure:
    """Describe a slide's figure in presentation size; sample data is stamped as such on every slide."""
    charts.describe(figure, note, present=True)
    return charts.mark_demo(figure) if store.synthetic or config.demo_mode() else figure
