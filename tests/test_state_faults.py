"""A damaged or unwritable state directory, a missing file, terminal escapes in names (issue #21 items 6, 8).

Each case ends in a Vietnamese sentence that says what is wrong and what to do — on the command
line and in the app — never in a traceback.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import duckdb
import pytest

from danvan_metrics.cli.main import main, visible
from danvan_metrics.core import config
from danvan_metrics.record import engine
from danvan_metrics.services import uploads
from danvan_metrics.store import kept, queries
from danvan_metrics.store.connection import Store, StoreUnavailableError
from danvan_metrics.store.resolving import resolver_for
from tests.apptest_helpers import open_app, page_text
from tests.fixtures import commit_as
from tests.test_writes import _preview

PROJECT = Path(__file__).resolve().parents[1]
HOSTILE_NAME = "\x1b[2K\x1b[1A\x1b]0;pwned\x07ok.csv"


def _cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def _damage(home: Path) -> None:
    """The record overwritten (a disk fault, a bad copy): what people wrote is in it, so nothing rebuilds it."""
    engine.dispose_all()
    for suffix in ("-wal", "-shm"):
        (home / (config.RECORD_FILE_NAME + suffix)).unlink(missing_ok=True)
    (home / config.RECORD_FILE_NAME).write_bytes(b"not a database " * 1000)


def test_the_upload_list_shows_escape_codes_in_file_names_instead_of_obeying_them(real_store: Store) -> None:
    data = b"ma_don_vi,nam,quy,ma_chi_tieu,gia_tri\npre-d001,2024,1,citizen_receptions,120\n"
    preview = uploads.prepare(real_store, data, HOSTILE_NAME, resolver_for(real_store), today=dt.date(2026, 11, 1))
    commit_as(real_store, preview, data, "bien.tap")
    code, out, _ = _cli("--home", str(real_store.home), "uploads")
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b[2K\\x1b[1A\\x1b]0;pwned\\x07ok.csv" in out


def test_visible_keeps_vietnamese_and_escapes_controls() -> None:
    assert visible("Phường Ba Đình") == "Phường Ba Đình"
    assert visible("a\tb\u202ec\x00") == "a\\x09b\\u202ec\\x00"


def test_archived_files_without_an_upload_are_listed(real_store: Store) -> None:
    (real_store.home / "uploads").mkdir()
    (real_store.home / "uploads" / "deadbeef.csv").write_bytes(b"x")
    code, _, err = _cli("--home", str(real_store.home), "uploads")
    assert code == 0
    assert "1 tệp lưu trữ không thuộc lần tải lên nào" in err and "deadbeef.csv" in err


def test_ingest_of_a_missing_file_says_it_does_not_exist(real_store: Store, tmp_path: Path) -> None:
    code, _, err = _cli("--home", str(real_store.home), "ingest", str(tmp_path / "khong-co.csv"), "--dry-run")
    assert code == 1
    assert err.startswith("Không tìm thấy tệp") and "khong-co.csv" in err


def test_a_damaged_database_is_explained_on_the_command_line(real_store: Store) -> None:
    _damage(real_store.home)
    env = {**os.environ, "DANVAN_HOME": str(real_store.home)}
    done = subprocess.run([sys.executable, "-m", "danvan_metrics", "dump"], cwd=PROJECT, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 1
    assert "bị hỏng" in done.stderr and "bản sao lưu" in done.stderr and "restore" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_damaged_read_store_is_rebuilt_without_anyone_noticing(real_store: Store) -> None:
    upload_id = commit_as(real_store, *_preview(real_store))
    figures = len(queries.dump(real_store))
    path = kept.forget(real_store.key)
    assert path is not None
    path.write_bytes(b"not a database " * 1000)  # derived data: rebuilt from the curated files and the record
    assert len(queries.dump(real_store)) == figures
    assert upload_id in set(queries.upload_log(real_store)["upload_id"])


def test_an_unwritable_state_directory_is_explained(real_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run as root, for whom chmod does not bite: the refusal DuckDB gives is simulated.
    path = real_store.db_path

    def refuse(*_: object, **__: object) -> None:
        raise duckdb.IOException(f'IO Error: Cannot open file "{path}": Permission denied')

    kept.forget(real_store.key)  # closed, so the next use opens it again
    monkeypatch.setattr(duckdb, "connect", refuse)
    with pytest.raises(StoreUnavailableError, match="không có quyền ghi"):
        Store(real_store.home).ensure_current()
    code, _, err = _cli("--home", str(real_store.home), "dump")
    assert code == 1 and "không có quyền ghi" in err and "chown" in err


def test_a_state_directory_that_is_a_file_is_explained(tmp_path: Path) -> None:
    home = tmp_path / "not-a-dir"
    home.write_text("x")
    with pytest.raises(StoreUnavailableError, match="không phải là thư mục"):
        Store(home).ensure_current()


def test_the_app_explains_a_damaged_database_on_every_page(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    home = tmp_path / "damaged"
    Store(home).ensure_current()
    _damage(home)
    # The server starting on the damaged record: its read store is opened again, not one this process
    # already holds current (a running server keeps its last snapshot until the refresh thread notices).
    kept.forget(Store(home).key)
    monkeypatch.setenv("DANVAN_HOME", str(home))
    at = open_app()
    assert not at.exception
    text = page_text(at)
    assert "bị hỏng" in text and "restore" in text
    assert "Đã có lỗi ngoài dự kiến" not in text
