"""The figures: bars, Vietnamese numbers, qualifiers kept, a warning when periods differ, and layouts that read
on a 0–100 % axis, on a phone and on a slide."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from danvan_metrics.core.model import Period
from danvan_metrics.export import slides
from danvan_metrics.figures import charts
from danvan_metrics.figures.charts import MIXED_PERIOD_WARNING, build_compare_figure, build_trend_figure
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store
from tests.test_analysis_scale import compare_rows
from tests.test_charts_scale import RATE


def compare_figure(store: Store, metric_id: str, period: Period | None = None) -> go.Figure:
    return build_compare_figure(queries.compare(store, metric_id, period=period), queries.metric(store, metric_id))


def bars(figure: go.Figure) -> go.Bar:
    (bar,) = [trace for trace in figure.data if isinstance(trace, go.Bar)]
    return bar


def annotation_text(figure: go.Figure) -> str:
    return "\n".join(str(a.text) for a in figure.layout.annotations)


def test_rate_figure_shows_value_and_case_count_in_vietnamese(real_store: Store) -> None:
    figure = compare_figure(real_store, "complaints_resolved_rate")
    bar = bars(figure)
    assert list(bar.y) == ["Quận Ba Đình"]
    assert list(bar.x) == [91.94]
    assert bar.orientation == "h"
    assert "91,94%" in bar.text[0]
    assert "217/236" in bar.text[0]
    assert "Tỷ lệ giải quyết đơn khiếu nại" in figure.layout.title.text
    assert figure.layout.separators == ",."
    assert figure.layout.xaxis.tickformat == ",.0f"  # ticks "0%", "25%" …: no "90,00"; the bar keeps "91,94%"


def test_lower_bound_keeps_its_symbol_on_the_bar(real_store: Store) -> None:
    figure = compare_figure(real_store, "mediation_success_rate")
    bar = bars(figure)
    assert bar.text[0].startswith("≥ 92%")  # "đạt 92% trở lên": never shown as a plain 92%
    assert "Tỷ lệ hòa giải thành" in figure.layout.title.text
    loans = bars(compare_figure(real_store, "poor_household_loan_amount"))
    assert loans.text[0].startswith("> 15.590 triệu đồng")


def test_figures_from_different_periods_carry_a_warning(real_store: Store) -> None:
    # Ba Đình (02/06/2020), Thanh Xuân (16/12/2021) and Đa Krông (17/09/2021) count their communes on different days.
    figure = compare_figure(real_store, "communes")
    bar = bars(figure)
    assert len(bar.x) == 3
    assert list(bar.x) == sorted(bar.x, reverse=True)  # largest first
    assert MIXED_PERIOD_WARNING in annotation_text(figure)
    # Each bar then says which period it is from.
    assert any("Tại ngày 02/06/2020" in text for text in bar.text)
    assert any("Tại ngày 16/12/2021" in text for text in bar.text)
    assert "Xã, phường, thị trấn trực thuộc" in figure.layout.title.text


def test_figures_from_one_period_carry_no_warning(fixture_store: Store) -> None:
    q1 = Period(dt.date(2023, 1, 1), dt.date(2023, 3, 31))
    figure = compare_figure(fixture_store, "citizen_receptions", period=q1)
    bar = bars(figure)
    assert len(bar.x) == 2
    assert MIXED_PERIOD_WARNING not in annotation_text(figure)
    assert not any("Quý 1/2023" in text for text in bar.text)  # the period need not be repeated on each bar
    assert bar.text[0].startswith("1.250 lượt")
    assert figure.layout.separators == ",."


def test_fixture_figures_from_mixed_periods_carry_the_warning(fixture_store: Store) -> None:
    figure = compare_figure(fixture_store, "citizen_receptions")
    bar = bars(figure)
    assert MIXED_PERIOD_WARNING in annotation_text(figure)
    by_unit = dict(zip(bar.y, bar.text, strict=True))
    assert by_unit["Huyện Hai"].startswith("> 4.941 lượt")
    assert "Năm 2023" in by_unit["Huyện Hai"]
    assert "Quý 1/2023" in by_unit["Quận Một"]


def test_trend_figure_puts_years_and_quarters_on_one_date_axis(fixture_store: Store) -> None:
    from danvan_metrics.figures.charts import build_trend_figure

    metric = queries.metric(fixture_store, "complaints_resolved_rate")
    figure = build_trend_figure(queries.trend(fixture_store, "complaints_resolved_rate"), metric, highlight="t-d1")
    assert figure.layout.xaxis.type == "date"
    points = [t for t in figure.data if t.name]
    one = next(t for t in points if t.name.startswith("Quận Một"))
    assert one.name == "Quận Một<br>(Đơn vị của tôi)"  # in the legend, on a line of its own
    assert one.mode == "lines+markers"  # two quarters: a series
    # A figure shows its own decimals: 90% beside 91,94%, never "90,00%".
    assert [label.split(" · ")[0] for label, _ in one.customdata] == ["90%", "50%"]
    assert "9/10 đơn" in one.customdata[0][0]
    assert not any("chưa có chuỗi" in (a.text or "") for a in figure.layout.annotations)


def test_coverage_figure_colours_cells_by_recency(real_store: Store) -> None:
    import datetime as dt

    from danvan_metrics.figures import analysis
    from danvan_metrics.figures.charts import build_coverage_figure

    categories = sorted(queries.metrics(real_store)["category"].unique())
    matrix = analysis.coverage_matrix(queries.coverage(real_store), queries.units(real_store), categories)
    figure = build_coverage_figure(matrix, dt.date(2023, 6, 1))
    heatmap = figure.data[0]
    rows = list(figure.layout.yaxis.ticktext)
    bac_lieu, thanh_xuan = "Thành phố Bạc Liêu (đến 30/06/2025)", "Quận Thanh Xuân (đến 30/06/2025)"  # former units
    cell = dict(zip(rows, heatmap.z, strict=True))[bac_lieu][list(heatmap.x).index("An sinh xã hội")]
    buckets = list(heatmap.colorbar.ticktext)
    assert buckets[cell] == "Trong 1 năm"  # 9 months of 2022, seen from mid-2023
    empty = dict(zip(rows, heatmap.z, strict=True))[thanh_xuan][list(heatmap.x).index("An sinh xã hội")]
    assert buckets[empty] == "Chưa có số liệu"
    assert dict(zip(rows, heatmap.text, strict=True))[bac_lieu][0] == "6"


def test_coverage_figure_keeps_two_communes_of_the_same_name_apart() -> None:
    import datetime as dt

    from danvan_metrics.figures import analysis
    from danvan_metrics.figures.charts import build_coverage_figure

    units = pd.DataFrame(
        {
            "unit_id": ["c1", "c2"],
            "name": ["Xã Tân Phú", "Xã Tân Phú"],
            "parent_name": ["Tỉnh Đồng Nai", "Tỉnh Vĩnh Long"],
        }
    )
    coverage = pd.DataFrame(
        {
            "unit_id": ["c1", "c2", "c2"],
            "category": ["Tiếp công dân", "Tiếp công dân", "Tiếp công dân"],
            "metric_id": ["m", "m", "n"],
            "metric_name": ["M", "M", "N"],
            "period_end": pd.to_datetime(["2026-03-31", "2026-06-30", "2026-06-30"]),
        }
    )
    matrix = analysis.coverage_matrix(coverage, units, ["Tiếp công dân"])
    figure = build_coverage_figure(matrix, dt.date(2026, 9, 1))
    figure_rows = dict(zip(figure.layout.yaxis.ticktext, figure.data[0].text, strict=True))
    assert figure_rows == {"Xã Tân Phú (Tỉnh Đồng Nai)": ["1"], "Xã Tân Phú (Tỉnh Vĩnh Long)": ["2"]}


def test_describe_puts_periods_units_and_sources_inside_the_figure(real_store: Store) -> None:
    from danvan_metrics.figures.charts import chart_note, describe

    frame = queries.compare(real_store, "communes")
    metric = queries.metric(real_store, "communes")
    note = chart_note(frame, dt.datetime(2026, 11, 26, 9, 0))
    assert note.subtitle == (
        "Kỳ: Tại ngày 02/06/2020, Tại ngày 17/09/2021, Tại ngày 16/12/2021 · "
        "Quận Ba Đình, Huyện Đa Krông, Quận Thanh Xuân"
    )
    assert note.footnote() == (
        "Nguồn: Ban Tuyên giáo Quận ủy Ba Đình, 02/06/2020; Báo Quảng Trị, 17/09/2021; UBND quận Thanh Xuân, "
        "16/12/2021 · số liệu cập nhật 26/11/2026"
    )
    shown = describe(build_compare_figure(frame, metric), note, present=True)
    assert shown.layout.title.font.size >= 28
    assert shown.layout.font.size >= 18
    texts = [a.text for a in shown.layout.annotations]
    assert note.footnote() in texts and any("không cùng kỳ" in t for t in texts)  # the warning stays visible


def test_only_my_unit_is_drawn_in_orange_on_a_trend(real_store: Store) -> None:
    one = queries.trend(real_store, "citizen_receptions")
    frame = pd.concat([one.assign(unit_id=f"u{i}", unit_name=f"Xã {i}") for i in range(4)], ignore_index=True)
    metric = queries.metric(real_store, "citizen_receptions")
    units = list(dict.fromkeys(frame["unit_id"]))
    figure = build_trend_figure(frame, metric, units[-1])
    orange = {t.name for t in figure.data if t.mode != "lines" and t.marker.color == "#D55E00"}
    assert orange == {f"{frame.loc[frame['unit_id'] == units[-1], 'unit_name'].iloc[0]}<br>(Đơn vị của tôi)"}


# -- Read as a new user reads them: on a 0–100 % axis, every figure labelled, on a phone and on a slide --


def described(store: Store, figure: go.Figure, frame: pd.DataFrame, present: bool = False) -> go.Figure:
    return charts.describe(figure, charts.chart_note(frame, queries.last_updated(store)), present=present)


def lines_of(text: str | None) -> list[str]:
    return str(text or "").split("<br>")


def test_a_rate_reads_on_a_0_to_100_percent_axis_with_plain_percent_ticks(real_store: Store) -> None:
    # Before: ticks "0,00 … 90,00", and the axis stopped just under the 91,94 % bar.
    metric = queries.metric(real_store, "complaints_resolved_rate")
    axis = compare_figure(real_store, "complaints_resolved_rate").layout.xaxis
    assert list(axis.range) == [0, 100] and axis.autorange is False
    assert (axis.ticksuffix, axis.tickformat, axis.tick0) == ("%", ",.0f", 0)
    # A grid line every 25 %; on a phone, where five labels would collide, a label every 50 %.
    assert axis.dtick == 25 or (axis.dtick == 50 and axis.minor.dtick == 25 and axis.minor.showgrid)
    slide = slides.compare_slide(real_store, "complaints_resolved_rate").figure.layout.xaxis
    assert charts.tick_labels(slide.to_plotly_json()) == ["0%", "25%", "50%", "75%", "100%"]
    trend = build_trend_figure(queries.trend(real_store, "complaints_resolved_rate"), metric)
    assert list(trend.layout.yaxis.range) == [0, 100] and trend.layout.yaxis.ticksuffix == "%"
    assert max(max(t.y) for t in trend.data if t.mode != "lines") <= trend.layout.yaxis.range[1]  # under the top tick
    for slide in slides.profile_slides(real_store, "pre-d001"):  # the profile's charts, in the deck
        axis = slide.figure.layout.xaxis
        if slide.figure.layout.title.text.split("<br>")[0].endswith("(%)"):
            assert list(axis.range) == [0, 100] and axis.ticksuffix == "%" and axis.dtick == 25
    many = charts.build_distribution_figure(
        pd.DataFrame({"unit_id": ["a", "b"], "unit_name": ["A", "B"], "value": [88.5, 97.0], "same_period": True,
                      "period_label": "Quý 1/2023"}),
        metric,
    )  # fmt: skip
    low, high = many.layout.xaxis.range
    assert -3 <= low <= 0 and 100 <= high <= 103 and many.layout.xaxis.ticksuffix == "%"


def test_counts_keep_their_own_scale_from_zero_to_a_round_tick_above_the_largest(real_store: Store) -> None:
    axis = compare_figure(real_store, "poor_household_loan_amount").layout.xaxis
    assert axis.range[0] == 0 and axis.range[1] >= 15590 and axis.range[1] % axis.dtick == 0
    assert axis.ticksuffix is None and axis.title.text == "triệu đồng"
    metric = queries.metric(real_store, "citizen_receptions")
    trend = build_trend_figure(queries.trend(real_store, "citizen_receptions"), metric).layout.yaxis
    assert trend.range[0] == 0 and trend.range[1] >= 4941 and trend.range[1] % trend.dtick == 0


def test_a_hatched_bars_label_is_dark_on_white_not_white_on_white_hatching(real_store: Store) -> None:
    # Before: "> 15.590 triệu đồng" drawn white inside a bar hatched in white.
    for metric_id, figure_text in (("poor_household_loan_amount", "> 15.590"), ("mediation_success_rate", "≥ 92%")):
        for figure in (compare_figure(real_store, metric_id), slides.compare_slide(real_store, metric_id).figure):
            bar = bars(figure)
            assert list(bar.marker.pattern.shape) == ["/"] and list(bar.textposition) == ["none"]
            (label,) = [a for a in figure.layout.annotations if a.name == charts.BAR_LABEL]
            assert label.text.startswith(figure_text) and label.font.color == charts.TEXT
            assert label.bgcolor.startswith("rgba(255, 255, 255")
    slide = slides.compare_slide(real_store, "poor_household_loan_amount").figure
    (label,) = [a for a in slide.layout.annotations if a.name == charts.BAR_LABEL]
    assert label.text == "> 15.590 triệu đồng" and label.font.size == charts.PRESENT_FONT_SIZE  # one line on a slide


def test_a_zero_is_drawn_and_labelled_with_its_case_count() -> None:
    # Before: a rate of 0/2 drew no bar and no label, as if the unit had no figure.
    metric = dataclasses.replace(RATE, decimals=0)
    frame = compare_rows({"a": 0.0, "b": 50.0}).assign(numerator=[0, 1], denominator=[2, 2])
    figure = build_compare_figure(frame, metric)
    (stub,) = [t for t in figure.data if t.name == charts.ZERO_STUB]
    assert list(stub.x) == [0.0] and list(stub.y) == ["Xã a"] and stub.marker.symbol == "line-ns"
    labels = {a.y: a.text for a in figure.layout.annotations if a.name == charts.BAR_LABEL}
    assert labels == {"Xã a": "0% · 0/2 đơn"}


def test_the_trend_legend_and_the_source_line_each_have_their_own_band(real_store: Store) -> None:
    # Before: y ticks cut at the left edge, and the legend (y = -0,18 of the plot) on the source line.
    metric = queries.metric(real_store, "communes")
    frame = queries.trend(real_store, "communes")
    for present in (False, True):
        figure = described(real_store, build_trend_figure(frame, metric, "pre-d001"), frame, present)
        legend = figure.layout.legend
        assert (legend.orientation, legend.yref, legend.y, legend.yanchor) == ("h", "container", 0, "bottom")
        (source,) = [a for a in figure.layout.annotations if a.name == charts.FOOTNOTE]
        size = source.font.size
        source_bottom = -source.yshift + charts.block_height(len(lines_of(source.text)), size)
        assert source.yanchor == "top" and source_bottom + charts.legend_height(figure) <= figure.layout.margin.b
        ticks = charts.tick_labels(figure.layout.yaxis.to_plotly_json())
        size = figure.layout.yaxis.tickfont.size or charts.BASE_FONT_SIZE
        assert figure.layout.margin.l >= max(charts.text_width(t, size) for t in ticks) + 2 * size  # and the unit
        assert figure.layout.yaxis.automargin and figure.layout.xaxis.automargin


def test_the_demo_label_sits_over_the_trend_legend() -> None:
    frame = pd.concat([compare_rows({u: v}).assign(granularity="quarter") for u, v in (("a", 80.0), ("b", 90.0))])
    figure = charts.mark_demo(build_trend_figure(frame, RATE))
    corner = next(a for a in figure.layout.annotations if a.name == f"{charts.DEMO_STAMP}_corner")
    assert corner.yshift == -figure.layout.margin.b + 4 + charts.legend_height(figure) > -figure.layout.margin.b + 4


PHONE_TEXT = 358 - 2 * 8  # px of text across a chart on a 390-px phone (charts.PHONE_WIDTH, charts.PAD)


def test_on_a_phone_every_line_fits_and_the_warning_is_whole(real_store: Store) -> None:
    # Before (390 px): labels cut to "100,", the warning to "⚠ Các số liệu l", the title truncated.
    metric = queries.metric(real_store, "communes")
    frame = queries.compare(real_store, "communes")
    figure = described(real_store, build_compare_figure(frame, metric, "pre-d001"), frame)
    for line in lines_of(figure.layout.title.text):  # the title, then the subtitle's lines at 14 px
        assert charts.text_width(line, 14 if line.startswith("<span") else charts.TITLE_SIZE) <= PHONE_TEXT, line
    assert len(lines_of(figure.layout.title.text)) >= 4 and figure.layout.margin.t >= 4 * 1.3 * 14
    notes = next(a for a in figure.layout.annotations if a.name == charts.NOTES)
    assert notes.text.replace("<br>", " ") == MIXED_PERIOD_WARNING  # broken at a word, not cut
    assert all(charts.text_width(line, notes.font.size) <= PHONE_TEXT for line in lines_of(notes.text))
    source = next(a for a in figure.layout.annotations if a.name == charts.FOOTNOTE)
    assert all(charts.text_width(line, source.font.size) <= PHONE_TEXT for line in lines_of(source.text))
    # Notes and source start at the picture's edge, like the title, not after the names.
    assert notes.xshift == source.xshift == -(figure.layout.margin.l - charts.PAD)
    bar = bars(figure)
    plot = charts.PHONE_WIDTH - figure.layout.margin.l - figure.layout.margin.r
    for value, drawn, place in zip(bar.x, [c[4] for c in bar.customdata], bar.textposition, strict=True):
        widest = max(charts.text_width(line, charts.BASE_FONT_SIZE) for line in lines_of(drawn))
        room = value / figure.layout.xaxis.range[1] * plot if place == "inside" else (
            (1 - value / figure.layout.xaxis.range[1]) * plot + figure.layout.margin.r
        )  # fmt: skip
        assert widest <= room, (drawn, place)
    assert bar.text[0] == "14 đơn vị · Tại ngày 02/06/2020"  # the data keep the label whole


def test_a_trend_on_a_phone_has_few_upright_ticks_and_a_legend_across(real_store: Store) -> None:
    metric = queries.metric(real_store, "complaints_resolved_rate")
    figure = build_trend_figure(queries.trend(real_store, "complaints_resolved_rate"), metric, "pre-d001")
    assert figure.layout.xaxis.nticks <= 4 and figure.layout.xaxis.tickangle == 0
    assert figure.layout.legend.orientation == "h" and figure.layout.legend.entrywidthmode == "fraction"


def test_a_slide_has_room_to_put_labels_and_names_back_on_one_line(real_store: Store) -> None:
    slide = slides.compare_slide(real_store, "communes").figure
    bar = bars(slide)
    assert bar.texttemplate == "%{text}" and list(slide.layout.yaxis.ticktext) == list(bar.y)
    assert "<br>" not in slide.layout.title.text.split("<br><span")[0]
    page = described(real_store, compare_figure(real_store, "communes"), queries.compare(real_store, "communes"))
    assert bars(page).texttemplate == "%{customdata[4]}" and "<br>" in bars(page).customdata[0][4]


def test_wrapping_breaks_between_parts_then_words_and_keeps_figures_whole() -> None:
    wrap = charts.wrap_text
    title = wrap("Tỷ lệ giải quyết đơn khiếu nại (%) theo thời gian", 20, PHONE_TEXT, lists=False)
    assert title == "Tỷ lệ giải quyết đơn khiếu nại (%)<br>theo thời gian"
    assert wrap("Xã, phường, thị trấn trực thuộc (đơn vị)", 20, PHONE_TEXT, lists=False).endswith("<br>(đơn vị)")
    assert wrap("91,94% · 217/236 đơn", 15, 100, words=False) == "91,94%<br>217/236 đơn"  # " · " dropped
    assert wrap("> 15.590 triệu\u00a0đồng", 15, 100) == "> 15.590<br>triệu\u00a0đồng"
    assert wrap("Nguồn: A, 02/06/2020; Báo B, 17/09/2021 · số liệu cập nhật 03/12/2026", 14, 200) == (
        "Nguồn: A, 02/06/2020;<br>Báo B, 17/09/2021<br>số liệu cập nhật 03/12/2026"  # at the list's ";"
    )
    assert wrap("already<br>two lines", 15, 1000) == "already<br>two lines"
    coloured = "<span style='color:#7F7F7F'>┆ Trung vị 84,54% của các đơn vị cùng kỳ</span>"
    assert all(line.startswith("<span") and line.endswith("</span>") for line in lines_of(wrap(coloured, 15, 120)))


def test_text_width_errs_a_little_wide_of_what_chromium_draws() -> None:
    # Measured in Chromium with Noto Sans (canvas measureText), px.
    measured = {
        ("Nguồn: Ban Tuyên giáo Quận ủy Ba Đình, 02/06/2020 · số liệu cập nhật", 13): 431,
        ("Tỷ lệ giải quyết đơn khiếu nại (%)", 20): 307,
        ("⚠ Các số liệu không cùng kỳ: không so sánh trực tiếp được", 15): 414,
        ("91,94% · 217/236 đơn", 15): 151,
    }
    for (text, size), width in measured.items():
        assert width <= charts.text_width(text, size) <= 1.1 * width, text


def test_typed_text_in_a_figure_shows_as_typed_never_as_a_link_or_bold() -> None:
    # An upload is cited by its file name, which an editor chose: Plotly would draw "<a href=…>" as a link.
    hostile = "Báo cáo (tệp <a href='https://x.example'>bấm</a> & <b>q3</b>.csv)"
    frame = compare_rows({"a": 91.5, "b": 80.0}).assign(source_title=hostile, granularity="quarter")
    bar = bars(build_compare_figure(frame, RATE))
    escaped = "&lt;a href='https://x.example'&gt;bấm&lt;/a&gt; &amp; &lt;b&gt;q3&lt;/b&gt;"
    assert all(escaped in c[1] for c in bar.customdata)
    trend = build_trend_figure(frame, RATE)
    hovers = [c[1] for t in trend.data if t.customdata is not None for c in t.customdata]
    assert hovers and all("&lt;b&gt;" in h for h in hovers)
    note = charts.ChartNote("Kỳ: Quý 2/2025 · Xã <i>a</i>", (hostile,))
    described_figure = charts.describe(build_compare_figure(frame, RATE), note)
    text = annotation_text(described_figure) + str(described_figure.layout.title.text)
    assert "&lt;a" in text and "&lt;/a&gt;" in text and "Xã &lt;i&gt;a&lt;/i&gt;" in text
    assert "<a" not in text and "<b>" not in text and "<i>" not in text
