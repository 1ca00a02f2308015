"""Figure builders: a DataFrame and a catalog entry in, a Plotly figure out. No Streamlit here.

Every figure speaks Vietnamese number formats (``separators``), keeps qualifiers in its
labels ("≥ 92%"), and says so inside the figure when its figures are not from one period.
Colours are Okabe–Ito (safe for colour-vision deficiencies); text is at least 14 px.

A figure does not know the screen it lands on (the app stretches it to the page, a phone is
390 px wide, a slide 1920), and Plotly neither wraps text nor keeps it inside the picture. So
the builders lay out for the narrowest screen: rates on a fixed 0–100 % axis, few ticks, labels
placed where they fit on a phone, and `describe` wraps titles and notes at word boundaries
for a phone (or for a slide, in presentation mode) and makes room for every line.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from danvan_metrics.core.formats import (
    PLOTLY_SEPARATORS,
    QUALIFIER_SYMBOLS,
    format_date,
    format_figure,
    format_measure,
    format_number,
    format_parts,
    plotly_number_format,
    plotly_tick_format,
)
from danvan_metrics.core.messages import DEMO_BANNER
from danvan_metrics.core.model import Direction, Metric
from danvan_metrics.figures.analysis import NO_DATA_LABEL, RECENCY_BUCKETS, GroupStats, Position, recency_label

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
BLUE = "#0072B2"
ORANGE = "#D55E00"
SKY = "#56B4E9"
YELLOW = "#E69F00"
GREEN = "#009E73"
GREY = "#7F7F7F"
LIGHT_GREY = "#E5E5E5"
TEXT = "#1A1A1A"
# Okabe–Ito without its vermillion (ORANGE marks "Đơn vị của tôi" only), plus brown and grey: 8 lines.
SERIES_COLOURS = (BLUE, GREEN, YELLOW, SKY, "#CC79A7", "#000000", "#8C564B", GREY)
FONT_FAMILY = "Noto Sans, DejaVu Sans, Arial, sans-serif"
BASE_FONT_SIZE = 15
TITLE_SIZE = 20

MIXED_PERIOD_WARNING = "⚠ Các số liệu không cùng kỳ: không so sánh trực tiếp được"
BOUNDS_NOTE = "Cột gạch chéo: số liệu là cận (trên, từ … trở lên) hoặc ước tính"
MY_UNIT_LABEL = "Đơn vị của tôi"
SINGLE_POINT_NOTE = "Mỗi đơn vị mới có một số liệu: chưa có chuỗi để xem xu hướng"

# Names of the layout items `describe` rearranges.
NOTES = "notes"  # the warnings over the plot
FOOTNOTE = "footnote"  # "Nguồn: …" under it
BAR_LABEL = "bar_label"  # the figure on a hatched (qualified) or zero bar, drawn dark on white
ZERO_STUB = "zero_stub"  # the mark at 0 that shows a zero is a figure, not a gap


# -- Fitting text --------------------------------------------------------------------------------

PHONE_WIDTH = 358  # px a chart spans on a 390-px phone (Streamlit pads the page 16 px a side)
PRESENT_WIDTH = 1536  # px a slide is laid out at (1920 × 1080 drawn 1,25× large); a 1920 screen has more
PAD = 8  # px between the picture's edge and its text
LINE_HEIGHT = 1.3  # Plotly's line spacing, in ems
NAME_WIDTH = 150  # px of a unit's name beside its bar before it wraps
LABEL_WIDTH = 120  # px of a bar's figure before it wraps ("91,94%<br>217/236 đơn")
MINE_WIDTH = 160  # px of my unit's label beside its line on a distribution: half a phone's plot
_NARROW = frozenset(" \u00a0.,:;·'!|()-ijlIJ")
_MID = frozenset("ftr/")
_WIDE = frozenset("mwMW%…≥≤★⚠")
_TAG = re.compile(r"<[^>]*>")
_SPAN = re.compile(r"(<span[^>]*>)([^<]*)(</span>)")
NBSP = "\u00a0"  # a space a line never breaks at
PART = " · "  # between the parts of a label or a note: the best place to break, dropped there
_SYMBOLS = frozenset(symbol.strip() for symbol in QUALIFIER_SYMBOLS.values() if symbol)
_FILL = 0.6  # a line broken at a part or a list boundary is at least this full; else it breaks at a word


def text_width(text: str, size: float, bold: bool = False) -> float:
    """A slight over-estimate of the width of ``text`` drawn at ``size`` px in Noto Sans (tags ignored).

    Calibrated on Chromium's Noto Sans: 3–7 % wider than measured for Vietnamese labels and titles.
    """
    ems = 0.0
    for char in _TAG.sub("", text):
        base = unicodedata.normalize("NFD", char)[0]
        if base in _NARROW:
            ems += 0.29
        elif base in _MID:
            ems += 0.39
        elif base in _WIDE:
            ems += 0.9
        elif base.isupper():
            ems += 0.7
        else:
            ems += 0.6
    return ems * size * (1.06 if bold else 1.0)


def wrap_text(text: str, size: float, width: float, bold: bool = False, lists: bool = True, words: bool = True) -> str:
    """``text`` with ``<br>`` where it must break to fit ``width`` px; existing ``<br>`` are kept.

    A line breaks, by preference, between parts (" · ", dropped at the break), after a comma or
    semicolon (``lists``), else between words (``words``; never inside parentheses). Without
    ``words``, a part is never split ("> 15.590 triệu đồng" stays whole). Plain text, or lines each
    in one ``<span>``; a no-break space (`NBSP`) holds words together.
    """
    lines: list[str] = []
    for line in text.split("<br>"):
        span = _SPAN.fullmatch(line)  # a line in a colour of its own: each of its lines keeps it
        if span:
            lines += [span[1] + part + span[3] for part in _wrap_line(span[2], size, width, bold, lists, words)]
        else:
            lines += _wrap_line(line, size, width, bold, lists, words)
    return "<br>".join(lines)


def _tokens(text: str, words: bool, fits: Callable[[str], bool]) -> list[tuple[str, str]]:
    """(joiner, token) pairs that rebuild ``text``: the parts, or the words of the parts."""
    tokens: list[tuple[str, str]] = []
    for index, part in enumerate(text.split(PART)):
        pieces = [part]
        if words:
            pieces = []
            for word in part.split(" "):  # "(đơn vị)" stays one token, if it fits on a line
                if pieces and pieces[-1].count("(") > pieces[-1].count(")") and fits(f"{pieces[-1]} {word}"):
                    pieces[-1] += " " + word
                else:
                    pieces.append(word)
        for number, piece in enumerate(pieces):
            if number and tokens and tokens[-1][1] in _SYMBOLS:  # "> 15.590" stays together
                tokens[-1] = (tokens[-1][0], f"{tokens[-1][1]} {piece}")
            else:
                tokens.append((("" if index == 0 else PART) if number == 0 else " ", piece))
    return tokens


def _joined(tokens: Sequence[tuple[str, str]]) -> str:
    """The tokens as text; a line's first joiner is dropped (a " · " at a break)."""
    return "".join((joiner if i else "") + token for i, (joiner, token) in enumerate(tokens))


