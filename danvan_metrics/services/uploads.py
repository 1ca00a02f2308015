"""Quarterly uploads before they are written: preview, archive, and what the upload log holds.

1. `prepare` reads and validates a file against the store and says what would change;
   nothing is written.
2. `writes.commit_upload` (the write service) archives the file byte-for-byte (`archive`, named by
   its SHA-256) in the state directory, then adds its bytes, rows and log entry to the system of
   record in one transaction.
3. `writes.retract_upload` withdraws an upload: its figures leave every chart, the log keeps it,
   and what it replaced becomes current again. Nothing is ever deleted.

Writers in several processes (and servers sharing PostgreSQL) are serialised by the record's
write lock (see `record.transactions`); every read store then copies the change.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath

import pandas as pd

from danvan_metrics.core import config
from danvan_metrics.core.model import Metric
from danvan_metrics.core.text import fold_key
from danvan_metrics.ingest.issues import Issue, ParsedRow, StoredFigure, Validation
from danvan_metrics.ingest.periods import previous_period
from danvan_metrics.ingest.read import read_upload
from danvan_metrics.ingest.table import RawTable, UploadRejected
from danvan_metrics.ingest.unit_lookup import UnitResolver
from danvan_metrics.ingest.validate import Context, validate, warnings_for
from danvan_metrics.reporting import book
from danvan_metrics.reporting.regimes import Regime
from danvan_metrics.store import queries, sql
from danvan_metrics.store.connection import Store


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
    regime: Regime | None = None  # the reporting regime the upload falls under: it will wait for review

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
    validation.rows, regime = book.as_reported(store, validation.rows)  # a regime's cut-off period, if any
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
    return Preview(name, digest, len(data), table, validation, replaced, duplicate, used, regime)


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
