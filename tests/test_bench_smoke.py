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
    run.measure_ingest(prepared, report, work, runs=1)
    run.measure_pages(prepared, report, warm_runs=2, timeout_s=120, pages=["pages/compare.py"])
    report.finish()
    return report


def rows(report: run.Report, group: str) -> dict[str, run.Row]:
    return {row.name: row for row in report.rows if row.group == group}


def test_every_query_function_is_measured(report: run.Report) -> None:
    assert report.meta["uncovered"] == []
    assert not [row.name for row in rows(report, "query").values() if row.note.startswith("error")]


def test_page_questions_cost_a_few_no_op_queries(report: run.Report) -> None:
    slow = {
        name: row.x_floor
        for name, row in rows(report, "query").items()
        if row.budget.startswith("p95") and (row.x_floor is None or row.x_floor > 15)
    }
    assert not slow, f"queries costing more than 15 no-op queries on small data: {slow}"


def test_scale_views_stay_small_where_a_bar_per_unit_does_not(report: run.Report) -> None:
    payload = report.meta["payload"]
    bars = payload[run.BAR_PER_UNIT]
    assert payload["distribution"] < bars and payload["top/bottom 10"] < bars
    assert payload["provinces"] < bars


def test_ingest_and_pages_relative_to_their_floors(report: run.Report) -> None:
    ingest = next(row for row in rows(report, "ingest").values() if row.budget)
    assert ingest.met is not None and ingest.x_floor is not None and ingest.x_floor < 60
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
    assert "×floor" in text and "compare · one quarter, all units" in text