def _wrap_line(text: str, size: float, width: float, bold: bool, lists: bool, words: bool) -> list[str]:
    if text_width(text, size, bold) <= width:
        return [text]
    lines: list[str] = []
    line: list[tuple[str, str]] = []
    for joiner, token in _tokens(text, words, lambda piece: text_width(piece, size, bold) <= width):
        while line and text_width(_joined([*line, (joiner, token)]), size, bold) > width:
            cut = _best_cut(line, size, width, bold, lists)
            lines.append(_joined(line[:cut]))
            line = line[cut:]
        line.append((joiner, token))
    lines.append(_joined(line))
    return lines


def _best_cut(line: Sequence[tuple[str, str]], size: float, width: float, bold: bool, lists: bool) -> int:
    """Where to end a full line: at its last part boundary, else list boundary, that leaves it `_FILL` full."""
    for wanted in ("part", "list"):
        for cut in range(len(line) - 1, 0, -1):
            joiner, previous = line[cut][0], line[cut - 1][1]
            kind = "part" if joiner == PART else "list" if lists and previous.endswith((",", ";")) else "word"
            if kind == wanted and text_width(_joined(line[:cut]), size, bold) >= _FILL * width:
                return cut
    return len(line)


def line_count(text: str | None) -> int:
    """How many lines Plotly draws ``text`` on."""
    return (text or "").count("<br>") + 1


def _block_height(lines: int, size: float) -> int:
    return math.ceil(lines * LINE_HEIGHT * size)


# -- Value axes ----------------------------------------------------------------------------------

PERCENT_STEP = 25
VALUE_TICKS = 4  # at most this many steps on a count axis: ticks that do not collide on a phone


def _round_step(span: float, whole: bool, steps: int = VALUE_TICKS) -> float:
    raw = span / steps if span > 0 else 1.0
    magnitude = 10.0 ** math.floor(math.log10(raw))
    multiples = (1.0, 2.0, 5.0, 10.0) if whole else (1.0, 2.0, 2.5, 5.0, 10.0)
    step = next(m * magnitude for m in multiples if m * magnitude >= raw * (1 - 1e-9))
    return max(step, 1.0) if whole else step


def value_axis(metric: Metric, values: Iterable[Any], room: float | None = None) -> dict[str, Any]:
    """The axis a metric's figures are read on, as Plotly axis settings.

    Rates ("%") read on a fixed 0–100 % axis ("0%", "25%" … "100%"; wider only for a figure
    above 100 %). Counts and amounts start at 0 and end on a round tick at or above the largest
    figure, so no figure sits beyond the last tick; at most `VALUE_TICKS` steps.

    Args:
        metric: the catalog entry (its unit and decimals).
        values: the figures the axis must hold.
        room: the axis's length in px on a phone, for a horizontal axis: fewer labelled ticks
            when theirs would collide there ("0%", "50%", "100%", with a grid line every 25 %).
    """
    finite = [float(v) for v in values if not pd.isna(v)]
    high, low = max(finite, default=0.0), min(finite, default=0.0)
    for steps in (VALUE_TICKS, 3, 2):
        axis = _axis(metric, high, low, steps)
        labels = tick_labels(axis)
        widest = max(text_width(label, BASE_FONT_SIZE) for label in labels)
        if room is None or (widest + 12) * (len(labels) - 1) <= room:
            break
    return axis


def _axis(metric: Metric, high: float, low: float, steps: int) -> dict[str, Any]:
    if metric.unit == "%":
        percent_step = PERCENT_STEP if steps >= VALUE_TICKS else 2 * PERCENT_STEP
        top = max(100.0, math.ceil(high / PERCENT_STEP) * PERCENT_STEP)
        bottom = min(0.0, math.floor(low / PERCENT_STEP) * PERCENT_STEP)
        top = bottom + math.ceil((top - bottom) / percent_step) * percent_step
        axis = {"range": [bottom, top], "autorange": False, "tick0": 0, "dtick": percent_step, "tickformat": ",.0f",
                "ticksuffix": "%"}  # fmt: skip
        if percent_step != PERCENT_STEP:
            axis["minor"] = {"tick0": 0, "dtick": PERCENT_STEP, "showgrid": True, "gridcolor": LIGHT_GREY}
        return axis
    step = _round_step(max(high, 0.0) - min(low, 0.0), whole=metric.decimals == 0, steps=steps)
    top = math.ceil(high / step - 1e-9) * step if high > 0 else 0.0
    bottom = math.floor(low / step + 1e-9) * step if low < 0 else 0.0
    if top == bottom:
        top = bottom + step
    return {"range": [bottom, top], "autorange": False, "tick0": 0, "dtick": step,
            "tickformat": plotly_tick_format(step)}  # fmt: skip


def tick_labels(axis: Mapping[str, Any]) -> list[str]:
    """The tick labels `value_axis` settings draw ("0%", "25%" …; "0", "5.000" …)."""
    bottom, top = axis["range"]
    step, start = float(axis["dtick"]), float(axis.get("tick0") or 0)
    precision = re.search(r"\.(\d+)f", str(axis.get("tickformat") or ""))  # ",.2f" → 2; ",d" → 0
    decimals = int(precision[1]) if precision else 0
    first, last = math.ceil((bottom - start) / step - 1e-9), math.floor((top - start) / step + 1e-9)
    suffix = axis.get("ticksuffix") or ""
    return [format_number(start + i * step, decimals) + suffix for i in range(first, last + 1)]


def _gutter(labels: Sequence[str], size: float = BASE_FONT_SIZE, title: bool = False) -> int:
    """The left margin that holds these tick labels (and a rotated axis title): set, not left to automargin,
    so that notes and the source line can start at the picture's edge like the title (see `describe`)."""
    widest = max((text_width(label, size, "<b>" in label) for label in labels), default=0.0)
    return PAD + math.ceil(widest) + 10 + (math.ceil(LINE_HEIGHT * size) + 8 if title else 0)


def parts_noun(metric: Metric) -> str:
    """The noun a rate's case count is written with: "đơn" for "217/236 đơn"."""
    label = (metric.denominator_label or "").strip()
    return label.split()[0] if label else ""


def figure_label(row: pd.Series, metric: Metric, with_period: bool) -> str:
    """The text on a bar: the figure with its qualifier, the case count for a rate, the period if needed."""
    label = format_figure(row["value"], metric.unit, metric.decimals, row["qualifier"])
    parts = format_parts(row.get("numerator"), row.get("denominator"), parts_noun(metric))
    if parts:
        label += f" · {parts}"
    if with_period:
        label += f" · {row['period_label']}"
    return label


def _layout(figure: go.Figure, title: str, height: int) -> None:
    figure.update_layout(
        # Pinned to the picture's top left (not centred in the margin), so `describe` can stack lines under it.
        title={"text": title, "font": {"size": TITLE_SIZE}, "x": 0, "xref": "container", "xanchor": "left",
               "y": 1, "yref": "container", "yanchor": "top",
               "pad": {"l": PAD, "t": _title_pad(line_count(title), TITLE_SIZE)}},
        separators=PLOTLY_SEPARATORS,
        font={"family": FONT_FAMILY, "size": BASE_FONT_SIZE, "color": TEXT},
        hoverlabel={"font": {"size": BASE_FONT_SIZE, "family": FONT_FAMILY}},
        height=height,
        plot_bgcolor="white",
        paper_bgcolor="white",
    )  # fmt: skip


GAP = 8  # px between stacked blocks of text


