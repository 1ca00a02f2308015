"""The benchmark in miniature: small synthetic data, a few seconds, and only ratios asserted.

`make bench` measures national scale; this catches regressions by ratio on every `make test`
(a query that suddenly costs many no-op queries, a figure whose size grows with the units).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import cases, run
from danvan_metrics.demo import synth


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> run.Report:
    work = tmp_path_factory.mktemp("bench")
    report = run.Report()
    prepared = run.prepare(work, synth.Plan(communes=80, metrics=8, quarters=6), report)
    context = cases.Context.build(prepared.store, prepared.committed_files)
    run.measure_baselines(context, report, quick=True)
    report.meta["uncovered"] = run.measure_queries(context, report, quick=True)
    report.meta["payload"] = run.measure_scale_views(context, report)
    with run._postgres(work, skip=False) as postgres_url:
        run.measure_record(prepared, report, work, 1, postgres_url)
    run.measure_pages(prepared, report, warm_runs=2, timeout_s=120, pages=["pages/compare.py"])
    report.finish()
    return report


def rows(report: run.Report, group: str) -> dict[str, run.Row]:
    return {row.name: row for row in report.rows if row.group == group}


def test_every_query_function_is_measured(report: run.Report) -> None:
    assert report.meta["uncovered"] == []
    assert not [row.name for row in rows(report, "query").values() if row.note.startswith("error")]


def test_page_questions_cost_little_more_than_their_bare_sql(report: run.Report) -> None:
    asked = {name: row for name, row in rows(report, "query").items() if row.budget.startswith("p95")}
    assert asked and all(row.x_sql is not None for row in asked.values()), "every page question runs SQL"
    slow = {name: row.x_sql for name, row in asked.items() if row.x_sql is None or row.x_sql > 6}
    assert not slow, f"page questions costing more than 6× their bare SQL on small data: {slow}"


def test_scale_views_stay_small_where_a_bar_per_unit_does_not(report: run.Report) -> None:
    payload = report.meta["payload"]
    bars = payload[run.BAR_PER_UNIT]
    assert payload["distribution"] < bars and payload["top/bottom 10"] < bars
    assert payload["provinces"] < bars
    # The province map costs its borders, not its units: under the budget however many communes roll up.
    assert payload["map · provinces rolled up"] <= run.PAYLOAD_KB * 1000
    assert payload["map · every unit a dot"] > 0


def test_an_upload_is_committed_on_both_engines_and_shown_by_another_process(report: run.Report) -> None:
    record = rows(report, "record")
    for engine in ("SQLite", "PostgreSQL"):
        commit = next(row for name, row in record.items() if name.startswith("commit") and engine in name)
        assert commit.n == 1 and "errors" not in commit.note, commit.note
        shown = record[f"  shown by another process · {engine}"]
        assert shown.n == 1 and shown.p50 is not None and shown.met, shown


def test_pages_relative_to_their_floors(report: run.Report) -> None:
    page = rows(report, "page")
    cold, warm = page["compare · cold (empty caches)"], page["compare · warm"]
    assert cold.p50 is not None and warm.p95 is not None and warm.p95 < cold.p50, "cached runs beat the first"
    assert "errors" not in warm.note


def test_results_are_written_as_ratios(report: run.Report, tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    run.write(report, path)
    data = json.loads(path.read_text("utf-8"))
    assert data["floor_ms"] > 0 and data["pandas_ms"] > 0
    timed = [r for r in data["results"] if r["unit"] == "ms" and r["p50"] is not None]
    assert timed and all(r["x_floor"] is not None and r["x_pandas"] is not None for r in timed)
    text = run.table(report)
    assert "×floor" in text and "×sql" in text and "compare · one quarter, all units" in text
