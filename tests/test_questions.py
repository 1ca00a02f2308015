"""Typed page questions: the query's own signature (minus the store), cached until the data changes."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from danvan_metrics.auth import audit
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store
from danvan_metrics.ui import cache, questions
from tests.fixtures import write_fixture


def test_a_question_keeps_its_querys_signature_without_the_store() -> None:
    asked = inspect.signature(questions.compare)
    defined = inspect.signature(queries.compare)
    assert list(asked.parameters) == list(defined.parameters)[1:]
    assert asked.return_annotation == defined.return_annotation
    assert questions.compare.__doc__ == queries.compare.__doc__  # an editor's hover shows the query's own text


def test_a_question_is_answered_once_per_data_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("DANVAN_HOME", str(home))
    monkeypatch.setenv("DANVAN_CURATED_DIR", str(write_fixture(tmp_path / "curated")))
    calls: list[str] = []

    @cache.question
    def counted(store: Store, metric_id: str) -> int:
        calls.append(metric_id)
        return len(queries.periods(store, metric_id))

    assert counted("citizen_receptions") == counted("citizen_receptions") > 0
    assert calls == ["citizen_receptions"]  # the second call came from the cache
    counted("complaints_resolved_rate")
    assert calls == ["citizen_receptions", "complaints_resolved_rate"]  # other arguments, another answer
    store = cache.get_store()
    audit.record(store, "lan", audit.Action.SIGN_IN, "127.0.0.1")  # any committed write moves the version on
    counted("citizen_receptions")
    assert calls[-1] == "citizen_receptions" and len(calls) == 3


def test_a_page_that_changes_its_answer_leaves_the_next_pages_answer_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DANVAN_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DANVAN_CURATED_DIR", str(write_fixture(tmp_path / "curated")))
    first = questions.periods("citizen_receptions")
    expected = first.copy()
    first["period_label"] = "đã sửa"  # one page rewrites a column of its frame …
    assert len(first) > 1
    first.iloc[:, 0] = first.iloc[::-1, 0].to_numpy()  # … and reorders another in place
    names = questions.unit_names()
    names.clear()
    ids, labels = questions.metric_choices()
    ids.clear()
    labels.clear()
    # … the next page (another session) still gets the figures as stored
    assert questions.periods("citizen_receptions").equals(expected)
    assert questions.unit_names() and questions.metric_choices()[0]