NOTES_LIFT = 10  # px between the notes and the plot: clear of a top tick label, which rises over the plot


def _top_margin(notes: Sequence[str]) -> int:
    """Room over the plot for a one-line title and the notes (`describe` recounts wrapped lines)."""
    lines = sum(line_count(note) for note in notes)
    room = _block_height(lines, BASE_FONT_SIZE) + NOTES_LIFT + GAP if lines else 0
    return PAD + _block_height(1, TITLE_SIZE) + GAP + room


def _coloured(text: str, colour: str) -> str:
    """One note in its own colour (`wrap_text` keeps the colour on every line it breaks it into)."""
    return f"<span style='color:{colour}'>{text}</span>"


def _add_notes(figure: go.Figure, notes: Sequence[str], left: int, colour: str = ORANGE) -> None:
    """The warnings over the plot, one per line, starting at the picture's left edge like the title."""
    if notes:
        figure.add_annotation(
            name=NOTES, text="<br>".join(notes), xref="paper", yref="paper", x=0, y=1.0, xshift=-(left - PAD),
            yshift=NOTES_LIFT,
            xanchor="left", yanchor="bottom", showarrow=False, align="left",
            font={"color": colour, "size": BASE_FONT_SIZE},
        )  # fmt: skip


def _bar_colours(frame: pd.DataFrame, metric: Metric, stats: GroupStats | None, highlight: str | None) -> list[str]:
    """Direction-aware colours: dark for better than the median, light for worse; my unit in orange."""
    colours = []
    sign = 1.0 if metric.direction == Direction.HIGHER else -1.0
    for unit_id, value in zip(frame["unit_id"], frame["value"], strict=True):
        if unit_id == highlight:
            colours.append(ORANGE)
        elif stats is None or metric.direction == Direction.NEUTRAL or pd.isna(value):
            colours.append(BLUE)
        else:
            colours.append(BLUE if (float(value) - stats.median) * sign >= 0 else SKY)
    return colours


def _name_lines(name: str, mine: bool) -> str:
    """A unit's name as its tick label, bold with a star for my unit: wrapped to `NAME_WIDTH` after its
    rank ("#150 · ") or before its place ("(Tỉnh Đồng Nai)"), never inside the name itself."""
    held = " (".join(part.replace(" ", NBSP) for part in f"{name} ★".split(" (")) if mine else (
        " (".join(part.replace(" ", NBSP) for part in name.split(" ("))
    )  # fmt: skip
    lines = wrap_text(held.replace(f"{NBSP}·{NBSP}", PART), BASE_FONT_SIZE, NAME_WIDTH, bold=mine).split("<br>")
    if max(text_width(line, BASE_FONT_SIZE, mine) for line in lines) > NAME_WIDTH + 30:  # a very long name
        lines = wrap_text(held.replace(NBSP, " "), BASE_FONT_SIZE, NAME_WIDTH, bold=mine).split("<br>")
    return "<br>".join(f"<b>{line}</b>" if mine else line for line in lines)


def fit_label(
    label: str, value: float, axis_range: Sequence[float], plot_width: float, right: float
) -> tuple[str, str]:
    """A bar's label as drawn, and where: "inside" the bar's end or "outside" it, so it fits on a phone.

    At ``plot_width`` px (a phone's plot, ``right`` px of margin past it) the label goes on one
    line if it can, else broken between its parts ("91,94%<br>217/236 đơn"), else between words
    too: inside if it fits there, else outside. What fits on a phone fits on a wider screen. If
    nothing fits, inside, where Plotly shrinks it rather than cut it.
    """
    bottom, top = axis_range
    span = (top - bottom) or 1.0
    end, zero = (value - bottom) / span, (0 - bottom) / span
    rooms = (
        ("inside", abs(end - zero) * plot_width - 8),
        ("outside", ((1 - end) * plot_width + right if value >= 0 else end * plot_width) - 12),
    )
    for words in (None, False, True):
        for place, room in rooms:
            text = label
            if words is not None:
                text = wrap_text(wrap_text(label, BASE_FONT_SIZE, room, words=False), BASE_FONT_SIZE, room, words=words)
            if room > 0 and max(text_width(line, BASE_FONT_SIZE) for line in text.split("<br>")) <= room:
                return text, place
    return wrap_text(label, BASE_FONT_SIZE, LABEL_WIDTH, words=False), "inside"


