"""The DuckDB store: where it lives, how it is opened, and how curated data gets into it.

The database file in the state directory is derived data: curated CSVs (and, later,
accepted uploads) are its source of truth. It is rebuilt when the curated files change.

Connections are opened per operation rather than held for the life of the process:
DuckDB lets one process at a time open a database file for writing, and the command
line must be able to ingest beside a running app. A connection that finds the file
locked waits and retries, so writers from several processes are serialised. Query
results are cached by data version (see `ui`), so pages rarely open the file at all.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from danvan_metrics.core import config, curated
from danvan_metrics.core.model import (
    METRIC_COLUMNS,
    OBSERVATION_COLUMNS,
    SOURCE_COLUMNS,
    UNIT_COLUMNS,
)
from danvan_metrics.registry import units as registry
from danvan_metrics.store import sql

SCHEMA_VERSION = "3"  # 3: the read-side copies current_by_unit and unit_metric_counts
VERSION_FILE_NAME = "data_version"
# A synthetic folder (see `synth`) holds its observations as Parquet and this marker file.
PARQUET_OBSERVATIONS = "observations.parquet"
SYNTHETIC_MARKER = "SYNTHETIC.json"


class StoreBusyError(RuntimeError):
    """Another process held the store for longer than the lock timeout."""


class StoreUnavailableError(RuntimeError):
    """The state directory cannot be written, or the database file is damaged; the message says what to do."""


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
        f"Tệp kho dữ liệu {home / config.DB_FILE_NAME} bị hỏng hoặc không phải tệp DuckDB. Hãy khôi phục thư mục "
        f"số liệu {home} từ bản sao lưu gần nhất. Nếu không có bản sao lưu: dời tệp hỏng sang chỗ khác và khởi "
        "động lại để dựng lại kho từ số liệu tuyển chọn; các tệp đã tải lên vẫn còn trong thư mục uploads/ để "
        "nạp lại."
    )


class MixedDataError(RuntimeError):
    """Synthetic and real figures would end up in one store: refused, never done silently."""


@dataclass(frozen=True, slots=True)
class Store:
    """A handle on the store in one state directory; cheap to copy, holds no connection."""

    home: Path
    curated_dir: Path = field(default_factory=config.curated_dir)
    registry_dir: Path | None = None

    @property
    def registry_path(self) -> Path:
        """The unit registry beside the curated folder (``data/registry``) unless given."""
        return self.registry_dir or self.curated_dir.parent / "registry"

    @property
    def db_path(self) -> Path:
        return self.home / config.DB_FILE_NAME

    @property
    def version_path(self) -> Path:
        return self.home / VERSION_FILE_NAME

    @property
    def synthetic(self) -> bool:
        """True when the curated folder is a synthetic one (it holds the marker `synth` writes)."""
        return (self.curated_dir / SYNTHETIC_MARKER).is_file()

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one operation; waits while another process holds the file."""
        try:
            self.home.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _unavailable(self.home, exc) from exc
        deadline = time.monotonic() + config.lock_timeout_seconds()
        delay = 0.01
        while True:
            try:
                conn = duckdb.connect(str(self.db_path))
                break
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                    if "lock" in str(exc).lower():
                        raise StoreBusyError(
                            "Kho dữ liệu đang được một tiến trình khác sử dụng; hãy thử lại sau ít phút."
                        ) from exc
                    raise _unavailable(self.home, exc) from exc
                time.sleep(delay)
                delay = min(delay * 2, 0.25)
            except (duckdb.Error, OSError) as exc:
                raise _unavailable(self.home, exc) from exc
        try:
            yield conn
        finally:
            conn.close()

    def data_version(self) -> str:
        """A token that changes whenever the figures change; read without opening the database."""
        try:
            return self.version_path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return "0"

    def _file_version(self) -> int:
        try:
            return int(self.data_version())
        except ValueError:
            return 0

    def ensure_current(self) -> bool:
        """Create the store or reload curated data if the files changed. Idempotent.

        Returns:
            True when data was (re)loaded, False when the store was already current.
        """
        if self.synthetic and self.home.resolve() == config.DEFAULT_HOME.resolve():
            # Checked before connecting: opening the file would already create the real store.
            raise MixedDataError(
                f"Không nạp dữ liệu mẫu vào thư mục số liệu thật {self.home}: "
                "hãy đặt DANVAN_HOME sang một thư mục riêng (ví dụ instance-demo)."
            )
        wanted = curated.fingerprint(self.curated_dir, extra=SCHEMA_VERSION + registry.fingerprint(self.registry_path))
        with self.connect() as conn:
            conn.execute(sql.load("schema"))
            row = conn.execute("SELECT value FROM meta WHERE key = 'curated_fingerprint'").fetchone()
            if row is not None and row[0] == wanted:
                # A writer killed between its commit and the version file leaves the file behind.
                self._write_version(conn)
                return False
            self._refuse_mixing(conn, loaded=row is not None)
            parquet = self.curated_dir / PARQUET_OBSERVATIONS
            from_parquet = parquet.is_file() and not (self.curated_dir / "observations.csv").is_file()
            frames = with_registry(read_curated_frames(self.curated_dir, not from_parquet), self.registry_path)
            conn.execute("BEGIN TRANSACTION")
            try:
                for name, frame in frames.items():
                    conn.register(f"incoming_{name}", frame)
                if from_parquet:
                    _parquet_observations(conn, parquet).create_view("incoming_observations")
                conn.execute(sql.load("replace_curated"))
                conn.execute(sql.load("registry_load"))
                conn.execute(sql.load("recompute_current"))
                _set_meta(conn, "curated_fingerprint", wanted)
                _set_meta(conn, "schema_version", SCHEMA_VERSION)
                _set_meta(conn, "synthetic", "1" if self.synthetic else "0")
                bump_version(conn, floor=self._file_version())
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            finally:
                for name in frames:
                    conn.unregister(f"incoming_{name}")
                if from_parquet:
                    conn.execute("DROP VIEW IF EXISTS incoming_observations")
            self._write_version(conn)
            return True

    @contextmanager
    def transaction(
        self, before_commit: Callable[[], None] | None = None, after_commit: Callable[[], None] | None = None
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection inside one transaction; committing it moves the data version on.

        Everything written through it lands together or not at all; readers see the new version
        once the version file is written after the commit. The hooks are the crash tests' fault points.
        """
        with self.connect() as conn:
            conn.execute("BEGIN TRANSACTION")
            try:
                yield conn
                bump_version(conn, floor=self._file_version())
                if before_commit is not None:
                    before_commit()
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            if after_commit is not None:
                after_commit()
            self._write_version(conn)

    def _refuse_mixing(self, conn: duckdb.DuckDBPyConnection, loaded: bool) -> None:
        """Synthetic data never meets real data in one store (and never enters the default one: see above).

        Raises:
            MixedDataError: a store built from one kind of data (real or synthetic) asked to load the other.
        """
        row = conn.execute("SELECT value FROM meta WHERE key = 'synthetic'").fetchone()
        was_synthetic = row is not None and row[0] == "1"
        if loaded and was_synthetic != self.synthetic:
            held, wanted = ("dữ liệu mẫu", "số liệu thật") if was_synthetic else ("số liệu thật", "dữ liệu mẫu")
            raise MixedDataError(
                f"Kho {self.db_path} đang chứa {held}; không nạp {wanted} vào cùng kho. "
                "Hãy dùng một DANVAN_HOME khác cho mỗi loại dữ liệu."
            )

    def _write_version(self, conn: duckdb.DuckDBPyConnection) -> None:
        row = conn.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
        version = row[0] if row else "0"
        if self.data_version() == version:
            return
        tmp = self.version_path.with_suffix(f".{os.getpid()}.tmp")
        try:
            tmp.write_text(version, encoding="utf-8")
            tmp.replace(self.version_path)
        except OSError as exc:
            raise _unavailable(self.home, exc) from exc


def read_curated_frames(directory: Path, observations: bool = True) -> dict[str, pd.DataFrame]:
    """The four curated files as typed frames, observations with their stable ids.

    With ``observations=False`` (a synthetic folder, whose figures DuckDB reads from Parquet)
    the observations are left out.
    """
    if not observations:
        frames = {name: curated.read_typed(directory, f"{name}.csv") for name in ("units", "metrics", "sources")}
        assert list(frames["units"].columns) == list(UNIT_COLUMNS)
        return frames
    return _with_observations(directory)


def _with_observations(directory: Path) -> dict[str, pd.DataFrame]:
    observations = curated.read_typed(directory, "observations.csv")
    # Stable id: the source and the line in the file (line 1 is the header).
    lines = pd.Series(range(2, len(observations) + 2), index=observations.index).astype("str")
    observations.insert(0, "obs_id", observations["source_id"] + "#" + lines)
    frames = {
        "units": curated.read_typed(directory, "units.csv"),
        "metrics": curated.read_typed(directory, "metrics.csv"),
        "sources": curated.read_typed(directory, "sources.csv"),
        "observations": observations,
    }
    expected = {
        "units": list(UNIT_COLUMNS),
        "metrics": list(METRIC_COLUMNS),
        "sources": list(SOURCE_COLUMNS),
        "observations": ["obs_id", *OBSERVATION_COLUMNS],
    }
    for name, frame in frames.items():
        assert list(frame.columns) == expected[name], f"{name}: columns out of order"
    return frames


def _parquet_observations(conn: duckdb.DuckDBPyConnection, path: Path) -> duckdb.DuckDBPyRelation:
    """A synthetic folder's observations, read by DuckDB with the model's types and stable ids.

    The id is the source and the row's place in the file (as a CSV line number would be).
    """
    columns = ", ".join(f'CAST("{name}" AS {kind}) AS "{name}"' for name, kind in OBSERVATION_COLUMNS.items())
    relation = conn.read_parquet(str(path), file_row_number=True)
    return relation.select(f"source_id || '#' || CAST(file_row_number + 2 AS VARCHAR) AS obs_id, {columns}")


def open_store(home: Path | None = None) -> Store:
    """The store in ``home`` (default: the configured state directory), created or refreshed."""
    store = Store(home or config.state_dir())
    store.ensure_current()
    return store


def _set_meta(conn: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])


def bump_version(conn: duckdb.DuckDBPyConnection, floor: int = 0) -> None:
    """Advance the data version and the time of the last change, inside the caller's transaction.

    ``floor`` is the version caches last saw: a rebuilt database never reuses an older number.
    """
    row = conn.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
    _set_meta(conn, "data_version", str(max(int(row[0]) if row else 0, floor) + 1))
    _set_meta(conn, "updated_at", dt.datetime.now().isoformat(timespec="seconds"))


def recompute_for_upload(conn: duckdb.DuckDBPyConnection, upload_id: str) -> None:
    """Make the right version of every figure an upload touches current again (after a commit or retraction)."""
    conn.execute(sql.load("upload_affected"), {"upload_id": upload_id})
    conn.execute(sql.load("recompute_current"))


def with_registry(frames: dict[str, pd.DataFrame], directory: Path) -> dict[str, pd.DataFrame]:
    """The curated frames with the registry's units added (curated rows win) and its links.

    A folder without a registry (a test's copy of the curated data) adds nothing.
    """
    units = registry.read_units(directory)
    mine = frames["units"]
    merged = pd.concat([units[~units["unit_id"].isin(mine["unit_id"])], mine], ignore_index=True)
    return {**frames, "units": merged, "unit_links": registry.read_links(directory)}
