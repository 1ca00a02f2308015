"""The write path for quarterly uploads: preview, commit all-or-nothing, retract.

1. `prepare` reads and validates a file against the store and says what would change;
   nothing is written.
2. `commit` archives the file byte-for-byte (named by its SHA-256) in the state directory,
   then adds its rows in one transaction, with an entry in the upload log.
3. `retract` withdraws an upload: its figures leave every chart, the log keeps it, and
   what it replaced becomes current again. Nothing is ever deleted.

Writers in several processes are serialised by the database file's lock (see `store`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import os
import secrets
import signal
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath

import duckdb
import pandas as pd

from danvan_metrics.auth.audit import Action
from danvan_metrics.core import config
from danvan_metrics.core.model import Metric
from danvan_metrics.core.text import fold_key
from danvan_metrics.ingest.read import RawTable, UploadRejected, read_upload
from danvan_metrics.ingest.validate import (
    Context,
    Issue,
    ParsedRow,
    StoredFigure,
    UnitResolver,
    Validation,
    previous_period,
    validate,
    warnings_for,
)
from danvan_metrics.store import queries, sql
from danvan_metrics.store.connection import Store, _bump_version

UPLOAD_SOURCE_PREFIX = "upload:"


class UploadError(Exception):
    """A commit or retraction that cannot go ahead; the message (Vietnamese) says why."""


@dataclass(frozen=True, slots=True)
class PriorUpload:
    upload_id: str
    uploaded_by: str
    uploaded_at: dt.datetime


@dataclass(slots=True)
class Preview:
    """What an upload would do: rows to add, rows that replace a stored figure, and every issue."""

    file_name: str
    sha256: str
    size: int
    table: RawTable | None
    validation: Validation
    replaced: dict[int, StoredFigure] = field(default_factory=dict)  # file row -> figure it replaces
    duplicate_of: PriorUpload | None = None
    choices: dict[str, str] = field(default_factory=dict)  # ambiguous name as written -> unit chosen in the preview

    @property
    def ambiguous(self) -> dict[str, tuple[str, ...]]:
        """Each ambiguous unit name of the file (as written) and the units it may mean, for the preview to offer."""
        found: dict[str, tuple[str, ...]] = {}
        for issue in self.errors:
            if issue.ambiguous and issue.ambiguous not in found:
                found[issue.ambiguous] = issue.candidates
        return found

    @property
    def errors(self) -> list[Issue]:
        return self.validation.errors

    @property
    def warnings(self) -> list[Issue]:
        return self.validation.warnings

    @property
    def ok(self) -> bool:
        return not self.errors and self.duplicate_of is None and bool(self.validation.rows)

    @property
    def rows_added(self) -> int:
        return len(self.validation.rows) - len(self.replaced)

    @property
    def rows_replaced(self) -> int:
        return len(self.replaced)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def prepare(
    store: Store,
    data: bytes,
    file_name: str,
    resolver: UnitResolver,
    today: dt.date | None = None,
    choices: Mapping[str, str] | None = None,
) -> Preview:
    """Read and validate an upload against the store; say what would change. Writes nothing.

    ``choices`` maps an ambiguous unit name of this file (as written) to the unit the editor picked
    for it in the preview; the commit records them in the upload log and the audit trail.
    """
    digest = sha256_of(data)
    name = PurePath(file_name).name
    max_bytes = config.max_upload_bytes()
    if len(data) > max_bytes:
        issue = Issue(None, None, f"Tệp {len(data) / 1e6:.1f} MB vượt giới hạn {max_bytes / 1e6:.0f} MB.")
        return Preview(name, digest, len(data), None, Validation(issues=[issue]))
    try:
        table = read_upload(data, name, max_rows=config.max_upload_rows())
    except UploadRejected as exc:
        issue = Issue(exc.row, exc.column, exc.message)
        return Preview(name, digest, len(data), None, Validation(issues=[issue]))
    with store.connect() as conn:
        metrics = {
            row["metric_id"]: Metric.from_row(row)
            for row in conn.execute("SELECT * FROM metrics").df().to_dict("records")
        }
        prior = conn.execute(sql.load("upload_prior"), {"sha": digest}).fetchone()
    picked = {fold_key(text): unit_id for text, unit_id in (choices or {}).items()}
    context = Context(metrics=metrics, resolver=resolver, today=today or dt.date.today(), choices=picked,
                      successors=functools.partial(_successor_names, store))  # fmt: skip
    validation = validate(table, context)
    stored, previous = _stored_for(store, validation.rows)
    # Warnings compare rows with the stored figures: add them without validating every row a second time.
    context = dataclasses.replace(context, stored=stored, previous=previous)
    validation.issues = sorted(
        validation.issues + warnings_for(validation.rows, context), key=lambda i: -1 if i.row is None else i.row
    )
    replaced = {row.row: stored[row.key] for row in validation.rows if row.key in stored}
    duplicate = PriorUpload(prior[0], prior[1], prior[2]) if prior else None
    kept = {r.unit_id for r in validation.rows}
    used = {text: unit_id for text, unit_id in (choices or {}).items() if unit_id in kept}
    return Preview(name, digest, len(data), table, validation, replaced, duplicate, used)


def choices_text(choices: Mapping[str, str]) -> str:
    """The units chosen for ambiguous names, as the log shows them: "“Đa Krông” là pre-d467"."""
    return "; ".join(f"“{text}” là {unit_id}" for text, unit_id in sorted(choices.items()))


def _successor_names(store: Store, unit_id: str) -> list[str]:
    """The names of the units ``unit_id`` became in the 2025 reform (for "không còn …; nay là …")."""
    return list(dict.fromkeys(queries.unit_successors(store, unit_id)["name"]))


def _stored_for(
    store: Store, rows: list[ParsedRow]
) -> tuple[
    dict[tuple[str, str, dt.date, dt.date], StoredFigure], dict[tuple[str, str, dt.date, dt.date], StoredFigure]
]:
    """The current stored figure for each row's key, and for the period before it."""
    if not rows:
        return {}, {}
    keys = []
    for row in rows:
        before = previous_period(row.period_start, row.period_end)
        keys.append((row.unit_id, row.metric_id, row.period_start, row.period_end, "same"))
        keys.append((row.unit_id, row.metric_id, before[0], before[1], "previous"))
    wanted = pd.DataFrame(keys, columns=["unit_id", "metric_id", "period_start", "period_end", "role"])
    with store.connect() as conn:
        conn.register("wanted", wanted)
        found = conn.execute(sql.load("upload_stored_figures")).df()
        conn.unregister("wanted")
    same: dict[tuple[str, str, dt.date, dt.date], StoredFigure] = {}
    before_found: dict[tuple[str, str, dt.date, dt.date], StoredFigure] = {}
    # Column by column (tolist is one conversion per column): row tuples and Timestamps cost ~0,3 s per 10,000 rows.
    columns = [found[name].tolist() for name in ("role", "unit_id", "metric_id", "value", "qualifier", "period_label")]
    starts = pd.to_datetime(found["period_start"]).dt.date.tolist()
    ends = pd.to_datetime(found["period_end"]).dt.date.tolist()
    for role, unit_id, metric_id, value, qualifier, label, start, end in zip(*columns, starts, ends, strict=True):
        figure = StoredFigure(None if value is None or value != value else float(value), qualifier, label)
        (same if role == "same" else before_found)[(unit_id, metric_id, start, end)] = figure
    # The period before, as it will stand after the commit: a figure the same file gives for it
    # counts, not the stored one it replaces (61 stored, 610 in the file: compare with 610).
    in_file = {row.key: row for row in rows}
    previous: dict[tuple[str, str, dt.date, dt.date], StoredFigure] = {}
    for row in rows:
        first, last = previous_period(row.period_start, row.period_end)
        key = (row.unit_id, row.metric_id, first, last)
        mine = in_file.get(key)
        earlier = StoredFigure(mine.value, "=", mine.period_label) if mine is not None else before_found.get(key)
        if earlier is not None:
            previous[row.key] = earlier
    return same, previous