def build_compare_figure(
    frame: pd.DataFrame, metric: Metric, highlight: str | None = None, stats: GroupStats | None = None
) -> go.Figure:
    """A horizontal bar per unit, best on top, for one metric.

    A rate reads on a 0–100 % axis. Each bar carries its figure: inside its end (white) or past
    it (dark), wherever it fits on a phone. A hatched bar (a bound or an estimate: "> 15.590
    triệu đồng") and a zero (drawn as a stub at 0) carry theirs dark on a white box instead.

    Args:
        frame: rows from `queries.compare` (value, qualifier, parts, period, source, unit names).
        metric: the catalog entry: title, unit of measure, decimals, direction, target.
        highlight: a unit id drawn in a contrasting colour ("Đơn vị của tôi").
        stats: the group's best and median (from `analysis.rank_and_gaps`), drawn as reference lines.
    """
    same_period = bool(frame["same_period"].all()) if not frame.empty else True
    ascending = metric.direction == Direction.LOWER
    ordered = frame.sort_values("value", ascending=ascending, na_position="last")
    values = ordered["value"].astype("float64").tolist()
    labels = [figure_label(row, metric, not same_period) for _, row in ordered.iterrows()]
    mine = [unit_id == highlight for unit_id in ordered["unit_id"]]
    names = [f"<b>{name} ★</b>" if me else str(name) for name, me in zip(ordered["unit_name"], mine, strict=True)]
    ticks = [_name_lines(str(name), me) for name, me in zip(ordered["unit_name"], mine, strict=True)]
    bounds = [q != "=" for q in ordered["qualifier"]]
    colours = _bar_colours(ordered, metric, stats, highlight)
    left, right = _gutter([line for tick in ticks for line in tick.split("<br>")]), 40
    plot_width = PHONE_WIDTH - left - right
    axis = value_axis(metric, values, room=plot_width)
    unit = metric.unit.replace(" ", NBSP)  # "triệu đồng" stays on one line
    fitted = [
        fit_label(label.replace(metric.unit, unit), 0.0 if pd.isna(v) else v, axis["range"], plot_width, right)
        for v, label in zip(values, labels, strict=True)
    ]
    shown = [text for text, _ in fitted]
    # Hatched and zero bars carry their label as an annotation (below); an empty bar carries none.
    places = [
        "none" if pd.isna(v) or v == 0 or bound else place
        for v, bound, (_, place) in zip(values, bounds, fitted, strict=True)
    ]
    noun = parts_noun(metric)
    custom = list(
        zip(
            ordered["period_label"],
            ordered["source_title"].fillna("").astype(str),
            [
                format_parts(n, d, noun) or "–"
                for n, d in zip(ordered["numerator"], ordered["denominator"], strict=True)
            ],
            [
                format_figure(v, metric.unit, metric.decimals, q)
                for v, q in zip(ordered["value"], ordered["qualifier"], strict=True)
            ],
            shown,
            strict=True,
        )
    )
    hover = (
        "<b>%{y}</b><br>%{customdata[3]}<br>Kỳ: %{customdata[0]}"
        + ("<br>Tử số/mẫu số: %{customdata[2]}" if metric.is_rate else "")
        + "<br>Nguồn: %{customdata[1]}<extra></extra>"
    )
    figure = go.Figure(
        go.Bar(
            x=values,
            y=names,
            orientation="h",
            text=labels,  # one line each; drawn wrapped for a phone (customdata[4]), unwrapped on a slide
            texttemplate="%{customdata[4]}",
            textposition=places,
            insidetextanchor="end",
            textfont={"size": BASE_FONT_SIZE},
            marker={
                "color": colours,
                "pattern": {"shape": ["/" if bound else "" for bound in bounds], "fgcolor": "white", "solidity": 0.25},
            },
            customdata=custom,
            hovertemplate=hover,
            cliponaxis=False,
        )
    )
    zeros = [i for i, v in enumerate(values) if v == 0]
    if zeros:  # a zero is a figure: a stub at 0 shows it is there, not missing
        figure.add_trace(
            go.Scatter(
                name=ZERO_STUB, x=[0.0] * len(zeros), y=[names[i] for i in zeros], mode="markers",
                marker={"symbol": "line-ns", "size": 24, "line": {"width": 5, "color": [colours[i] for i in zeros]}},
                customdata=[custom[i] for i in zeros], hovertemplate=hover, showlegend=False, cliponaxis=False,
            )
        )  # fmt: skip
    for i, (value, bound, (text, place)) in enumerate(zip(values, bounds, fitted, strict=True)):
        if pd.isna(value) or not (bound or value == 0):
            continue
        # White text on white hatching does not read: these labels are dark, on a white box.
        inside = value != 0 and place == "inside"
        anchor = "right" if inside == (value >= 0) else "left"
        figure.add_annotation(
            name=BAR_LABEL, text=text, x=value, y=names[i], xref="x", yref="y", xanchor=anchor,
            xshift=(-4 if anchor == "right" else 4) + (10 if value == 0 else 0), showarrow=False, align="left",
            font={"size": BASE_FONT_SIZE, "color": TEXT}, bgcolor="rgba(255, 255, 255, 0.92)", borderpad=2,
        )  # fmt: skip
    notes: list[str] = []
    if not same_period:
        notes.append(MIXED_PERIOD_WARNING)
    if any(bounds):
        notes.append(BOUNDS_NOTE)
    # The reference lines are named in the notes: a label beside its line would cover a bar's label.
    if metric.target is not None:
        figure.add_vline(x=metric.target, line={"color": GREEN, "dash": "dash", "width": 2})
        notes.append(_coloured(f"╎ Mục tiêu {format_measure(metric.target, metric.unit, metric.decimals)}", GREEN))
    if stats is not None and stats.n >= 3:
        figure.add_vline(x=stats.median, line={"color": GREY, "dash": "dot", "width": 2})
        notes.append(_coloured(f"┆ Trung vị {format_measure(stats.median, metric.unit, metric.decimals)}", GREY))
    _add_notes(figure, notes, left)
    lines = max([line_count(text) for text in shown + ticks], default=1)
    row = max(52, math.ceil((lines * LINE_HEIGHT * BASE_FONT_SIZE + 8) / 0.8))  # bars fill 80 % of a row
    percent = metric.unit == "%"
    axis_block = 36 if percent else 62  # tick labels, and the unit under them ("%" is on every tick)
    top_margin = _top_margin(notes)
    _layout(figure, f"{metric.name_vi} ({metric.unit})", max(280, row * len(ordered) + top_margin + axis_block))
    figure.update_layout(
        xaxis={**axis, "title": {"text": None if percent else metric.unit}, "gridcolor": LIGHT_GREY,
               "automargin": True},
        yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"size": BASE_FONT_SIZE},
               "tickmode": "array", "tickvals": names, "ticktext": ticks},
        margin={"l": left, "r": right, "t": top_margin, "b": axis_block},
        showlegend=False,
    )  # fmt: skip
    return figure


def build_trend_figure(frame: pd.DataFrame, metric: Metric, highlight: str | None = None) -> go.Figure:
    """A metric over time, one colour per unit, on one date axis.

    Each figure is a marker at the end of its period with a thin line across the period it
    covers (a quarter, a year, a five-year term), so spans of different length stay honest.
    Markers are joined only between consecutive figures of the same span kind (year or quarter).
    The legend runs across under the plot (a column beside it would take half a phone).
    """
    figure = go.Figure()
    noun = parts_noun(metric)
    axis = value_axis(metric, frame["value"] if "value" in frame else [])
    percent = metric.unit == "%"
    left, right = _gutter(tick_labels(axis), title=not percent), 24
    groups = list(frame.groupby("unit_id", sort=False)) if "unit_id" in frame else []
    entries = _legend_entries(
        [(str(group["unit_name"].iloc[0]), unit_id == highlight) for unit_id, group in groups],
        PHONE_WIDTH - left - right,
    )
    for index, (unit_id, group) in enumerate(groups):
        group = group.sort_values(["period_end", "period_start"])
        name = str(group["unit_name"].iloc[0])
        colour = ORANGE if unit_id == highlight else SERIES_COLOURS[index % len(SERIES_COLOURS)]
        if unit_id == highlight:
            name = f"{name} ({MY_UNIT_LABEL})"
        span_x: list[object] = []
        span_y: list[object] = []
        for start, end, value in zip(group["period_start"], group["period_end"], group["value"], strict=True):
            span_x += [start, end, None]
            span_y += [value, value, None]
        figure.add_trace(
            go.Scatter(
                x=span_x,
                y=span_y,
                mode="lines",
                line={"color": colour, "width": 3},
                opacity=0.45,
                hoverinfo="skip",
                showlegend=False,
                legendgroup=str(unit_id),
            )
        )
        joinable = len(group) > 1 and group["granularity"].nunique() == 1 and group["granularity"].iloc[0] != "other"
        labels = [
            " · ".join(
                part
                for part in (
                    format_figure(v, metric.unit, metric.decimals, q),
                    format_parts(n, d, noun),
                    str(p),
                )
                if part
            )
            for v, q, n, d, p in zip(
                group["value"],
                group["qualifier"],
                group["numerator"],
                group["denominator"],
                group["period_label"],
                strict=True,
            )
        ]
        figure.add_trace(
            go.Scatter(
                x=group["period_end"],
                y=group["value"].astype("float64"),
                name=entries.names[index],
                legendgroup=str(unit_id),
                mode="lines+markers" if joinable else "markers",
                marker={
                    "color": colour,
                    "size": 12,
                    "symbol": ["circle" if q == "=" else "diamond-open" for q in group["qualifier"]],
                    "line": {"width": 2, "color": colour},
                },
                line={"color": colour, "width": 2},
                customdata=list(zip(labels, group["source_title"].fillna("").astype(str), strict=True)),
                hovertemplate=f"<b>{name}</b><br>%{{customdata[0]}}<br>Nguồn: %{{customdata[1]}}<extra></extra>",
                cliponaxis=False,  # a figure on the top tick shows whole
            )
        )
    single = not frame.empty and bool((frame.groupby("unit_id").size() <= 1).all())
    notes = [SINGLE_POINT_NOTE] if single else []
    _add_notes(figure, notes, left)
    if metric.target is not None:
        figure.add_hline(
            y=metric.target,
            line={"color": GREEN, "dash": "dash"},
            annotation={"text": f"Mục tiêu {format_measure(metric.target, metric.unit, metric.decimals)}"},
        )
    top_margin, axis_block = _top_margin(notes), 62
    _layout(figure, f"{metric.name_vi} ({metric.unit}) theo thời gian", 330 + top_margin + axis_block)
    figure.update_layout(
        # Few ticks, never slanted: slanted dates would grow into the lines under the axis.
        xaxis={"type": "date", "tickformat": "%m/%Y", "gridcolor": LIGHT_GREY, "title": {"text": "Kỳ số liệu"},
               "nticks": 4, "tickangle": 0, "automargin": True},
        yaxis={**axis, "title": {"text": None if percent else metric.unit}, "gridcolor": LIGHT_GREY,
               "automargin": True},
        margin={"l": left, "r": right, "t": top_margin, "b": axis_block},
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0, "xanchor": "left",
                "font": {"size": BASE_FONT_SIZE}, "entrywidth": legend_share(entries.per_row),
                "entrywidthmode": "fraction", "tracegroupgap": 0},
    )  # fmt: skip
    height = legend_height(figure)
    if height:  # its band under the axis (and, once described, under the source line)
        figure.update_layout(height=figure.layout.height + height + GAP, margin={"b": axis_block + GAP + height})
    return figure


