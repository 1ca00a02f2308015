"""The pages with hundreds of units (generated sample data): views that still read, small charts.

The thresholds are the product's own (`analysis.SCALE_UNITS`, `TREND_LINE_CAP`); 300 communes
over every province stand in for the 3,321 of national scale (`make bench` runs those).
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from danvan_metrics.core.model import Period
from danvan_metrics.export import slides
from danvan_metrics.figures import analysis, groups, selection, views
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store
from tests import scale_sample
from tests.apptest_helpers import chart_specs, open_app, page_text, table_text
from tests.scale_sample import COMMUNES, RATE


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The sample store of `tests.scale_sample` (300 communes), with its late uploads committed."""
    return scale_sample.build(tmp_path_factory.mktemp("scale"))


@pytest.fixture
def at_scale(national: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    """The app pointed at the sample store (without DANVAN_DEMO: the data itself says it is a sample)."""
    monkeypatch.setenv("DANVAN_HOME", str(national.home))
    monkeypatch.setenv("DANVAN_CURATED_DIR", str(national.curated_dir))
    monkeypatch.delenv("DANVAN_DEMO", raising=False)
    return national


@pytest.fixture
def middle_unit(national: Store) -> tuple[str, str]:
    return scale_sample.middle_unit(national)


def bars(spec: dict) -> int:
    return sum(len(trace.get("y") or []) for trace in spec["data"] if trace.get("type") == "bar")


def test_compare_shows_the_best_and_worst_of_one_quarter_not_a_bar_per_unit(at_scale: Store) -> None:
    at = open_app("pages/compare.py")
    assert not at.exception
    (spec,) = chart_specs(at)
    assert 0 < bars(spec) <= 2 * groups.TOP_N
    assert len(json.dumps(spec)) < 250_000, "the chart sent to the browser stays small"
    period = at.selectbox(key="compare_period").value
    assert period, "with many units the page opens on one quarter, so ranks and the roll-up are honest"
    n = len(queries.compare(at_scale, RATE, None, Period.parse(period)))
    assert n > analysis.SCALE_UNITS
    assert f"Có {n} đơn vị" in page_text(at)
    assert at.selectbox(key="compare_view").value == "top_bottom"
    table = at.dataframe[0].value
    assert len(table) == bars(spec) and f"Bảng: {len(table)} đơn vị tốt nhất và kém nhất." in page_text(at)


def test_distribution_marks_my_unit_with_its_rank(at_scale: Store, middle_unit: tuple[str, str]) -> None:
    unit_id, name = middle_unit
    at = open_app("pages/compare.py", xem="distribution", toi=unit_id)
    (spec,) = chart_specs(at)
    text = json.dumps(spec, ensure_ascii=False)
    assert f"{name}: " in text and "hạng " in text and "tốt hơn" in text
    assert bars(spec) <= 40, "a histogram of a few bars, not a point per unit"
    assert name in table_text(at), "my unit stays in the table"


def test_provinces_view_rolls_communes_up_into_provinces(at_scale: Store) -> None:
    at = open_app("pages/compare.py", xem="provinces")
    (spec,) = chart_specs(at)
    assert 1 < bars(spec) <= 34
    table = table_text(at)
    assert "Tổng hợp từ" in table and ("Tỉnh " in table or "Thành phố " in table)
    assert "tỉnh, thành phố, gộp từ số liệu" in page_text(at)


def test_provinces_need_one_period_and_say_so(at_scale: Store) -> None:
    at = open_app("pages/compare.py", xem="provinces", ky="")
    frame = queries.compare(at_scale, RATE)
    # The sample has gaps (≈ 4 % missing quarters), so "each unit's latest" mixes quarters.
    assert not bool(frame["same_period"].all()), "the sample lost its gaps: this test needs mixed periods"
    assert "Chỉ gộp theo tỉnh khi mọi số liệu cùng một kỳ" in page_text(at)
    assert bars(chart_specs(at)[0]) <= 2 * groups.TOP_N + 1  # it falls back to the best and worst


def test_trend_draws_at_most_eight_lines_and_says_which(at_scale: Store, middle_unit: tuple[str, str]) -> None:
    unit_id, name = middle_unit
    at = open_app("pages/trends.py", toi=unit_id)
    (spec,) = chart_specs(at)
    legend = [trace["name"] for trace in spec["data"] if trace.get("showlegend") is not False and "name" in trace]
    assert len(legend) == selection.TREND_LINE_CAP
    assert any(name in entry for entry in legend), "my unit is among the lines"
    # Out of the units with a figure of this metric: each counted unit can draw a line.
    with_metric = len(queries.metric_unit_ids(at_scale, RATE))
    assert with_metric < COMMUNES
    assert f"Đang vẽ 8/{with_metric} đơn vị" in page_text(at)


def test_overview_groups_coverage_by_province_and_shows_only_my_cards(
    at_scale: Store, middle_unit: tuple[str, str]
) -> None:
    at = open_app("pages/overview.py")
    assert "Chọn **Đơn vị của tôi**" in page_text(at)
    assert not at.subheader, "no card per unit for hundreds of units"
    (spec,) = chart_specs(at)
    rows = spec["layout"]["yaxis"]["ticktext"]
    assert 1 < len(rows) <= 34 and all(r.startswith(("Tỉnh ", "Thành phố ")) for r in rows)
    n_figures = int(queries.store_summary(at_scale)["n_figures"].iloc[0])
    assert f"{n_figures:,}".replace(",", ".") + " số liệu" in page_text(at)

    unit_id, name = middle_unit
    mine = open_app("pages/overview.py", toi=unit_id)
    assert [s.value for s in mine.subheader] == [f"{name} ★"]


def test_profile_shows_each_metrics_latest_figure(at_scale: Store, middle_unit: tuple[str, str]) -> None:
    unit_id, _ = middle_unit
    profile = queries.unit_profile(at_scale, unit_id)
    assert len(profile) > 60
    at = open_app("pages/unit_profile.py", don_vi=unit_id)
    assert not at.exception
    assert f"tải xuống để có đủ {len(profile)} số liệu" in page_text(at)
    cards = [c.value for c in at.caption if c.value.startswith("Kỳ: ")]
    assert len(cards) == profile["metric_id"].nunique()


def test_data_page_says_it_shows_only_the_first_rows(at_scale: Store) -> None:
    at = open_app("pages/data_sources.py")
    assert "Hiển thị 5.000 số liệu đầu tiên" in page_text(at)
    assert len(at.dataframe[0].value) == 5000
    assert "**Đơn vị:** None" not in page_text(at)


def test_every_chart_of_sample_data_is_stamped_even_without_the_demo_flag(at_scale: Store) -> None:
    for page in ("pages/compare.py", "pages/trends.py", "pages/overview.py"):
        for spec in chart_specs(open_app(page)):
            assert "DỮ LIỆU MẪU" in json.dumps(spec, ensure_ascii=False), page


def test_slides_draw_what_the_page_draws_and_are_stamped(national: Store, middle_unit: tuple[str, str]) -> None:
    unit_id, _ = middle_unit
    period = analysis.fullest_recent_period(queries.periods(national, RATE))
    assert period is not None
    slide = slides.compare_slide(national, RATE, None, Period.parse(period), unit_id, "top_bottom")
    data = slide.figure.to_plotly_json()["data"]
    assert 0 < sum(len(t.get("y") or []) for t in data if t["type"] == "bar") <= 2 * groups.TOP_N + 1
    assert "tot-nhat-va-kem-nhat" in slide.file_name("png")
    assert any("DỮ LIỆU MẪU" in str(a.text) for a in slide.figure.layout.annotations)
    trend = slides.trend_slide(national, RATE, None, unit_id)
    lines = [t for t in trend.figure.data if t.showlegend is not False and t.name]
    assert len(lines) == selection.TREND_LINE_CAP
    assert f"vẽ 8/{len(queries.metric_unit_ids(national, RATE))} đơn vị" in trend.note.subtitle.replace("<br>", " ")


def test_compare_view_keeps_a_bar_per_unit_for_a_few_units(national: Store) -> None:
    frame = queries.compare(national, RATE).head(5)
    metric = queries.metric(national, RATE)
    shown = views.compare_view(frame, metric, None, None, "distribution")
    assert not shown.scaled and shown.view is None and len(shown.rows) == 5


def test_distinct_names_tell_same_named_communes_apart() -> None:
    units = pd.DataFrame(
        {
            "unit_id": ["a", "b", "c"],
            "name": ["Xã Tân Phú", "Xã Tân Phú", "Xã Hòa Bình"],
            "parent_name": ["Tỉnh Đồng Nai", "Tỉnh Vĩnh Long", "Tỉnh Đồng Nai"],
        }
    )
    assert selection.distinct_names(units) == {
        "a": "Xã Tân Phú (Tỉnh Đồng Nai)",
        "b": "Xã Tân Phú (Tỉnh Vĩnh Long)",
        "c": "Xã Hòa Bình",
    }


def test_same_named_units_are_told_apart_in_the_store(national: Store) -> None:
    units = queries.units(national)
    names = selection.distinct_names(units)
    assert len(set(names.values())) == len(units), "every unit of both eras has a name of its own"


def test_dump_streams_every_figure_in_order_without_one_big_frame(national: Store) -> None:
    batches = list(queries.dump_batches(national, vectors=1))
    assert len(batches) > 1 and max(len(b) for b in batches) <= 2048
    assert pd.concat(batches, ignore_index=True).equals(queries.dump(national))


def test_cli_dump_of_a_national_store_is_valid_csv_and_json(
    national: Store, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from danvan_metrics.cli.main import main

    monkeypatch.setenv("DANVAN_CURATED_DIR", str(national.curated_dir))
    expected = len(queries.dump(national))
    assert main(["--home", str(national.home), "dump"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("unit_id,unit_name,metric_id") and len(lines) == expected + 1
    assert main(["--home", str(national.home), "dump", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert len(records) == expected
    assert all(isinstance(r["value"], int | float) or r["value"] is None for r in records)


def test_counts_in_thousands_use_vietnamese_separators() -> None:
    from danvan_metrics.figures.charts import chart_note

    frame = pd.DataFrame({"unit_name": [f"Xã {i}" for i in range(3069)], "period_label": "Quý 3/2026"})
    assert "và 3.065 đơn vị khác" in chart_note(frame).subtitle


def test_the_coverage_chart_cites_its_sources_and_no_stray_subtitle(at_scale: Store) -> None:
    (spec,) = chart_specs(open_app("pages/overview.py"))
    text = json.dumps(spec, ensure_ascii=False)
    assert "None" not in spec["layout"]["title"]["text"]
    title = spec["layout"]["title"]["text"].replace("<br>", " ")  # wrapped to fit a phone
    assert title.startswith("Số liệu hiện có: số con số theo tỉnh, thành phố × lĩnh vực")
    assert "danvan — bộ tạo dữ liệu mẫu, " in text and "không rõ" not in text  # publisher and its date


def test_the_reporting_status_of_hundreds_of_communes_reads_whole(at_scale: Store) -> None:
    from danvan_metrics.reporting import book
    from danvan_metrics.reporting.regimes import Frequency, Regime
    from danvan_metrics.services import writes

    units = queries.units_with_figures(at_scale)
    communes = tuple(sorted(units.loc[units["level"] == "commune", "unit_id"]))
    latest = analysis.fullest_recent_period(queries.periods(at_scale, RATE))
    assert latest is not None and len(communes) == COMMUNES
    period = Period.parse(latest)
    first = f"{period.start.year}-Q{(period.start.month - 1) // 3 + 1}"
    regime = Regime("mau-quoc-gia", "Báo cáo mẫu mọi xã", "Văn bản mẫu", period.start, (RATE,), Frequency.QUARTERLY,
                    first, 6, units=communes, sample=True)  # fmt: skip
    writes.define_regime(at_scale, writes.Operator("kiem-thu"), regime)
    rows = book.cycle_status(at_scale, regime, book.pick_cycle(regime, first))
    assert len(rows) == COMMUNES and {r.province_name for r in rows} - {None}  # every commune finds its province
    at = open_app("pages/reporting_status.py", che_do="mau-quoc-gia", ky=first)
    assert not at.exception and not at.error
    counts = {m.label: int(str(m.value).replace(".", "")) for m in at.metric}
    assert counts["Đơn vị phải báo cáo"] == COMMUNES
    assert sum(v for k, v in counts.items() if k != "Đơn vị phải báo cáo") == COMMUNES, counts
    assert counts["Muộn"] > 0 and counts["Chưa nộp"] > 0, counts  # the late uploads count, curated figures do not
    by_province = at.dataframe[0].value  # one row per province, adding up to every commune
    assert len(by_province) > 10 and by_province["Số đơn vị"].sum() == COMMUNES
    assert len(at.dataframe[1].value) == COMMUNES  # every commune listed, none cut
