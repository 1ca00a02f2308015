"""Adopting a state directory of the release before the record (one DuckDB file, ``accounts.json``).

On the first start after the upgrade, everything people wrote there moves into the record in one
write: every upload (committed or retracted, with who and when), its figures, the archived files'
bytes, the audit trail in its order, and every account with its password hash unchanged (people
keep their passwords). Then the old files move, untouched, into ``before-record-<time>/`` in the
state directory: the backup copy, kept until an administrator deletes it. The archived uploads
stay in ``uploads/``. Several processes starting at once queue on a lock file; a process killed
half-way leaves either the old files in place and an unchanged record, or the record adopted
(a marker says so) and only the move left to do.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import sqlalchemy as sa

from danvan_metrics.core import config
from danvan_metrics.record import schema, transactions

LOG = logging.getLogger(__name__)
ACCOUNTS_FILE = "accounts.json"
# Files of the old layout that move into the backup folder (uploads/ stays where it is).
OLD_FILES = (config.LEGACY_DB_FILE_NAME, config.LEGACY_DB_FILE_NAME + ".wal", ACCOUNTS_FILE, "throttle.json",
             "data_version", ".accounts.lock", ".throttle.lock")  # fmt: skip
BACKUP_PREFIX = "before-record-"
_UPLOAD_COLUMNS = [c.name for c in schema.uploads.c]
_ROW_COLUMNS = [c.name for c in schema.upload_rows.c]
_ACCOUNT_COLUMNS = [c.name for c in schema.accounts.c]


def needed(home: Path) -> bool:
    return (home / config.LEGACY_DB_FILE_NAME).is_file() or (home / ACCOUNTS_FILE).is_file()


def marker(home: Path) -> str:
    """The record_meta key saying ``home`` was adopted (several homes may share one PostgreSQL record)."""
    return "migrated:" + hashlib.sha256(str(home.resolve()).encode()).hexdigest()[:32]


@contextlib.contextmanager
def _migration_lock(home: Path) -> Iterator[None]:
    with (home / ".migrate.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def adopt(home: Path) -> Path | None:
    """Move an old state directory's writes into the record; the backup folder, or None if nothing to do."""
    if not needed(home):
        return None
    with _migration_lock(home):
        if not needed(home):  # another process did it while this one waited
            return None
        with transactions.read(home) as record:
            done = transactions.get_meta(record, marker(home)) is not None
        if not done:
            old = _read_old(home)
            with transactions.write(home, transactions.KIND_ALL) as record:
                _write(record, home, old)
        return _move_old_files(home)


def _old_columns(conn: duckdb.DuckDBPyConnection, table: str, wanted: list[str]) -> list[str]:
    """The wanted columns the old table has: an old store predates later columns (review), which stay unset."""
    have = {
        row[0]
        for row in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]
        ).fetchall()
    }
    return [column for column in wanted if column in have]


def _read_old(home: Path) -> dict[str, Any]:
    """What the old files hold, read before the record's write begins (the old database opened read-only)."""
    found: dict[str, Any] = {"uploads": [], "rows": [], "audit": [], "synthetic": None, "accounts": []}
    database = home / config.LEGACY_DB_FILE_NAME
    if database.is_file():
        conn = duckdb.connect(str(database), read_only=True)
        try:
            tables = {row[0] for row in conn.execute("SELECT table_name FROM information_schema.tables").fetchall()}
            if "uploads" in tables:
                columns = ", ".join(_old_columns(conn, "uploads", _UPLOAD_COLUMNS))
                found["uploads"] = _dicts(conn, f"SELECT {columns} FROM uploads ORDER BY uploaded_at")
                found["rows"] = _dicts(
                    conn,
                    f"SELECT {', '.join(_ROW_COLUMNS)} FROM observations WHERE upload_id IS NOT NULL ORDER BY obs_id",
                )
            if "audit" in tables:
                found["audit"] = _dicts(
                    conn, "SELECT happened_at, actor, action, detail FROM audit ORDER BY happened_at, rowid"
                )
            if "meta" in tables:
                row = conn.execute("SELECT value FROM meta WHERE key = 'synthetic'").fetchone()
                found["synthetic"] = None if row is None else str(row[0])
        finally:
            conn.close()
    accounts_file = home / ACCOUNTS_FILE
    if accounts_file.is_file():
        stored = json.loads(accounts_file.read_text(encoding="utf-8"))
        found["accounts"] = [{column: entry.get(column) for column in _ACCOUNT_COLUMNS} for entry in stored.values()]
    return found


def _dicts(conn: duckdb.DuckDBPyConnection, query: str) -> list[dict[str, Any]]:
    cursor = conn.execute(query)
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _write(record: sa.Connection, home: Path, old: dict[str, Any]) -> None:
    """Everything of ``old`` the record does not hold yet, inside the caller's write."""
    uploads, rows, files = schema.uploads, schema.upload_rows, schema.upload_files
    known = set(record.execute(sa.select(uploads.c.upload_id)).scalars())
    new_uploads = [u for u in old["uploads"] if u["upload_id"] not in known]
    if new_uploads:
        record.execute(uploads.insert(), new_uploads)
    taken = {str(u["upload_id"]) for u in new_uploads}
    new_rows = [r for r in old["rows"] if r["upload_id"] in taken]
    if new_rows:
        record.execute(rows.insert(), new_rows)
    held = set(record.execute(sa.select(files.c.sha256)).scalars())
    for upload in new_uploads:
        path = home / str(upload["archive_path"])
        sha = str(upload["sha256"])
        if sha in held or not path.is_file():
            continue
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() == sha:
            record.execute(files.insert().values(sha256=sha, size=len(data), content=data))
            held.add(sha)
        else:
            LOG.warning("archived file %s does not match its SHA-256: left out of the record", path)
    for entry in old["audit"]:
        transactions.add_audit(record, entry["happened_at"], entry["actor"], entry["action"], entry["detail"])
    accounts = schema.accounts
    names = set(record.execute(sa.select(accounts.c.name)).scalars())
    for entry in old["accounts"]:
        if entry["name"] in names:
            LOG.warning("account %s is already in the record: the record's is kept", entry["name"])
            continue
        entry = {**entry, "units": json.dumps(entry.get("units") or [], ensure_ascii=False),
                 "disabled": bool(entry.get("disabled")), "session_epoch": int(entry.get("session_epoch") or 0),
                 "created_at": entry.get("created_at") or dt.datetime.now().isoformat(timespec="seconds")}  # fmt: skip
        record.execute(accounts.insert().values(**entry))
    if old["synthetic"] is not None and transactions.get_meta(record, "synthetic") is None:
        transactions.set_meta(record, "synthetic", old["synthetic"])
    transactions.set_meta(record, marker(home), dt.datetime.now().isoformat(timespec="seconds"))


def _move_old_files(home: Path) -> Path:
    backup = home / f"{BACKUP_PREFIX}{dt.datetime.now():%Y%m%d-%H%M%S}"
    backup.mkdir(exist_ok=True)
    for name in OLD_FILES:
        source = home / name
        if source.exists():
            shutil.move(str(source), str(backup / name))
    LOG.warning("Đã chuyển thư mục số liệu %s sang cơ sở dữ liệu gốc; tệp cũ giữ nguyên trong %s", home, backup)
    return backup