LEGEND_SYMBOL = 44  # px of a legend entry before its name


@dataclass(frozen=True, slots=True)
class LegendEntries:
    """The names a legend shows, and how many go on a row (the same on every screen)."""

    names: list[str]
    per_row: int


def _legend_entries(units: Sequence[tuple[str, bool]], width: float) -> LegendEntries:
    """Legend names that fit a phone's ``width`` px: two a row when they fit half of it, else one.

    A fixed share of the width per name (Plotly's ``entrywidthmode="fraction"``) makes the rows
    the same on every screen, so the legend's height is known and the source line can sit above it.
    My unit's "(Đơn vị của tôi)" goes on a line of its own.
    """
    names = [f"{wrap_text(name, BASE_FONT_SIZE, width - LEGEND_SYMBOL)}<br>({MY_UNIT_LABEL})" if mine
             else wrap_text(name, BASE_FONT_SIZE, width - LEGEND_SYMBOL) for name, mine in units]  # fmt: skip
    lines = [line for name in names for line in name.split("<br>")]
    halves = all(text_width(line, BASE_FONT_SIZE) <= width / 2 - LEGEND_SYMBOL for line in lines)
    return LegendEntries(names, 2 if halves and len(names) > 1 else 1)


def legend_share(per_row: int) -> float:
    """The width share of one legend entry when ``per_row`` go on a row.

    A shade under ``1 / per_row``: Plotly adds the legend's own padding, so exact shares summing
    to the whole width wrap every entry onto its own row, under the source line.
    """
    return 1 / per_row - 0.01


def legend_height(figure: go.Figure) -> int:
    """The px a legend laid out by `_legend_entries` takes at the bottom of the picture; 0 for none."""
    legend = figure.layout.legend
    if figure.layout.showlegend is False or legend.yref != "container" or legend.entrywidthmode != "fraction":
        return 0
    names = [str(t.name) for t in figure.data if t.showlegend is not False and t.name]
    if not names:
        return 0
    per_row = max(1, round(1 / (legend.entrywidth or 1)))
    size = legend.font.size or BASE_FONT_SIZE
    rows = [names[i : i + per_row] for i in range(0, len(names), per_row)]
    return 12 + sum(_block_height(max(line_count(name) for name in row), size) + 4 for row in rows)


RECENCY_COLOURS: dict[str, str] = {
    RECENCY_BUCKETS[0][1]: "#0072B2",
    RECENCY_BUCKETS[1][1]: "#56B4E9",
    RECENCY_BUCKETS[2][1]: "#A6D4F0",
    RECENCY_BUCKETS[3][1]: "#E1EEF6",
    NO_DATA_LABEL: "#FFFFFF",
}


def build_coverage_figure(matrix: pd.DataFrame, today: dt.date, rows_are: str = "đơn vị") -> go.Figure:
    """Units × categories, each cell coloured by how recent its latest figure is.

    Args:
        matrix: rows from `analysis.coverage_matrix`.
        today: the date ages are measured from (passed in, so the figure is reproducible).
        rows_are: what the rows are, for the title ("đơn vị", or "tỉnh, thành phố" when rolled up).
    """
    # Rows are keyed by id: two units may share a name (the labels are the names, told apart by the caller).
    key = "unit_id" if "unit_id" in matrix else "unit_name"
    rows = list(dict.fromkeys(matrix[key]))
    labels = dict(zip(matrix[key], matrix["unit_name"], strict=True))
    units = [str(labels[row]) for row in rows]
    categories = list(dict.fromkeys(matrix["category"]))
    buckets = list(RECENCY_COLOURS)
    # One pass into a dict: a MultiIndex .loc per cell cost ~1 ms each (a third of a second per heatmap).
    cells = {(record[key], record["category"]): record for record in matrix.to_dict("records")}
    z: list[list[int]] = []
    text: list[list[str]] = []
    hover: list[list[str]] = []
    for row, unit in zip(rows, units, strict=True):
        z_row, text_row, hover_row = [], [], []
        for category in categories:
            cell = cells[(row, category)]
            n = int(cell["n_figures"])
            bucket = recency_label(cell["latest_end"], today)
            z_row.append(buckets.index(bucket))
            text_row.append(str(n) if n else "–")
            detail = (
                f"{n} số liệu, mới nhất đến {format_date(cell['latest_end'])} ({bucket.lower()})<br>"
                + "<br>".join(cell["metrics"])
                if n
                else "Chưa có số liệu"
            )
            hover_row.append(f"<b>{unit}</b> · {category}<br>{detail}")
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)
    # A stepwise colour scale: bucket i is one flat band, so colours mean exactly one bucket each.
    steps = len(buckets)
    scale = []
    for i, bucket in enumerate(buckets):
        scale += [[i / steps, RECENCY_COLOURS[bucket]], [(i + 1) / steps, RECENCY_COLOURS[bucket]]]
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=categories,
            y=list(range(len(units))),  # positions, not names: equal names must not merge into one row
            text=text,
            texttemplate="%{text}",
            textfont={"size": 14},
            hovertext=hover,
            hoverinfo="text",
            colorscale=scale,
            zmin=-0.5,
            zmax=steps - 0.5,
            xgap=3,
            ygap=3,
            colorbar={
                "title": {"text": "Số liệu mới nhất"},
                "tickvals": list(range(steps)),
                "ticktext": buckets,
                "outlinecolor": "#B0B0B0",
                "outlinewidth": 1,
            },
        )
    )
    _layout(figure, f"Số liệu hiện có: số con số theo {rows_are} × lĩnh vực, màu theo độ mới", 260 + 48 * len(units))
    figure.update_layout(
        xaxis={"side": "bottom", "tickangle": -30, "showgrid": False, "tickfont": {"size": 14}, "automargin": True},
        yaxis={
            "autorange": "reversed",
            "showgrid": False,
            "automargin": True,
            "tickmode": "array",
            "tickvals": list(range(len(units))),
            "ticktext": units,
        },
        # Room for the slanted field names, so the source line under them (charts.describe) does not cover them.
        margin={"l": 10, "r": 10, "t": 70, "b": 130},
    )
    return figure


