"""The store a page reads: a DuckDB read store derived from the curated files, the registry and the record.

What people wrote (uploads, retractions, the audit trail, accounts) lives in the system of record
(`record`); each process keeps a read store of its own open (`kept`) and refreshes it in place when
the record moves on. `Store` is the handle pages, queries and the write service pass around: cheap
to copy, it names the state directory and the curated folder; its connections are cursors on the
kept read store. Query results are cached by `data_version` (see `ui`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from danvan_metrics.core import config, curated
from danvan_metrics.record import transactions
from danvan_metrics.record.engine import RecordUnavailableError
from danvan_metrics.registry import units as registry
from danvan_metrics.store import kept, sql
from danvan_metrics.store.loading import (
    PARQUET_OBSERVATIONS,
    SYNTHETIC_MARKER,
    parquet_observations,
    read_curated_frames,
    with_registry,
)

# 4: the read store is derived from the record (uploads and audit copied, never written here)
SCHEMA_VERSION = "4"
__all__ = ["PARQUET_OBSERVATIONS", "SYNTHETIC_MARKER", "MixedDataError", "RecordUnavailableError", "Store",
           "StoreBusyError", "StoreUnavailableError", "open_store", "read_curated_frames", "with_registry"]  # fmt: skip


class StoreBusyError(RuntimeError):
    """Every read-store slot of the state directory is held by another process (see `kept.SLOTS`)."""


class StoreUnavailableError(RuntimeError):
    """The state directory cannot be written, or the read store or the record cannot be used; the message
    says what to do."""


def _unavailable(home: Path, exc: BaseException) -> StoreUnavailableError:
    """The Vietnamese explanation of why the store in ``home`` cannot be used, and what to do."""
    text = str(exc)
    if isinstance(exc, PermissionError) or "Permission denied" in text or "Read-only file system" in text:
        return StoreUnavailableError(
            f"Không ghi được vào thư mục số liệu {home}: tài khoản chạy danvan không có quyền ghi (hoặc ổ đĩa chỉ "
            "cho đọc). Hãy cấp quyền ghi thư mục này cho tài khoản đó (ví dụ: chown -R TÀI_KHOẢN "
            f"{home}) hoặc đặt DANVAN_HOME sang một thư mục ghi được, rồi khởi động lại."
        )
    if isinstance(exc, NotADirectoryError | FileExistsError):
        return StoreUnavailableError(f"{home} không phải là thư mục: hãy đặt DANVAN_HOME sang một thư mục.")
    return StoreUnavailableError(
        f"Không mở được kho đọc trong {home / config.READ_DIR_NAME}: {text.splitlines()[0] if text else exc!r}. "
        "Kho đọc chỉ là bản dẫn xuất: chạy python -m danvan_metrics rebuild để dựng lại từ số liệu gốc."
    )


class MixedDataError(RuntimeError):
    """Synthetic and real figures would end up in one store: refused, never done silently."""


@dataclass(frozen=True, slots=True)
class Store:
    """A handle on the store of one state directory; cheap to copy, holds no connection itself."""

    home: Path
    curated_dir: Path = field(default_factory=config.curated_dir)
    registry_dir: Path | None = None

    @property
    def registry_path(self) -> Path:
        """The unit registry beside the curated folder (``data/registry``) unless given."""
        return self.registry_dir or self.curated_dir.parent / "registry"

    @property
    def key(self) -> kept.Key:
        return kept.Key(self.home, self.curated_dir, self.registry_path)

    @property
    def db_path(self) -> Path:
        """This process's read-store file (opened if it was not)."""
        return self._kept().path

    @property
    def synthetic(self) -> bool:
        """True when the curated folder is a synthetic one (it holds the marker `synth` writes)."""
        return (self.curated_dir / SYNTHETIC_MARKER).is_file()

    def _open(self) -> kept.ReadStore:
        try:
            self.home.mkdir(parents=True, exist_ok=True)
            return kept.kept(self.key)
        except kept.ReadStoreBusyError as exc:
            raise StoreBusyError(str(exc)) from exc
        except (duckdb.Error, OSError) as exc:
            raise _unavailable(self.home, exc) from exc

    def _kept(self) -> kept.ReadStore:
        """The open read store; one just opened (first use, evicted, or rebuilt after damage) made current."""
        store = self._open()
        if not store.checked:
            self.ensure_current()
        return store

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection on the read store's last committed snapshot (never waits for a refresh)."""
        store = self._kept()
        store.active += 1
        try:
            with store.cursor() as cursor:
                yield cursor
        finally:
            store.active -= 1

    def data_version(self) -> str:
        """A token naming what the read store holds: it changes whenever the figures or the logs change."""
        return self._kept().data_version

    def refresh(self) -> bool:
        """Copy what the record gained into this process's read store now (a writer, after its commit)."""
        return self._kept().refresh()

    def rebuild(self) -> None:
        """Throw this process's read store away and build it again from the curated files and the record."""
        path = kept.forget(self.key)
        if path is None:
            path = self._open().path
            kept.forget(self.key)
        kept.remove_files(path)
        self.ensure_current()

    def ensure_current(self) -> bool:
        """Open the read store, load the curated files if they changed, copy what the record gained. Idempotent.

        Returns:
            True when curated data was (re)loaded, False when it was already current.
        """
        if self.synthetic and self.home.resolve() == config.DEFAULT_HOME.resolve():
            # Checked before anything is opened: opening would already create the real record.
            raise MixedDataError(
                f"Không nạp dữ liệu mẫu vào thư mục số liệu thật {self.home}: "
                "hãy đặt DANVAN_HOME sang một thư mục riêng (ví dụ instance-demo)."
            )
        try:
            self.home.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _unavailable(self.home, exc) from exc
        try:
            return self._make_current()
        except RecordUnavailableError as exc:  # one kind of error for pages: the message says what to do
            raise StoreUnavailableError(str(exc)) from exc

    def _make_current(self) -> bool:
        self._refuse_mixing()
        store = self._open()
        wanted = curated.fingerprint(self.curated_dir, extra=SCHEMA_VERSION + registry.fingerprint(self.registry_path))
        with store.lock:
            loaded = store.fingerprint != wanted
            if loaded:
                self._load_curated(store, wanted)
            store.refresh()
            store.checked = True
        return loaded

    def _load_curated(self, store: kept.ReadStore, wanted: str) -> None:
        """Swap the curated files and the registry in, in one transaction (uploaded figures are kept)."""
        parquet = self.curated_dir / PARQUET_OBSERVATIONS
        from_parquet = parquet.is_file() and not (self.curated_dir / "observations.csv").is_file()
        frames = with_registry(read_curated_frames(self.curated_dir, not from_parquet), self.registry_path)
        with store.transaction() as conn:
            try:
                for name, frame in frames.items():
                    conn.register(f"incoming_{name}", frame)
                if from_parquet:
                    parquet_observations(conn, parquet).create_view("incoming_observations")
                conn.execute(sql.load("replace_curated"))
                conn.execute(sql.load("registry_load"))
                conn.execute(sql.load("recompute_current"))
                store.set_meta(conn, "curated_fingerprint", wanted)
                store.set_meta(conn, "schema_version", SCHEMA_VERSION)
                store.set_meta(conn, "synthetic", "1" if self.synthetic else "0")
                store.set_meta(conn, "updated_at", dt.datetime.now().isoformat(timespec="seconds"))
                store.set_meta(conn, "appended_rows", "0")  # replace_curated writes every table in order
            finally:
                for name in frames:
                    conn.unregister(f"incoming_{name}")
                if from_parquet:
                    conn.execute(sql.load("incoming_observations_drop"))
        with store.cursor() as conn:
            conn.execute("CHECKPOINT")
        store.fingerprint = wanted
        store.sorted_again()

    def _refuse_mixing(self) -> None:
        """Synthetic data never meets real data in one record (and never enters the default home: see above).

        Raises:
            MixedDataError: a record holding one kind of data (real or synthetic) asked to take the other.
        """
        wanted = "1" if self.synthetic else "0"
        with transactions.read(self.home) as record:
            held = transactions.get_meta(record, "synthetic")
        if held is None:
            with transactions.write(self.home, transactions.KIND_META) as record:
                held = transactions.get_meta(record, "synthetic")
                if held is None:
                    transactions.set_meta(record, "synthetic", wanted)
                    held = wanted
        if held != wanted:
            kinds = ("dữ liệu mẫu", "số liệu thật") if held == "1" else ("số liệu thật", "dữ liệu mẫu")
            raise MixedDataError(
                f"Kho của {self.home} đang chứa {kinds[0]}; không nạp {kinds[1]} vào cùng kho. "
                "Hãy dùng một DANVAN_HOME khác cho mỗi loại dữ liệu."
            )


def open_store(home: Path | None = None) -> Store:
    """The store in ``home`` (default: the configured state directory), created or refreshed."""
    store = Store(home or config.state_dir())
    store.ensure_current()
    return store
