"""Figures that stay readable and small with thousands of units, and the demo stamp inside every figure."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from danvan_metrics.core.messages import DEMO_BANNER
from danvan_metrics.core.model import Direction, Metric, MetricKind
from danvan_metrics.figures import charts, groups
from tests.test_analysis_scale import compare_rows

RATE = Metric(
    metric_id="complaints_resolved_rate",
    name_vi="Tỷ lệ giải quyết đơn khiếu nại",
    name_en="Complaints resolved",
    category="Giải quyết khiếu nại, tố cáo",
    unit="%",
    kind=MetricKind.RATE,
    direction=Direction.HIGHER,
    numerator_label="đơn đã giải quyết",
    denominator_label="đơn khiếu nại",
    decimals=2,
)


def many_units(n: int, seed: int = 1) -> pd.DataFrame:
    values = np.clip(np.random.default_rng(seed).normal(85, 8, n), 0, 100).round(2)
    return compare_rows({f"c{i:05d}": float(v) for i, v in enumerate(values)})


def annotation_texts(figure: object) -> str:
    return " ".join(str(a.text) for a in figure.layout.annotations)  # type: ignore[attr-defined]


def test_the_demo_stamp_is_inside_the_figure_once() -> None:
    figure = charts.build_compare_figure(many_units(5), RATE)
    stamped = charts.mark_demo(figure)
    assert annotation_texts(stamped).count(DEMO_BANNER) == 2  # across the plot and in the corner
    assert annotation_texts(charts.mark_demo(stamped)).count(DEMO_BANNER) == 2


def test_a_tall_figure_is_watermarked_all_the_way_down_and_the_label_clears_the_notes() -> None:
    frame = many_units(60).assign(same_period=False)  # a bar per unit, with the mixed-period note …
    frame.loc[0, "qualifier"] = ">="  # … and the note on bounds
    figure = charts.build_compare_figure(frame, RATE)
    height = figure.layout.height
    stamped = charts.mark_demo(figure)
    marks = [a for a in stamped.layout.annotations if a.name == charts.DEMO_STAMP]
    assert len(marks) == round(height / charts.WATERMARK_EVERY_PX) > 3
    corner = next(a for a in stamped.layout.annotations if a.name == f"{charts.DEMO_STAMP}_corner")
    # In a band of its own at the very bottom, under the source line: clear of the notes above the plot.
    assert corner.y == 0 and corner.yshift == -stamped.layout.margin.b + 4
    assert DEMO_BANNER in json.dumps(stamped.to_plotly_json(), ensure_ascii=False)  # what the browser gets


def test_distribution_counts_every_unit_and_marks_mine() -> None:
    frame = many_units(500)
    mine = "c00042"
    position = groups.unit_position(frame, mine, RATE.direction)
    assert position is not None
    figure = charts.build_distribution_figure(frame, RATE, mine, position)
    bars = figure.data[0]
    assert int(np.sum(bars.y)) == 500
    value = float(frame.loc[frame["unit_id"] == mine, "value"].iloc[0])
    orange = [i for i, colour in enumerate(bars.marker.color) if colour == charts.ORANGE]
    assert len(orange) == 1
    width = bars.width[orange[0]] / 0.95
    assert abs(bars.x[orange[0]] - value) <= width / 2 + 1e-9
    text = annotation_texts(figure)
    assert charts.MY_UNIT_LABEL in text and f"hạng {position.rank}/500" in text and "Trung vị" in text
    assert "Tốt hơn →" in text
    assert "500 đơn vị, Quý 2/2026" in figure.layout.title.text


def test_distribution_warns_when_periods_differ() -> None:
    frame = many_units(50).assign(same_period=False)
    assert charts.MIXED_PERIOD_WARNING in annotation_texts(charts.build_distribution_figure(frame, RATE))


def test_top_bottom_labels_ranks_and_draws_lines_between_bands() -> None:
    frame = many_units(300)
    mine = str(frame.sort_values("value")["unit_id"].iloc[150])
    shown = groups.top_bottom(frame, RATE.direction, keep=[mine])
    _, stats = groups.rank_and_gaps(frame, RATE.direction)
    figure = charts.build_top_bottom_figure(shown, RATE, len(frame), mine, stats)
    labels = list(figure.data[0].y)
    assert len(labels) == 21 and labels[0].startswith("#1 · ")
    assert sum(1 for label in labels if "★" in label) == 1
    assert len([s for s in figure.layout.shapes if s.type == "line" and s.xref == "paper"]) == 2
    assert "10 tốt nhất và 10 kém nhất trong 300 đơn vị" in figure.layout.title.text


def test_twin_names_get_their_place() -> None:
    frame = compare_rows({"a": 3.0, "b": 2.0, "c": 1.0})
    frame["unit_name"] = ["Xã Tân Thành", "Xã Tân Thành", "Xã Khác"]
    frame["unit_parent_id"] = ["P1", "P2", "P1"]
    shown = groups.top_bottom(frame, RATE.direction, n=2)
    figure = charts.build_top_bottom_figure(shown, RATE, 3, places={"P1": "Tây Ninh", "P2": "Đồng Nai"})
    labels = set(figure.data[0].y)
    assert {"#1 · Xã Tân Thành (Tây Ninh)", "#2 · Xã Tân Thành (Đồng Nai)", "#3 · Xã Khác"} == labels


def test_scale_views_send_the_same_few_kilobytes_for_any_number_of_units() -> None:
    def sizes(n: int) -> tuple[int, int, int]:
        frame = many_units(n)
        shown = groups.top_bottom(frame, RATE.direction)
        bars = len(charts.build_compare_figure(frame, RATE).to_json())
        spread = len(charts.build_distribution_figure(frame, RATE).to_json())
        bands = len(charts.build_top_bottom_figure(shown, RATE, n).to_json())
        return bars, spread, bands

    small, large = sizes(200), sizes(2000)
    assert large[0] > 5 * small[0], "a bar per unit grows with the units"
    assert large[1] < 1.3 * small[1] and large[2] < 1.3 * small[2]
    assert large[1] < 20_000 and large[2] < 20_000


def test_distribution_counts_on_the_axis_group_thousands_the_vietnamese_way() -> None:
    figure = charts.build_distribution_figure(many_units(500), RATE)
    assert figure.layout.yaxis.tickformat == ",d"  # with separators ",." Plotly prints 1.200, not 1200
    assert figure.layout.separators == ",."


def test_a_rates_distribution_reads_on_its_0_100_axis_in_bins_of_a_round_width() -> None:
    figure = charts.build_distribution_figure(many_units(500), RATE)
    bars = figure.data[0]
    widths = {round(w / 0.95, 9) for w in bars.width}
    assert len(widths) == 1 and widths <= {1.0, 2.0, 2.5, 5.0, 10.0}
    low, high = figure.layout.xaxis.range
    assert low <= 0 and high >= 100 and figure.layout.xaxis.ticksuffix == "%"


def test_one_units_distribution_counts_in_whole_units() -> None:
    # Before: one unit at 100 % drew ticks "100, 100, 100" under it and "0, 0, 1, 1" beside it.
    figure = charts.build_distribution_figure(compare_rows({"a": 100.0}), RATE)
    assert list(figure.layout.yaxis.range) == [0, 1] and figure.layout.yaxis.dtick == 1
    assert charts.tick_labels(figure.layout.xaxis.to_plotly_json())[-1] == "100%"
    (centre,) = figure.data[0].x
    assert 90 < centre < 100


def test_the_median_is_named_over_the_plot_not_on_the_bars() -> None:
    frame = many_units(300)
    shown = groups.top_bottom(frame, RATE.direction)
    _, stats = groups.rank_and_gaps(frame, RATE.direction)
    figure = charts.build_top_bottom_figure(shown, RATE, len(frame), None, stats)
    notes = next(a for a in figure.layout.annotations if a.name == charts.NOTES)
    assert "Trung vị" in notes.text
    assert not [a for a in figure.layout.annotations if a.name != charts.NOTES and "Trung vị" in str(a.text)]