@dataclass(frozen=True, slots=True)
class ChartNote:
    """What a figure must say about itself so a cropped screenshot still tells what, when and from where."""

    subtitle: str
    sources: tuple[str, ...]
    updated: dt.datetime | dt.date | None = None

    def footnote(self) -> str:
        """ "Nguồn: …; số liệu cập nhật dd/mm/yyyy"."""
        sources = "; ".join(self.sources) if self.sources else "không rõ"
        text = f"Nguồn: {sources}"
        if self.updated is not None:
            text += f" · số liệu cập nhật {format_date(self.updated)}"
        return text


MAX_NAMED_UNITS = 4
MAX_NAMED_SOURCES = 3


def chart_note(frame: pd.DataFrame, updated: dt.datetime | dt.date | None = None, extra: str = "") -> ChartNote:
    """The subtitle (periods and units) and source list of the figures in ``frame``."""
    # Distinct values first (vectorised): a national compare frame has thousands of rows, few periods and sources.
    periods = [str(p) for p in frame.get("period_label", pd.Series(dtype="str")).drop_duplicates()]
    units = [str(u) for u in frame.get("unit_name", pd.Series(dtype="str")).drop_duplicates()]
    more_periods = f" và {format_number(len(periods) - 3)} kỳ khác" if len(periods) > 3 else ""
    period_text = "Kỳ: " + ", ".join(periods[:3]) + more_periods
    if len(units) <= MAX_NAMED_UNITS:
        unit_text = ", ".join(units)
    else:
        more_units = format_number(len(units) - MAX_NAMED_UNITS)
        unit_text = ", ".join(units[:MAX_NAMED_UNITS]) + f" và {more_units} đơn vị khác"
    parts = [p for p in (period_text if periods else "", unit_text, extra) if p]
    sources: list[str] = []
    if "source_publisher" in frame and "source_published" in frame:
        pairs = frame[["source_publisher", "source_published"]].drop_duplicates()
        for publisher, published in zip(pairs["source_publisher"], pairs["source_published"], strict=True):
            label = f"{publisher}, {format_date(published)}" if isinstance(publisher, str) else "tệp tải lên"
            if label not in sources:
                sources.append(label)
    if len(sources) > MAX_NAMED_SOURCES:
        sources = [*sources[:MAX_NAMED_SOURCES], f"và {format_number(len(sources) - MAX_NAMED_SOURCES)} nguồn khác"]
    return ChartNote(" · ".join(parts), tuple(sources), updated)


PRESENT_TITLE_SIZE = 30
PRESENT_FONT_SIZE = 19
PRESENT_HEIGHT = 900
FOOTNOTE_SIZE = 14


def describe(figure: go.Figure, note: ChartNote | None, present: bool = False) -> go.Figure:
    """Put the subtitle and the source footnote inside the figure, and fit every line of text in it.

    Title, subtitle, the builder's notes and the source line are wrapped at word boundaries to
    the width of a phone (or of a slide, in presentation mode) and stacked with room for each
    line: title and subtitle at the top, the notes over the plot, the source line at the bottom,
    all from the picture's left edge. The plot keeps the height its builder gave it.

    Presentation mode: title ≥ 28 px, labels ≥ 18 px, high contrast on white, a 16:9-friendly height,
    and labels on one line again (a slide is wide).
    """
    title_size = PRESENT_TITLE_SIZE if present else TITLE_SIZE
    font_size = PRESENT_FONT_SIZE if present else BASE_FONT_SIZE
    width = (PRESENT_WIDTH if present else PHONE_WIDTH) - 2 * PAD
    margin = figure.layout.margin
    old_top = margin.t if margin.t is not None else 80
    old_bottom = margin.b if margin.b is not None else 80
    plot_height = max((figure.layout.height or 450) - old_top - old_bottom, 120)
    left = margin.l if margin.l is not None else 80
    right = margin.r if margin.r is not None else 80
    legend = legend_height(figure)
    axis_block = old_bottom - (legend + GAP if legend else 0)  # the tick labels and the axis title
    if present:
        grow = font_size / BASE_FONT_SIZE
        names = _present(figure, font_size)
        left = _gutter(names, font_size) if names else PAD + math.ceil(max(left - PAD, 0) * grow)
        right, axis_block = math.ceil(right * grow), math.ceil(axis_block * grow)
        legend = legend_height(figure)

    title = wrap_text(figure.layout.title.text or "", title_size, width, lists=False)
    lines = line_count(title)
    if note is not None and note.subtitle:
        size = round(font_size * 0.9)
        subtitle = wrap_text(note.subtitle, size, width).split("<br>")
        title += "".join(f"<br><span style='font-size:{size}px;color:#444'>{line}</span>" for line in subtitle)
        lines += len(subtitle)
    figure.update_layout(
        title={
            "text": title,
            "font": {"size": title_size, "color": "#000000"},
            "pad": {"t": _title_pad(lines, title_size)},
        }
    )
    top = PAD + _block_height(lines, title_size) + GAP
    for annotation in figure.layout.annotations:
        if annotation.name == NOTES:
            size = annotation.font.size or font_size
            annotation.text = wrap_text(annotation.text or "", size, width)
            annotation.xshift = -(left - PAD)
            top += _block_height(line_count(annotation.text), size) + (annotation.yshift or 0) + GAP
    # Under the plot, from the top: the axis, the source line, the legend (at the very bottom, see `legend_height`).
    bottom = axis_block
    if note is not None:
        size = max(FOOTNOTE_SIZE, font_size - 3)
        footnote = wrap_text(note.footnote(), size, width)
        figure.add_annotation(
            name=FOOTNOTE, text=footnote, xref="paper", yref="paper", x=0, y=0, xshift=-(left - PAD),
            yshift=-bottom - GAP, xanchor="left", yanchor="top", showarrow=False, align="left",
            font={"size": size, "color": "#333333"},
        )  # fmt: skip
        bottom += GAP + _block_height(line_count(footnote), size)
    bottom += GAP + legend if legend else PAD
    figure.update_layout(margin={"l": left, "r": right, "t": top, "b": bottom})
    height = plot_height + top + bottom
    figure.update_layout(height=max(height, PRESENT_HEIGHT) if present else height)
    return figure


def _title_pad(lines: int, size: float) -> int:
    """The title's top padding that puts its first line `PAD` px under the picture's top.

    Plotly anchors a title of several lines by its second line: without this, the first is cut off.
    """
    return PAD + (round(0.8 * size) if lines > 1 else 0)


