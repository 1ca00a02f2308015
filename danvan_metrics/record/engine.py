"""Engines on the record: SQLite in the state directory (WAL, busy timeout) or PostgreSQL, migrated to head once.

`connect_read` and `connect_write` are the two ways in. On SQLite a write begins ``IMMEDIATE``
(it takes the write lock first, so two writers queue instead of one failing at commit); on
PostgreSQL each write takes the counter row's lock (see `transactions`).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.pool import NullPool

from danvan_metrics.core import config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_READ_OPTION = "danvan_read"
_ENGINES: dict[str, sa.Engine] = {}
_LOCK = threading.Lock()


class RecordUnavailableError(RuntimeError):
    """The record cannot be opened or written; the message (Vietnamese) says what to do."""


def is_unavailable(exc: sa.exc.DBAPIError) -> bool:
    """A database that cannot be reached, is locked, or is not a database — not a violated constraint
    or a wrong statement (bugs, raised as they are)."""
    bugs = (sa.exc.IntegrityError, sa.exc.ProgrammingError, sa.exc.DataError, sa.exc.NotSupportedError)
    return not isinstance(exc, bugs)


def url_for(home: Path) -> str:
    return config.database_url(home)


def engine_for(home: Path) -> sa.Engine:
    """The engine on ``home``'s record, created and migrated to the newest schema on first use."""
    url = url_for(home)
    with _LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            engine = _create(url, home)
            migrate(engine)
            _ENGINES[url] = engine
        return engine


def _create(url: str, home: Path) -> sa.Engine:
    if not url.startswith("sqlite"):
        return sa.create_engine(url, pool_pre_ping=True, pool_size=4, max_overflow=8)
    try:
        home.mkdir(parents=True, exist_ok=True)
        # Password hashes and the audit trail: readable by the service's user only. SQLite gives its
        # -wal and -shm files the main file's permissions.
        os.close(os.open(home / config.RECORD_FILE_NAME, os.O_CREAT | os.O_WRONLY, 0o600))
    except OSError as exc:
        raise unavailable(url, exc) from exc
    # NullPool: a test session opens thousands of small homes; a connection costs ~0.1 ms to open.
    engine = sa.create_engine(url, poolclass=NullPool, connect_args={"timeout": config.lock_timeout_seconds()})
    timeout_ms = int(config.lock_timeout_seconds() * 1000)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # transactions are begun below, not by the driver
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={timeout_ms}")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        read = connection.get_execution_options().get(_READ_OPTION, False)
        connection.exec_driver_sql("BEGIN" if read else "BEGIN IMMEDIATE")

    return engine


def migrate(engine: sa.Engine) -> None:
    """Bring the record's schema to the newest migration (several processes at once queue on a lock)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7015521)")
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")
    except sa.exc.SQLAlchemyError as exc:
        raise unavailable(str(engine.url), exc) from exc


def connect_read(home: Path) -> sa.Connection:
    """A connection for reading, one snapshot for its transaction: on SQLite (WAL) a deferred BEGIN, which
    takes no lock writers wait for; on PostgreSQL REPEATABLE READ, so a refresh's several SELECTs see
    the record at one version even while others commit."""
    engine = engine_for(home)
    options: dict[str, Any] = {_READ_OPTION: True}
    if engine.dialect.name == "postgresql":
        options["isolation_level"] = "REPEATABLE READ"
    return engine.connect().execution_options(**options)


def connect_write(home: Path) -> sa.Connection:
    return engine_for(home).connect()


def dispose_all() -> None:
    """Close every engine (tests that swap databases, and `restore`)."""
    with _LOCK:
        for engine in _ENGINES.values():
            engine.dispose()
        _ENGINES.clear()


def unavailable(url: str, exc: BaseException) -> RecordUnavailableError:
    """Why the record at ``url`` cannot be used, in Vietnamese, without the password a URL may hold."""
    shown = sa.engine.make_url(url).render_as_string(hide_password=True)
    text = str(exc)
    if "Permission denied" in text or "readonly database" in text or "Read-only" in text:
        return RecordUnavailableError(
            f"Không ghi được vào cơ sở dữ liệu gốc {shown}: tài khoản chạy danvan không có quyền ghi. "
            "Hãy cấp quyền ghi thư mục số liệu (DANVAN_HOME) cho tài khoản đó rồi khởi động lại."
        )
    if "locked" in text or "busy" in text:
        return RecordUnavailableError("Cơ sở dữ liệu gốc đang bận; hãy thử lại sau ít phút.")
    if "not a database" in text or "malformed" in text:
        return RecordUnavailableError(
            f"Tệp cơ sở dữ liệu gốc {shown} bị hỏng. Hãy khôi phục từ bản sao lưu gần nhất "
            "(python -m danvan_metrics restore TỆP)."
        )
    return RecordUnavailableError(
        f"Không kết nối được cơ sở dữ liệu gốc {shown}: hãy kiểm tra DANVAN_DATABASE_URL và máy chủ "
        "PostgreSQL, rồi khởi động lại."
    )
