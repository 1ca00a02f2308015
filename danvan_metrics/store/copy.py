"""Copying the record into a read store: what changed since the last copy, as Arrow tables, applied in one transaction.

The record logs each write's kind under its version (`record.transactions`). A refresh reads the
changes after the version the read store holds, fetches the uploads they touch (and the figures of
the new ones) and the new audit entries, and applies them with `sql/refresh_*.sql`; the figures
those uploads touch are settled again by `sql/recompute_current.sql`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pyarrow as pa
import sqlalchemy as sa

from danvan_metrics.core.model import UPLOAD_SOURCE_PREFIX
from danvan_metrics.record import schema, transactions
from danvan_metrics.store import sql

_ARROW_TYPES: dict[type, pa.DataType] = {
    sa.String: pa.string(), sa.Text: pa.string(), sa.Integer: pa.int64(), sa.BigInteger: pa.int64(),
    sa.Float: pa.float64(), sa.Date: pa.date32(), sa.DateTime: pa.timestamp("us"), sa.Boolean: pa.bool_(),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Changes:
    """What the record holds after ``since`` up to ``version``, ready to apply."""

    version: int
    everything: bool  # a migration or restore: the read store drops what it copied and takes it all
    changed_ids: pa.Table
    uploads: pa.Table
    rows: pa.Table
    audit: pa.Table
    figures_changed_at: dt.datetime | None  # the newest commit, retraction or review among the changes

    @property
    def last_audit_id(self) -> int | None:
        ids = self.audit.column("audit_id").to_pylist()
        return max(ids) if ids else None


def _arrow_schema(table: sa.Table, columns: list[str] | None = None) -> pa.Schema:
    chosen = [table.c[name] for name in columns] if columns else list(table.c)
    return pa.schema(
        [(column.name, next(t for k, t in _ARROW_TYPES.items() if isinstance(column.type, k))) for column in chosen]
    )


def _fetch(connection: sa.Connection, statement: sa.Select[tuple[object, ...]], table: sa.Table) -> pa.Table:
    names = [column.name for column in statement.selected_columns]
    result = connection.execute(statement)
    return pa.Table.from_pylist([dict(zip(names, row, strict=True)) for row in result],
                                schema=_arrow_schema(table, names))  # fmt: skip


def read_changes(connection: sa.Connection, since: int, audit_since: int) -> Changes | None:
    """The changes after version ``since`` (and audit entries after id ``audit_since``); None if there are none."""
    version = int(connection.execute(sa.select(schema.counter.c.version)).scalar_one())
    if version <= since:
        return None
    log = schema.changes
    found = connection.execute(
        sa.select(log.c.kind, log.c.upload_id).where(log.c.version > since, log.c.version <= version)
    ).all()
    everything = any(kind == transactions.KIND_ALL for kind, _ in found) or since == 0
    figure_kinds = (transactions.KIND_COMMIT, transactions.KIND_RETRACT, transactions.KIND_REVIEW)
    changed_at = connection.execute(
        sa.select(sa.func.max(log.c.happened_at)).where(
            log.c.version > (0 if everything else since), log.c.version <= version, log.c.kind.in_(figure_kinds)
        )
    ).scalar_one_or_none()
    up, rows = schema.uploads, schema.upload_rows
    if everything:
        ids = [str(i) for i in connection.execute(sa.select(up.c.upload_id)).scalars()]
        new = ids
    else:
        ids = sorted({str(u) for kind, u in found if u and kind in figure_kinds})
        new = sorted({str(u) for kind, u in found if u and kind == transactions.KIND_COMMIT})
    uploads = _fetch(connection, sa.select(up).where(up.c.upload_id.in_(ids)), up) if ids else _empty(up)
    figures = (
        _fetch(connection, sa.select(rows).where(rows.c.upload_id.in_(new)).order_by(rows.c.obs_id), rows)
        if new else _empty(rows)
    )  # fmt: skip
    audit = schema.audit
    audit_rows = _fetch(
        connection, sa.select(audit).where(audit.c.audit_id > (0 if everything else audit_since)), audit
    )
    changed = pa.table({"upload_id": pa.array(ids, type=pa.string())})
    return Changes(version, everything, changed, uploads, figures, audit_rows, changed_at)


def _empty(table: sa.Table) -> pa.Table:
    return _arrow_schema(table).empty_table()


def apply(conn: duckdb.DuckDBPyConnection, changes: Changes) -> None:
    """Apply ``changes`` inside the caller's DuckDB transaction."""
    prefix = {"prefix": UPLOAD_SOURCE_PREFIX}
    if changes.everything:
        sql.run(conn, "reset_uploads", prefix)
        conn.execute(sql.load("recompute_current"))
    frames = {"changed_ids": changes.changed_ids, "incoming_uploads": changes.uploads,
              "incoming_rows": changes.rows, "incoming_audit": changes.audit}  # fmt: skip
    for name, frame in frames.items():
        conn.register(name, frame)
    try:
        if changes.changed_ids.num_rows:
            sql.run(conn, "refresh_uploads", prefix)
            conn.execute(sql.load("recompute_current"))
        if changes.audit.num_rows:
            conn.execute(sql.load("refresh_audit"))
    finally:
        for name in frames:
            conn.unregister(name)
