"""Each process's read stores: a DuckDB file per state directory, opened once, kept, refreshed in place.

A read store is derived data — the curated files, the registry and the record — so it can be
deleted and rebuilt at any time (`Store.rebuild`). Each process takes its own file, a free *slot*
``read/store-N.duckdb`` held by an ``flock`` on ``store-N.lock`` for the life of the process, so
a server restarted finds its file warm and only copies what the record gained meanwhile.

Refreshes run in this process: a writer refreshes at once after its commit (it sees its own write);
otherwise a background thread checks the record's version every ``DANVAN_REFRESH_MS`` and copies
the changes. A reader never waits for either: DuckDB gives it the last committed snapshot.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import fcntl
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import duckdb

from danvan_metrics.core import config
from danvan_metrics.record import transactions
from danvan_metrics.store import copy, sql

SLOTS = 64
# Re-sort once appended upload rows reach this share of all figures (and at least RESORT_MIN_ROWS): at
# national scale (7.4 M figures) about 75 quarterly files of 10,000 rows, a rewrite of ~20 s in the poller.
RESORT_SHARE = 0.10
RESORT_MIN_ROWS = 50_000
KEEP_OPEN = 12  # read stores one process keeps open at once (a test session opens hundreds of small homes)
LOG = logging.getLogger(__name__)


class ReadStoreBusyError(RuntimeError):
    """Every slot of the state directory's read stores is held by another process."""


@dataclass(frozen=True, slots=True)
class Key:
    home: Path
    curated_dir: Path
    registry_dir: Path


