"""Reading and writing the record: every write is one transaction that moves the version counter on.

A write logs what it changed in ``changes`` (the read stores copy by it), under the version it took.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from danvan_metrics.record import engine, schema

KIND_COMMIT = "commit"
KIND_RETRACT = "retract"
KIND_REVIEW = "review"  # an upload approved or returned: its figures may change which is current
KIND_AUDIT = "audit"
KIND_ACCOUNT = "account"
KIND_META = "meta"  # the record's own settings (which kind of data it holds): nothing to copy
KIND_ALL = "all"  # a migration or restore: read stores rebuild from the whole record
_ADOPTED: set[Path] = set()
_ADOPT_LOCK = threading.RLock()


def adopt_old_files(home: Path) -> None:
    """Once per state directory and process: move an old release's files into the record (`legacy`)."""
    if home in _ADOPTED:
        return
    with _ADOPT_LOCK:
        if home in _ADOPTED:
            return
        _ADOPTED.add(home)
        from danvan_metrics.record import legacy  # it writes through this module

        try:
            legacy.adopt(home)
        except BaseException:
            _ADOPTED.discard(home)
            raise


@contextmanager
def write(
    home: Path,
    kind: str,
    upload_id: str | None = None,
    *,
    before_commit: Callable[[], None] | None = None,
    after_commit: Callable[[], None] | None = None,
) -> Iterator[sa.Connection]:
    """One write transaction on ``home``'s record; committing it moves the version on by one.

    The hooks are the crash tests' fault points.

    Raises:
        engine.RecordUnavailableError: the record cannot be reached or stays locked past the timeout.
    """
    with _transaction(home, engine.connect_write) as connection:
        version = _next_version(connection)
        connection.execute(
            schema.changes.insert().values(
                version=version, kind=kind, upload_id=upload_id, happened_at=dt.datetime.now()
            )
        )
        yield connection
        if before_commit is not None:
            before_commit()
    if after_commit is not None:
        after_commit()


@contextmanager
def write_unversioned(home: Path) -> Iterator[sa.Connection]:
    """One write transaction that read stores need not see (sign-in sessions): the version stays.

    Raises:
        engine.RecordUnavailableError: the record cannot be reached or stays locked past the timeout.
    """
    with _transaction(home, engine.connect_write) as connection:
        yield connection


@contextmanager
def _transaction(home: Path, connect: Callable[[Path], sa.Connection]) -> Iterator[sa.Connection]:
    """A connection from ``connect`` in one transaction, committed when the block ends; errors translated."""
    adopt_old_files(home)
    with _unavailable_as_error(home):
        connection = connect(home)
    try:
        with _unavailable_as_error(home), connection.begin():
            yield connection
    finally:
        connection.close()


def _next_version(connection: sa.Connection) -> int:
    """Take the counter row's lock (held to the commit, so versions commit in order) and the next version."""
    counter = schema.counter
    row = connection.execute(
        counter.update().where(counter.c.id == 1).values(version=counter.c.version + 1).returning(counter.c.version)
    ).one()
    return int(row[0])


@contextmanager
def read(home: Path) -> Iterator[sa.Connection]:
    """A read-only snapshot of ``home``'s record for the block."""
    with _transaction(home, engine.connect_read) as connection:
        yield connection


@contextmanager
def _unavailable_as_error(home: Path) -> Iterator[None]:
    """A record that cannot be reached, is locked or damaged becomes `RecordUnavailableError` (its message
    says what to do); a violated constraint or a wrong statement is a bug and is raised as it is."""
    try:
        yield
    except sa.exc.DBAPIError as exc:
        if not engine.is_unavailable(exc):
            raise
        raise engine.unavailable(engine.url_for(home), exc) from exc


def version(home: Path) -> int:
    """The record's version now: the cheap check a read store makes to know whether to refresh."""
    with read(home) as connection:
        return int(connection.execute(sa.select(schema.counter.c.version)).scalar_one())


def identity(connection: sa.Connection) -> str:
    return str(connection.execute(sa.select(schema.record_meta.c.value).where(schema.record_meta.c.key == "identity"))
               .scalar_one())  # fmt: skip


def get_meta(connection: sa.Connection, key: str) -> str | None:
    meta = schema.record_meta
    value = connection.execute(sa.select(meta.c.value).where(meta.c.key == key)).scalar_one_or_none()
    return None if value is None else str(value)


def set_meta(connection: sa.Connection, key: str, value: str) -> None:
    meta = schema.record_meta
    if get_meta(connection, key) is None:
        connection.execute(meta.insert().values(key=key, value=value))
    else:
        connection.execute(meta.update().where(meta.c.key == key).values(value=value))


def add_audit(connection: sa.Connection, at: dt.datetime, actor: str, action: str, detail: str) -> None:
    """One audit entry, inside the caller's write."""
    connection.execute(schema.audit.insert().values(happened_at=at, actor=actor, action=action, detail=detail))


def copy_all_again(home: Path) -> None:
    """Log a change of kind "all": every read store drops what it copied and copies the whole record again."""
    with write(home, KIND_ALL):
        pass
