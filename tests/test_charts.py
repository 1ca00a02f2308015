"""The comparison figure: bars, Vietnamese numbers, qualifiers kept, and a warning when periods differ."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from danvan_metrics import queries
from danvan_metrics.charts import MIXED_PERIOD_WARNING, build_compare_figure, build_trend_figure
from danvan_metrics.model import Period
from danvan_metrics.store import Store


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
    assert figure.layout.xaxis.tickformat == ",.2f"  # two decimals, as the catalog says


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
    from danvan_metrics.charts import build_trend_figure

    metric = queries.metric(fixture_store, "complaints_resolved_rate")
    figure = build_trend_figure(queries.trend(fixture_store, "complaints_resolved_rate"), metric, highlight="t-d1")
    assert figure.layout.xaxis.type == "date"
    points = [t for t in figure.data if t.name]
    one = next(t for t in points if t.name.startswith("Quận Một"))
    assert one.name == "Quận Một (Đơn vị của tôi)"
    assert one.mode == "lines+markers"  # two quarters: a series
    assert [label.split(" · ")[0] for label, _ in one.customdata] == ["90,00%", "50,00%"]
    assert "9/10 đơn" in one.customdata[0][0]
    assert not any("chưa có chuỗi" in (a.text or "") for a in figure.layout.annotations)


def test_coverage_figure_colours_cells_by_recency(real_store: Store) -> None:
    import datetime as dt

    from danvan_metrics import analysis
    from danvan_metrics.charts import build_coverage_figure

    categories = sorted(queries.metrics(real_store)["category"].unique())
    matrix = analysis.coverage_matrix(queries.coverage(real_store), queries.units(real_store), categories)
    figure = build_coverage_figure(matrix, dt.date(2023, 6, 1))
    heatmap = figure.data[0]
    rows = list(figure.layout.yaxis.ticktext)
    cell = dict(zip(rows, heatmap.z, strict=True))["Thành phố Bạc Liêu"][list(heatmap.x).index("An sinh xã hội")]
    buckets = list(heatmap.colorbar.ticktext)
    assert buckets[cell] == "Trong 1 năm"  # 9 months of 2022, seen from mid-2023
    empty = dict(zip(rows, heatmap.z, strict=True))["Quận Thanh Xuân"][list(heatmap.x).index("An sinh xã hội")]
    assert buckets[empty] == "Chưa có số liệu"
    assert dict(zip(rows, heatmap.text, strict=True))["Thành phố Bạc Liêu"][0] == "6"


def test_coverage_figure_keeps_two_communes_of_the_same_name_apart() -> None:
    import datetime as dt

    from danvan_metrics import analysis
    from danvan_metrics.charts import build_coverage_figure

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
    from danvan_metrics.charts import chart_note, describe

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
    assert orange == {f"{frame.loc[frame['unit_id'] == units[-1], 'unit_name'].iloc[0]} (Đơn vị của tôi)"}
