"""`python -m danvan_metrics.serve`: the store is ready before Streamlit starts, options pass through."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from danvan_metrics import serve
from danvan_metrics.store.connection import Store


@pytest.fixture
def streamlit_run(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Stand-in for Streamlit's command line: records the argv it was started with."""
    from streamlit.web import cli

    calls: list[list[str]] = []
    monkeypatch.setattr(cli, "main", lambda: calls.append(list(sys.argv)))
    return calls


def test_the_store_is_built_before_streamlit_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, streamlit_run: list[list[str]]
) -> None:
    monkeypatch.setenv("DANVAN_HOME", str(tmp_path / "home"))
    assert serve.main(["--server.port", "8599"]) == 0
    assert streamlit_run == [["streamlit", "run", str(serve.APP), "--server.port", "8599"]]
    assert not Store(tmp_path / "home").ensure_current(), "already current: the first visitor waits for nothing"


def test_a_store_that_cannot_open_is_reported_and_the_app_still_starts(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    streamlit_run: list[list[str]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    from danvan_metrics.store.connection import MixedDataError

    def refuse() -> None:
        raise MixedDataError("Kho đang chứa số liệu thật; không nạp dữ liệu mẫu vào cùng kho.")

    monkeypatch.setattr(serve, "warm_up", refuse)
    assert serve.main([]) == 0
    assert "không nạp dữ liệu mẫu" in capsys.readouterr().err
    assert len(streamlit_run) == 1  # the pages show the same message to the reader
