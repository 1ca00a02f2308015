"""``export``: a chart as PNG or SVG, or a slide deck (PowerPoint, PDF) for a meeting.

The same chart specification, slide and writer as the page's buttons (`chart_spec`, `slides`),
and the format's extension and builder from `export.formats`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from danvan_metrics.cli.output import fail
from danvan_metrics.core.model import Period
from danvan_metrics.export import formats
from danvan_metrics.export.chart_spec import ChartSpec, CompareSpec, TrendSpec, slide_for, units_of
from danvan_metrics.figures.views import ScaleView
from danvan_metrics.store.connection import open_store

NEED_FORMAT = "Cần --format png, svg, pptx hoặc pdf (hoặc --out có đuôi tệp như vậy)."
PROFILE_IS_A_DECK = "Hồ sơ đơn vị là một bộ slide: dùng --format pptx hoặc pdf."
TREND_HAS_EVERY_PERIOD = "--period và --view chỉ dùng cho biểu đồ so sánh; biểu đồ xu hướng lấy mọi kỳ."


def period_arg(text: str) -> Period:
    """``--period START..END`` as a `Period`; a bad one is an argparse error in Vietnamese."""
    try:
        return Period.parse(text)
    except ValueError:
        message = f"kỳ không hợp lệ «{text}»: viết TỪ..ĐẾN, ví dụ 2022-01-01..2022-09-30"
        raise argparse.ArgumentTypeError(message) from None


def _cmd_export(args: argparse.Namespace) -> int:
    from danvan_metrics.export import images, slides

    name = args.format or (args.out.suffix.lstrip(".").lower() if args.out else "")
    fmt = formats.FORMATS.get(name)
    if not isinstance(fmt, formats.FigureFormat | formats.DeckFormat):
        return fail(NEED_FORMAT, 2)
    if args.unit and isinstance(fmt, formats.FigureFormat):
        return fail(PROFILE_IS_A_DECK, 2)
    if args.chart == "trend" and (args.period or args.view):
        return fail(TREND_HAS_EVERY_PERIOD, 2)
    store = open_store(args.home)
    try:
        if args.unit:
            made = slides.profile_deck(store, args.unit)
        else:
            spec: ChartSpec = (
                TrendSpec(args.metric, units_of(args.units))
                if args.chart == "trend"
                else CompareSpec(args.metric, units_of(args.units), args.period, view=args.view)
            )
            made = slides.chart_deck([slide_for(store, spec)])
        if isinstance(fmt, formats.DeckFormat):
            file_name, data = made.file_name(fmt.extension), fmt.write(made)
            what = f"{len(made.slides)} biểu đồ, kèm trang bìa và trang nguồn"
        else:
            slide = made.slides[0]
            file_name, data, what = slide.file_name(fmt.extension), fmt.build(slide.figure), "1920×1080"
    except (slides.DeckError, images.ExportError) as exc:
        return fail(str(exc), 1)
    out = args.out or Path(file_name)
    out = out / file_name if out.is_dir() else out
    out.write_bytes(data)
    print(f"Đã ghi {out} ({what}).")
    return 0


def add_commands(sub: Any) -> None:
    """Add ``export`` to the parser's sub-commands."""
    export = sub.add_parser(
        "export",
        help="save a chart as PNG or SVG, or a slide deck as PowerPoint or PDF",
        description="Save a chart exactly as the dashboard draws it, with its title, periods, units and "
        "sources inside: an image (PNG 1920×1080 or SVG) or a slide deck (cover, the chart, a sources slide). "
        "--unit makes a unit's profile deck: one chart per metric the unit has figures for. Exit 1 when the "
        "metric or unit is unknown or has no figures.",
    )  # fmt: skip
    what = export.add_mutually_exclusive_group(required=True)
    what.add_argument("--metric", metavar="METRIC_ID", help="the metric to chart (ids are listed by `dump`)")
    what.add_argument("--unit", metavar="UNIT_ID", help="a unit's profile deck instead of one chart (pptx or pdf)")
    export.add_argument("--units", nargs="+", metavar="UNIT_ID", help="only these units (default: all with figures)")
    export.add_argument("--period", type=period_arg, metavar="START..END",
                        help="only figures over exactly this period, e.g. 2022-01-01..2022-09-30 "
                        "(default: each unit's latest)")  # fmt: skip
    export.add_argument("--chart", choices=("compare", "trend"), default="compare",
                        help="compare units (default) or show the metric over time")  # fmt: skip
    export.add_argument("--view", choices=[v.value for v in ScaleView],
                        help="with many units, the compact compare view: top_bottom (default), distribution "
                        "or provinces, as on the page")  # fmt: skip
    export.add_argument("--format", choices=formats.CHART_FORMATS,
                        help="file type (default: from the --out file name)")  # fmt: skip
    export.add_argument("--out", type=Path, help="file or folder to write (default: named after metric, units, period)")
    export.set_defaults(func=_cmd_export)