def _present(figure: go.Figure, font_size: int) -> list[str]:
    """Presentation size: larger type in black, and bar labels and names on one line (a slide is wide).

    Returns:
        The bars' names, now tick labels on one line each; empty for a figure without named bars.
    """
    figure.update_layout(font={"size": font_size, "color": "#000000"}, legend={"font": {"size": font_size}})
    figure.update_xaxes(tickfont={"size": font_size, "color": "#000000"}, title_font={"size": font_size})
    figure.update_yaxes(tickfont={"size": font_size, "color": "#000000"}, title_font={"size": font_size})
    for axis in (figure.layout.xaxis, figure.layout.yaxis):  # a slide has room for a "%" tick every 25 %
        if axis.ticksuffix == "%" and axis.minor.dtick == PERCENT_STEP:
            axis.dtick, axis.minor.showgrid = PERCENT_STEP, False
    labelled = [t for t in figure.data if isinstance(t, go.Bar) and t.text is not None]
    figure.update_traces(textfont={"size": font_size}, selector={"type": "bar"})
    for bar in labelled:
        # Long bars hold their label on one line; a bar of a dense slide is thinner than the type, and
        # Plotly would shrink the label to its thickness (to 60 %): let it keep its size instead.
        bar.texttemplate, bar.constraintext = "%{text}", "none"
    names: list[str] = []
    if (
        labelled
        and figure.layout.yaxis.tickvals is not None
        and list(figure.layout.yaxis.tickvals) == list(labelled[0].y)
    ):
        names = [str(name) for name in labelled[0].y]
        figure.update_yaxes(ticktext=names)
    if figure.layout.legend.entrywidthmode == "fraction":  # names on one line, as many a row as fit a slide
        entries = [t for t in figure.data if t.showlegend is not False and t.name]
        for trace in entries:
            trace.name = str(trace.name).replace("<br>", " ")
        widest = max((text_width(str(t.name), font_size) for t in entries), default=0.0)
        # A fifth to spare: the width estimate is not the browser's, and a name that overflows its share
        # pushes the legend onto a row `legend_height` did not count, under the source line.
        per_row = max(1, min(4, int((PRESENT_WIDTH - 200) // (1.2 * widest + LEGEND_SYMBOL + 24))))
        figure.update_layout(legend={"entrywidth": legend_share(per_row)})
    label_of = dict(zip(labelled[0].y, labelled[0].text, strict=True)) if labelled else {}
    for annotation in figure.layout.annotations:
        if annotation.name == BAR_LABEL:
            annotation.text = label_of.get(annotation.y, annotation.text)
            annotation.font.size = font_size
        elif annotation.font.size is None or annotation.font.size < font_size - 3:
            annotation.font.size = font_size - 3
    return names


# -- Demo mode and many units ---------------------------------------------------------------------

DEMO_STAMP = "demo_stamp"


WATERMARK_EVERY_PX = 600  # a tall figure (a bar per unit) gets a watermark every this many pixels


def mark_demo(figure: go.Figure) -> go.Figure:
    """Stamp "DỮ LIỆU MẪU — không phải số liệu thật" inside a figure: across the plot and in its corner.

    The marks are part of the figure, so they survive a screenshot, a PNG download and a cropped
    slide; a tall figure is watermarked every `WATERMARK_EVERY_PX` so any part of it shows one. The
    corner label sits above the notes a builder put over the plot. Stamping twice changes nothing.
    """
    if any(annotation.name == DEMO_STAMP for annotation in figure.layout.annotations):
        return figure
    count = max(1, round((figure.layout.height or 450) / WATERMARK_EVERY_PX))
    for index in range(count):
        figure.add_annotation(
            name=DEMO_STAMP, text=DEMO_BANNER, xref="paper", yref="paper", x=0.5, y=(index + 0.5) / count,
            showarrow=False, textangle=-18, font={"size": 40, "color": "rgba(213, 94, 0, 0.22)"},
            captureevents=False,
        )  # fmt: skip
    # The label goes in a band of its own under the source line: above the plot it would cover the
    # subtitle or a builder's notes, whose length we do not know.
    band = 34
    bottom = figure.layout.margin.b if figure.layout.margin.b is not None else 80
    legend = legend_height(figure)  # the legend keeps the very bottom: the label goes over it
    figure.update_layout(margin={"b": bottom + band}, height=(figure.layout.height or 450) + band)
    figure.add_annotation(
        name=f"{DEMO_STAMP}_corner", text=f"<b>{DEMO_BANNER}</b>", xref="paper", yref="paper", x=1, y=0,
        xanchor="right", yanchor="bottom", yshift=-(bottom + band) + 4 + legend, showarrow=False, bgcolor="#FFF1E6",
        bordercolor=ORANGE, borderwidth=1, borderpad=4, font={"size": BASE_FONT_SIZE, "color": ORANGE},
    )  # fmt: skip
    return figure


def position_text(position: Position, metric: Metric) -> str:
    """ "Phường A: 91,94% · hạng 120/3.321 · tốt hơn 96% số đơn vị"."""
    figure = format_figure(position.value, metric.unit, metric.decimals)
    return (
        f"{position.unit_name}: {figure} · hạng {format_number(position.rank)}/{format_number(position.n)}"
        f" · tốt hơn {format_number(position.better_than)}% số đơn vị"
    )


def _bin_edges(values: np.ndarray, count: int, metric: Metric) -> np.ndarray:
    """About ``count`` bins over the values; for a rate, bins of a round width (2 %, 2,5 %, 5 % …) on its 0–100 axis."""
    low, high = float(values.min()), float(values.max())
    if metric.unit != "%":
        return np.histogram_bin_edges(values, bins=count, range=(low, high) if high > low else None)
    span = max(high - low, 10.0)  # one unit alone still gets a bar one can see
    raw = span / count
    magnitude = 10.0 ** math.floor(math.log10(raw))
    width = next(m * magnitude for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * magnitude >= raw * (1 - 1e-9))
    start, stop = math.floor(low / width + 1e-9) * width, math.ceil(high / width - 1e-9) * width
    if stop <= start:  # every figure on one edge: the bin below it (np.histogram counts the last edge in)
        start = stop - width
    return np.linspace(start, stop, round((stop - start) / width) + 1)


def _count_axis(counts: np.ndarray) -> tuple[dict[str, Any], int]:
    """A histogram's count axis (whole numbers, from 0 to a round tick at or above the tallest bar) and its gutter."""
    tallest = float(counts.max()) if len(counts) else 0.0
    step = _round_step(tallest or 1.0, whole=True)
    axis = {"range": [0, max(step, math.ceil(tallest / step) * step)], "tick0": 0, "dtick": step, "tickformat": ",d"}
    return axis, _gutter(tick_labels(axis), title=True)


def build_distribution_figure(
    frame: pd.DataFrame,
    metric: Metric,
    highlight: str | None = None,
    position: Position | None = None,
    bins: int | None = None,
) -> go.Figure:
    """How every unit's figure is spread: a histogram counted here (so the browser gets a few bars,
    not thousands of points), the median, the target, and "Đơn vị của tôi" marked with its rank.

    A rate reads on its 0–100 % axis, in bins of a round width.

    Args:
        frame: rows from `queries.compare` (value, unit_id, unit_name, period_label, same_period).
        metric: the catalog entry (title, unit, decimals, direction, target).
        highlight: my unit's id; its bar and value are drawn in orange.
        position: my unit's rank and percentile (`analysis.unit_position`), shown beside its line.
        bins: about how many bars; default grows with the number of units (at most 40).
    """
    values = frame["value"].astype("float64").dropna().to_numpy()
    same_period = bool(frame["same_period"].all()) if not frame.empty else True
    figure = go.Figure()
    notes: list[str] = []
    percent = metric.unit == "%"
    x_axis: dict[str, Any] = {"tickformat": plotly_number_format(metric.decimals), "nticks": 6}
    y_axis, left = _count_axis(np.zeros(0))
    if len(values):
        count = bins or int(min(40, max(6, np.ceil(np.sqrt(len(values))))))
        edges = _bin_edges(values, count, metric)
        counts, edges = np.histogram(values, bins=edges)
        y_axis, left = _count_axis(counts)
        mine = frame.loc[frame["unit_id"] == highlight, "value"] if highlight else pd.Series(dtype="float64")
        mine_value = float(mine.iloc[0]) if len(mine) and not pd.isna(mine.iloc[0]) else None
        mine_bin = None
        if mine_value is not None:
            mine_bin = min(int(np.searchsorted(edges, mine_value, side="right")) - 1, len(counts) - 1)
        decimals = metric.decimals
        figure.add_trace(
            go.Bar(
                x=(edges[:-1] + edges[1:]) / 2,
                y=counts,
                width=np.diff(edges) * 0.95,
                marker={"color": [ORANGE if i == mine_bin else BLUE for i in range(len(counts))]},
                customdata=[
                    (
                        format_measure(a, metric.unit, decimals),
                        format_measure(b, metric.unit, decimals),
                        format_number(int(c)),
                    )
                    for a, b, c in zip(edges[:-1], edges[1:], counts, strict=True)
                ],  # fmt: skip
                hovertemplate="Từ %{customdata[0]} đến %{customdata[1]}: <b>%{customdata[2]} đơn vị</b><extra></extra>",
            )
        )
        median = float(np.median(values))
        # The median's label goes in the note line above the plot: beside its line it would collide
        # with my unit's label whenever the two are close, which is most of the time.
        figure.add_vline(x=median, line={"color": GREY, "dash": "dot", "width": 2})
        notes.append(f"┆ Trung vị {format_measure(median, metric.unit, decimals)}")
        if percent:
            x_axis = value_axis(metric, [edges[0], edges[-1]], room=PHONE_WIDTH - left - 24)
            low, high = x_axis["range"]  # a little room at the ends: "0%" clear of the count axis's "0"
            x_axis["range"] = [low - 0.02 * (high - low), high + 0.02 * (high - low)]
        else:  # fixed range: Plotly widens an autorange to fit labels placed in data coordinates
            span = (edges[-1] - edges[0]) or 1.0
            x_axis["range"] = [edges[0] - 0.02 * span, edges[-1] + 0.02 * span]
        if metric.target is not None:
            figure.add_vline(
                x=metric.target,
                line={"color": GREEN, "dash": "dash", "width": 2},
                annotation={"text": f"Mục tiêu {format_measure(metric.target, metric.unit, decimals)}"},
            )
        if mine_value is not None:
            name = str(frame.loc[frame["unit_id"] == highlight, "unit_name"].iloc[0])
            label = position_text(position, metric) if position is not None else (
                f"{name}: {format_figure(mine_value, metric.unit, decimals)}"
            )  # fmt: skip
            low, high = x_axis["range"]
            figure.add_vline(
                x=mine_value,
                line={"color": ORANGE, "width": 3},
                annotation={
                    # Narrow lines: beside the line on a phone there is half a plot's width at most.
                    "text": f"<b>{MY_UNIT_LABEL}</b><br>{wrap_text(label, BASE_FONT_SIZE, MINE_WIDTH, words=False)}",
                    "font": {"color": ORANGE, "size": BASE_FONT_SIZE},
                    "bgcolor": "rgba(255, 255, 255, 0.85)",
                    "align": "left",
                },
                # Toward the middle, so a long label stays inside the plot.
                annotation_position="top left" if mine_value > (low + high) / 2 else "top right",
            )
        if metric.direction != Direction.NEUTRAL:
            better_right = metric.direction == Direction.HIGHER
            notes.append("Tốt hơn →" if better_right else "← Tốt hơn")
    periods = list(dict.fromkeys(str(p) for p in frame.get("period_label", pd.Series(dtype="str"))))
    when = periods[0] if len(periods) == 1 else f"{len(periods)} kỳ khác nhau"
    title = f"{metric.name_vi}: {format_number(len(values))} đơn vị, {when}"
    lines = [MIXED_PERIOD_WARNING] if not same_period else []
    lines += [" · ".join(notes)] if notes else []
    _add_notes(figure, lines, left, ORANGE if not same_period else GREY)
    top_margin, axis_block = _top_margin(lines), 36 if percent else 62
    _layout(figure, title, 300 + top_margin + axis_block)
    figure.update_layout(
        xaxis={**x_axis, "title": {"text": None if percent else metric.unit}, "gridcolor": LIGHT_GREY,
               "automargin": True},
        yaxis={**y_axis, "title": {"text": "Số đơn vị"}, "gridcolor": LIGHT_GREY, "automargin": True},
        bargap=0.02, showlegend=False, margin={"l": left, "r": 24, "t": top_margin, "b": axis_block},
    )  # fmt: skip
    return figure


def build_top_bottom_figure(
    frame: pd.DataFrame,
    metric: Metric,
    total: int,
    highlight: str | None = None,
    stats: GroupStats | None = None,
    places: Mapping[str, str] | None = None,
) -> go.Figure:
    """The best and worst units (from `analysis.top_bottom`) as bars, with a line between the bands.

    Each bar is labelled with its rank (or its position by size, when ranking is not honest),
    and with its place (``places``: unit id → province name) when two shown units share a name.

    Args:
        frame: rows of `analysis.top_bottom` (``band``, ``position``, maybe ``rank``).
        metric: the catalog entry.
        total: how many units the bands were chosen from.
        highlight: my unit's id (drawn in orange, with a star).
        stats: the group's best and median, as for `build_compare_figure`.
        places: where each unit lies, to tell apart units with the same name.
    """
    shown = frame.copy()
    order = shown["rank"] if "rank" in shown else shown["position"]
    names = shown["unit_name"].astype("str")
    twins = names.duplicated(keep=False)
    where = shown.get("unit_parent_id", pd.Series(None, index=shown.index))
    places = places or {}
    names = [
        f"{name} ({places.get(str(parent), '')})" if twin and places.get(str(parent)) else name
        for name, twin, parent in zip(names, twins, where, strict=True)
    ]
    shown["unit_name"] = [f"#{format_number(int(o))} · {n}" for o, n in zip(order, names, strict=True)]
    figure = build_compare_figure(shown, metric, highlight, stats)
    ascending = metric.direction == Direction.LOWER  # the order build_compare_figure draws in
    drawn = shown.sort_values("value", ascending=ascending, na_position="last")["band"].tolist()
    for index in range(1, len(drawn)):
        if drawn[index] != drawn[index - 1]:
            figure.add_shape(
                type="line", xref="paper", x0=0, x1=1, yref="y", y0=index - 0.5, y1=index - 0.5,
                line={"color": GREY, "width": 2, "dash": "dash"},
            )  # fmt: skip
    ranked = "rank" in shown
    best, worst = ("tốt nhất", "kém nhất") if ranked else ("lớn nhất", "nhỏ nhất")
    n_top = int((shown["band"] == "top").sum())
    n_bottom = int((shown["band"] == "bottom").sum())
    title = (
        f"{metric.name_vi} ({metric.unit}): {n_top} {best} và {n_bottom} {worst} trong {format_number(total)} đơn vị"
    )
    figure.update_layout(title={"text": title})
    return figure
