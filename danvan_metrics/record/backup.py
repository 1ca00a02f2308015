"""Backing up and restoring a SQLite record while servers run (SQLite's online backup API).

A backup is a consistent copy taken between two writes; servers go on reading and writing. A
restore first keeps a copy of the record it replaces (``before-restore-<time>.sqlite3`` in the state
directory), then copies the backup in, and gives the record a new identity: every server's read
store notices and copies the whole record again. PostgreSQL is backed up with its own tools
(``pg_dump``, see README).
"""

from __future__ import annotations

import datetime as dt
import secrets
import sqlite3
from contextlib import closing
from pathlib import Path

from danvan_metrics.core import config
from danvan_metrics.record import engine, transactions

NOT_SQLITE = (
    "Cơ sở dữ liệu gốc đang là PostgreSQL (DANVAN_DATABASE_URL): hãy sao lưu bằng pg_dump và khôi phục "
    "bằng pg_restore (xem README, mục Sao lưu)."
)


class BackupError(RuntimeError):
    """A backup or restore cannot be done; the message (Vietnamese) says why."""


def _record_file(home: Path) -> Path:
    if not engine.url_for(home).startswith("sqlite"):
        raise BackupError(NOT_SQLITE)
    return home / config.RECORD_FILE_NAME


def backup(home: Path, target: Path) -> Path:
    """Copy ``home``'s record to ``target`` (a file; refused if it exists). Returns ``target``.

    Raises:
        BackupError: PostgreSQL, or ``target`` exists or cannot be written.
    """
    source = _record_file(home)
    transactions.version(home)  # creates and migrates the record if this is a fresh home
    if target.exists():
        raise BackupError(f"Tệp {target} đã có: hãy chọn tên khác (sao lưu không ghi đè).")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
            src.backup(dst)
        target.chmod(0o600)
    except (OSError, sqlite3.Error) as exc:
        target.unlink(missing_ok=True)
        raise BackupError(f"Không sao lưu được vào {target}: {exc}.") from exc
    return target


def _check_is_record(path: Path) -> None:
    """Raises BackupError unless ``path`` is a danvan record (a backup made by `backup`)."""
    if not path.is_file():
        raise BackupError(f"Không có tệp {path}.")
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            found = conn.execute("SELECT value FROM record_meta WHERE key = 'identity'").fetchone()
            conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error as exc:
        raise BackupError(f"Tệp {path} không phải bản sao lưu cơ sở dữ liệu gốc của danvan ({exc}).") from exc
    if found is None:
        raise BackupError(f"Tệp {path} không phải bản sao lưu cơ sở dữ liệu gốc của danvan.")


def restore(home: Path, source: Path) -> Path:
    """Replace ``home``'s record by the backup ``source``; the copy kept of the replaced record.

    Raises:
        BackupError: PostgreSQL, or ``source`` is not a danvan record.
    """
    live = _record_file(home)
    _check_is_record(source)
    kept = backup(home, home / f"before-restore-{dt.datetime.now():%Y%m%d-%H%M%S}.sqlite3")
    try:
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(live)) as dst:
            src.backup(dst)
    except sqlite3.Error as exc:
        raise BackupError(f"Không khôi phục được từ {source}: {exc}. Bản cũ vẫn còn ở {kept}.") from exc
    engine.dispose_all()
    engine.engine_for(home)  # migrated on creation: an older backup takes the newer schema
    with transactions.write(home, transactions.KIND_ALL) as record:
        transactions.set_meta(record, "identity", secrets.token_hex(16))  # read stores copy everything again
    return kept