def _fault(point: str) -> None:
    """Fault injection for the crash tests: die here, as a power cut would, when asked to."""
    if os.environ.get("DANVAN_FAULT_POINT") == point:
        os.kill(os.getpid(), signal.SIGKILL)


def archive(store: Store, data: bytes, file_name: str) -> Path:
    """Keep the file byte-for-byte under its SHA-256 (written atomically, flushed to disk)."""
    folder = store.home / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    suffix = PurePath(file_name).suffix.lower()
    path = folder / f"{sha256_of(data)}{suffix}"
    if path.exists() and path.read_bytes() == data:
        return path
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    with tmp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)
    return path


def new_upload_id(now: dt.datetime) -> str:
    return f"U{now:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


def commit(store: Store, preview: Preview, data: bytes, uploaded_by: str, channel: str = "") -> str:
    """Archive the file, then add its rows, log the upload and its audit entry, all in one transaction.

    ``channel`` says where it came from in the audit entry (e.g. "dòng lệnh"); a crash after the
    commit can no longer leave an upload off the audit trail.

    Returns:
        The new upload's id.

    Raises:
        UploadError: the preview has errors, is a repeat of a committed file, or the data changed.
    """
    if preview.duplicate_of is not None:
        prior = preview.duplicate_of
        raise UploadError(f"Tệp này đã được tải lên ngày {prior.uploaded_at:%d/%m/%Y %H:%M} (mã {prior.upload_id}).")
    if not preview.ok:
        raise UploadError("Tệp còn lỗi: chưa ghi số liệu nào.")
    if sha256_of(data) != preview.sha256:
        raise UploadError("Nội dung tệp đã thay đổi sau khi xem trước; hãy tải lên lại.")
    path = archive(store, data, preview.file_name)
    _fault("after_archive")
    now = dt.datetime.now()  # microseconds order versions: the later commit is the current one
    upload_id = new_upload_id(now)
    rows = pd.DataFrame(
        [
            {
                "obs_id": f"{upload_id}#{row.row}",
                "unit_id": row.unit_id,
                "metric_id": row.metric_id,
                "period_start": row.period_start,
                "period_end": row.period_end,
                "period_label": row.period_label,
                "value": row.value,
                "qualifier": "=",
                "numerator": row.numerator,
                "denominator": row.denominator,
                "value_text": row.value_text or None,
                "source_id": UPLOAD_SOURCE_PREFIX + upload_id,
                "source_quote": f"Dòng {row.row} của tệp: {row.quote}",
                "note": row.note or None,
                "upload_id": upload_id,
            }
            for row in preview.validation.rows
        ]
    )
    with store.connect() as conn:
        conn.execute("BEGIN TRANSACTION")
        try:
            if conn.execute(sql.load("upload_prior"), {"sha": preview.sha256}).fetchone():
                raise UploadError("Tệp này vừa được tải lên từ một phiên khác.")
            conn.register("incoming_rows", rows)
            source_id = UPLOAD_SOURCE_PREFIX + upload_id
            archive_path = str(path.relative_to(store.home))
            conn.execute(
                sql.load("upload_insert_log"),
                {
                    "upload_id": upload_id, "sha": preview.sha256, "file_name": preview.file_name,
                    "archive_path": archive_path, "by": uploaded_by, "at": now,
                    "added": preview.rows_added, "replaced": preview.rows_replaced,
                    "choices": choices_text(preview.choices) or None,
                },
            )  # fmt: skip
            conn.execute(
                sql.load("upload_insert_source"),
                {"source_id": source_id, "file_name": preview.file_name, "by": uploaded_by, "at": now,
                 "archive_path": archive_path},
            )  # fmt: skip
            conn.execute(sql.load("upload_insert_rows"), {"at": now})
            rows_note = f"{len(preview.validation.rows)} dòng" + (f" ({channel})" if channel else "")
            if preview.choices:
                rows_note += " · " + choices_text(preview.choices)
            _audit(conn, uploaded_by, Action.UPLOAD, f"{upload_id} · {preview.file_name} · {rows_note}", now)
            _fault("after_rows")
            conn.execute(sql.load("upload_affected"), {"upload_id": upload_id})
            conn.execute(sql.load("recompute_current"))
            conn.execute("DROP TABLE affected")
            _bump_version(conn, floor=store._file_version())
            _fault("before_commit")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        finally:
            conn.unregister("incoming_rows")
        _fault("after_commit")
        store._write_version(conn)
    return upload_id