class ReadStore:
    """One open DuckDB read store; refreshes and rebuilds are serialised by ``lock``."""

    def __init__(self, key: Key, path: Path, slot: IO[str]) -> None:
        self.key = key
        self.path = path
        self._slot = slot
        self.conn = duckdb.connect(str(path))
        self.lock = threading.RLock()
        self.active = 0
        self.checked = False  # against the curated files, once after opening (`Store` does it)
        self.failing = False  # the last background refresh failed (logged once)
        self.last_check = time.monotonic()
        self.conn.execute(sql.load("schema"))
        meta = dict(self.conn.execute(sql.load("meta_all")).fetchall())
        self.identity = meta.get("record_identity", "")
        self.record_version = int(meta.get("record_version", 0))
        self.audit_id = int(meta.get("audit_id", 0))
        self.fingerprint = meta.get("curated_fingerprint", "")
        self.appended = int(meta.get("appended_rows", 0))  # upload rows copied since the tables were last sorted

    @property
    def data_version(self) -> str:
        """Names the content: the same record, version and curated files give the same figures."""
        if not self.fingerprint:
            return "0"
        return f"{self.identity[:8]}-{self.record_version}-{self.fingerprint[:8]}"

    @contextlib.contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection of its own (DuckDB cursors may be used from one thread each) on the last snapshot."""
        cursor = self.conn.cursor()
        try:
            yield cursor
        finally:
            cursor.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor inside one DuckDB transaction: committed when the block ends, rolled back if it raises."""
        with self.cursor() as conn:
            conn.execute("BEGIN TRANSACTION")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def set_meta(self, conn: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
        conn.execute(sql.load("meta_set"), {"key": key, "value": value})

    def refresh(self) -> bool:
        """Copy what the record gained since this store's version; True when anything was copied."""
        with self.lock:
            self.last_check = time.monotonic()
            with transactions.read(self.key.home) as record:
                identity = transactions.identity(record)
                since = self.record_version if identity == self.identity else 0
                changes = copy.read_changes(record, since, self.audit_id if since else 0)
            if changes is None:
                return False
            last_audit = changes.last_audit_id
            audit_id = last_audit if last_audit is not None else (self.audit_id if since else 0)
            appended = (0 if changes.everything else self.appended) + changes.rows.num_rows
            with self.transaction() as conn:
                copy.apply(conn, changes)
                self.set_meta(conn, "record_identity", identity)
                self.set_meta(conn, "record_version", str(changes.version))
                self.set_meta(conn, "audit_id", str(audit_id))
                self._note_change(conn, changes.figures_changed_at)
                self.set_meta(conn, "appended_rows", str(appended))
            self.identity, self.record_version, self.audit_id = identity, changes.version, audit_id
            self.appended = appended
            return True

    def sorted_again(self) -> None:
        """The tables have just been written in order (a curated load, or `resort`)."""
        self.appended = 0

    def needs_resort(self) -> bool:
        if self.appended < RESORT_MIN_ROWS:
            return False
        with self.cursor() as conn:
            total = int(conn.execute(sql.load("observations_count")).fetchone()[0])  # type: ignore[index]
        return self.appended >= RESORT_SHARE * total

    def resort(self) -> None:
        """Rewrite the figures in the store build's order, in one transaction; readers keep their snapshot."""
        with self.lock:
            with self.transaction() as conn:
                sql.run(conn, "resort")
                self.set_meta(conn, "appended_rows", "0")
            with self.cursor() as conn:
                conn.execute("CHECKPOINT")
            self.appended = 0

    def _note_change(self, conn: duckdb.DuckDBPyConnection, at: dt.datetime | None) -> None:
        """Move ``updated_at`` (when the figures last changed: "Số liệu cập nhật") on to ``at`` if later."""
        if at is None:
            return
        row = conn.execute(sql.load("meta_get"), {"key": "updated_at"}).fetchone()
        held = dt.datetime.fromisoformat(row[0]) if row else None
        if held is None or at.replace(microsecond=0) > held:
            self.set_meta(conn, "updated_at", at.isoformat(timespec="seconds"))

    def poll(self) -> None:
        """Refresh if the record moved on; checked at most every ``DANVAN_REFRESH_MS``."""
        if time.monotonic() - self.last_check < config.refresh_seconds():
            return
        self.last_check = time.monotonic()
        if transactions.version(self.key.home) != self.record_version:
            self.refresh()
        elif self.needs_resort():  # quiet: nothing new came in this round
            LOG.info("re-sorting %s after %d appended rows", self.path, self.appended)
            self.resort()

    def close(self) -> None:
        with self.lock:
            self.conn.close()
            self._slot.close()  # releases the slot's lock


_OPEN: OrderedDict[Key, ReadStore] = OrderedDict()
_OPEN_LOCK = threading.RLock()
_POLLER: threading.Thread | None = None
_STOP = threading.Event()


def read_dir(home: Path) -> Path:
    return home / config.READ_DIR_NAME


def _take_slot(home: Path) -> tuple[Path, IO[str]]:
    """The first read-store file of ``home`` no other process (or store of this one) holds, and its lock."""
    folder = read_dir(home)
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(SLOTS):
        handle = (folder / f"store-{number}.lock").open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        return folder / f"store-{number}.duckdb", handle
    raise ReadStoreBusyError(f"{SLOTS} tiến trình đang giữ kho đọc của {home}; hãy dừng bớt rồi thử lại.")


def kept(key: Key) -> ReadStore:
    """The open read store for ``key``, opened (and a store closed if too many are open) when needed."""
    with _OPEN_LOCK:
        store = _OPEN.get(key)
        if store is not None:
            _OPEN.move_to_end(key)
            return store
        path, slot = _take_slot(key.home)
        try:
            store = _open_file(key, path, slot)
        except BaseException:
            slot.close()
            raise
        _OPEN[key] = store
        _evict()
        _start_poller()
        return store


def _open_file(key: Key, path: Path, slot: IO[str]) -> ReadStore:
    """Open the slot's file; a damaged one (it is derived data) is deleted and built again."""
    try:
        return ReadStore(key, path, slot)
    except duckdb.Error as exc:
        if "lock" in str(exc).lower():
            raise
        LOG.warning("read store %s unreadable (%s): rebuilding it", path, exc)
        remove_files(path)
        return ReadStore(key, path, slot)


def remove_files(path: Path) -> None:
    for victim in (path, path.with_name(path.name + ".wal")):
        victim.unlink(missing_ok=True)


def _evict() -> None:
    while len(_OPEN) > KEEP_OPEN:
        oldest = next((k for k, s in _OPEN.items() if s.active == 0), None)
        if oldest is None:
            return
        _OPEN.pop(oldest).close()


def forget(key: Key) -> Path | None:
    """Close ``key``'s read store if open; its file's path (for `Store.rebuild` to delete)."""
    with _OPEN_LOCK:
        store = _OPEN.pop(key, None)
        if store is None:
            return None
        store.close()
        return store.path


def close_all() -> None:
    with _OPEN_LOCK:
        while _OPEN:
            _OPEN.popitem()[1].close()


@atexit.register
def _shut_down() -> None:
    """Stop the poller before the interpreter goes (a thread killed inside DuckDB aborts the process)."""
    _STOP.set()
    if _POLLER is not None:
        _POLLER.join(timeout=5)
    close_all()


def _start_poller() -> None:
    global _POLLER
    if _POLLER is not None and _POLLER.is_alive():
        return
    _POLLER = threading.Thread(target=_poll_forever, name="danvan-read-store-refresh", daemon=True)
    _POLLER.start()


def _poll_forever() -> None:
    while not _STOP.wait(max(config.refresh_seconds() / 2, 0.02)):
        with _OPEN_LOCK:
            stores = list(_OPEN.values())
        for store in stores:
            try:
                store.poll()
            except Exception as exc:  # a record briefly unreachable: the next round tries again
                if not store.failing:  # said once, not every round
                    LOG.warning("refreshing %s failed: %s", store.path, exc)
                store.failing = True
            else:
                store.failing = False