def retract(store: Store, upload_id: str, retracted_by: str, channel: str = "") -> int:
    """Withdraw an upload: its figures stop being current and what they replaced comes back.

    The audit entry is written in the same transaction.

    Returns:
        How many figures the upload had.

    Raises:
        UploadError: no such upload, or it is already retracted.
    """
    with store.connect() as conn:
        conn.execute("BEGIN TRANSACTION")
        try:
            row = conn.execute("SELECT status FROM uploads WHERE upload_id = $id", {"id": upload_id}).fetchone()
            if row is None:
                raise UploadError(f"Không có lần tải lên mã {upload_id}.")
            if row[0] != "committed":
                raise UploadError(f"Lần tải lên {upload_id} đã được rút lại trước đó.")
            conn.execute(sql.load("upload_retract"), {"id": upload_id, "by": retracted_by, "at": dt.datetime.now()})
            count = conn.execute(
                "SELECT count(*) FROM observations WHERE upload_id = $id", {"id": upload_id}
            ).fetchone()
            figures = int(count[0]) if count else 0
            detail = f"{upload_id} · {figures} số liệu" + (f" ({channel})" if channel else "")
            _audit(conn, retracted_by, Action.RETRACT, detail, dt.datetime.now())
            conn.execute(sql.load("upload_affected"), {"upload_id": upload_id})
            conn.execute(sql.load("recompute_current"))
            conn.execute("DROP TABLE affected")
            _bump_version(conn, floor=store._file_version())
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        store._write_version(conn)
    return figures


def _audit(conn: duckdb.DuckDBPyConnection, actor: str, action: Action, detail: str, at: dt.datetime) -> None:
    """The audit entry of a write, inside the write's own transaction."""
    conn.execute(sql.load("audit_insert"), {"at": at, "actor": actor, "action": str(action), "detail": detail})


def orphan_archives(store: Store) -> list[Path]:
    """Archived files no upload refers to: left by a commit that failed or was killed after archiving.

    They hold no figure; the command line lists them so an administrator can look and delete them.
    """
    folder = store.home / "uploads"
    if not folder.is_dir():
        return []
    with store.connect() as conn:
        known = {row[0] for row in conn.execute(sql.load("upload_archive_paths")).fetchall()}
    return sorted(
        path for path in folder.iterdir() if path.is_file() and str(path.relative_to(store.home)) not in known
    )
